"""The overview (数据概览) in the admin SPA: the home page of whoever reads the analytics, its figures
equal to the API's for the period picked, its series per day, week or month, and every figure a
link to the members behind it; at a tablet's and a phone's width, and in English.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process) over a history made
through the services (tests.analytics.history) and its roll-up rebuilt; screenshots land in
test-artifacts/screenshots/dashboard-<step>-<width>.png.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

import membership.analytics.rollup
from membership.db import PgTarget
from tenants.context import RequestContext
from tests.analytics.history import make_history
from tests.browser.selects import choose
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.viewports import (
    NetworkQuiet,
    assert_no_sideways_scroll,
    assert_tap_targets,
    screenshot,
)
from tests.conftest import Api, TenantFixture, make_tenant

if TYPE_CHECKING:
    import httpx
    from playwright.async_api import Page

__all__ = ["browser_page", "live_server", "pytestmark"]

START, UNTIL = date(2026, 1, 1), date(2026, 3, 31)
PERIOD = f"from={START}&until={UNTIL}"

OVERVIEW = """query($from: Date!, $until: Date!) {
  analyticsOverview(from: $from, until: $until) {
    newMembers activeMembers orders revenue averageOrderValue itemsPerOrder
    repurchaseRate churnRate pointsLiability couponRedemptionRate
  }
}"""
SERIES = """query($from: Date!, $until: Date!, $granularity: Granularity!) {
  memberGrowth(from: $from, until: $until, granularity: $granularity) { date value }
  revenueSeries(from: $from, until: $until, granularity: $granularity) { date value }
}"""
BREAKDOWN = """query($from: Date!, $until: Date!) {
  rfmReport { segments { rfmClass members } }
  tierContribution(from: $from, until: $until) { tier { id } members revenue }
  channelValue(from: $from, until: $until) { sourceChannel members revenue }
  viewer { tenant { timezone } }
}"""

KPIS = [
    "newMembers",
    "activeMembers",
    "orders",
    "revenue",
    "averageOrderValue",
    "itemsPerOrder",
    "repurchaseRate",
    "churnRate",
    "pointsLiability",
    "couponRedemptionRate",
]
RATES = {"repurchaseRate", "churnRate", "couponRedemptionRate"}


@pytest.fixture(scope="module")
async def history_shop(database: PgTarget, client: httpx.AsyncClient) -> TenantFixture:
    """A tenant with members, orders, refunds, coupons and tiers over Jan–Mar 2026, rolled up."""
    shop = await make_tenant(database, Api(client))
    await make_history(shop.info, seed=11)
    await membership.analytics.rollup.rebuild(RequestContext.system(shop.info))
    return shop


async def _overview(api: Api, shop: TenantFixture, start: date, until: date) -> dict[str, Any]:
    variables = {"from": start.isoformat(), "until": until.isoformat()}
    data = await api(OVERVIEW, variables, token=shop.owner_token)
    overview: dict[str, Any] = data["analyticsOverview"]
    return overview


def _before(start: date, until: date) -> tuple[date, date]:
    """The equally long period just before (what the cards compare with)."""
    end = start - timedelta(days=1)
    return end - (until - start), end


async def _open(page: Page, base: str, query: str) -> None:
    """Go to the overview with ``query`` and wait until its figures are in."""
    await page.goto(f"{base}/admin/dashboard?{query}")
    await page.get_by_test_id("dashboard-kpi").first.wait_for()
    await page.wait_for_function(
        "() => document.querySelector('[data-testid=dashboard-trend]')?.dataset.buckets"
    )


async def _kpis(page: Page) -> dict[str, dict[str, str]]:
    """Each card's key → its value and previous value (data attributes), text, change and tone."""
    found: dict[str, dict[str, str]] = await page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid=dashboard-kpi]')]
          .map((card) => [card.dataset.kpi, {
            value: card.dataset.value, previous: card.dataset.previous,
            href: card.getAttribute('href'),
            text: card.querySelector('[data-testid=dashboard-kpi-value]').textContent,
            change: card.querySelector('[data-testid=dashboard-kpi-change]').textContent,
            tone: card.querySelector('[data-testid=dashboard-kpi-change]').dataset.tone,
          }]))"""
    )
    return found


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def _money(fen: int) -> str:
    return f"¥{fen / 100:,.2f}"


async def test_the_overview_is_the_owners_home_page(
    live_server: str, browser_page: Page, history_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = history_shop
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path="",
        ready="dashboard-kpis",
    )
    assert page.url.endswith("/admin/dashboard"), page.url
    # first in the menu, titled in the tab, the time zone beside the period
    first = page.locator(".ant-layout-sider [data-testid^=nav-]").first
    assert await first.get_attribute("data-testid") == "nav-dashboard"
    assert await page.title() == "数据概览 · 会员管理后台"
    data = await api(BREAKDOWN, {"from": "2026-01-01", "until": "2026-01-31"}, shop.owner_token)
    zone = data["viewer"]["tenant"]["timezone"]
    assert await page.get_by_test_id("dashboard-timezone").inner_text() == f"时区：{zone}"
    # the default period: the last 30 days up to the tenant's today, in the URL once touched
    period = page.get_by_test_id("dashboard-period")
    start = date.fromisoformat(str(await period.get_attribute("data-from")))
    until = date.fromisoformat(str(await period.get_attribute("data-until")))
    assert (until - start).days == 29
    await screenshot(page, "dashboard-home")
    # a preset: the last 7 days up to the same today, into the URL
    await choose(page, page.get_by_test_id("dashboard-preset"), "近 7 天")
    week = f"from={until - timedelta(days=6)}&until={until}"
    await page.wait_for_url(re.compile(rf"/admin/dashboard\?{week}$"))
    await page.wait_for_function(
        "(from) => document.querySelector('[data-testid=dashboard-kpi]')?.href.includes(from)",
        arg=str(until - timedelta(days=6)),
    )


async def test_a_custom_period_shows_the_apis_figures_and_their_change(
    live_server: str, browser_page: Page, history_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = history_shop
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path="dashboard",
        ready="dashboard-kpis",
    )
    # typed into the range picker, as a person would; the URL keeps it
    inputs = page.locator("[data-testid=dashboard-period] .ant-picker-range input")
    await inputs.nth(0).click()
    await inputs.nth(0).fill(START.isoformat())
    await inputs.nth(0).press("Enter")
    await inputs.nth(1).fill(UNTIL.isoformat())
    await inputs.nth(1).press("Enter")
    await page.wait_for_url(re.compile(rf"/admin/dashboard\?.*{PERIOD}"))
    await page.wait_for_function(
        "() => document.querySelector('[data-testid=dashboard-kpi]')?.getAttribute('href')"
        f".includes('{START}')"
    )
    expected = await _overview(api, shop, START, UNTIL)
    before = await _overview(api, shop, *_before(START, UNTIL))
    assert expected["orders"] > 0 and expected["activeMembers"] > 0  # the history is in the period
    shown = await _kpis(page)
    assert list(shown) == KPIS
    for key in KPIS:
        assert _number(shown[key]["value"]) == pytest.approx(expected[key]), key
        assert _number(shown[key]["previous"]) == pytest.approx(before[key]), key
    for key in ("newMembers", "activeMembers", "orders"):
        assert shown[key]["text"] == f"{expected[key]:,}", key
    for key in ("revenue", "averageOrderValue", "pointsLiability"):
        assert shown[key]["text"] == _money(expected[key]), key
    await page.get_by_test_id("dashboard-rfm-class").first.wait_for()
    await screenshot(page, "dashboard-custom-period")
    # the same survives a reload
    await page.reload()
    await page.get_by_test_id("dashboard-kpi").first.wait_for()
    assert (await _kpis(page))["revenue"]["value"] == str(expected["revenue"])

    # February against the four weeks before it: the change and its colour, per card
    feb, feb_end = date(2026, 2, 1), date(2026, 2, 28)
    await _open(page, live_server, f"from={feb}&until={feb_end}")
    now = await _overview(api, shop, feb, feb_end)
    then = await _overview(api, shop, *_before(feb, feb_end))
    shown = await _kpis(page)
    for key in KPIS:
        if key == "pointsLiability":  # a figure of now, not of the period
            assert shown[key]["tone"] == "0"
            continue
        cur, prev = now[key], then[key]
        if cur is None or prev is None or (key not in RATES and prev == 0):
            continue
        change = cur - prev if key in RATES else (cur - prev) / prev
        good = change < 0 if key == "churnRate" else change > 0
        tone = "0" if abs(change) < 1e-9 else ("1" if good else "-1")
        assert shown[key]["tone"] == tone, (key, cur, prev, shown[key])
        if key in RATES and abs(change) >= 0.0005:
            points = f"{abs(change) * 100:.1f}"
            assert f"{'+' if change > 0 else '−'}{points} 个百分点" in shown[key]["change"], key
        elif key not in RATES and abs(change) >= 0.0005:
            assert ("+" if change > 0 else "−") in shown[key]["change"], key
    await screenshot(page, "dashboard-february")


async def test_the_granularity_changes_the_buckets_and_a_bucket_leads_to_its_members(
    live_server: str, browser_page: Page, history_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = history_shop
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path=f"dashboard?{PERIOD}",
        ready="dashboard-kpis",
    )
    trend = page.get_by_test_id("dashboard-trend")
    counts: dict[str, int] = {}
    for granularity in ("DAY", "WEEK", "MONTH"):
        series = await api(
            SERIES,
            {"from": START.isoformat(), "until": UNTIL.isoformat(), "granularity": granularity},
            shop.owner_token,
        )
        await page.get_by_test_id(f"dashboard-granularity-{granularity}").click()
        await page.wait_for_url(re.compile(rf"granularity={granularity}"))
        await page.wait_for_function(
            "([g, n]) => { const c = document.querySelector('[data-testid=dashboard-trend]');"
            " return c.dataset.granularity === g && c.dataset.buckets === String(n); }",
            arg=[granularity, len(series["memberGrowth"])],
        )
        counts[granularity] = int(str(await trend.get_attribute("data-buckets")))
        await screenshot(page, f"dashboard-trend-{granularity.lower()}")
    # 90 days; ISO weeks from Monday 29 December to Monday 30 March; three months
    assert counts == {"DAY": 90, "WEEK": 14, "MONTH": 3}

    # by month: January's new members and revenue, each a link to its members
    series = await api(
        SERIES,
        {"from": START.isoformat(), "until": UNTIL.isoformat(), "granularity": "MONTH"},
        shop.owner_token,
    )
    january = page.get_by_test_id("dashboard-bucket-members").first
    assert await january.get_attribute("data-value") == str(series["memberGrowth"][0]["value"])
    revenue = page.get_by_test_id("dashboard-bucket-revenue").first
    assert await revenue.get_attribute("data-value") == str(series["revenueSeries"][0]["value"])
    assert await revenue.get_attribute("href") == (
        "/admin/members?activity=ACTIVE&from=2026-01-01&until=2026-01-31"
    )
    await january.click()
    await page.wait_for_url(
        re.compile(r"/admin/members\?joinedFrom=2026-01-01&joinedUntil=2026-01-31$")
    )

    # over three years a day is too fine: the switch offers weeks and months only
    await _open(page, live_server, "from=2022-01-01&until=2026-03-31&granularity=DAY")
    assert await trend.get_attribute("data-granularity") == "MONTH"
    day = page.locator(".ant-segmented-item", has=page.get_by_test_id("dashboard-granularity-DAY"))
    assert "ant-segmented-item-disabled" in str(await day.get_attribute("class"))


async def test_each_figure_leads_to_the_members_behind_it(
    live_server: str, browser_page: Page, history_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = history_shop
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path=f"dashboard?{PERIOD}",
        ready="dashboard-kpis",
    )
    activity = "/admin/members?activity={}&from=2026-01-01&until=2026-03-31"
    expected = {
        "newMembers": "/admin/members?joinedFrom=2026-01-01&joinedUntil=2026-03-31",
        "activeMembers": activity.format("ACTIVE"),
        "orders": activity.format("ACTIVE"),
        "revenue": activity.format("ACTIVE"),
        "averageOrderValue": activity.format("ACTIVE"),
        "itemsPerOrder": activity.format("ACTIVE"),
        "repurchaseRate": activity.format("REPURCHASED"),
        "churnRate": activity.format("CHURNED"),
        "pointsLiability": "/admin/members?minPoints=1",
        "couponRedemptionRate": activity.format("REDEEMED_COUPON"),
    }
    assert {key: card["href"] for key, card in (await _kpis(page)).items()} == expected

    data = await api(BREAKDOWN, {"from": "2026-01-01", "until": "2026-03-31"}, shop.owner_token)
    # tiers: one link each, members in no tier included
    await page.get_by_test_id("dashboard-tier").first.wait_for()
    tiers = await page.get_by_test_id("dashboard-tier").evaluate_all(
        "(links) => links.map((a) => [a.dataset.tierId, a.dataset.members, a.getAttribute('href')])"
    )
    assert sorted(map(tuple, tiers)) == sorted(
        [
            (
                row["tier"]["id"] if row["tier"] else "",
                str(row["members"]),
                f"/admin/members?tierId={row['tier']['id']}"
                if row["tier"]
                else "/admin/members?withoutTier=1",
            )
            for row in data["tierContribution"]
        ]
    )
    # channels: members who joined from each by the period's end ("" = none recorded)
    channels = await page.get_by_test_id("dashboard-channel").evaluate_all(
        "(links) => links.map((a) => [a.dataset.sourceChannel, a.dataset.revenue, a.getAttribute('href')])"
    )
    assert sorted(map(tuple, channels)) == sorted(
        [
            (
                row["sourceChannel"] or "",
                str(row["revenue"]),
                f"/admin/members?sourceChannel={row['sourceChannel'] or ''}&joinedUntil=2026-03-31",
            )
            for row in data["channelValue"]
        ]
    )
    assert "" in {channel for channel, _, _ in channels}  # the history has members of no channel

    await screenshot(page, "dashboard-breakdowns")
    await (
        page.get_by_test_id("dashboard-kpi").and_(page.locator("[data-kpi=activeMembers]")).click()
    )
    await page.wait_for_url(
        re.compile(r"/admin/members\?activity=ACTIVE&from=2026-01-01&until=2026-03-31$")
    )


async def test_an_rfm_class_leads_to_its_members(
    live_server: str, browser_page: Page, history_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = history_shop
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path=f"dashboard?{PERIOD}",
        ready="dashboard-kpis",
    )
    data = await api(BREAKDOWN, {"from": "2026-01-01", "until": "2026-03-31"}, shop.owner_token)
    expected = {row["rfmClass"]: str(row["members"]) for row in data["rfmReport"]["segments"]}
    links = page.get_by_test_id("dashboard-rfm-class")
    await links.first.wait_for()
    shown = await links.evaluate_all(
        "(links) => links.map((a) => [a.dataset.rfmClass, a.dataset.members, a.textContent])"
    )
    # all eight, important ones first, named in Chinese, counted as the API counts
    assert [row[0] for row in shown] == [
        "IMPORTANT_VALUE",
        "IMPORTANT_DEVELOP",
        "IMPORTANT_RETAIN",
        "IMPORTANT_WINBACK",
        "GENERAL_VALUE",
        "GENERAL_DEVELOP",
        "GENERAL_RETAIN",
        "GENERAL_WINBACK",
    ]
    assert [row[2] for row in shown] == [
        "重要价值",
        "重要发展",
        "重要保持",
        "重要挽留",
        "一般价值",
        "一般发展",
        "一般保持",
        "一般挽留",
    ]
    assert {row[0]: row[1] for row in shown} == expected
    target = next(code for code, members, _ in shown if members != "0")
    await page.locator(f"[data-testid=dashboard-rfm-class][data-rfm-class={target}]").click()
    await page.wait_for_url(re.compile(rf"/admin/members\?rfmClass={target}$"))


@pytest.mark.parametrize(("width", "height"), [(820, 1180), (390, 844)], ids=["tablet", "phone"])
async def test_it_fits_a_tablet_and_a_phone(
    width: int,
    height: int,
    live_server: str,
    browser_page: Page,
    history_shop: TenantFixture,
) -> None:
    page = browser_page
    shop = history_shop
    await page.set_viewport_size({"width": width, "height": height})
    quiet = NetworkQuiet(page)
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path=f"dashboard?{PERIOD}",
        ready="dashboard-kpis",
    )
    await page.get_by_test_id("dashboard-rfm-class").first.wait_for()
    await page.get_by_test_id("dashboard-channel").first.wait_for()
    await quiet.wait()
    await page.wait_for_timeout(300)  # the charts take their width
    await assert_no_sideways_scroll(page)
    # the cards wrap onto several rows, each within the window
    boxes = await page.get_by_test_id("dashboard-kpi").evaluate_all(
        "(cards) => cards.map((c) => { const r = c.getBoundingClientRect();"
        " return [Math.round(r.top), Math.round(r.right)]; })"
    )
    assert len({top for top, _ in boxes}) >= 3, boxes
    assert max(right for _, right in boxes) <= width
    # the charts are as wide as their cards
    for chart in ("dashboard-trend", "dashboard-rfm", "dashboard-channels"):
        widths = await page.get_by_test_id(chart).evaluate(
            "(card) => [card.getBoundingClientRect().width,"
            " card.querySelector('canvas')?.getBoundingClientRect().width ?? 0]"
        )
        assert 0 < widths[1] <= widths[0], (chart, widths)
    if width < 768:
        await assert_tap_targets(page)
    await screenshot(page, "dashboard")


async def test_it_speaks_english(
    live_server: str, browser_page: Page, history_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = history_shop
    await page.add_init_script("window.localStorage.setItem('membership.admin.lang', 'en')")
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path=f"dashboard?{PERIOD}",
        ready="dashboard-kpis",
    )
    await page.get_by_test_id("dashboard-rfm-class").first.wait_for()
    assert await page.title() == "Overview · Membership admin"
    content = page.locator("main.ant-layout-content")
    assert await content.get_by_role("heading", name="Overview").count() == 1
    shown = await _kpis(page)
    titles = await page.get_by_test_id("dashboard-kpi").evaluate_all(
        "(cards) => cards.map((c) => c.querySelector('.dashboard-kpi-title').textContent.trim())"
    )
    assert titles[:4] == ["New members", "Active members", "Orders", "Revenue"]
    expected = await _overview(api, shop, START, UNTIL)
    assert shown["revenue"]["text"] == _money(expected["revenue"])
    rate = expected["repurchaseRate"] * 100
    assert shown["repurchaseRate"]["text"] == f"{rate:.1f}%".replace(".0%", "%")
    assert await page.get_by_test_id("dashboard-rfm-class").first.inner_text() == "Important value"
    assert (await page.get_by_test_id("dashboard-timezone").inner_text()).startswith("Time zone: ")
    assert await page.get_by_test_id("dashboard-trend").locator(
        ".ant-card-head-title"
    ).inner_text() == ("Member growth and revenue")
    # nothing in Chinese but the tenant's own names (tiers)
    text = await content.inner_text()
    tier_names = {"普卡", "银卡", "金卡"}
    for name in tier_names:
        text = text.replace(name, "")
    assert not re.search(r"[\u4e00-\u9fff]", text), re.findall(r"[\u4e00-\u9fff]+", text)
    await screenshot(page, "dashboard-english")


async def test_a_period_that_ends_before_it_starts_is_refused_with_the_servers_word(
    live_server: str, browser_page: Page, history_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = history_shop
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path="dashboard?from=2026-03-31&until=2026-01-01",
        ready="dashboard-error",
    )
    # the message in the page's language, as the SPA asks for it
    response = await api.raw(
        OVERVIEW,
        {"from": "2026-03-31", "until": "2026-01-01"},
        token=shop.owner_token,
        headers={"accept-language": "zh-CN"},
    )
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID"
    alert = await page.get_by_test_id("dashboard-error").inner_text()
    assert alert.strip() == error["message"]
    assert await page.get_by_test_id("dashboard-kpi").count() == 0
    await screenshot(page, "dashboard-invalid-period")
