"""The 360° member page: a header with the member at a glance and quick actions, and tabs below it.

A member in 银卡 (three spend tiers) with two orders, points that expire within 30 days, an issued
coupon, tags and an account manager. At a phone, a counter tablet and a desktop a clerk (who sees
phones masked) finds everything in the header, the tabs switch, and nothing scrolls sideways; then
an owner changes the account manager, a clerk redeems a reward, and the profile form opens on
demand and saves. Runs like test_admin.py; screenshots land in
test-artifacts/screenshots/member-<step>-<width>.png.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page

from membership.db import PgTarget
from tests.browser.selects import choose
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.viewports import assert_no_sideways_scroll, assert_tap_targets, screenshot
from tests.conftest import Api, TenantFixture, make_tenant

__all__ = ["browser_page", "live_server", "pytestmark"]

CLERK_EMAIL, CLERK_PASSWORD = "desk@member-page.example.com", "desk-pass-1"

TIER = """mutation($input: CreateTierInput!) { createTier(input: $input) { errors { code message } } }"""
STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { staff { id } errors { code message } }
}"""
MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code message } }
}"""
ORDER = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { id } errors { code message } }
}"""
ADJUST = (
    """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { errors { code } } }"""
)
EXPIRY = """mutation($input: UpdatePointsSettingsInput!) {
  updatePointsSettings(input: $input) { errors { code message } }
}"""
EARNING = """mutation($input: UpdateEarningSettingsInput!) {
  updateEarningSettings(input: $input) { errors { code message } }
}"""
TEMPLATE = """mutation($input: CreateCouponTemplateInput!) {
  createCouponTemplate(input: $input) { template { id } errors { code message } }
}"""
ISSUE = """mutation($input: IssueCouponInput!) { issueCoupon(input: $input) { errors { code } } }"""
REWARD = """mutation($input: CreateRewardInput!) {
  createReward(input: $input) { reward { id } errors { code message } }
}"""
SEEN = """query($id: ID!) {
  viewer { tenant { timezone } }
  member(id: $id) {
    name pointsBalance pendingPoints pointsExpiring(days: 30) lastOrderAt
    tier { name }
    tierProgress { nextTier { name } remaining reviewAt belowSince }
    accountManager { name }
    coupons(status: ISSUED) { totalCount }
  }
}"""


@dataclass(frozen=True)
class MemberShop:
    tenant: TenantFixture
    member_id: str
    manager_id: str
    other_manager_id: str


def _ok(result: dict[str, Any], field: str) -> dict[str, Any]:
    payload: dict[str, Any] = result[field]
    assert payload["errors"] == [], payload
    return payload


@pytest.fixture
async def member_shop(database: PgTarget, api: Api) -> MemberShop:
    shop = await make_tenant(database, api)
    owner = shop.owner_token
    # Earned points expire 20 days on (so within the header's 30), orders' points pend 7 days.
    _ok(
        await api(
            EXPIRY, {"input": {"expiryPolicy": "DAYS_AFTER_EARNING", "expiryPeriod": 20}}, owner
        ),
        "updatePointsSettings",
    )
    _ok(await api(EARNING, {"input": {"returnWindowDays": 7}}, owner), "updateEarningSettings")
    for name, rank, threshold in (("普卡", 0, 0), ("银卡", 1, 100_000), ("金卡", 2, 500_000)):
        tier = {"name": name, "rank": rank, "metric": "SPEND", "threshold": threshold}
        _ok(await api(TIER, {"input": {**tier, "windowDays": 365}}, owner), "createTier")
    managers = []
    for email, name in (
        ("wang@member-page.example.com", "王经理"),
        ("li@member-page.example.com", "李顾问"),
    ):
        staff = {"email": email, "password": "sales-pass-1", "role": "marketer", "name": name}
        managers.append(
            _ok(await api(STAFF, {"input": staff}, owner), "createStaff")["staff"]["id"]
        )
    clerk = {"email": CLERK_EMAIL, "password": CLERK_PASSWORD, "role": "clerk"}
    _ok(await api(STAFF, {"input": clerk}, owner), "createStaff")

    member = {
        "phone": "13800138000",
        "name": "张小美",
        "tags": ["高价值", "母婴"],
        "accountManagerId": managers[0],
    }
    member_id = _ok(await api(MEMBER, {"input": member}, owner), "createMember")["member"]["id"]
    now = datetime.now(UTC)
    # ¥1,200 within the year: 银卡, ¥3,800 short of 金卡.
    for external_id, amount, days_ago in (("MP-1", 80_000, 10), ("MP-2", 40_000, 2)):
        order = {
            "externalId": external_id,
            "memberId": member_id,
            "amount": amount,
            "paidAt": (now - timedelta(days=days_ago)).isoformat(),
        }
        _ok(await api(ORDER, {"input": order}, shop.secret_key), "recordOrder")
    grant = {"memberId": member_id, "points": 500, "reason": "开卡礼", "idempotencyKey": "mp-grant"}
    _ok(await api(ADJUST, {"input": grant}, shop.secret_key), "adjustPoints")

    template = {"name": "满100减20", "kind": "AMOUNT_OFF", "amountOff": 2_000, "validDays": 30}
    template_id = _ok(await api(TEMPLATE, {"input": template}, owner), "createCouponTemplate")
    issue = {
        "templateId": template_id["template"]["id"],
        "memberId": member_id,
        "idempotencyKey": "mp-c",
    }
    _ok(await api(ISSUE, {"input": issue}, shop.secret_key), "issueCoupon")
    for name, cost in (("保温杯", 300), ("行李箱", 1_000_000)):
        _ok(
            await api(REWARD, {"input": {"name": name, "pointsCost": cost, "stock": 10}}, owner),
            "createReward",
        )
    return MemberShop(shop, member_id, managers[0], managers[1])


