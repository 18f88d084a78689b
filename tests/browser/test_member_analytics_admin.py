"""The member page's 会员价值 card: the RFM class with R, F and M in words, and the churn risk with
what drives it.

A shop whose history lets the churn model tell kept members from lapsed ones, relative to today
(the API runs on the real clock): regulars who bought every 4 days until two days ago, members who
bought as often until 60 days ago and fell silent, one-time buyers, and a member without orders.
The card must show what the API returns for each member, the class link must open the members
list filtered to the class, English must follow, and a phone must not scroll sideways. Runs like
test_admin.py; screenshots land in test-artifacts/screenshots/member-analytics-<step>-<width>.png.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from playwright.async_api import Page

from membership.analytics.rollup import rebuild
from membership.analytics.scores import fit_churn_model
from membership.db import PgTarget
from membership.members.service import MemberChanges, create_member
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.viewports import assert_no_sideways_scroll, assert_tap_targets, screenshot
from tests.conftest import Api, TenantFixture, make_tenant

__all__ = ["browser_page", "live_server", "pytestmark"]

# The eight classes as the brief of the card names them.
CLASS_NAMES = {
    "IMPORTANT_VALUE": "重要价值",
    "IMPORTANT_DEVELOP": "重要发展",
    "IMPORTANT_RETAIN": "重要保持",
    "IMPORTANT_WINBACK": "重要挽留",
    "GENERAL_VALUE": "一般价值",
    "GENERAL_DEVELOP": "一般发展",
    "GENERAL_RETAIN": "一般保持",
    "GENERAL_WINBACK": "一般挽留",
}
LEVELS = {"LOW": "低风险", "MEDIUM": "中风险", "HIGH": "高风险"}
# H or L of R, F and M per class: 重要 is M high; 价值 R and F high, 发展 R, 保持 F, 挽留 neither.
HIGHS = {
    "IMPORTANT_VALUE": "HHH",
    "IMPORTANT_DEVELOP": "HLH",
    "IMPORTANT_RETAIN": "LHH",
    "IMPORTANT_WINBACK": "LLH",
    "GENERAL_VALUE": "HHL",
    "GENERAL_DEVELOP": "HLL",
    "GENERAL_RETAIN": "LHL",
    "GENERAL_WINBACK": "LLL",
}
VS_MEAN = {
    "recency": ("比平均更近", "比平均更久"),
    "frequency": ("比平均更多", "比平均更少"),
    "monetary": ("比平均更高", "比平均更低"),
}

ANALYTICS = """query($id: ID!) {
  member(id: $id) {
    rfm { orders purchaseDays firstOrderOn lastOrderOn recencyDays monetary rfmClass }
    churnRisk {
      risk level repeatPurchaseDays daysSinceLastPurchase typicalDaysBetweenPurchases
      expectedPurchasesNext30Days modelAsOf
    }
  }
}"""


@dataclass(frozen=True)
class ValueShop:
    tenant: TenantFixture
    regular_id: str
    lapsed_id: str
    no_orders_id: str


async def _insert_orders(
    tenant: TenantFixture, orders: list[tuple[uuid.UUID, datetime, int]]
) -> None:
    async with tenant_tx(RequestContext.system(tenant.info)) as conn:
        await conn.execute_query(
            "INSERT INTO orders (tenant_id, id, external_id, member_id, amount, status, "
            "request_hash, paid_at, created_at) "
            "SELECT $1, gen_random_uuid(), 'MA-' || n, m, amount, 'COMPLETED', 'x', at, at "
            "FROM unnest($2::uuid[], $3::timestamptz[], $4::bigint[]) "
            "WITH ORDINALITY AS o (m, at, amount, n)",
            [
                tenant.info.id,
                [m for m, _, _ in orders],
                [at for _, at, _ in orders],
                [amount for _, _, amount in orders],
            ],
        )


@pytest.fixture
async def value_shop(database: PgTarget, api: Api) -> ValueShop:
    """48 buyers (28 regulars, 12 lapsed, 8 one-time) and one member without orders, rolled up
    and with the churn model fitted as of today."""
    tenant = await make_tenant(database, api)
    ctx = RequestContext.system(tenant.info)
    now = datetime.now(UTC)
    kinds: dict[str, list[uuid.UUID]] = {"regular": [], "lapsed": [], "once": []}
    orders: list[tuple[uuid.UUID, datetime, int]] = []
    for n in range(48):
        kind = "regular" if n < 28 else "lapsed" if n < 40 else "once"
        member = await create_member(
            ctx, MemberChanges(phone=f"+8613722{n:06d}", name=f"{kind}-{n}")
        )
        kinds[kind].append(member.id)
        # days before today: regulars every 3 to 7 days until a few days ago, the lapsed every
        # 3 to 5 days until 60 days ago, one-time buyers once within the last three weeks (rates
        # that differ between members, as a shop's do, keep the fitted gamma mixing finite)
        regular_step, lapsed_step = 3 + n % 5, 3 + n % 3
        days_ago, amount = {
            "regular": (range(2 + n % regular_step, 60, regular_step), 6_000),
            "lapsed": (range(60, 80, lapsed_step), 18_000),
            "once": (range(1 + n % 20, 2 + n % 20), 9_900),
        }[kind]
        orders += [(member.id, now - timedelta(days=d), amount) for d in days_ago]
    await _insert_orders(tenant, orders)
    await rebuild(ctx)
    model = await fit_churn_model(ctx)
    assert model is not None and model.converged
    no_orders = await create_member(ctx, MemberChanges(phone="+8613722999999", name="新会员"))
    # members 0 and 28: the last purchase 2 and 60 days ago
    return ValueShop(tenant, str(kinds["regular"][0]), str(kinds["lapsed"][0]), str(no_orders.id))


async def _analytics(api: Api, tenant: TenantFixture, member_id: str) -> dict[str, Any]:
    data = await api(ANALYTICS, {"id": member_id}, tenant.owner_token)
    member: dict[str, Any] = data["member"]
    return member


def _decimal(value: float) -> str:
    """At most one decimal, as the card writes counts and days ("4", "12.5")."""
    text = f"{math.floor(value * 10 + 0.5) / 10:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _percent(share: float) -> str:
    return f"{math.floor(share * 100 + 0.5)}%"


def _yuan(fen: int) -> str:
    return f"¥{fen / 100:,.2f}"


async def _open_profile(page: Page, base: str, member_id: str) -> None:
    await page.goto(f"{base}/admin/members/{member_id}?tab=profile")
    await page.get_by_test_id("member-analytics").wait_for()
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=member-analytics] .ant-card-loading-content')"
    )


async def _text(page: Page, testid: str) -> str:
    return (await page.get_by_test_id(testid).inner_text()).strip()


async def _sign_in(page: Page, base: str, shop: ValueShop) -> None:
    tenant = shop.tenant
    await _login(page, base, tenant.info.slug, tenant.owner_email, tenant.owner_password)


async def _expect_rfm(page: Page, rfm: dict[str, Any]) -> None:
    """The card's RFM part, in Chinese, equal to what the API returns."""
    cls = rfm["rfmClass"]
    assert await _text(page, "member-rfm-class") == CLASS_NAMES[cls]
    assert await page.get_by_test_id("member-rfm-class").get_attribute("data-rfm-class") == cls
    assert await _text(page, "member-rfm-recency") == f"最近消费 {rfm['recencyDays']} 天前"
    assert (
        await _text(page, "member-rfm-frequency")
        == f"消费天数 {rfm['purchaseDays']} 天（共 {rfm['orders']} 笔订单）"
    )
    assert await _text(page, "member-rfm-monetary") == f"累计消费 {_yuan(rfm['monetary'])}"
    assert (
        await _text(page, "member-rfm-dates")
        == f"首单 {rfm['firstOrderOn']} · 末单 {rfm['lastOrderOn']}"
    )
    for (dimension, (high, low)), level in zip(VS_MEAN.items(), HIGHS[cls], strict=True):
        shown = await _text(page, f"member-rfm-{dimension}-vs-mean")
        assert shown == (high if level == "H" else low), (dimension, cls, shown)


