"""The counter (收银台) in the admin SPA: a clerk finds a member the way a scanner does, records a
sale with a coupon and points, redeems a reward, on a phone, a tablet and a desktop.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process); screenshots land in
test-artifacts/screenshots/counter-<step>-<width>.png.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from membership.db import PgTarget
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.viewports import (
    HEIGHTS,
    WIDTHS,
    Device,
    assert_no_sideways_scroll,
    assert_tap_targets,
    screenshot,
    use_device,
)
from tests.conftest import Api, TenantFixture, make_tenant

if TYPE_CHECKING:
    from playwright.async_api import Page

__all__ = ["browser_page", "live_server", "pytestmark"]

COUNTER = "[data-testid=counter]"

CLERK_EMAIL = "clerk@counter.example.com"
CLERK_PASSWORD = "clerk-pass-1"
PHONE = "13800138000"

CREATE_STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { staff { id } errors { code message } }
}"""
ASSIGN_STORES = """mutation($id: ID!, $codes: [String!]!) {
  assignStaffStores(id: $id, storeCodes: $codes) { errors { code field message } }
}"""
SETTINGS = """mutation($input: UpdateEarningSettingsInput!) {
  updateEarningSettings(input: $input) { errors { code field message } }
}"""
CREATE_TIER = """mutation($input: CreateTierInput!) {
  createTier(input: $input) { errors { code field message } }
}"""
CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code field message } }
}"""
ADJUST = """mutation($input: AdjustPointsInput!) {
  adjustPoints(input: $input) { errors { code field message } }
}"""
CREATE_TEMPLATE = """mutation($input: CreateCouponTemplateInput!) {
  createCouponTemplate(input: $input) { template { id } errors { code field message } }
}"""
ISSUE = """mutation($input: IssueCouponInput!) {
  issueCoupon(input: $input) { coupon { code } errors { code field message } }
}"""
CREATE_REWARD = """mutation($input: CreateRewardInput!) {
  createReward(input: $input) { reward { id } errors { code field message } }
}"""
ORDER = """query($externalId: String!) {
  order(externalId: $externalId) {
    amount discountAmount pointsSpent pointsEarned storeCode member { id pointsBalance }
  }
}"""
MEMBER = """query($id: ID!) { member(id: $id) { pointsBalance } }"""
MEMBER_BY_PHONE = """query($phone: String!) { member(phone: $phone) { id } }"""
COUPON = """query($code: String!) { coupon(code: $code) { status } }"""
MEMBER_CODE = """mutation($memberId: ID!) {
  createMemberCode(memberId: $memberId) { code errors { code field message } }
}"""


@pytest.fixture
async def counter_shop(database: PgTarget, api: Api) -> TenantFixture:
    """A shop with one entry tier (members start in it) and points worth 1 fen each."""
    shop = await make_tenant(database, api)
    tier = {"name": "普卡", "rank": 0, "metric": "SPEND", "threshold": 0}
    created = await api(CREATE_TIER, {"input": tier}, token=shop.owner_token)
    assert created["createTier"]["errors"] == []
    return shop


async def _ok(api: Api, shop: TenantFixture, query: str, **variables: Any) -> dict[str, Any]:
    """Run a mutation as the owner and return its payload, which must carry no errors."""
    data = await api(query, variables, token=shop.owner_token)
    payload: dict[str, Any] = next(iter(data.values()))
    assert payload["errors"] == [], payload
    return payload


async def _clerk(api: Api, shop: TenantFixture, stores: list[str]) -> None:
    staff = {"email": CLERK_EMAIL, "password": CLERK_PASSWORD, "role": "clerk", "name": "收银员"}
    created = await _ok(api, shop, CREATE_STAFF, input=staff)
    if stores:
        await _ok(api, shop, ASSIGN_STORES, id=created["staff"]["id"], codes=stores)


async def _member(api: Api, shop: TenantFixture, phone: str, name: str, points: int) -> str:
    created = await _ok(api, shop, CREATE_MEMBER, input={"phone": phone, "name": name})
    member_id: str = created["member"]["id"]
    if points:
        grant = {"memberId": member_id, "points": points, "reason": "开卡", "idempotencyKey": phone}
        await _ok(api, shop, ADJUST, input=grant)
    return member_id


async def _coupon(api: Api, shop: TenantFixture, member_id: str, **template: Any) -> str:
    terms = {"kind": "AMOUNT_OFF", "validDays": 30, **template}
    created = await _ok(api, shop, CREATE_TEMPLATE, input=terms)
    issue = {
        "templateId": created["template"]["id"],
        "memberId": member_id,
        "idempotencyKey": f"issue-{template['name']}",
    }
    issued = await _ok(api, shop, ISSUE, input=issue)
    return str(issued["coupon"]["code"])


async def _cap(api: Api, shop: TenantFixture, percent: int) -> None:
    await _ok(api, shop, SETTINGS, input={"pointsPaymentCapPercent": percent})


async def _sale_shop(api: Api, shop: TenantFixture) -> tuple[str, str]:
    """Points pay up to half a sale; a clerk of store SH-001; 王小明 with 10,000 points and a
    满100减20 coupon. Returns the member's id and the coupon's code."""
    await _cap(api, shop, 50)
    await _clerk(api, shop, stores=["SH-001"])
    member_id = await _member(api, shop, f"+86{PHONE}", "王小明", points=10_000)
    code = await _coupon(api, shop, member_id, name="满100减20", amountOff=2_000, minSpend=10_000)
    return member_id, code


async def _sign_in_at_the_counter(
    page: Page, base: str, shop: TenantFixture, device: Device
) -> None:
    await use_device(page, device)
    # The clerk's home page is the counter, the first entry of the menu.
    await _login(
        page, base, shop.info.slug, CLERK_EMAIL, CLERK_PASSWORD, path="", ready="counter-search"
    )
    assert page.url.endswith("/admin/counter")


async def _focused(page: Page) -> str | None:
    """The test id of the element holding the focus (or of the antd wrapper around it)."""
    found: str | None = await page.evaluate(
        "() => { const e = document.activeElement;"
        " return e?.dataset.testid ?? e?.closest('[data-testid]')?.dataset.testid ?? null; }"
    )
    return found


async def _text_is(page: Page, test_id: str, expected: str) -> None:
    """Wait until the element shows ``expected``; a failure says what it showed instead."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_function(
            "([id, v]) => document.querySelector(`[data-testid=${id}]`)?.textContent === v",
            arg=[test_id, expected],
        )
    except PlaywrightTimeout:
        shown = await page.evaluate(
            "(id) => document.querySelector(`[data-testid=${id}]`)?.textContent ?? null", test_id
        )
        await _shot(page, f"{test_id}-never-{expected}")
        raise AssertionError(f"{test_id} showed {shown!r}, not {expected!r}") from None


