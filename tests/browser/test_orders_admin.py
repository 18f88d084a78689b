"""Orders in the admin SPA: an owner finds an order, reads why it earned its points, refunds part.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process); screenshots land in
test-artifacts/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest

from membership.db import PgTarget
from tests.browser.test_admin import SHOTS, _login, browser_page, live_server, pytestmark
from tests.conftest import Api, TenantFixture, make_tenant

__all__ = ["browser_page", "live_server", "pytestmark"]

MEMBER_PHONE = "+8617400009101"

CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code message } }
}"""

CREATE_RULE = """mutation($input: CreateEarningRuleInput!) {
  createEarningRule(input: $input) { rule { id } errors { code field message } }
}"""

RECORD_ORDER = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { externalId pointsEarned } errors { code field message } }
}"""

ORDER = """query($externalId: String!) {
  order(externalId: $externalId) {
    amount refundedAmount status pointsEarned pointsReversed
    member { pointsTransactions(first: 50) { edges { node { kind points reason } } } }
  }
}"""


@pytest.fixture
async def orders_shop(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


async def _settled(page: object) -> None:
    """Wait until no table shows its loading overlay (a refetch after the rows arrived)."""
    await page.wait_for_function("() => !document.querySelector('.ant-spin-blur')")  # type: ignore[attr-defined]


async def _record(api: Api, shop: TenantFixture, **order: Any) -> dict[str, Any]:
    result = await api(RECORD_ORDER, {"input": order}, token=shop.secret_key)
    assert result["recordOrder"]["errors"] == [], result
    return result["recordOrder"]["order"]  # type: ignore[no-any-return]


async def test_owner_finds_an_order_and_refunds_part_of_it_once(
    live_server: str, browser_page: object, orders_shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = orders_shop
    created = await api(
        CREATE_MEMBER, {"input": {"phone": MEMBER_PHONE, "name": "李四"}}, token=shop.owner_token
    )
    assert created["createMember"]["errors"] == []
    member_id = created["createMember"]["member"]["id"]
    rule = await api(
        CREATE_RULE,
        {
            "input": {
                "name": "奶茶双倍",
                "kind": "SKU_MULTIPLIER",
                "params": {"skus": ["TEA-1"], "multiplier": 2},
            }
        },
        token=shop.owner_token,
    )
    assert rule["createEarningRule"]["errors"] == []
    # ¥128.00: tea lines ¥60.00 earn twice, the cake ¥68.00 once: 120 + 68 = 188 points
    first = await _record(
        api,
        shop,
        externalId="SO-1001",
        memberId=member_id,
        amount=12800,
        storeCode="SH01",
        items=[
            {"sku": "TEA-1", "category": "tea", "quantity": 2, "unitPrice": 3000},
            {"sku": "CAKE-1", "category": "bakery", "quantity": 1, "unitPrice": 6800},
        ],
    )
    assert first["pointsEarned"] == 188
    await _record(
        api,
        shop,
        externalId="SO-2002",
        memberId=member_id,
        amount=5000,
        storeCode="BJ02",
        items=[{"sku": "CAKE-1", "category": "bakery", "quantity": 1, "unitPrice": 5000}],
    )

    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)

    # --- the list, then a search by the start of the order number
    await page.get_by_test_id("nav-orders").click()  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelectorAll('[data-testid=order-row]').length === 2"
    )
    assert "共 2 条" in await page.get_by_test_id("orders-total").inner_text()  # type: ignore[attr-defined]
    await _settled(page)
    await page.screenshot(path=str(SHOTS / "20-orders.png"))  # type: ignore[attr-defined]

    await page.get_by_test_id("order-store-filter").fill("BJ02")  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('[data-testid=order-row]')]"
        ".map((r) => r.textContent).join('|').includes('SO-2002')"
        " && document.querySelectorAll('[data-testid=order-row]').length === 1"
    )
    await page.get_by_test_id("order-store-filter").fill("")  # type: ignore[attr-defined]
    await page.get_by_test_id("order-search").fill("SO-1")  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => { const rows = document.querySelectorAll('[data-testid=order-row]');"
        " return rows.length === 1 && rows[0].textContent.includes('SO-1001'); }"
    )
    row = page.get_by_test_id("order-row").first  # type: ignore[attr-defined]
    text = await row.inner_text()
    assert "¥128.00" in text and "李四" in text and "SH01" in text and "188" in text
    await _settled(page)
    await page.screenshot(path=str(SHOTS / "21-orders-search.png"))  # type: ignore[attr-defined]
    await row.get_by_test_id("order-external-id").click()

    # --- the detail: amounts, items and why it earned 188 points
    await page.get_by_test_id("order-title").wait_for()  # type: ignore[attr-defined]
    assert await page.get_by_test_id("order-title").inner_text() == "SO-1001"  # type: ignore[attr-defined]
    assert await page.get_by_test_id("order-amount").inner_text() == "¥128.00"  # type: ignore[attr-defined]
    assert await page.get_by_test_id("order-points-earned").inner_text() == "188"  # type: ignore[attr-defined]
    assert await page.get_by_test_id("order-item-row").count() == 2  # type: ignore[attr-defined]
    rules = page.get_by_test_id("order-rules")  # type: ignore[attr-defined]
    sku_rule = rules.get_by_test_id("applied-rule-row").filter(has_text="奶茶双倍")
    await sku_rule.wait_for()
    sku_text = await sku_rule.inner_text()
    assert "商品倍数" in sku_text and "TEA-1 ×2" in sku_text
    base_rule = rules.get_by_test_id("applied-rule-row").filter(has_text="基础积分比例")
    assert "每元 1 分" in await base_rule.inner_text()
    await page.screenshot(path=str(SHOTS / "22-order-detail.png"), full_page=True)  # type: ignore[attr-defined]

    # --- refund ¥20.00, with both buttons double-clicked
    await page.get_by_test_id("order-refund").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("refund-mode").get_by_text("部分退款").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("refund-amount").fill("200")  # type: ignore[attr-defined]
    await page.get_by_test_id("refund-submit").click()  # type: ignore[attr-defined]
    # more than the order: refused in the form, nothing sent
    await page.get_by_text("请输入大于 0 且不超过 ¥128.00 的金额").wait_for()  # type: ignore[attr-defined]
    await page.get_by_test_id("refund-amount").fill("20")  # type: ignore[attr-defined]
    await page.get_by_test_id("refund-submit").dblclick()  # type: ignore[attr-defined]
    confirm = page.get_by_test_id("refund-confirm")  # type: ignore[attr-defined]
    await confirm.wait_for()
    await page.get_by_text("确认为订单 SO-1001 退款 ¥20.00？").wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "23-order-refund.png"))  # type: ignore[attr-defined]
    await confirm.dblclick()

    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=order-refunded]')?.textContent === '¥20.00'"
        " && document.querySelector('[data-testid=order-status]')?.dataset.status"
        " === 'PARTIALLY_REFUNDED'"
    )
    assert await page.get_by_test_id("order-refundable").inner_text() == "¥108.00"  # type: ignore[attr-defined]
    # 188 × 20 / 128 = 29.375: 29 points clawed back
    assert await page.get_by_test_id("order-points-reversed").inner_text() == "29"  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "24-order-refunded.png"), full_page=True)  # type: ignore[attr-defined]

    found = await api(ORDER, {"externalId": "SO-1001"}, token=shop.secret_key)
    order = found["order"]
    assert order["refundedAmount"] == 2000
    assert order["status"] == "PARTIALLY_REFUNDED"
    assert order["pointsReversed"] == 29
    entries = [e["node"] for e in order["member"]["pointsTransactions"]["edges"]]
    reversals = [e for e in entries if e["kind"] == "REVERSE"]
    assert reversals == [{"kind": "REVERSE", "points": -29, "reason": "refund of order SO-1001"}]

    # --- the member page lists the member's orders and links to them
    await page.get_by_test_id("order-member-link").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("member-tab-orders").click()  # type: ignore[attr-defined]
    card = page.get_by_test_id("member-orders")  # type: ignore[attr-defined]
    await card.wait_for()
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelectorAll('[data-testid=member-order-row]').length === 2"
    )
    refunded_row = card.get_by_test_id("member-order-row").filter(has_text="SO-1001")
    assert "部分退款" in await refunded_row.inner_text()
    await _settled(page)
    await page.screenshot(path=str(SHOTS / "25-member-orders.png"), full_page=True)  # type: ignore[attr-defined]
    await page.get_by_test_id("member-orders-all").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("order-member-filter").wait_for()  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelectorAll('[data-testid=order-row]').length === 2"
    )