async def _seen(api: Api, shop: MemberShop) -> dict[str, Any]:
    data = await api(SEEN, {"id": shop.member_id}, shop.tenant.owner_token)
    member: dict[str, Any] = data["member"]
    member["timezone"] = data["viewer"]["tenant"]["timezone"]
    return member


def _local(value: str, timezone: str, pattern: str) -> str:
    return datetime.fromisoformat(value).astimezone(ZoneInfo(timezone)).strftime(pattern)


async def _open(page: Page, base: str, shop: MemberShop, email: str, password: str) -> None:
    await _login(page, base, shop.tenant.info.slug, email, password)
    await page.goto(f"{base}/admin/members/{shop.member_id}")
    await page.get_by_test_id("member-header").wait_for()


async def _text(page: Page, testid: str) -> str:
    return (await page.get_by_test_id(testid).inner_text()).strip()


async def _wait_text(page: Page, testid: str, expected: str) -> None:
    await page.wait_for_function(
        "([id, v]) => document.querySelector(`[data-testid=${id}]`)?.textContent.trim() === v",
        arg=[testid, expected],
    )


async def _bottom(page: Page, testid: str) -> float:
    box = await page.get_by_test_id(testid).bounding_box()
    assert box is not None, f"{testid} is not shown"
    return box["y"] + box["height"]


