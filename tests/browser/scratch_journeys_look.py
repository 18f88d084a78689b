from __future__ import annotations
import pytest
from membership.db import PgTarget
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.viewports import screenshot, use_device
from tests.conftest import Api, TenantFixture, make_tenant
from tests.journeys.conftest import save

__all__ = ["browser_page", "live_server", "pytestmark"]

DEF = {
    "trigger": {"type": "event", "event": "order.recorded", "if": "member.pointsBalance > 10"},
    "entry": "rich",
    "reentry": "P30D",
    "steps": {
        "rich": {"type": "condition", "if": "member.pointsBalance > 1000", "then": "tag", "else": "wait"},
        "tag": {"type": "addTag", "tag": "VIP", "next": "end"},
        "wait": {"type": "waitForEvent", "event": "coupon.redeemed", "timeout": "P3D", "onEvent": "end", "onTimeout": "task"},
        "task": {"type": "createTask", "title": "Call", "assignTo": "accountManager", "dueIn": "P1D", "next": "pts"},
        "pts": {"type": "grantPoints", "points": 50, "reason": "sorry", "next": "end"},
    },
}

@pytest.fixture
async def shop(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)

async def test_look(live_server: str, browser_page: object, shop: TenantFixture, api: Api) -> None:
    page = browser_page
    saved = await save(api, shop, DEF)
    assert saved["errors"] == [], saved
    jid = saved["journey"]["id"]
    await page.add_init_script("window.localStorage.setItem('membership.admin.lang', 'en')")
    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password, path=f"journeys/{jid}", ready="journey-canvas")
    await page.get_by_test_id("journey-valid").wait_for()
    await page.wait_for_timeout(600)
    await screenshot(page, "scratch-en-builder", full_page=False)
    await page.locator("[data-testid=journey-node][data-node='task']").click()
    await page.get_by_test_id("step-form").wait_for()
    await page.wait_for_timeout(600)
    await screenshot(page, "scratch-en-task", full_page=False)
    await page.locator("[data-testid=journey-node][data-node='trigger']").click()
    await page.wait_for_timeout(600)
    await screenshot(page, "scratch-en-trigger", full_page=False)
    await use_device(page, "tablet")
    await page.get_by_test_id("journey-tab-versions").click()
    await page.wait_for_timeout(600)
    await screenshot(page, "scratch-en-versions", full_page=False)
    print(await page.evaluate("window.__i18nMissing"))
