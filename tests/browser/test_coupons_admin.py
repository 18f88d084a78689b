"""Coupons in the admin SPA: the template editor and its live preview, codes in bulk, the
clerk's lookup and redemption of a code, and releasing a hold an abandoned checkout left.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process); screenshots land in
test-artifacts/screenshots/.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from membership.db import PgTarget
from tests.browser.test_admin import SHOTS, _login, browser_page, live_server, pytestmark
from tests.conftest import Api, TenantFixture, make_tenant
from tests.workers.process import start_worker

__all__ = ["browser_page", "live_server", "pytestmark"]

MEMBER_PHONE = "+8617400009301"
HELD_MEMBER_PHONE = "+8617400009302"
LOYAL_MEMBER_PHONE = "+8617400009303"
REDEEMING_MEMBER_PHONES = ("+8617400009304", "+8617400009305")
CHECKOUT_ID = "POS-7-0042"
CLERK_EMAIL = "clerk@coupons.example.com"
CLERK_PASSWORD = "clerk-pass-1"

TEMPLATES = """{ couponTemplates {
  name kind amountOff percentOff maxDiscount minSpend validDays startDelayDays
  stackable maxPerOrder codePrefix codeLength publicCode
} }"""

TEMPLATE_TERMS = """{ couponTemplates { id name amountOff minSpend totalLimit issuedCount } }"""

CREATE_TEMPLATE = """mutation($input: CreateCouponTemplateInput!) {
  createCouponTemplate(input: $input) { template { id } errors { code field message } }
}"""

CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code message } }
}"""

CREATE_STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { errors { code message } }
}"""

ISSUE_COUPON = """mutation($input: IssueCouponInput!) {
  issueCoupon(input: $input) { coupon { code status } errors { code field message } }
}"""

REDEEM_COUPON = """mutation($input: RedeemCouponInput!) {
  redeemCoupon(input: $input) { coupon { status } errors { code field message } }
}"""

COUPON = """query($code: String!) {
  coupon(code: $code) { status redeemedAt member { id } }
}"""

RESERVE_COUPON = """mutation($input: ReserveCouponInput!) {
  reserveCoupon(input: $input) { coupon { reservedFor reservedUntil } errors { code field message } }
}"""

COUPON_HOLD = """query($code: String!) { coupon(code: $code) { reservedFor reservedUntil } }"""


@pytest.fixture
async def coupon_shop(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


@pytest.fixture(scope="module")
def batch_worker(
    live_server: str, database: PgTarget, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The worker that makes bulk codes (the relay hands it the batch), beside the API.

    Two workers on one batch take turns on its row, so this stays harmless should the live
    server start one of its own.
    """
    worker = start_worker(database, redis_url, tmp_path_factory.mktemp("worker") / "worker.log")
    yield
    worker.stop()


async def _create_template(api: Api, shop: TenantFixture, **template: Any) -> str:
    result = await api(CREATE_TEMPLATE, {"input": template}, token=shop.owner_token)
    assert result["createCouponTemplate"]["errors"] == [], result
    return str(result["createCouponTemplate"]["template"]["id"])


async def _issue_and_redeem(
    api: Api, shop: TenantFixture, template_id: str, phone: str, order_amount: int
) -> None:
    """A member, a coupon of the template for them, and its redemption at the till."""
    created = await api(CREATE_MEMBER, {"input": {"phone": phone}}, token=shop.secret_key)
    assert created["createMember"]["errors"] == [], created
    member_id = created["createMember"]["member"]["id"]
    issued = await api(
        ISSUE_COUPON,
        {
            "input": {
                "templateId": template_id,
                "memberId": member_id,
                "idempotencyKey": f"issue-{phone}",
            }
        },
        token=shop.secret_key,
    )
    assert issued["issueCoupon"]["errors"] == [], issued
    redeemed = await api(
        REDEEM_COUPON,
        {
            "input": {
                "code": issued["issueCoupon"]["coupon"]["code"],
                "memberId": member_id,
                "orderAmount": order_amount,
                "idempotencyKey": f"redeem-{phone}",
            }
        },
        token=shop.secret_key,
    )
    assert redeemed["redeemCoupon"]["errors"] == [], redeemed
    assert redeemed["redeemCoupon"]["coupon"]["status"] == "REDEEMED"