async def _expect_risk(page: Page, risk: dict[str, Any]) -> None:
    """The card's churn part, in Chinese, equal to what the API returns."""
    assert await _text(page, "member-churn-level") == LEVELS[risk["level"]]
    assert await _text(page, "member-churn-percent") == _percent(risk["risk"])
    interval = _decimal(risk["typicalDaysBetweenPurchases"])
    assert (
        await _text(page, "member-churn-drivers")
        == f"上次消费已 {risk['daysSinceLastPurchase']} 天，平时约每 {interval} 天消费一次。"
    )
    expected = risk["expectedPurchasesNext30Days"]
    assert await _text(page, "member-churn-expected") == (
        "预计未来 30 天消费不到 0.1 次"
        if 0 < expected < 0.05
        else f"预计未来 30 天消费 {_decimal(expected)} 次"
    )


async def test_the_card_shows_a_regular_and_a_lapsed_member_as_the_api_does(
    live_server: str, browser_page: object, value_shop: ValueShop, api: Api
) -> None:
    page = cast(Page, browser_page)
    tenant = value_shop.tenant
    regular = await _analytics(api, tenant, value_shop.regular_id)
    lapsed = await _analytics(api, tenant, value_shop.lapsed_id)
    # the history does what it is meant to: kept and lapsed, 2 and 60 days since the last order
    assert regular["churnRisk"]["level"] == "LOW"
    assert lapsed["churnRisk"]["level"] == "HIGH"
    assert regular["rfm"]["recencyDays"] == regular["churnRisk"]["daysSinceLastPurchase"] == 2
    assert lapsed["rfm"]["recencyDays"] == lapsed["churnRisk"]["daysSinceLastPurchase"] == 60
    assert lapsed["churnRisk"]["typicalDaysBetweenPurchases"] == pytest.approx(4.0)
    # member 0 every 3 days from 59 to 2 days ago, member 28 every 4 days from 76 to 60 days ago
    assert regular["rfm"]["purchaseDays"] == 20 and lapsed["rfm"]["purchaseDays"] == 5
    assert regular["rfm"]["monetary"] == 20 * 6_000 and lapsed["rfm"]["monetary"] == 5 * 18_000

    await page.set_viewport_size({"width": 1366, "height": 860})
    await _sign_in(page, live_server, value_shop)

    await _open_profile(page, live_server, value_shop.regular_id)
    await _expect_rfm(page, regular["rfm"])
    await _expect_risk(page, regular["churnRisk"])
    assert await _text(page, "member-churn-level") == "低风险"
    await screenshot(page, "member-analytics-regular")

    await _open_profile(page, live_server, value_shop.lapsed_id)
    await _expect_rfm(page, lapsed["rfm"])
    await _expect_risk(page, lapsed["churnRisk"])
    assert await _text(page, "member-churn-level") == "高风险"
    assert (await _text(page, "member-churn-drivers")).startswith("上次消费已 60 天，")
    await screenshot(page, "member-analytics-lapsed")

    # the class leads to the members of the same class
    cls = lapsed["rfm"]["rfmClass"]
    link = page.get_by_test_id("member-rfm-class-link")
    assert CLASS_NAMES[cls] in await link.inner_text()
    await link.click()
    await page.wait_for_url(f"**/admin/members?rfmClass={cls}")
    await page.get_by_test_id("member-search").wait_for()