async def _confirm_dialog(page: Page, ok_test_id: str) -> None:
    """Press a dialog's OK button and wait until the dialog has closed.

    A tap that lands while the dialog is still zooming in can be lost under load; the dialog then
    stays open. Tapping again is what a clerk does, and is safe: the dialog keeps one idempotency
    key for as long as it is open, so a second tap never does the work twice.
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    ok = page.get_by_test_id(ok_test_id)
    for attempt in range(3):
        # the open animation is over once no motion class is left on the dialog
        await page.wait_for_function(
            "() => ![...document.querySelectorAll('.ant-modal')]"
            ".some((m) => /ant-zoom/.test(m.className))"
        )
        await ok.click()
        try:
            await ok.wait_for(state="hidden", timeout=8_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


async def _preview_settled(page: Page) -> None:
    """Wait until the preview answers the sale as it is on the screen now.

    When it does not, the failure says what the screen showed: the preview card (with any failed
    request's message), the amount and the coupons selected.
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_function(
            "() => document.querySelector('[data-testid=counter-preview]')?.dataset.settled === 'true'"
        )
    except PlaywrightTimeout:
        shown = await page.evaluate(
            "() => ({ preview: document.querySelector('[data-testid=counter-preview]')?.innerText,"
            " running: !!document.querySelector('[data-testid=counter-preview-running]'),"
            " amount: document.querySelector('[data-testid=counter-amount] input, input[data-testid=counter-amount]')?.value,"
            " coupons: [...document.querySelectorAll('[data-testid=counter-coupon]')]"
            ".map(c => `${c.dataset.code}:${c.dataset.selected}`), url: location.href })"
        )
        await _shot(page, "preview-never-settled")
        raise AssertionError(f"the preview never settled; the screen showed {shown}") from None


async def _shot(page: Page, step: str) -> None:
    await screenshot(page, f"counter-{step}")


async def _find(page: Page, term: str) -> None:
    """Type into the search box as a barcode scanner does (keystrokes, then Enter)."""
    search = page.get_by_test_id("counter-search")
    await search.focus()
    await page.keyboard.type(term)
    await page.keyboard.press("Enter")


@pytest.mark.parametrize("device", list(WIDTHS), ids=[f"{w}px" for w in WIDTHS.values()])
async def test_clerk_records_a_sale_with_a_coupon_and_points_within_the_cap(
    device: Device, live_server: str, browser_page: Page, counter_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = counter_shop
    member_id, code = await _sale_shop(api, shop)

    await _sign_in_at_the_counter(page, live_server, shop, device)

    # --- the search box has the focus on arrival: the scanner types the phone and Enter
    assert await _focused(page) == "counter-search"
    await page.keyboard.type(PHONE)
    await page.keyboard.press("Enter")
    await page.get_by_test_id("counter-member").wait_for()
    assert await page.get_by_test_id("counter-member-name").inner_text() == "王小明"
    assert await page.get_by_test_id("counter-member-phone").inner_text() == "138****8000"
    assert await page.get_by_test_id("counter-member-tier").inner_text() == "普卡"
    assert await page.get_by_test_id("counter-member-points").inner_text() == "10,000"
    assert await page.get_by_test_id("counter-member-pending").inner_text() == "0"
    assert await page.get_by_test_id("counter-member-coupons").inner_text() == "1"
    assert await page.get_by_test_id("counter-store").inner_text() == "SH-001"
    await _shot(page, "member")

    # --- the amount has the focus next; ¥150, the coupon with a tap, then the most points
    assert await _focused(page) == "counter-amount"
    await page.keyboard.type("150")
    coupon = page.locator(f"[data-testid=counter-coupon][data-code='{code}']")
    await coupon.click()
    assert await coupon.get_attribute("aria-pressed") == "true"
    await _text_is(page, "counter-preview-discount", "−¥20.00")
    await _preview_settled(page)
    # ¥130 after the coupon, half of it in points (the member holds more): 6,500 points
    hint = await page.get_by_test_id("counter-points-hint").inner_text()
    assert "6,500" in hint and "50%" in hint
    await page.get_by_test_id("counter-points-max").click()
    await _text_is(page, "counter-preview-points-value", "−¥65.00")
    await _preview_settled(page)
    assert await page.get_by_test_id("counter-points").input_value() == "6500"
    assert await page.get_by_test_id("counter-preview-amount").inner_text() == "¥150.00"
    assert await page.get_by_test_id("counter-preview-points").inner_text() == "积分抵现 6,500 积分"
    assert await page.get_by_test_id("counter-preview-due").inner_text() == "¥65.00"
    assert await page.get_by_test_id("counter-preview-earn").inner_text() == "+65"
    coupon_line = page.get_by_test_id("counter-preview-coupon")
    assert "满100减20" in await coupon_line.inner_text()
    assert await page.get_by_test_id("counter-preview-rule").count() >= 1
    confirm = page.get_by_test_id("counter-confirm")
    assert await confirm.is_enabled()

    # --- the layout: side by side from 1024 up, the confirm bar at the bottom of a phone
    layout = await page.get_by_test_id("counter").get_attribute("data-layout")
    sale_box = await page.get_by_test_id("counter-sale").bounding_box()
    preview_box = await page.get_by_test_id("counter-preview").bounding_box()
    assert sale_box is not None and preview_box is not None
    if device != "phone":
        assert layout == "columns"
        assert preview_box["x"] >= sale_box["x"] + sale_box["width"]
    else:
        assert layout == "stacked"
        bar = await page.get_by_test_id("counter-confirm-bar").bounding_box()
        assert bar is not None
        assert bar["y"] + bar["height"] <= HEIGHTS[device] + 1  # in sight without scrolling
        assert await page.get_by_test_id("counter-bar-due").inner_text() == "¥65.00"
        await assert_tap_targets(page, root=COUNTER)
    await assert_no_sideways_scroll(page)
    await _shot(page, "sale")

    # --- confirm: the order number, what it earned, the balance now
    await confirm.click()
    await page.get_by_test_id("counter-result").wait_for()
    number = (await page.get_by_test_id("counter-result-order").inner_text()).split()[-1]
    assert number.startswith("POS-")
    assert await page.get_by_test_id("counter-result-earned").inner_text() == "+65"
    assert await page.get_by_test_id("counter-result-balance").inner_text() == "3,565"
    await assert_no_sideways_scroll(page)
    if device == "phone":
        await assert_tap_targets(page, root=COUNTER)
    await _shot(page, "result")

    order = (await api(ORDER, {"externalId": number}, token=shop.secret_key))["order"]
    assert (order["amount"], order["discountAmount"], order["pointsSpent"]) == (
        15_000,
        2_000,
        6_500,
    )
    assert (order["pointsEarned"], order["storeCode"]) == (65, "SH-001")
    assert order["member"] == {"id": member_id, "pointsBalance": 10_000 - 6_500 + 65}
    assert (await api(COUPON, {"code": code}, token=shop.secret_key))["coupon"][
        "status"
    ] == "REDEEMED"

    # --- next sale: everything cleared, the search box ready for the next scan
    assert await _focused(page) == "counter-next"
    await page.keyboard.press("Enter")
    await page.get_by_test_id("counter-member").wait_for(state="detached")
    assert await _focused(page) == "counter-search"
    assert await page.get_by_test_id("counter-search").input_value() == ""
    assert page.url.endswith("/admin/counter")


async def test_a_sale_in_progress_survives_turning_the_phone_and_the_tablet(
    live_server: str, browser_page: Page, counter_shop: TenantFixture, api: Api
) -> None:
    """Turning a phone on its side crosses the phone width (390 to 844 px), and turning a tablet
    crosses the two-column width (768 to 1024 px). The sale on the screen, its amount, coupon and
    points, stays through both and is recorded as entered."""
    page = browser_page
    shop = counter_shop
    member_id, code = await _sale_shop(api, shop)
    await _sign_in_at_the_counter(page, live_server, shop, "phone")
    await _find(page, PHONE)
    await page.get_by_test_id("counter-member").wait_for()
    await page.keyboard.type("150")
    coupon = page.locator(f"[data-testid=counter-coupon][data-code='{code}']")
    await coupon.click()
    await _text_is(page, "counter-preview-discount", "−¥20.00")
    await page.get_by_test_id("counter-points").fill("1000")
    await _text_is(page, "counter-preview-points-value", "−¥10.00")
    await _preview_settled(page)

    turns = [
        ({"width": 844, "height": 390}, "stacked"),  # the phone on its side: wider than a phone
        ({"width": 768, "height": 1024}, "stacked"),  # a tablet upright
        ({"width": 1024, "height": 768}, "columns"),  # the tablet on its side
    ]
    for size, layout in turns:
        await page.set_viewport_size(size)
        counter = page.locator(f"{COUNTER}[data-layout={layout}]")
        await counter.wait_for()
        amount = page.locator(
            "[data-testid=counter-amount] input, input[data-testid=counter-amount]"
        )
        shown = (
            await amount.input_value(),
            await coupon.get_attribute("aria-pressed"),
            await page.get_by_test_id("counter-points").input_value(),
        )
        assert shown == ("150.00", "true", "1000"), f"at {size}: {shown}"
        await _text_is(page, "counter-preview-due", "¥120.00")

    await _shot(page, "turned")
    await page.get_by_test_id("counter-confirm").click()
    await page.get_by_test_id("counter-result").wait_for()
    number = (await page.get_by_test_id("counter-result-order").inner_text()).split()[-1]
    order = (await api(ORDER, {"externalId": number}, token=shop.secret_key))["order"]
    assert (order["amount"], order["discountAmount"], order["pointsSpent"]) == (
        15_000,
        2_000,
        1_000,
    )
    assert order["member"]["id"] == member_id


async def test_a_coupon_that_does_not_apply_and_points_over_the_cap_are_refused(
    live_server: str, browser_page: Page, counter_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = counter_shop
    await _cap(api, shop, 50)
    await _clerk(api, shop, stores=["SH-001", "SH-002"])
    member_id = await _member(api, shop, f"+86{PHONE}", "李四", points=10_000)
    big = await _coupon(api, shop, member_id, name="满500减50", amountOff=5_000, minSpend=50_000)

    await _sign_in_at_the_counter(page, live_server, shop, "desktop")
    await _find(page, PHONE)
    await page.get_by_test_id("counter-member").wait_for()
    await page.keyboard.type("150")

    # --- the clerk has two stores: a choice, the first by default
    assert "SH-001" in await page.get_by_test_id("counter-store").inner_text()

    # --- a coupon whose minimum spend is not reached: its reason by the card, confirm disabled
    await page.locator(f"[data-testid=counter-coupon][data-code='{big}']").click()
    problem = page.get_by_test_id("counter-coupon-problem")
    await problem.wait_for()
    assert await problem.inner_text() == "消费满 500.00 CNY 才能使用该券。"
    assert await problem.get_attribute("data-code") == big
    await _preview_settled(page)
    assert await page.get_by_test_id("counter-confirm").is_disabled()
    await _shot(page, "coupon-refused")

    # --- dropped again: the sale can go
    await page.locator(f"[data-testid=counter-coupon][data-code='{big}']").click()
    await problem.wait_for(state="detached")
    await _preview_settled(page)
    assert await page.get_by_test_id("counter-confirm").is_enabled()

    # --- 9,000 points on ¥150 is over the tenant's 50%: refused with the reason, confirm disabled
    points = page.get_by_test_id("counter-points")
    await points.fill("9000")
    refusal = page.get_by_test_id("counter-points-problem")
    await refusal.wait_for()
    assert await refusal.inner_text() == "积分最多可抵扣本单的 50%：7500 积分。"
    await _preview_settled(page)
    assert await page.get_by_test_id("counter-confirm").is_disabled()
    await _shot(page, "points-refused")

    # --- "use max" brings it to the cap
    await page.get_by_test_id("counter-points-max").click()
    await refusal.wait_for(state="detached")
    await _preview_settled(page)
    assert await points.input_value() == "7500"
    assert await page.get_by_test_id("counter-confirm").is_enabled()

    # --- Esc empties the field it is pressed in, a second one the whole sale
    await points.focus()
    await page.keyboard.press("Escape")
    assert await points.input_value() == ""
    await page.keyboard.press("Escape")
    await page.get_by_test_id("counter-member").wait_for(state="detached")
    assert await _focused(page) == "counter-search"


async def test_an_unknown_phone_becomes_a_new_member_and_the_sale_goes_on(
    live_server: str, browser_page: Page, counter_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = counter_shop
    await _clerk(api, shop, stores=[])

    await _sign_in_at_the_counter(page, live_server, shop, "phone")
    await _find(page, "13900139000")
    await page.get_by_test_id("counter-not-found").wait_for()
    await assert_tap_targets(page, root=COUNTER)
    await _shot(page, "not-found")
    await page.get_by_test_id("counter-create-member").click()

    await page.get_by_test_id("counter-member").wait_for()
    assert await page.get_by_test_id("counter-member-phone").inner_text() == "139****9000"
    assert await page.get_by_test_id("counter-member-points").inner_text() == "0"
    assert await page.get_by_test_id("counter-no-coupons").is_visible()
    # --- a clerk who serves every store types the store's code
    await page.get_by_test_id("counter-store").fill("BJ-002")
    await page.get_by_test_id("counter-amount").fill("88")
    await page.get_by_test_id("counter-amount").press("Enter")  # Enter confirms once previewed
    await page.get_by_test_id("counter-result").wait_for()
    number = (await page.get_by_test_id("counter-result-order").inner_text()).split()[-1]
    assert await page.get_by_test_id("counter-result-earned").inner_text() == "+88"
    await _shot(page, "new-member-result")

    found = await api(MEMBER_BY_PHONE, {"phone": "13900139000"}, token=shop.secret_key)
    order = (await api(ORDER, {"externalId": number}, token=shop.secret_key))["order"]
    assert order["member"]["id"] == found["member"]["id"]
    assert (order["amount"], order["storeCode"], order["pointsEarned"]) == (8_800, "BJ-002", 88)


async def test_a_scanned_coupon_code_opens_its_member_with_the_coupon_selected(
    live_server: str, browser_page: Page, counter_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = counter_shop
    await _clerk(api, shop, stores=["SH-001"])
    await _member(api, shop, "+8613700137000", "路人甲", points=0)
    owner_id = await _member(api, shop, f"+86{PHONE}", "赵六", points=0)
    code = await _coupon(api, shop, owner_id, name="立减10元", amountOff=1_000)

    await _sign_in_at_the_counter(page, live_server, shop, "tablet")
    await _find(page, code.lower())  # a scanner may send lower case
    await page.get_by_test_id("counter-member").wait_for()
    assert await page.get_by_test_id("counter-member-name").inner_text() == "赵六"
    coupon = page.locator(f"[data-testid=counter-coupon][data-code='{code}']")
    assert await coupon.get_attribute("data-selected") == "true"
    await page.keyboard.type("120")
    await _text_is(page, "counter-preview-discount", "−¥10.00")
    await _text_is(page, "counter-preview-due", "¥110.00")
    await assert_no_sideways_scroll(page)
    await _shot(page, "scanned-coupon")


async def test_a_scanned_member_code_opens_its_member_and_an_unknown_one_says_to_refresh(
    live_server: str, browser_page: Page, counter_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = counter_shop
    await _clerk(api, shop, stores=["SH-001"])
    await _member(api, shop, "+8613700137000", "路人甲", points=0)
    member_id = await _member(api, shop, f"+86{PHONE}", "孙八", points=0)
    code = (await _ok(api, shop, MEMBER_CODE, memberId=member_id))["code"]

    await _sign_in_at_the_counter(page, live_server, shop, "phone")
    # a code the member's app never showed (or one that expired) opens nobody
    await _find(page, "66" + "0" * 16)
    await page.get_by_test_id("counter-not-found").wait_for()
    assert "会员码" in await page.get_by_test_id("counter-not-found").inner_text()
    assert await page.get_by_test_id("counter-create-member").count() == 0

    await page.keyboard.press("Escape")
    await _find(page, code)
    await page.get_by_test_id("counter-member").wait_for()
    assert await page.get_by_test_id("counter-member-name").inner_text() == "孙八"
    await assert_no_sideways_scroll(page)
    await _shot(page, "member-code")


async def test_a_reward_is_redeemed_at_the_counter_and_the_balance_drops(
    live_server: str, browser_page: Page, counter_shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    shop = counter_shop
    await _clerk(api, shop, stores=["SH-001"])
    member_id = await _member(api, shop, f"+86{PHONE}", "钱七", points=3_000)
    cup = await _ok(
        api, shop, CREATE_REWARD, input={"name": "保温杯", "pointsCost": 500, "stock": 5}
    )
    await _ok(api, shop, CREATE_REWARD, input={"name": "行李箱", "pointsCost": 50_000})

    await use_device(page, "phone")
    # The member page's quick action opens the counter for one member.
    await _login(
        page,
        live_server,
        shop.info.slug,
        CLERK_EMAIL,
        CLERK_PASSWORD,
        path=f"counter?member={member_id}",
        ready="counter-member",
    )
    assert await _focused(page) == "counter-amount"
    await page.get_by_test_id("counter-tab-rewards").click()
    rewards = page.get_by_test_id("counter-reward")
    await rewards.first.wait_for()
    assert await rewards.count() == 1  # the suitcase is out of reach
    assert "保温杯" in await rewards.first.inner_text()
    assert await rewards.first.get_attribute("data-reward-id") == cup["reward"]["id"]
    await assert_no_sideways_scroll(page)
    await assert_tap_targets(page, root=COUNTER)
    await _shot(page, "rewards")

    await rewards.first.get_by_test_id("counter-reward-redeem").click()
    summary = page.get_by_test_id("counter-reward-summary")
    await summary.wait_for()
    assert "3,000 → 2,500" in await summary.inner_text()
    await _confirm_dialog(page, "counter-reward-confirm")
    await _text_is(page, "counter-member-points", "2,500")
    await _shot(page, "reward-redeemed")

    member = (await api(MEMBER, {"id": member_id}, token=shop.secret_key))["member"]
    assert member["pointsBalance"] == 2_500