async def _preview_settled(page: object) -> None:
    """Wait until the preview has answered the form as it is now."""
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=coupon-preview-running]')"
    )


async def _preview_discount(page: object, expected: str) -> None:
    await page.wait_for_function(  # type: ignore[attr-defined]
        "(v) => document.querySelector('[data-testid=coupon-preview-discount]')?.textContent === v"
        " && !document.querySelector('[data-testid=coupon-preview-running]')",
        arg=expected,
    )


async def test_owner_creates_a_percent_off_template_with_a_live_preview(
    live_server: str, browser_page: object, coupon_shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = coupon_shop
    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.get_by_test_id("nav-coupons").click()  # type: ignore[attr-defined]
    await page.get_by_text("还没有券模板").wait_for()  # type: ignore[attr-defined]
    await page.get_by_test_id("coupon-template-create").click()  # type: ignore[attr-defined]

    # --- 15% off, at most ¥20, from ¥100: on ¥200 the cap applies
    await page.get_by_test_id("template-name").fill("周末 85 折")  # type: ignore[attr-defined]
    await page.get_by_test_id("template-kind").get_by_text("折扣券").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("template-percent-off").fill("15")  # type: ignore[attr-defined]
    await page.get_by_test_id("template-max-discount").fill("20")  # type: ignore[attr-defined]
    await page.get_by_test_id("template-min-spend").fill("100")  # type: ignore[attr-defined]
    await page.get_by_test_id("coupon-preview-amount").fill("200")  # type: ignore[attr-defined]
    await _preview_discount(page, "¥20.00")
    summary = await page.get_by_test_id("coupon-preview-summary").inner_text()  # type: ignore[attr-defined]
    assert summary == "满 ¥100 享 85 折，最高减 ¥20"
    assert await page.get_by_test_id("coupon-preview-payable").inner_text() == "¥180.00"  # type: ignore[attr-defined]
    await page.get_by_test_id("coupon-preview-applicable").wait_for()  # type: ignore[attr-defined]
    line_discount = page.get_by_test_id("coupon-preview-line-discount")  # type: ignore[attr-defined]
    assert await line_discount.inner_text() == "¥20.00"

    # --- below the cap: 15% of ¥120.00 is ¥18.00
    await page.get_by_test_id("coupon-preview-amount").fill("120")  # type: ignore[attr-defined]
    await _preview_discount(page, "¥18.00")
    assert await page.get_by_test_id("coupon-preview-payable").inner_text() == "¥102.00"  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "51-coupon-editor-preview.png"))  # type: ignore[attr-defined]

    # --- below the minimum spend: no discount, and the reason
    await page.get_by_test_id("coupon-preview-amount").fill("80")  # type: ignore[attr-defined]
    await _preview_discount(page, "¥0.00")
    reason = page.get_by_test_id("coupon-preview-reason")  # type: ignore[attr-defined]
    await reason.wait_for()
    assert await reason.get_attribute("data-code") == "COUPON_NOT_APPLICABLE"
    assert "消费满 100.00" in await reason.inner_text()
    await page.get_by_test_id("coupon-preview-amount").fill("200")  # type: ignore[attr-defined]
    await _preview_discount(page, "¥20.00")

    # --- 120% off: refused next to the field, the preview says why, saving sends nothing
    await page.get_by_test_id("template-percent-off").fill("120")  # type: ignore[attr-defined]
    percent_item = page.locator(".ant-form-item", has=page.get_by_test_id("template-percent-off"))  # type: ignore[attr-defined]
    await percent_item.locator(".ant-form-item-explain-error", has_text="1 到 100").wait_for()
    preview_error = page.get_by_test_id("coupon-preview-error")  # type: ignore[attr-defined]
    await preview_error.wait_for()
    await _preview_settled(page)
    assert "折扣比例（减免 %）：" in await preview_error.inner_text()
    assert await page.get_by_test_id("coupon-preview-discount").inner_text() == "—"  # type: ignore[attr-defined]
    await page.get_by_test_id("template-submit").click()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "52-coupon-editor-invalid.png"))  # type: ignore[attr-defined]
    assert (await api(TEMPLATES, token=shop.secret_key))["couponTemplates"] == []

    # --- back to 15%: saved, listed with its value
    await page.get_by_test_id("template-percent-off").fill("15")  # type: ignore[attr-defined]
    await _preview_discount(page, "¥20.00")

    # --- what only the server checks shows softly next to its field, until it is fixed
    await page.get_by_test_id("template-period-limit").fill("2")  # type: ignore[attr-defined]
    period_item = page.locator(".ant-form-item", has=page.get_by_test_id("template-period"))  # type: ignore[attr-defined]
    warning = period_item.locator(".ant-form-item-explain-warning")
    await warning.wait_for()
    assert "period 与 periodLimit 须同时提供" in await warning.inner_text()
    await page.get_by_test_id("template-period-limit").fill("")  # type: ignore[attr-defined]
    await warning.wait_for(state="detached")
    await _preview_discount(page, "¥20.00")

    # --- a campaign code: checked as typed, saved the way the server stores it
    public_code = page.get_by_test_id("template-public-code")  # type: ignore[attr-defined]
    public_item = page.locator(".ant-form-item", has=public_code)  # type: ignore[attr-defined]
    await public_code.fill("ab-1")
    public_error = public_item.locator(
        ".ant-form-item-explain-error", has_text="4 到 32 位字母或数字"
    )
    await public_error.wait_for()
    await public_code.fill("spring-26")
    await public_error.wait_for(state="detached")
    await _preview_discount(page, "¥20.00")
    await page.get_by_test_id("template-submit").click()  # type: ignore[attr-defined]
    row = page.get_by_test_id("coupon-template-row").filter(has_text="周末 85 折")  # type: ignore[attr-defined]
    await row.wait_for()
    await page.get_by_test_id("coupon-preview").wait_for(state="detached")  # type: ignore[attr-defined]
    text = await row.inner_text()
    assert "满 ¥100 享 85 折，最高减 ¥20" in text
    assert "领取后 30 天内有效" in text
    assert await row.get_by_test_id("coupon-template-public-code").inner_text() == "SPRING26"
    await page.screenshot(path=str(SHOTS / "50-coupon-templates.png"))  # type: ignore[attr-defined]

    templates = (await api(TEMPLATES, token=shop.secret_key))["couponTemplates"]
    assert templates == [
        {
            "name": "周末 85 折",
            "kind": "PERCENT_OFF",
            "amountOff": None,
            "percentOff": 15,
            "maxDiscount": 2000,
            "minSpend": 10000,
            "validDays": 30,
            "startDelayDays": 0,
            "stackable": False,
            "maxPerOrder": 1,
            "codePrefix": "",
            "codeLength": 12,
            "publicCode": "SPRING26",
        }
    ]