async def test_a_member_without_orders_and_a_shop_without_a_model_say_why(
    live_server: str, browser_page: object, value_shop: ValueShop, database: PgTarget, api: Api
) -> None:
    page = cast(Page, browser_page)
    await page.set_viewport_size({"width": 1366, "height": 860})
    none = await _analytics(api, value_shop.tenant, value_shop.no_orders_id)
    assert none["rfm"]["orders"] == 0 and none["churnRisk"] is None
    await _sign_in(page, live_server, value_shop)
    await _open_profile(page, live_server, value_shop.no_orders_id)
    assert (await _text(page, "member-analytics-no-orders")).startswith("还没有订单")
    assert await page.get_by_test_id("member-rfm").count() == 0
    assert await page.get_by_test_id("member-churn").count() == 0

    # a new shop, one buyer, no model yet: the RFM is there, the risk says why it is not
    small = await make_tenant(database, api)
    ctx = RequestContext.system(small.info)
    buyer = await create_member(ctx, MemberChanges(phone="+8613722888888", name="首单"))
    await _insert_orders(small, [(buyer.id, datetime.now(UTC) - timedelta(days=3), 12_300)])
    await rebuild(ctx)
    assert await fit_churn_model(ctx) is None
    seen = await _analytics(api, small, str(buyer.id))
    assert seen["churnRisk"] is None and seen["rfm"]["orders"] == 1

    # the other shop's owner, signed in as the login form would have stored the session
    await page.evaluate(
        "(token) => window.localStorage.setItem('membership.admin.token', token)",
        small.owner_token,
    )
    await _open_profile(page, live_server, str(buyer.id))
    await _expect_rfm(page, seen["rfm"])
    assert await _text(page, "member-rfm-monetary") == "累计消费 ¥123.00"
    assert "复购会员" in await _text(page, "member-churn-unavailable")
    assert await page.get_by_test_id("member-churn-level").count() == 0
    await screenshot(page, "member-analytics-no-model")