async def _choose(page: Page, select_testid: str, option: str) -> None:
    # the admin tests' one way to pick an antd option: it waits for the list to close again
    await choose(page, page.get_by_test_id(select_testid), option)


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1024, 768), (1366, 860)])
async def test_a_clerk_sees_the_member_at_a_glance_and_switches_tabs(
    live_server: str,
    browser_page: object,
    member_shop: MemberShop,
    api: Api,
    width: int,
    height: int,
) -> None:
    page = cast(Page, browser_page)
    seen = await _seen(api, member_shop)
    assert seen["tier"]["name"] == "银卡"
    assert seen["tierProgress"]["nextTier"]["name"] == "金卡"
    assert seen["tierProgress"]["remaining"] == 380_000
    assert seen["pointsExpiring"] >= 500
    assert seen["coupons"]["totalCount"] == 1
    timezone = seen["timezone"]

    await page.set_viewport_size({"width": width, "height": height})
    await _open(page, live_server, member_shop, CLERK_EMAIL, CLERK_PASSWORD)
    await page.get_by_test_id("points-ledger-row").first.wait_for()

    # --- the header: who, tier and progress, points, coupons, last visit, account manager
    assert await _text(page, "member-title") == "张小美"
    assert await _text(page, "member-phone") == "138****8000"
    assert await _text(page, "member-tier") == "银卡"
    assert await _text(page, "member-tier-progress") == "再消费 ¥3,800.00 升级金卡"
    review = _local(seen["tierProgress"]["reviewAt"], timezone, "%Y-%m-%d")
    assert await _text(page, "member-tier-review") == f"等级有效期至 {review}"
    assert await _text(page, "points-balance") == f"{seen['pointsBalance']:,}"
    assert await _text(page, "points-pending") == f"{seen['pendingPoints']:,}"
    assert seen["pendingPoints"] > 0
    assert await _text(page, "points-expiring") == f"{seen['pointsExpiring']:,}"
    assert await _text(page, "member-coupon-count") == "1"
    last_visit = _local(seen["lastOrderAt"], timezone, "%Y-%m-%d %H:%M")
    assert await _text(page, "member-last-visit-at") == last_visit
    assert (await _text(page, "member-last-visit")).replace(last_visit, "").strip()  # relative
    assert await _text(page, "member-account-manager") == "王经理"
    # a clerk cannot list the staff: the account manager is read-only
    assert await page.get_by_test_id("member-account-manager-edit").count() == 0
    tags = await _text(page, "member-tags")
    assert "高价值" in tags and "母婴" in tags
    # the clerk's quick actions; the profile form waits for the edit button
    for action in (
        "member-action-counter",
        "points-adjust",
        "member-action-issue-coupon",
        "member-action-redeem-coupon",
        "member-action-redeem-reward",
    ):
        assert await page.get_by_test_id(action).is_visible(), action
    assert await page.get_by_test_id("member-edit-name").count() == 0
    await assert_no_sideways_scroll(page)
    await screenshot(page, "member-header", full_page=False)

    title_bottom = await _bottom(page, "member-title")
    edit_box = await page.get_by_test_id("member-edit").bounding_box()
    assert edit_box is not None
    if width < 768:
        # a phone: the header stacks and every button in it is a 44 px tap target
        assert edit_box["y"] >= title_bottom
        await assert_tap_targets(page, root="[data-testid=member-header]")
        for action in ("member-action-counter", "member-action-redeem-reward"):
            box = await page.get_by_test_id(action).bounding_box()
            assert box is not None and box["width"] >= 44 and box["height"] >= 44, (action, box)
    else:
        assert edit_box["y"] < title_bottom  # the title and the edit button share a line
    if (width, height) == (1024, 768):
        # the counter tablet: points and usable coupons within the first screen
        for testid in ("points-balance", "points-pending", "member-coupon-count"):
            assert await _bottom(page, testid) <= height, testid

    # --- the tabs
    tabs = {
        "orders": "member-order-row",
        "coupons": "member-coupon-row",
        "timeline": "timeline-event",
        "profile": "tier-history-row",
        "points": "points-ledger-row",
    }
    for tab, row in tabs.items():
        await page.get_by_test_id(f"member-tab-{tab}").click()
        await page.get_by_test_id(row).first.wait_for()
        assert f"tab={tab}" in page.url
        await assert_no_sideways_scroll(page)
        if width < 768:
            await assert_tap_targets(page)
        await screenshot(page, f"member-tab-{tab}")
    assert await page.get_by_test_id("member-tab-audit").count() == 0  # no audit:read
    await page.get_by_test_id("member-tab-orders").click()
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=member-order-row]').length === 2"
    )
    await page.get_by_test_id("member-tab-profile").click()
    history = page.get_by_test_id("tier-history-row").filter(has_text="银卡")
    await history.first.wait_for()
    # the coupon count leads to the coupons tab
    await page.get_by_test_id("member-coupon-count").get_by_role("button").click()
    await page.get_by_test_id("member-coupon-row").first.wait_for()
    assert "tab=coupons" in page.url


async def test_an_owner_changes_the_account_manager_from_the_header(
    live_server: str, browser_page: object, member_shop: MemberShop, api: Api
) -> None:
    page = cast(Page, browser_page)
    await page.set_viewport_size({"width": 1366, "height": 860})
    shop = member_shop.tenant
    await _open(page, live_server, member_shop, shop.owner_email, shop.owner_password)
    # an owner reads phones unmasked: in national format too
    assert await _text(page, "member-phone") == "13800138000"
    assert await _text(page, "member-account-manager") == "王经理"

    await page.get_by_test_id("member-account-manager-edit").click()
    await _choose(page, "account-manager-select", "李顾问")
    await screenshot(page, "member-account-manager", full_page=False)
    await page.get_by_test_id("account-manager-submit").click()
    await _wait_text(page, "member-account-manager", "李顾问")

    seen = await _seen(api, member_shop)
    assert seen["accountManager"] == {"name": "李顾问"}
    # the owner reads the audit log: the change is in it
    await page.get_by_test_id("member-tab-audit").click()
    await page.locator("[data-testid=audit-action][data-action='member.update']").first.wait_for()