async def test_owner_generates_codes_in_bulk_and_downloads_them(
    live_server: str,
    batch_worker: None,
    browser_page: object,
    coupon_shop: TenantFixture,
    api: Api,
    tmp_path: Path,
) -> None:
    page: object = browser_page
    shop = coupon_shop
    template_id = await _create_template(
        api,
        shop,
        name="开业满减",
        kind="AMOUNT_OFF",
        amountOff=1000,
        minSpend=5000,
        validDays=60,
        codePrefix="OPEN",
    )
    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.get_by_test_id("nav-coupons").click()  # type: ignore[attr-defined]
    row = page.get_by_test_id("coupon-template-row").filter(has_text="开业满减")  # type: ignore[attr-defined]
    await row.get_by_test_id("coupon-template-link").click()
    await page.get_by_test_id("template-title").wait_for()  # type: ignore[attr-defined]
    assert page.url.endswith(f"/admin/coupons/{template_id}")  # type: ignore[attr-defined]
    await page.get_by_text("还没有生成过券码").wait_for()  # type: ignore[attr-defined]

    # --- 500 codes: the dialog's submit is double-clicked, one batch starts
    await page.get_by_test_id("batch-generate").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("batch-quantity").fill("500")  # type: ignore[attr-defined]
    await page.get_by_test_id("batch-submit").dblclick()  # type: ignore[attr-defined]
    batch = page.get_by_test_id("batch-row")  # type: ignore[attr-defined]
    await batch.first.wait_for()
    await page.get_by_test_id("batch-submit").wait_for(state="detached")  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "53-coupon-batch-progress.png"))  # type: ignore[attr-defined]

    # --- polled until done: 100%, and the template counts the codes as issued
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=batch-row]')?.dataset.status === 'DONE'",
        timeout=60_000,
    )
    assert await batch.count() == 1
    progress = batch.get_by_test_id("batch-progress")
    assert await progress.get_attribute("data-generated") == "500"
    assert await progress.inner_text() == "100%"
    assert await batch.get_by_test_id("batch-status").inner_text() == "已完成"
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=template-issued]')?.textContent === '500'"
    )
    await page.screenshot(path=str(SHOTS / "54-coupon-batch-done.png"), full_page=True)  # type: ignore[attr-defined]

    # --- the CSV: a header, then 500 distinct codes with the template's prefix
    async with page.expect_download() as info:  # type: ignore[attr-defined]
        await batch.get_by_test_id("batch-download").click()
    download = await info.value
    assert download.suggested_filename == "coupons-OPEN.csv"
    saved = tmp_path / download.suggested_filename
    await download.save_as(str(saved))
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert rows[0] == ["code", "status", "valid_from", "valid_until"]
    codes = [r[0] for r in rows[1:]]
    assert len(codes) == 500 and len(set(codes)) == 500
    assert all(code.startswith("OPEN") and len(code) == 4 + 12 for code in codes)
    assert {r[1] for r in rows[1:]} == {"ISSUED"}


