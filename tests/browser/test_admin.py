"""The admin SPA in Debian's chromium, driven by Playwright, against a live API process.

Screenshots of every page visited land in test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from membership.db import PgTarget
from membership.demo import seed_members, seed_reference_data
from tests.browser.live import ROOT, running_api
from tests.conftest import Api, TenantFixture, make_tenant

if TYPE_CHECKING:
    from playwright.async_api import Browser

__all__ = ["ROOT", "SHOTS", "browser_page", "live_server", "running_api"]

SHOTS = ROOT / "test-artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (ROOT / "admin_spa" / "dist" / "index.html").exists(),
        reason="admin SPA not built (scripts/setup builds it)",
    ),
]


@pytest.fixture(scope="module")
def live_server(shared_api: str) -> str:
    """The worker's API process (tests/browser/conftest.py), shared by the modules that need no
    settings of their own; each test makes its own tenant."""
    return shared_api


@pytest.fixture
async def browser_page(chromium: Browser) -> AsyncIterator[object]:
    """A page in a context of its own (cookies, storage, permissions), in the worker's browser."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = await chromium.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    try:
        yield await context.new_page()
    finally:
        await context.close()


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