async def test_a_clerk_redeems_a_reward_on_a_phone_and_the_balance_drops(
    live_server: str, browser_page: object, member_shop: MemberShop, api: Api
) -> None:
    page = cast(Page, browser_page)
    before = (await _seen(api, member_shop))["pointsBalance"]
    assert before >= 300
    await page.set_viewport_size({"width": 390, "height": 844})
    await _open(page, live_server, member_shop, CLERK_EMAIL, CLERK_PASSWORD)
    await _wait_text(page, "points-balance", f"{before:,}")

    await page.get_by_test_id("member-action-redeem-reward").click()
    await page.get_by_test_id("redeem-reward-select").click()
    # the suitcase costs more than the member has: listed, but not to be chosen
    too_dear = page.locator(".ant-select-item-option").filter(has_text="行李箱")
    await too_dear.wait_for()
    assert "ant-select-item-option-disabled" in (await too_dear.get_attribute("class") or "")
    await _choose(page, "redeem-reward-select", "保温杯")
    await assert_no_sideways_scroll(page)
    await screenshot(page, "member-redeem", full_page=False)
    await page.get_by_test_id("redeem-reward-submit").dblclick()

    await _wait_text(page, "points-balance", f"{before - 300:,}")
    after = await _seen(api, member_shop)
    assert after["pointsBalance"] == before - 300  # once, for the double click too
    await screenshot(page, "member-redeemed", full_page=False)


async def test_the_profile_form_opens_on_demand_and_saves(
    live_server: str, browser_page: object, member_shop: MemberShop, api: Api
) -> None:
    page = cast(Page, browser_page)
    await page.set_viewport_size({"width": 1024, "height": 768})
    await _open(page, live_server, member_shop, CLERK_EMAIL, CLERK_PASSWORD)
    assert await page.get_by_test_id("member-edit-name").count() == 0

    await page.get_by_test_id("member-edit").click()
    name = page.get_by_test_id("member-edit-name")
    await name.wait_for()
    renamed = f"张小美-{uuid.uuid4().hex[:4]}"
    await name.fill(renamed)
    await assert_no_sideways_scroll(page)
    await screenshot(page, "member-edit", full_page=False)
    await page.get_by_test_id("member-save").click()

    await _wait_text(page, "member-title", renamed)
    await name.wait_for(state="detached")  # the drawer closed
    assert (await _seen(api, member_shop))["name"] == renamed


async def test_a_clerk_issues_a_coupon_from_the_header_and_goes_to_redeem_it(
    live_server: str, browser_page: object, member_shop: MemberShop, api: Api
) -> None:
    page = cast(Page, browser_page)
    await page.set_viewport_size({"width": 1024, "height": 768})
    await _open(page, live_server, member_shop, CLERK_EMAIL, CLERK_PASSWORD)
    await _wait_text(page, "member-coupon-count", "1")

    # 消费登记 opens the counter with the member chosen
    await page.get_by_test_id("member-action-counter").click()
    await page.wait_for_url(f"**/counter?member={member_shop.member_id}")
    await page.go_back()

    await page.get_by_test_id("member-action-issue-coupon").click()
    await _choose(page, "issue-coupon-template", "满100减20")
    await page.get_by_test_id("issue-coupon-submit").click()
    await _wait_text(page, "member-coupon-count", "2")
    assert (await _seen(api, member_shop))["coupons"]["totalCount"] == 2

    # 核销 lists the member's usable coupons and opens the lookup on the one chosen
    await page.get_by_test_id("member-action-redeem-coupon").click()
    codes = page.get_by_test_id("member-action-redeem-code")
    await codes.first.wait_for()
    assert await codes.count() == 2
    code = await codes.first.get_attribute("data-code")
    assert code
    await screenshot(page, "member-redeem-coupon", full_page=False)
    await codes.first.click()
    await page.wait_for_url(f"**/coupons/lookup?code={code}")
    await page.get_by_test_id("coupon-status").wait_for()
    assert await page.get_by_test_id("coupon-code").input_value() == code


async def test_a_read_only_viewer_gets_no_quick_actions(
    live_server: str, browser_page: object, member_shop: MemberShop, api: Api
) -> None:
    page = cast(Page, browser_page)
    analyst = {"email": "numbers@member-page.example.com", "password": "analyst-pass-1"}
    created = await api(
        STAFF, {"input": {**analyst, "role": "analyst"}}, member_shop.tenant.owner_token
    )
    _ok(created, "createStaff")
    await page.set_viewport_size({"width": 1366, "height": 860})
    await _open(page, live_server, member_shop, analyst["email"], analyst["password"])
    await _wait_text(page, "member-account-manager", "王经理")
    assert await _text(page, "member-phone") == "138****8000"
    assert await page.get_by_test_id("reveal-phone").count() == 0
    for hidden in (
        "member-action-counter",
        "points-adjust",
        "member-action-issue-coupon",
        "member-action-redeem-coupon",
        "member-action-redeem-reward",
        "member-edit",
        "member-merge",
        "member-account-manager-edit",
    ):
        assert await page.get_by_test_id(hidden).count() == 0, hidden
