"""The gym preset's admin pages, in Debian's chromium against the live API (the gym is installed
through its entry point): the menu lists them; the front desk finds a member by phone and checks
them in, a visit goes and points arrive; a card product is created, a duplicate name answered at
its field; the stats show the chart and the renewal rate; in English; and at a phone's width the
front desk fits without sideways scrolling. Screenshots land in test-artifacts/screenshots/gym-*.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Locator, Page, expect

from membership.db import PgTarget
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.viewports import assert_no_sideways_scroll, screenshot, use_device
from tests.conftest import Api, TenantFixture, make_tenant

__all__ = ["browser_page", "live_server", "pytestmark"]

ENABLE = """mutation { enablePlugin(name: "gym", config: {}) {
  plugin { enabled } errors { code field message } } }"""
CREATE_MEMBER = """mutation($phone: String!) { createMember(input: {phone: $phone, name: "韩梅梅"}) {
  member { id } errors { code } } }"""
PRODUCTS = "{ cardProducts { id name } }"
SELL = """mutation($input: SellCardInput!) { sellCard(input: $input) {
  card { id } errors { code field message } } }"""


async def live(base: str, query: str, variables: dict[str, object], token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=20) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]  # type: ignore[no-any-return]


async def gym_with_member(base: str, gym: TenantFixture, phone: str) -> str:
    """Enable the gym, and give a new member a month card that ended ten days ago and, bought
    after it, a 10-visit card (a renewal)."""
    enabled = await live(base, ENABLE, {}, gym.owner_token)
    assert enabled["enablePlugin"] == {"plugin": {"enabled": True}, "errors": []}
    made = await live(base, CREATE_MEMBER, {"phone": phone}, gym.owner_token)
    member_id = str(made["createMember"]["member"]["id"])
    products = await live(base, PRODUCTS, {}, gym.owner_token)
    ids = {p["name"]: p["id"] for p in products["cardProducts"]}
    long_ago = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    for name, starts in (("月卡", long_ago), ("10 次卡", None)):
        sale = {"memberId": member_id, "productId": ids[name], "idempotencyKey": uuid.uuid4().hex}
        if starts:
            sale["startsAt"] = starts
        sold = await live(base, SELL, {"input": sale}, gym.owner_token)
        assert sold["sellCard"]["errors"] == []
    return member_id


def nav(page: Page, path: str) -> Locator:
    return page.locator(f"[data-testid=plugin-nav][data-plugin=gym][data-page={path}]")


async def find(page: Page, phone: str) -> None:
    desk = page.get_by_test_id("gym-front-desk")
    await desk.get_by_test_id("gym-desk-search").fill(phone)
    await desk.get_by_test_id("gym-desk-search").press("Enter")
    await expect(desk.get_by_test_id("gym-desk-member")).to_be_visible()


async def test_the_front_desk_checks_a_member_in_and_the_other_gym_pages_work(
    live_server: str, browser_page: Page, database: PgTarget, api: Api
) -> None:
    page, base = browser_page, live_server
    gym = await make_tenant(database, api)
    phone = f"1391{uuid.uuid4().int % 10_000_000:07d}"
    await gym_with_member(base, gym, phone)
    await _login(page, base, gym.info.slug, gym.owner_email, gym.owner_password)

    # the menu, in Chinese
    for path, title in (("front-desk", "前台签到"), ("products", "卡种"), ("stats", "数据")):
        await expect(nav(page, path)).to_have_text(title)

    # the front desk: find, check in, a visit goes and points arrive
    await nav(page, "front-desk").click()
    await page.wait_for_url(re.compile(r"/admin/plugins/gym/front-desk$"))
    await find(page, phone)
    desk = page.get_by_test_id("gym-front-desk")
    visits = desk.locator("[data-testid=gym-card][data-status=ACTIVE]").get_by_test_id(
        "gym-card-visits"
    )
    await expect(visits).to_have_text("剩余次数: 10")
    await expect(desk.locator("[data-testid=gym-card][data-status=EXPIRED]")).to_have_count(1)
    points = desk.get_by_test_id("gym-desk-points").locator(".ant-statistic-content-value")
    before = int((await points.inner_text()).replace(",", ""))
    await desk.get_by_test_id("gym-check-in").click()
    notice = desk.get_by_test_id("gym-desk-notice")
    await expect(notice).to_contain_text("获得 10 积分")
    await expect(notice).to_contain_text("10 次卡")
    await expect(visits).to_have_text("剩余次数: 9")
    await expect(points).to_have_text(re.compile(f"^{before + 10:,}$"))
    await screenshot(page, "gym-front-desk")

    # card products: a duplicate name is answered at its field; a new one joins the list
    await nav(page, "products").click()
    form = page.get_by_test_id("gym-product-form")
    await expect(page.get_by_test_id("gym-product")).to_have_count(3)
    await form.get_by_test_id("gym-product-name").fill("月卡")
    await form.get_by_test_id("gym-product-price").fill("199")
    await form.get_by_test_id("gym-product-create").click()
    await expect(form.locator(".ant-form-item-explain-error")).to_contain_text(
        "已有名为 月卡 的卡种"
    )
    await form.get_by_test_id("gym-product-name").fill("季卡")
    await form.get_by_test_id("gym-product-days").fill("90")
    await form.get_by_test_id("gym-product-create").click()
    made = page.locator("[data-testid=gym-product][data-name=季卡]")
    await expect(made).to_contain_text("90 天")
    await expect(made).to_contain_text("¥199.00")

    # stats: the chart draws, and the renewal: one ended card, renewed
    await nav(page, "stats").click()
    stats = page.get_by_test_id("gym-stats")
    await expect(stats.get_by_test_id("gym-stats-chart").locator("canvas")).to_have_count(1)
    await expect(stats.get_by_test_id("gym-stats-rate")).to_contain_text("100.0%")
    await expect(stats.get_by_test_id("gym-stats-ratio")).to_contain_text("1 位会员")
    # the range is the gym's last 30 days, in the gym's time zone
    today = datetime.now(ZoneInfo(gym.info.timezone)).date()
    for field, day in (("from", today - timedelta(days=29)), ("until", today)):
        box = stats.locator(
            f"[data-testid=gym-stats-{field}] input, input[data-testid=gym-stats-{field}]"
        )
        assert await box.input_value() == day.isoformat(), field
    await screenshot(page, "gym-stats")

    # in English
    await page.get_by_test_id("lang-switch").get_by_text("EN").click()
    await page.wait_for_function("() => document.documentElement.lang === 'en'")
    await expect(nav(page, "front-desk")).to_have_text("Front desk")
    await expect(stats.get_by_test_id("gym-stats-renewal")).to_contain_text("Renewal rate")
    await nav(page, "front-desk").click()
    await find(page, phone)
    await expect(page.get_by_test_id("gym-check-in")).to_have_text("Check in")


async def test_the_front_desk_fits_a_phone(
    live_server: str, browser_page: Page, database: PgTarget, api: Api
) -> None:
    page, base = browser_page, live_server
    gym = await make_tenant(database, api)
    phone = f"1391{uuid.uuid4().int % 10_000_000:07d}"
    await gym_with_member(base, gym, phone)
    await use_device(page, "phone")
    # A browser twenty hours behind the gym: for twenty hours of every day its calendar shows
    # another day than the gym's, and the desk must still count in the gym's days.
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Emulation.setTimezoneOverride", {"timezoneId": "Etc/GMT+12"})
    await _login(
        page,
        base,
        gym.info.slug,
        gym.owner_email,
        gym.owner_password,
        path="plugins/gym/front-desk",
        ready="gym-front-desk",
    )
    await find(page, phone)
    await page.get_by_test_id("gym-card-freeze").first.click()
    await expect(page.get_by_test_id("gym-freeze-form")).to_be_visible()
    # the freeze form opens on the gym's today and the six days after it
    today = datetime.now(ZoneInfo(gym.info.timezone)).date()
    shown = await page.evaluate("() => new Date().toString()")
    for field, day in (("from", today), ("until", today + timedelta(days=6))):
        testid = f"gym-freeze-{field}"
        box = page.locator(f"input[data-testid={testid}], [data-testid={testid}] input")
        assert await box.input_value() == day.isoformat(), (field, shown)
    await assert_no_sideways_scroll(page)
    button = await page.get_by_test_id("gym-check-in").bounding_box()
    assert button is not None and button["height"] >= 44
    await screenshot(page, "gym-front-desk-phone")

    # the freeze is saved: days in the gym's time zone, not the browser's
    tomorrow = datetime.now(ZoneInfo(gym.info.timezone)).date() + timedelta(days=1)
    form = page.get_by_test_id("gym-freeze-form")
    for field, day in (("from", tomorrow), ("until", tomorrow + timedelta(days=2))):
        testid = f"gym-freeze-{field}"  # antd puts it on the input or on its group
        box = form.locator(f"input[data-testid={testid}], [data-testid={testid}] input")
        await box.fill(day.isoformat())
    await form.get_by_test_id("gym-freeze-save").click()
    await expect(page.get_by_test_id("gym-desk-notice")).to_contain_text("已冻结，到期日顺延")
    await expect(page.get_by_test_id("gym-freeze-form")).to_have_count(0)
