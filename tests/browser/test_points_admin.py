"""Tiers and points in the admin SPA: an owner creates a tier, then grants a member points by hand.

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

MEMBER_PHONE = "+8617400009001"

CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code message } }
}"""

MEMBER_POINTS = """query($id: ID!) {
  member(id: $id) {
    pointsBalance
    pointsTransactions(first: 50) { totalCount edges { node { kind points reason } } }
  }
}"""


@pytest.fixture
async def points_shop(database: PgTarget, api: Api) -> TenantFixture:
    # No demo tiers here: the test creates rank 2 itself and the demo set already holds it.
    return await make_tenant(database, api)


async def test_owner_creates_a_tier_and_grants_points_once(
    live_server: str, browser_page: object, points_shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = points_shop
    created = await api(
        CREATE_MEMBER, {"input": {"phone": MEMBER_PHONE, "name": "张三"}}, token=shop.owner_token
    )
    assert created["createMember"]["errors"] == []
    member_id = created["createMember"]["member"]["id"]
    before = await api(MEMBER_POINTS, {"id": member_id}, token=shop.secret_key)
    balance_before = before["member"]["pointsBalance"]
    entries_before = before["member"]["pointsTransactions"]["totalCount"]

    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)

    # --- a tier, threshold typed in yuan
    await page.get_by_test_id("nav-tiers").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("tier-create").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("tier-name").fill("金卡")  # type: ignore[attr-defined]
    await page.get_by_test_id("tier-rank").fill("2")  # type: ignore[attr-defined]
    await page.get_by_test_id("tier-threshold").fill("5000")  # type: ignore[attr-defined]
    await choose(page, page.get_by_test_id("tier-window-kind"), "自然年")  # type: ignore[arg-type, attr-defined]
    await page.get_by_test_id("tier-benefits").fill("生日双倍积分 · 每月 2 张免邮券")  # type: ignore[attr-defined]
    await page.get_by_test_id("tier-submit").click()  # type: ignore[attr-defined]
    row = page.get_by_test_id("tier-row").filter(has_text="金卡")  # type: ignore[attr-defined]
    await row.wait_for()
    assert "5,000" in await row.inner_text()
    assert "生日双倍积分" in await row.inner_text()
    await page.get_by_test_id("points-settings-policy").wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "10-tiers.png"), full_page=True)  # type: ignore[attr-defined]

    tiers = await api("{ tiers { name rank threshold window benefits } }", token=shop.owner_token)
    assert tiers["tiers"] == [
        {
            "name": "金卡",
            "rank": 2,
            "threshold": 500000,
            "window": "CALENDAR_YEAR",
            "benefits": "生日双倍积分 · 每月 2 张免邮券",
        }
    ]
    assert "自然年" in await row.inner_text()

    # --- 120 points by hand, confirmed, with both buttons double-clicked
    await page.goto(f"{live_server}/admin/members/{member_id}")  # type: ignore[attr-defined]
    balance = page.get_by_test_id("points-balance")  # type: ignore[attr-defined]
    await balance.wait_for()
    await page.wait_for_function(  # type: ignore[attr-defined]
        "(v) => document.querySelector('[data-testid=points-balance]')?.textContent === v",
        arg=str(balance_before),
    )
    await page.get_by_test_id("points-adjust").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("points-adjust-amount").fill("120")  # type: ignore[attr-defined]
    await page.get_by_test_id("points-adjust-reason").fill("客诉补偿")  # type: ignore[attr-defined]
    await page.get_by_test_id("points-adjust-submit").dblclick()  # type: ignore[attr-defined]
    confirm = page.get_by_test_id("points-adjust-confirm")  # type: ignore[attr-defined]
    await confirm.wait_for()
    await page.get_by_text("为 张三 增加 120 积分？").wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "11-points-adjust.png"))  # type: ignore[attr-defined]
    await confirm.dblclick()

    expected = balance_before + 120
    await page.wait_for_function(  # type: ignore[attr-defined]
        "(v) => document.querySelector('[data-testid=points-balance]')?.textContent === v",
        arg=f"{expected:,}",
    )
    ledger = page.get_by_test_id("points-ledger")  # type: ignore[attr-defined]
    entry = ledger.get_by_test_id("points-ledger-row").filter(has_text="客诉补偿")
    await entry.wait_for()
    assert "+120" in await entry.inner_text()
    await page.screenshot(path=str(SHOTS / "12-points-ledger.png"), full_page=True)  # type: ignore[attr-defined]

    after = await api(MEMBER_POINTS, {"id": member_id}, token=shop.secret_key)
    assert after["member"]["pointsBalance"] == balance_before + 120
    assert after["member"]["pointsTransactions"]["totalCount"] == entries_before + 1
    newest = after["member"]["pointsTransactions"]["edges"][0]["node"]
    assert newest == {"kind": "ADJUST", "points": 120, "reason": "客诉补偿"}
    # one more click would not help either: the UI shows a single ledger row for it
    assert await ledger.get_by_test_id("points-ledger-row").count() == entries_before + 1

    # the grant is one open lot with all 120 points left
    lots = page.get_by_test_id("points-lots")  # type: ignore[attr-defined]
    lot = lots.get_by_test_id("points-lot-row").filter(has_text="120")
    await lot.first.wait_for()
    assert await lots.get_by_test_id("points-lot-remaining").all_inner_texts() == ["120"]

    # the kind filter asks the server: no SPEND entries, then back to every entry
    await page.get_by_test_id("points-kind-filter").click()  # type: ignore[attr-defined]
    await page.get_by_title("使用", exact=True).click()  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelectorAll('[data-testid=points-ledger-row]').length === 0"
    )
    await page.get_by_test_id("points-kind-filter").click()  # type: ignore[attr-defined]
    await page.get_by_title("调整", exact=True).click()  # type: ignore[attr-defined]
    await ledger.get_by_test_id("points-ledger-row").filter(has_text="客诉补偿").wait_for()
    assert await ledger.get_by_test_id("points-ledger-row").count() == 1
    await page.screenshot(path=str(SHOTS / "13-points-lots.png"), full_page=True)  # type: ignore[attr-defined]
