"""The test clock in the admin SPA: a sandbox tenant's header shows its frozen time; the owner
advances it a week from the panel, the page reloads at the new time, and the API agrees. A live
tenant's header has no clock.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process). Screenshots land in
test-artifacts/screenshots/ as 90-92.
"""

from __future__ import annotations

from datetime import datetime

from membership.db import PgTarget
from tests.browser.test_admin import SHOTS, _login, browser_page, live_server, pytestmark
from tests.conftest import Api, make_tenant
from tests.testclock.conftest import day, make_sandbox

__all__ = ["browser_page", "live_server", "pytestmark"]

CLOCK = "{ viewer { tenant { testClock { frozenTime status } } } }"


async def test_owner_advances_a_sandbox_clock_a_week_from_the_header(
    live_server: str, browser_page: object, database: PgTarget, api: Api
) -> None:
    page: object = browser_page
    sandbox = await make_sandbox(database, api)
    await _login(page, live_server, sandbox.info.slug, sandbox.owner_email, sandbox.owner_password)
    button = page.get_by_test_id("test-clock")  # type: ignore[attr-defined]
    await button.wait_for()
    assert "2026-01-01 09:00" in await button.inner_text()

    await button.click()
    panel = page.get_by_test_id("test-clock-panel")  # type: ignore[attr-defined]
    await panel.wait_for()
    assert await page.get_by_test_id("test-clock-status").get_attribute("data-status") == "READY"  # type: ignore[attr-defined]
    await page.get_by_test_id("test-clock-plusWeek").click()  # type: ignore[attr-defined]
    picked = page.locator("[data-testid=test-clock-to] input")  # type: ignore[attr-defined]
    assert await picked.input_value() == "2026-01-08 09:00"
    await panel.screenshot(path=str(SHOTS / "90-test-clock-panel.png"))

    # when: advanced, the page reloads at the new time
    await page.get_by_test_id("test-clock-advance").click()  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=test-clock]')?.textContent"
        "?.includes('2026-01-08 09:00')"
    )
    await page.get_by_test_id("member-search").wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "91-test-clock-advanced.png"))  # type: ignore[attr-defined]

    clock = (await api(CLOCK, token=sandbox.owner_token))["viewer"]["tenant"]["testClock"]
    assert (datetime.fromisoformat(clock["frozenTime"]), clock["status"]) == (day(7), "READY")

    # and: going back is refused with the server's words, and nothing changes
    await page.get_by_test_id("test-clock").click()  # type: ignore[attr-defined]
    to = page.locator("[data-testid=test-clock-to] input")  # type: ignore[attr-defined]
    await to.click()
    await to.fill("2026-01-08 08:00")
    await to.press("Enter")
    await page.get_by_test_id("test-clock-time").click()  # type: ignore[attr-defined]  # closes the picker
    await page.get_by_test_id("test-clock-advance").click()  # type: ignore[attr-defined]
    error = page.get_by_test_id("test-clock-error")  # type: ignore[attr-defined]
    await error.wait_for()
    # in the UI's language, with the clock's time as the tenant reads it
    assert "只能向前" in await error.inner_text()
    assert "2026-01-08T09:00+08:00" in await error.inner_text()
    await page.get_by_test_id("test-clock-panel").screenshot(  # type: ignore[attr-defined]
        path=str(SHOTS / "92-test-clock-refused.png")
    )
    clock = (await api(CLOCK, token=sandbox.owner_token))["viewer"]["tenant"]["testClock"]
    assert datetime.fromisoformat(clock["frozenTime"]) == day(7)


async def test_a_live_tenant_has_no_test_clock_in_the_header(
    live_server: str, browser_page: object, database: PgTarget, api: Api
) -> None:
    page: object = browser_page
    live = await make_tenant(database, api)
    await _login(page, live_server, live.info.slug, live.owner_email, live.owner_password)
    await page.get_by_test_id("header-tenant").wait_for()  # type: ignore[attr-defined]
    await page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert await page.get_by_test_id("test-clock").count() == 0  # type: ignore[attr-defined]
