"""The admin SPA in Debian's chromium, driven by Playwright, against a live API process.

Screenshots of every page visited land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from membership.db import PgTarget
from membership.demo import seed_members, seed_reference_data
from tests.conftest import Api, TenantFixture, make_tenant

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (ROOT / "admin_spa" / "dist" / "index.html").exists(),
        reason="admin SPA not built (scripts/setup builds it)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_api(database: PgTarget, redis_url: str, **env: str) -> Iterator[str]:
    """The API as its own uvicorn process on a free port, ready; ``env`` adds settings."""
    port = _free_port()
    environment = {**os.environ, "DATABASE_URL": database.dsn(), "REDIS_URL": redis_url, **env}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "membership.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=environment,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("API did not become ready")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def live_server(database: PgTarget, redis_url: str) -> Iterator[str]:
    with running_api(database, redis_url) as base:
        yield base


@pytest.fixture
async def browser_page() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = await browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        try:
            yield page
        finally:
            await browser.close()


@pytest.fixture
async def shop(database: PgTarget, api: Api) -> TenantFixture:
    tenant = await make_tenant(database, api)
    await seed_reference_data(tenant.ctx)
    await seed_members(tenant.ctx, 40, start_index=0)
    return tenant


async def _login(
    page: object,
    base: str,
    slug: str,
    email: str,
    password: str,
    *,
    path: str = "members",
    ready: str = "member-search",
) -> None:
    """Sign in from ``/admin/<path>``, which the SPA returns to, and wait for ``ready`` there.

    The default is the members list; ``path=""`` lands on the viewer's home page (the dashboard
    for anyone who reads the analytics, else the counter for anyone who records sales).
    """
    await page.goto(f"{base}/admin/{path}")  # type: ignore[attr-defined]
    await page.get_by_test_id("login-tenant").fill(slug)  # type: ignore[attr-defined]
    await page.get_by_test_id("login-email").fill(email)  # type: ignore[attr-defined]
    await page.get_by_test_id("login-password").fill(password)  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "01-login.png"))  # type: ignore[attr-defined]
    await page.get_by_test_id("login-submit").click()  # type: ignore[attr-defined]
    await page.get_by_test_id(ready).wait_for()  # type: ignore[attr-defined]


async def test_owner_logs_in_finds_a_member_by_phone_and_edits_a_field(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.get_by_test_id("member-row").first.wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "02-members.png"))  # type: ignore[attr-defined]

    # as you type: the 8th demo member's phone, +86 1740 000 0007
    await page.get_by_test_id("member-search").fill("17400000007")  # type: ignore[attr-defined]
    rows = page.get_by_test_id("member-row")  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelectorAll('[data-testid=member-row]').length === 1"
    )
    await page.screenshot(path=str(SHOTS / "03-search.png"))  # type: ignore[attr-defined]
    await rows.first.click()

    await page.get_by_test_id("member-phone").wait_for()  # type: ignore[attr-defined]
    # mainland numbers read as merchants write them, without +86
    assert await page.get_by_test_id("member-phone").inner_text() == "17400000007"  # type: ignore[attr-defined]
    # the profile form opens on demand
    await page.get_by_test_id("member-edit").click()  # type: ignore[attr-defined]
    name_input = page.get_by_test_id("member-edit-name")  # type: ignore[attr-defined]
    await name_input.fill("浏览器改名")
    await page.get_by_test_id("member-save").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("member-tab-audit").click()  # type: ignore[attr-defined]
    await page.locator("[data-testid=audit-action][data-action='member.update']").first.wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "04-member-detail.png"), full_page=True)  # type: ignore[attr-defined]

    found = await api('{ member(phone: "17400000007") { name } }', token=shop.secret_key)
    assert found["member"]["name"] == "浏览器改名"

    for route, testid, shot in (
        ("custom-fields", "cf-create", "05-custom-fields"),
        ("staff", "staff-create", "06-staff"),
        ("api-keys", "apikey-create", "07-api-keys"),
    ):
        await page.goto(f"{live_server}/admin/{route}")  # type: ignore[attr-defined]
        await page.get_by_test_id(testid).wait_for()  # type: ignore[attr-defined]
        await page.screenshot(path=str(SHOTS / f"{shot}.png"))  # type: ignore[attr-defined]


async def test_clerk_sees_a_masked_phone_and_reveals_it(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    await api(
        """mutation($input: CreateStaffInput!) { createStaff(input: $input) { errors { code } } }""",
        {"input": {"email": "clerk@shop.example.com", "password": "clerk-pass-1", "role": "clerk"}},
        token=shop.owner_token,
    )
    await _login(page, live_server, shop.info.slug, "clerk@shop.example.com", "clerk-pass-1")
    await page.get_by_test_id("member-search").fill("17400000003")  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelectorAll('[data-testid=member-row]').length === 1"
    )
    await page.get_by_test_id("member-row").first.click()  # type: ignore[attr-defined]
    phone = page.get_by_test_id("member-phone")  # type: ignore[attr-defined]
    await phone.wait_for()
    assert "****" in await phone.inner_text()
    await page.screenshot(path=str(SHOTS / "08-clerk-masked.png"))  # type: ignore[attr-defined]
    await page.get_by_test_id("reveal-phone").click()  # type: ignore[attr-defined]
    await phone.filter(has_text="17400000003").wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "09-clerk-revealed.png"))  # type: ignore[attr-defined]
