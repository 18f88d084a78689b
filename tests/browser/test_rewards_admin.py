"""The points mall and a member's coupons in the admin SPA: an owner adds a reward, restocks it and
takes it off the mall, then issues a coupon to a member and voids it.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process); screenshots land in
test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from membership.db import PgTarget
from tests.browser.selects import choose
from tests.browser.test_admin import SHOTS, _login, browser_page, live_server, pytestmark
from tests.conftest import Api, TenantFixture, make_tenant
from tests.coupons.test_issue import template

__all__ = ["browser_page", "live_server", "pytestmark"]

MEMBER_PHONE = "+8617400009201"

CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code message } }
}"""

REWARDS = "{ rewards { name stock active redeemedCount couponTemplate { name } } }"

COUPON = """query($code: String!) { coupon(code: $code) { status member { id } } }"""


@pytest.fixture
async def mall(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


async def _settled(page: object) -> None:
    """Wait until no table shows its loading overlay (a refetch after the rows arrived)."""
    await page.wait_for_function("() => !document.querySelector('.ant-spin-blur')")  # type: ignore[attr-defined]


async def _no_modal(page: object) -> None:
    """Wait until every dialog has closed (its exit animation included)."""
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => ![...document.querySelectorAll('.ant-modal-wrap')]"
        ".some((w) => getComputedStyle(w).display !== 'none')"
    )


async def test_owner_runs_the_catalogue_and_a_members_coupons(
    live_server: str, browser_page: object, mall: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = mall
    created = await api(
        CREATE_MEMBER, {"input": {"phone": MEMBER_PHONE, "name": "王五"}}, token=shop.owner_token
    )
    assert created["createMember"]["errors"] == []
    member_id = created["createMember"]["member"]["id"]
    await template(api, shop, name="满100减20")

    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)

    # --- a new reward with a stock of 2, handed out as a physical item
    await page.get_by_test_id("nav-rewards").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("reward-create").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("reward-name-input").fill("保温杯")  # type: ignore[attr-defined]
    await page.get_by_test_id("reward-points-cost").fill("300")  # type: ignore[attr-defined]
    await page.get_by_test_id("reward-stock-input").fill("2")  # type: ignore[attr-defined]
    await page.get_by_test_id("reward-submit").click()  # type: ignore[attr-defined]
    row = page.get_by_test_id("reward-row").filter(has_text="保温杯")  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=reward-row] [data-testid=reward-stock]')"
        "?.dataset.stock === '2'"
    )
    text = await row.inner_text()
    assert "300 积分" in text and "库存紧张" in text and "实物奖品" in text
    await _no_modal(page)
    await _settled(page)
    await page.screenshot(path=str(SHOTS / "40-rewards.png"))  # type: ignore[attr-defined]

    # --- restock +3: the dialog previews 5, the table then shows 5
    await row.get_by_test_id("reward-restock").click()
    await page.get_by_test_id("restock-current").wait_for()  # type: ignore[attr-defined]
    assert await page.get_by_test_id("restock-current").inner_text() == "2"  # type: ignore[attr-defined]
    await page.get_by_test_id("restock-quantity").fill("3")  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=restock-after]')?.textContent === '5'"
    )
    await page.screenshot(path=str(SHOTS / "41-reward-restock.png"))  # type: ignore[attr-defined]
    await page.get_by_test_id("restock-submit").click()  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=reward-row] [data-testid=reward-stock]')"
        "?.dataset.stock === '5'"
    )

    # --- take it off the mall
    switch = row.get_by_test_id("reward-active")
    assert await switch.get_attribute("aria-checked") == "true"
    await switch.click()
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => { const s = document.querySelector('[data-testid=reward-active]');"
        " return s?.getAttribute('aria-checked') === 'false'"
        " && !s.classList.contains('ant-switch-loading'); }"
    )
    listed = await api(REWARDS, token=shop.secret_key)
    assert listed["rewards"] == [
        {
            "name": "保温杯",
            "stock": 5,
            "active": False,
            "redeemedCount": 0,
            "couponTemplate": None,
        }
    ]

    # --- the member's coupons: issue one, then void it
    await page.goto(f"{live_server}/admin/members/{member_id}")  # type: ignore[attr-defined]
    await page.get_by_test_id("member-tab-coupons").click()  # type: ignore[attr-defined]
    card = page.get_by_test_id("member-coupons")  # type: ignore[attr-defined]
    await card.wait_for()
    await card.get_by_text("暂无优惠券").wait_for()
    await card.get_by_test_id("member-coupon-issue").click()
    await choose(page, page.get_by_test_id("issue-coupon-template"), "满100减20")  # type: ignore[arg-type, attr-defined]
    await page.get_by_test_id("issue-coupon-submit").dblclick()  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => { const s = document.querySelectorAll('[data-testid=member-coupon-status]');"
        " return s.length === 1 && s[0].dataset.status === 'ISSUED'; }"
    )
    coupon_row = card.get_by_test_id("member-coupon-row")
    code = await coupon_row.get_attribute("data-code")
    assert code
    row_text = await coupon_row.inner_text()
    assert "满100减20" in row_text and "未使用" in row_text and code in row_text
    await _no_modal(page)
    await _settled(page)
    await card.screenshot(path=str(SHOTS / "42-member-coupons.png"))

    await coupon_row.get_by_test_id("member-coupon-void").click()
    await page.get_by_text(f"确认作废券 {code}").wait_for()  # type: ignore[attr-defined]
    await page.get_by_test_id("void-coupon-reason").fill("误发")  # type: ignore[attr-defined]
    await page.get_by_test_id("void-coupon-confirm").click()  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => { const s = document.querySelectorAll('[data-testid=member-coupon-status]');"
        " return s.length === 1 && s[0].dataset.status === 'VOIDED'; }"
    )
    assert "已作废" in await coupon_row.inner_text()
    assert await coupon_row.get_by_test_id("member-coupon-void").count() == 0
    # the status filter: one voided coupon, none unused
    await card.get_by_test_id("member-coupon-filter").get_by_text("未使用").click()
    await card.get_by_text("暂无优惠券").wait_for()
    await card.get_by_test_id("member-coupon-filter").get_by_text("已作废").click()
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=member-coupon-row]')?.dataset.code"
        f" === '{code}'"
    )
    await _no_modal(page)
    await _settled(page)
    await card.screenshot(path=str(SHOTS / "43-coupon-voided.png"))

    found = await api(COUPON, {"code": code}, token=shop.secret_key)
    assert found["coupon"] == {"status": "VOIDED", "member": {"id": member_id}}
    wallet = await api(
        "query($id: ID!) { member(id: $id) { coupons(first: 10) { totalCount } } }",
        {"id": member_id},
        token=shop.secret_key,
    )
    # the double-clicked issue button issued one coupon
    assert wallet["member"]["coupons"]["totalCount"] == 1
