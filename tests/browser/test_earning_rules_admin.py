"""Earning rules in the admin SPA: an owner builds a rule, watches the live preview, and saves it.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process); screenshots land in
test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from membership.db import PgTarget
from tests.browser.selects import choose
from tests.browser.test_admin import SHOTS, _login, browser_page, live_server, pytestmark
from tests.conftest import Api, TenantFixture, make_tenant

__all__ = ["browser_page", "live_server", "pytestmark"]

MEMBER_PHONE = "+8617400009201"

CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code message } }
}"""

RULES = "{ earningRules { name kind params priority enabled available } }"

RECORD_ORDER = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) {
    order { pointsEarned appliedRules { name kind detail } }
    errors { code field message }
  }
}"""

# ¥100.00 paid for two teas at ¥30.00 and a cake at ¥40.00
SAMPLE_ITEMS = [
    {"sku": "TEA-1", "category": "tea", "quantity": 2, "unitPrice": 3000},
    {"sku": "CAKE-1", "category": "bakery", "quantity": 1, "unitPrice": 4000},
]


@pytest.fixture
async def rules_shop(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


async def _choose(page: object, select_testid: str, option: str) -> None:
    await choose(page, page.get_by_test_id(select_testid), option)  # type: ignore[arg-type, attr-defined]


async def _preview_points(page: object, expected: str) -> None:
    await page.wait_for_function(  # type: ignore[attr-defined]
        "(v) => document.querySelector('[data-testid=preview-points]')?.textContent === v"
        " && !document.querySelector('[data-testid=preview-running]')",
        arg=expected,
    )


async def test_owner_creates_a_sku_rule_with_the_live_preview(
    live_server: str, browser_page: object, rules_shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = rules_shop
    created = await api(
        CREATE_MEMBER, {"input": {"phone": MEMBER_PHONE, "name": "王五"}}, token=shop.owner_token
    )
    assert created["createMember"]["errors"] == []
    member_id = created["createMember"]["member"]["id"]

    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.get_by_test_id("nav-earningRules").click()  # type: ignore[attr-defined]
    await page.get_by_text("暂无规则").wait_for()  # type: ignore[attr-defined]
    await page.get_by_test_id("earning-rule-create").click()  # type: ignore[attr-defined]

    # --- the sample order first: without the rule it earns the base rate, 1 point per yuan
    await page.get_by_test_id("preview-amount").fill("100")  # type: ignore[attr-defined]
    for index, item in enumerate(SAMPLE_ITEMS):
        if index > 0:
            await page.get_by_test_id("preview-item-add").click()  # type: ignore[attr-defined]
        await page.get_by_test_id(f"preview-item-sku-{index}").fill(item["sku"])  # type: ignore[attr-defined]
        await page.get_by_test_id(f"preview-item-category-{index}").fill(item["category"])  # type: ignore[attr-defined]
        await page.get_by_test_id(f"preview-item-quantity-{index}").fill(str(item["quantity"]))  # type: ignore[attr-defined]
        await page.get_by_test_id(f"preview-item-price-{index}").fill(str(item["unitPrice"] // 100))  # type: ignore[attr-defined]
    await _preview_points(page, "100")

    # --- the rule: TEA-1 earns three times; the preview follows as it is typed
    await _choose(page, "rule-kind", "商品倍数")
    name = page.get_by_test_id("rule-name")  # type: ignore[attr-defined]
    assert await name.input_value() == "商品倍数"
    await name.fill("奶茶三倍")
    await page.get_by_test_id("preview-notice").wait_for()  # type: ignore[attr-defined]
    skus = page.get_by_test_id("rule-param-skus").locator("input")  # type: ignore[attr-defined]
    await skus.fill("TEA-1")
    await skus.press("Enter")
    await page.get_by_test_id("rule-param-multiplier").fill("3")  # type: ignore[attr-defined]
    # tea ¥60.00 × 3 + cake ¥40.00 = 220 points
    await _preview_points(page, "220")
    applied = page.get_by_test_id("preview-rules").get_by_test_id("applied-rule-row")  # type: ignore[attr-defined]
    assert "TEA-1 ×3" in await applied.filter(has_text="奶茶三倍").inner_text()
    assert await page.get_by_test_id("preview-cash").inner_text() == "¥100.00"  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "30-earning-rule-preview.png"))  # type: ignore[attr-defined]
    preview_points = int(await page.get_by_test_id("preview-points").inner_text())  # type: ignore[attr-defined]

    await page.get_by_test_id("rule-submit").click()  # type: ignore[attr-defined]
    row = page.get_by_test_id("earning-rule-row").filter(has_text="奶茶三倍")  # type: ignore[attr-defined]
    await row.wait_for()
    text = await row.inner_text()
    assert "商品倍数" in text and "SKU：TEA-1" in text and "倍数：×3" in text
    await page.screenshot(path=str(SHOTS / "31-earning-rules.png"))  # type: ignore[attr-defined]

    rules = await api(RULES, token=shop.owner_token)
    assert rules["earningRules"] == [
        {
            "name": "奶茶三倍",
            "kind": "SKU_MULTIPLIER",
            "params": {"skus": ["TEA-1"], "multiplier": "3"},
            "priority": 0,
            "enabled": True,
            "available": True,
        }
    ]

    # --- an order like the sample earns what the preview said
    recorded = await api(
        RECORD_ORDER,
        {
            "input": {
                "externalId": "RULE-0001",
                "memberId": member_id,
                "amount": 10000,
                "items": SAMPLE_ITEMS,
            }
        },
        token=shop.secret_key,
    )
    assert recorded["recordOrder"]["errors"] == []
    order = recorded["recordOrder"]["order"]
    assert order["pointsEarned"] == preview_points == 220
    assert {
        "name": "奶茶三倍",
        "kind": "SKU_MULTIPLIER",
        "detail": {"multiplier": "3", "skus": ["TEA-1"]},
    } in order["appliedRules"]

    # --- a multiplier out of range: an inline error, the preview says why, nothing is saved
    await page.get_by_test_id("earning-rule-create").click()  # type: ignore[attr-defined]
    await _choose(page, "rule-kind", "商品倍数")
    skus = page.get_by_test_id("rule-param-skus").locator("input")  # type: ignore[attr-defined]
    await skus.fill("CAKE-1")
    await skus.press("Enter")
    await page.get_by_test_id("rule-param-multiplier").fill("500")  # type: ignore[attr-defined]
    await page.locator(".ant-form-item-explain-error", has_text="须在 0 到 100 之间").wait_for()  # type: ignore[attr-defined]
    preview_error = page.get_by_test_id("preview-error")  # type: ignore[attr-defined]
    await preview_error.wait_for()
    assert "倍数：须在 0 到 100 之间。" in await preview_error.inner_text()
    await page.get_by_test_id("rule-submit").click()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "32-earning-rule-invalid.png"))  # type: ignore[attr-defined]

    # --- a member day without days: only the server knows, and says so next to the weekdays
    await _choose(page, "rule-kind", "会员日")
    assert await page.get_by_test_id("rule-name").input_value() == "会员日"  # type: ignore[attr-defined]
    await page.get_by_test_id("rule-param-multiplier").fill("2")  # type: ignore[attr-defined]
    await page.get_by_test_id("rule-submit").click()  # type: ignore[attr-defined]
    weekdays = page.get_by_test_id("rule-param-weekdays")  # type: ignore[attr-defined]
    item = page.locator(".ant-form-item", has=weekdays)  # type: ignore[attr-defined]
    weekdays_error = item.locator(".ant-form-item-explain-error")
    await weekdays_error.wait_for()
    assert await weekdays_error.inner_text() == "请提供星期几、每月几号，或两者。"
    await page.screenshot(path=str(SHOTS / "33-earning-rule-server-error.png"))  # type: ignore[attr-defined]
    await page.get_by_role("button", name="取消").click()  # type: ignore[attr-defined]

    rules = await api(RULES, token=shop.owner_token)
    assert [rule["name"] for rule in rules["earningRules"]] == ["奶茶三倍"]

    # --- the switch disables the rule
    await row.get_by_test_id("earning-rule-enabled").click()
    await page.get_by_text("规则已停用").wait_for()  # type: ignore[attr-defined]
    rules = await api(RULES, token=shop.owner_token)
    assert rules["earningRules"][0]["enabled"] is False