async def test_clerk_looks_up_a_code_checks_it_and_redeems_it_once(
    live_server: str, browser_page: object, coupon_shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = coupon_shop
    template_id = await _create_template(
        api,
        shop,
        name="满百减二十",
        kind="AMOUNT_OFF",
        amountOff=2000,
        minSpend=10000,
        validDays=30,
    )
    created = await api(
        CREATE_MEMBER, {"input": {"phone": MEMBER_PHONE, "name": "赵六"}}, token=shop.secret_key
    )
    assert created["createMember"]["errors"] == []
    member_id = created["createMember"]["member"]["id"]
    issued = await api(
        ISSUE_COUPON,
        {"input": {"templateId": template_id, "memberId": member_id, "idempotencyKey": "issue-1"}},
        token=shop.secret_key,
    )
    assert issued["issueCoupon"]["errors"] == []
    code: str = issued["issueCoupon"]["coupon"]["code"]
    staff = await api(
        CREATE_STAFF,
        {"input": {"email": CLERK_EMAIL, "password": CLERK_PASSWORD, "role": "clerk"}},
        token=shop.owner_token,
    )
    assert staff["createStaff"]["errors"] == []

    await _login(page, live_server, shop.info.slug, CLERK_EMAIL, CLERK_PASSWORD)
    # the clerk may redeem, not manage templates
    assert await page.get_by_test_id("nav-coupons").count() == 0  # type: ignore[attr-defined]
    await page.get_by_test_id("nav-couponLookup").click()  # type: ignore[attr-defined]

    # --- an unknown code: a clear empty state
    code_input = page.get_by_test_id("coupon-code")  # type: ignore[attr-defined]
    await code_input.fill("nope-0000")
    await code_input.press("Enter")
    not_found = page.get_by_test_id("coupon-not-found")  # type: ignore[attr-defined]
    await not_found.wait_for()
    assert await not_found.inner_text() == "没有找到券码 NOPE0000"

    # --- the code as a customer reads it out: lower case, with a dash
    typed = f"{code[:4]}-{code[4:]}".lower()
    await code_input.fill(typed)
    await code_input.press("Enter")
    status = page.get_by_test_id("coupon-status")  # type: ignore[attr-defined]
    await status.wait_for()
    assert await status.get_attribute("data-status") == "ISSUED"
    assert await page.get_by_test_id("coupon-found-code").inner_text() == code  # type: ignore[attr-defined]
    assert "满百减二十" in await page.get_by_test_id("coupon-template").inner_text()  # type: ignore[attr-defined]
    assert "赵六" in await page.get_by_test_id("coupon-member-link").inner_text()  # type: ignore[attr-defined]
    assert "赵六" in await page.get_by_test_id("coupon-selected-member").inner_text()  # type: ignore[attr-defined]

    # --- ¥50.00 is below the minimum spend: the reason, in Chinese
    amount = page.get_by_test_id("coupon-order-amount")  # type: ignore[attr-defined]
    await amount.fill("50")
    await page.get_by_test_id("coupon-check").click()  # type: ignore[attr-defined]
    reason = page.get_by_test_id("coupon-reason")  # type: ignore[attr-defined]
    await reason.wait_for()
    assert await reason.count() == 1
    assert "消费满 100.00" in await reason.inner_text()
    await page.screenshot(path=str(SHOTS / "55-coupon-lookup.png"))  # type: ignore[attr-defined]

    # --- ¥150.00 is enough: valid, then redeemed (the button double-clicked) for ¥20.00
    await amount.fill("150")
    await page.get_by_test_id("coupon-check").click()  # type: ignore[attr-defined]
    await page.get_by_text("可以使用，优惠 ¥20.00").wait_for()  # type: ignore[attr-defined]
    await page.get_by_test_id("coupon-redeem").dblclick()  # type: ignore[attr-defined]
    await page.get_by_test_id("coupon-redeemed-discount").wait_for()  # type: ignore[attr-defined]
    assert await page.get_by_test_id("coupon-redeemed-discount").inner_text() == "¥20.00"  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=coupon-status]')?.dataset.status === 'REDEEMED'"
    )
    assert await status.inner_text() == "已核销"
    await page.get_by_test_id("coupon-redeemed-at").wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "56-coupon-redeemed.png"))  # type: ignore[attr-defined]

    # --- a second attempt, after looking the code up again: refused, and why
    await code_input.press("Enter")
    await page.get_by_test_id("coupon-verdict").wait_for(state="detached")  # type: ignore[attr-defined]
    await amount.fill("150")
    await page.get_by_test_id("coupon-redeem").click()  # type: ignore[attr-defined]
    refused = page.locator("[data-testid=coupon-reason][data-code=COUPON_ALREADY_REDEEMED]")  # type: ignore[attr-defined]
    await refused.wait_for()
    assert await refused.inner_text() == "该券已被核销。"
    assert await page.get_by_test_id("coupon-redeemed-discount").count() == 0  # type: ignore[attr-defined]

    found = await api(COUPON, {"code": code}, token=shop.secret_key)
    assert found["coupon"]["status"] == "REDEEMED"
    assert found["coupon"]["redeemedAt"] is not None
    assert found["coupon"]["member"]["id"] == member_id