async def test_the_card_reads_in_english(
    live_server: str, browser_page: object, value_shop: ValueShop, api: Api
) -> None:
    page = cast(Page, browser_page)
    lapsed = await _analytics(api, value_shop.tenant, value_shop.lapsed_id)
    risk, rfm = lapsed["churnRisk"], lapsed["rfm"]
    await page.set_viewport_size({"width": 1366, "height": 860})
    await _sign_in(page, live_server, value_shop)
    await _open_profile(page, live_server, value_shop.lapsed_id)
    await page.get_by_test_id("lang-switch").get_by_text("EN").click()
    await page.wait_for_function("() => document.documentElement.lang === 'en'")

    title = page.get_by_test_id("member-analytics").locator(".ant-card-head-title")
    assert (await title.inner_text()).strip() == "Customer value"
    assert await _text(page, "member-churn-level") == "High risk"
    english = {"IMPORTANT": "Important", "GENERAL": "General"}
    weight, kind = rfm["rfmClass"].split("_")
    named = {
        "VALUE": "value",
        "DEVELOP": "to develop",
        "RETAIN": "to retain",
        "WINBACK": "to win back",
    }
    assert await _text(page, "member-rfm-class") == f"{english[weight]} {named[kind]}"
    assert await _text(page, "member-rfm-recency") == f"Last purchase {rfm['recencyDays']} days ago"
    assert await _text(page, "member-rfm-monetary") == f"Total spent {_yuan(rfm['monetary'])}"
    interval = _decimal(risk["typicalDaysBetweenPurchases"])
    assert await _text(page, "member-churn-drivers") == (
        f"{risk['daysSinceLastPurchase']} days since the last purchase; "
        f"usually buys about every {interval} days."
    )
    # long silent: a trace of a purchase, not a rounded zero
    assert 0 < risk["expectedPurchasesNext30Days"] < 0.05
    assert (
        await _text(page, "member-churn-expected")
        == "Expected purchases in the next 30 days: under 0.1"
    )
    await screenshot(page, "member-analytics-en")


async def test_the_card_fits_a_phone(
    live_server: str, browser_page: object, value_shop: ValueShop, api: Api
) -> None:
    page = cast(Page, browser_page)
    regular = await _analytics(api, value_shop.tenant, value_shop.regular_id)
    await page.set_viewport_size({"width": 390, "height": 844})
    await _sign_in(page, live_server, value_shop)
    await _open_profile(page, live_server, value_shop.regular_id)
    await _expect_rfm(page, regular["rfm"])
    await _expect_risk(page, regular["churnRisk"])
    await page.get_by_test_id("member-analytics").scroll_into_view_if_needed()
    await assert_no_sideways_scroll(page)
    await assert_tap_targets(page, root="[data-testid=member-analytics]")
    box = await page.get_by_test_id("member-analytics").bounding_box()
    assert box is not None and box["width"] <= 390
    # the two halves stack on a phone: the risk under the RFM
    rfm_box = await page.get_by_test_id("member-rfm").bounding_box()
    risk_box = await page.get_by_test_id("member-churn").bounding_box()
    assert rfm_box is not None and risk_box is not None
    assert risk_box["y"] >= rfm_box["y"] + rfm_box["height"]
    await screenshot(page, "member-analytics-phone")