async def test_clerk_releases_a_hold_an_abandoned_checkout_left(
    live_server: str, browser_page: object, coupon_shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = coupon_shop
    template_id = await _create_template(
        api, shop, name="午市立减", kind="AMOUNT_OFF", amountOff=500, validDays=30
    )
    created = await api(
        CREATE_MEMBER,
        {"input": {"phone": HELD_MEMBER_PHONE, "name": "钱七"}},
        token=shop.secret_key,
    )
    assert created["createMember"]["errors"] == []
    member_id = created["createMember"]["member"]["id"]
    issued = await api(
        ISSUE_COUPON,
        {
            "input": {
                "templateId": template_id,
                "memberId": member_id,
                "idempotencyKey": "issue-held",
            }
        },
        token=shop.secret_key,
    )
    assert issued["issueCoupon"]["errors"] == []
    code: str = issued["issueCoupon"]["coupon"]["code"]
    staff = await api(
        CREATE_STAFF,
        {"input": {"email": CLERK_EMAIL, "password": CLERK_PASSWORD, "role": "clerk"}},
        token=shop.owner_token,
    )
    assert staff["createStaff"]["errors"] == []

    # --- the storefront's checkout holds the coupon, then the customer walks away
    reserved = await api(
        RESERVE_COUPON,
        {
            "input": {
                "code": code,
                "memberId": member_id,
                "orderAmount": 3000,
                "checkoutId": CHECKOUT_ID,
                "ttlSeconds": 900,
            }
        },
        token=shop.secret_key,
    )
    assert reserved["reserveCoupon"]["errors"] == []
    assert reserved["reserveCoupon"]["coupon"]["reservedFor"] == CHECKOUT_ID

    await _login(page, live_server, shop.info.slug, CLERK_EMAIL, CLERK_PASSWORD)
    await page.get_by_test_id("nav-couponLookup").click()  # type: ignore[attr-defined]
    code_input = page.get_by_test_id("coupon-code")  # type: ignore[attr-defined]
    await code_input.fill(code)
    await code_input.press("Enter")

    # --- the lookup says who holds it and until when
    held = page.get_by_test_id("coupon-held")  # type: ignore[attr-defined]
    await held.wait_for()
    held_text = await held.get_by_test_id("coupon-held-text").inner_text()
    assert held_text.startswith(f"已被结账 {CHECKOUT_ID} 锁定，至 ")
    await page.screenshot(path=str(SHOTS / "57-coupon-held.png"))  # type: ignore[attr-defined]

    # --- the member's coupons show it as held too
    await page.get_by_test_id("coupon-member-link").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("member-tab-coupons").click()  # type: ignore[attr-defined]
    member_row = page.locator(f'[data-testid=member-coupon-row][data-code="{code}"]')  # type: ignore[attr-defined]
    await member_row.get_by_test_id("member-coupon-held").wait_for()
    assert await member_row.get_by_test_id("member-coupon-held").inner_text() == "锁定中"
    await page.go_back()  # type: ignore[attr-defined]
    await held.wait_for()

    # --- released after a confirmation: the alert goes, and so does the hold
    await held.get_by_test_id("coupon-release").click()
    confirm = page.locator(".ant-popconfirm")  # type: ignore[attr-defined]
    await confirm.get_by_text(CHECKOUT_ID).wait_for()
    await confirm.get_by_role("button", name="解除锁定").click()
    await held.wait_for(state="detached")
    await page.get_by_test_id("coupon-status").wait_for()  # type: ignore[attr-defined]
    found = await api(COUPON_HOLD, {"code": code}, token=shop.secret_key)
    assert found["coupon"] == {"reservedFor": None, "reservedUntil": None}


async def test_owner_edits_an_issued_template_but_not_what_its_coupons_are_worth(
    live_server: str, browser_page: object, coupon_shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = coupon_shop
    template_id = await _create_template(
        api,
        shop,
        name="满100减20",
        kind="AMOUNT_OFF",
        amountOff=2000,
        minSpend=10000,
        validDays=30,
        totalLimit=100,
    )
    created = await api(
        CREATE_MEMBER,
        {"input": {"phone": LOYAL_MEMBER_PHONE, "name": "孙八"}},
        token=shop.secret_key,
    )
    assert created["createMember"]["errors"] == []
    issued = await api(
        ISSUE_COUPON,
        {
            "input": {
                "templateId": template_id,
                "memberId": created["createMember"]["member"]["id"],
                "idempotencyKey": "issue-loyal",
            }
        },
        token=shop.secret_key,
    )
    assert issued["issueCoupon"]["errors"] == []

    async def terms() -> dict[str, Any]:
        found = await api(TEMPLATE_TERMS, token=shop.secret_key)
        [template] = [t for t in found["couponTemplates"] if t["id"] == template_id]
        return dict(template)

    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.get_by_test_id("nav-coupons").click()  # type: ignore[attr-defined]
    row = page.get_by_test_id("coupon-template-row").filter(has_text="满100减20")  # type: ignore[attr-defined]
    await row.get_by_test_id("coupon-template-link").click()
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=template-issued]')?.textContent === '1'"
    )

    # --- a coupon is out: its value and scope are fixed, and the form says why
    await page.get_by_test_id("template-edit").click()  # type: ignore[attr-defined]
    locked = page.get_by_test_id("template-value-locked")  # type: ignore[attr-defined]
    await locked.wait_for()
    assert "已发放的券按此面值核销" in await locked.inner_text()
    amount = page.get_by_test_id("template-amount-off")  # type: ignore[attr-defined]
    assert await amount.input_value() == "20.00"
    assert await amount.is_disabled()
    assert await page.get_by_test_id("template-min-spend").is_disabled()  # type: ignore[attr-defined]
    kind = page.get_by_test_id("template-kind")  # type: ignore[attr-defined]
    assert await kind.locator("input[type=radio]:checked").is_disabled()
    name = page.get_by_test_id("template-name")  # type: ignore[attr-defined]
    assert await name.input_value() == "满100减20"
    total = page.get_by_test_id("template-total-limit")  # type: ignore[attr-defined]
    assert await total.input_value() == "100"
    # the preview runs on the form as loaded: ¥20 off a ¥100 order
    await _preview_discount(page, "¥20.00")

    # --- the name and the total limit change; the amount stays
    await name.fill("老客满100减20")
    await total.fill("50")
    await _preview_discount(page, "¥20.00")
    await locked.scroll_into_view_if_needed()
    await page.screenshot(path=str(SHOTS / "58-coupon-template-edit.png"))  # type: ignore[attr-defined]
    await page.get_by_test_id("template-submit").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("coupon-preview").wait_for(state="detached")  # type: ignore[attr-defined]
    title = page.get_by_test_id("template-title")  # type: ignore[attr-defined]
    await title.filter(has_text="老客满100减20").wait_for()
    assert await title.inner_text() == "老客满100减20"
    assert await terms() == {
        "id": template_id,
        "name": "老客满100减20",
        "amountOff": 2000,
        "minSpend": 10000,
        "totalLimit": 50,
        "issuedCount": 1,
    }

    # --- a total limit of 0 is refused on its field, and nothing is saved
    await page.get_by_test_id("template-edit").click()  # type: ignore[attr-defined]
    await total.wait_for()
    assert await total.input_value() == "50"
    await total.fill("0")
    await page.get_by_test_id("template-submit").click()  # type: ignore[attr-defined]
    total_item = page.locator(".ant-form-item", has=total)  # type: ignore[attr-defined]
    await total_item.locator(".ant-form-item-explain-error").wait_for()
    assert (await terms())["totalLimit"] == 50


async def test_owner_sees_a_campaigns_redemptions_day_by_day(
    live_server: str, browser_page: object, coupon_shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = coupon_shop
    template_id = await _create_template(
        api, shop, name="春季满减", kind="AMOUNT_OFF", amountOff=2000, minSpend=5000, validDays=30
    )
    for phone in REDEEMING_MEMBER_PHONES:
        await _issue_and_redeem(api, shop, template_id, phone, order_amount=8800)

    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.get_by_test_id("nav-coupons").click()  # type: ignore[attr-defined]
    row = page.get_by_test_id("coupon-template-row").filter(has_text="春季满减")  # type: ignore[attr-defined]
    await row.get_by_test_id("coupon-template-link").click()
    await page.get_by_test_id("template-title").wait_for()  # type: ignore[attr-defined]

    # --- the last 30 days by default: a chart drawn on a canvas, and the range's totals under it
    card = page.get_by_test_id("coupon-redemptions-chart")  # type: ignore[attr-defined]
    await card.locator("canvas").first.wait_for()
    total = card.locator("[data-testid=coupon-redemptions-total][data-days='30']")
    await total.wait_for()
    assert await total.inner_text() == "共核销 2 张，优惠 ¥40.00"
    assert await card.get_by_test_id("coupon-redemptions-empty").count() == 0
    await card.scroll_into_view_if_needed()
    await page.screenshot(path=str(SHOTS / "59-coupon-redemptions-chart.png"))  # type: ignore[attr-defined]

    # --- the last 7 days: asked again, today's two redemptions are still in it
    await card.get_by_test_id("coupon-redemptions-range-7").click()
    total = card.locator("[data-testid=coupon-redemptions-total][data-days='7']")
    await total.wait_for()
    assert await total.inner_text() == "共核销 2 张，优惠 ¥40.00"
    await card.locator("canvas").first.wait_for()
