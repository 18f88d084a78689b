"""The mall preset's admin pages, in Debian's chromium against the live API (the mall is installed
through its entry point): the menu lists them; a receipt with a photo is approved and its points
reach the member, one whose photo cannot load is rejected with a reason; a store is added, a bad
code answered at its field; the settlement shows the table and the chart and downloads the XLSX;
in English; and at a phone's width the review queue fits without sideways scrolling. Screenshots
land in test-artifacts/screenshots/mall-*.
"""

from __future__ import annotations

import re
import uuid
from io import BytesIO
from typing import Any

import httpx
from openpyxl import load_workbook
from playwright.async_api import Locator, Page, expect

from membership.db import PgTarget
from tests.browser.selects import choose
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.viewports import assert_no_sideways_scroll, screenshot, use_device
from tests.conftest import Api, TenantFixture, make_tenant

__all__ = ["browser_page", "live_server", "pytestmark"]

ENABLE = """mutation { enablePlugin(name: "mall", config: {}) {
  plugin { enabled } errors { code field message } } }"""
CREATE_MEMBER = """mutation($phone: String!) { createMember(input: {phone: $phone, name: "李雷"}) {
  member { id } errors { code } } }"""
SUBMIT = """mutation($input: SubmitReceiptInput!) { submitReceipt(input: $input) {
  receipt { id } errors { code field message } } }"""
MEMBER_POINTS = "query($id: ID!) { member(id: $id) { pointsBalance } }"
RECEIPT_STATUS = "{ receipts { edges { node { receiptNo status rejectReason } } } }"

PHOTO_OK = "R-PHOTO-1"  # its photo is the admin's own icon
PHOTO_GONE = "R-GONE-2"  # its photo is on a host nobody answers


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


async def mall_with_receipts(base: str, mall: TenantFixture) -> str:
    """Enable the mall (its default stores A101, B201, C301) and submit two receipts of a new
    member for review: ¥128.00 at A101 with a photo, ¥66.00 at B201 with an unreachable one."""
    enabled = await live(base, ENABLE, {}, mall.owner_token)
    assert enabled["enablePlugin"] == {"plugin": {"enabled": True}, "errors": []}
    phone = f"1381{uuid.uuid4().int % 10_000_000:07d}"
    made = await live(base, CREATE_MEMBER, {"phone": phone}, mall.owner_token)
    member_id = str(made["createMember"]["member"]["id"])
    for store, number, amount, image in (
        ("A101", PHOTO_OK, 12_800, f"{base}/admin/favicon.svg"),
        ("B201", PHOTO_GONE, 6_600, "http://127.0.0.1:9/receipt.jpg"),
    ):
        receipt = {
            "memberId": member_id,
            "storeCode": store,
            "receiptNo": number,
            "amount": amount,
            "imageUrl": image,
            "idempotencyKey": uuid.uuid4().hex,
        }
        submitted = await live(base, SUBMIT, {"input": receipt}, mall.owner_token)
        assert submitted["submitReceipt"]["errors"] == []
    return member_id


def nav(page: Page, path: str) -> Locator:
    return page.locator(f"[data-testid=plugin-nav][data-plugin=mall][data-page={path}]")


def receipt(page: Page, number: str) -> Locator:
    return page.locator(f"[data-testid=mall-receipt][data-receipt-no='{number}']")


async def test_receipts_are_reviewed_stores_added_and_the_settlement_downloaded(
    live_server: str, browser_page: Page, database: PgTarget, api: Api
) -> None:
    page, base = browser_page, live_server
    mall = await make_tenant(database, api)
    member_id = await mall_with_receipts(base, mall)
    await _login(page, base, mall.info.slug, mall.owner_email, mall.owner_password)

    # the menu, in Chinese
    for path, title in (("receipts", "小票审核"), ("stores", "商户"), ("settlement", "结算")):
        await expect(nav(page, path)).to_have_text(title)

    # the queue: both receipts with their photos; the unreachable one shows a placeholder
    await nav(page, "receipts").click()
    await page.wait_for_url(re.compile(r"/admin/plugins/mall/receipts$"))
    queue = page.get_by_test_id("mall-receipts")
    await expect(queue.get_by_test_id("mall-receipt")).to_have_count(2)
    good = receipt(page, PHOTO_OK)
    await expect(good.get_by_test_id("mall-receipt-amount")).to_have_text("¥128.00")
    await expect(good.get_by_test_id("mall-receipt-store")).to_contain_text("示例餐饮（A101）")
    await expect(good.get_by_test_id("mall-receipt-member")).to_contain_text("李雷")
    photo = good.get_by_test_id("mall-receipt-photo").locator("img")
    await expect(photo).to_have_attribute("src", f"{base}/admin/favicon.svg")
    assert await photo.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    gone = receipt(page, PHOTO_GONE).get_by_test_id("mall-receipt-photo").locator("img")
    await expect(gone).to_have_attribute("src", re.compile(r"^data:image/svg"))
    await screenshot(page, "mall-receipts")
    # the photo opens larger
    await photo.click()
    await expect(page.locator(".ant-image-preview-img")).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(page.locator(".ant-image-preview-img")).to_be_hidden()

    # approve: the notice says the points, and they are the member's
    await good.get_by_test_id("mall-receipt-approve").click()
    notice = queue.get_by_test_id("mall-receipts-notice")
    await expect(notice).to_contain_text("小票 R-PHOTO-1 已通过，会员获得 128 积分")
    await expect(queue.get_by_test_id("mall-receipt")).to_have_count(1)
    points = await live(base, MEMBER_POINTS, {"id": member_id}, mall.owner_token)
    assert points["member"]["pointsBalance"] == 128

    # reject: a reason is asked for, then it is recorded
    await receipt(page, PHOTO_GONE).get_by_test_id("mall-receipt-reject").click()
    await page.get_by_test_id("mall-reject-confirm").click()
    form = page.get_by_test_id("mall-reject-form")
    await expect(form.locator(".ant-form-item-explain-error")).to_have_text("请填写驳回原因")
    await page.get_by_test_id("mall-reject-reason").fill("照片无法打开")
    await page.get_by_test_id("mall-reject-confirm").click()
    await expect(notice).to_contain_text("小票 R-GONE-2 已驳回")
    await expect(queue.get_by_test_id("mall-receipts-empty")).to_be_visible()
    reviewed = await live(base, RECEIPT_STATUS, {}, mall.owner_token)
    assert {
        (e["node"]["receiptNo"], e["node"]["status"], e["node"]["rejectReason"])
        for e in reviewed["receipts"]["edges"]
    } == {(PHOTO_OK, "APPROVED", None), (PHOTO_GONE, "REJECTED", "照片无法打开")}
    # the filter shows the rejected one with its reason
    await choose(page, queue.get_by_test_id("mall-receipts-status"), "已驳回")
    await expect(receipt(page, PHOTO_GONE).get_by_test_id("mall-receipt-reason")).to_have_text(
        "驳回原因：照片无法打开"
    )

    # stores: a bad code is answered at its field; a new store joins the list
    await nav(page, "stores").click()
    stores = page.get_by_test_id("mall-stores")
    await expect(stores.get_by_test_id("mall-store")).to_have_count(3)
    form = page.get_by_test_id("mall-store-form")
    await form.get_by_test_id("mall-store-code").fill("坏编码")
    await form.get_by_test_id("mall-store-name").fill("示例书店")
    await form.get_by_test_id("mall-store-create").click()
    await expect(form.locator(".ant-form-item-explain-error")).to_contain_text("商户编码为 1 到 32")
    await form.get_by_test_id("mall-store-code").fill("D401")
    await form.get_by_test_id("mall-store-create").click()
    await expect(stores.get_by_test_id("mall-stores-notice")).to_contain_text("已添加「示例书店」")
    made = page.locator("[data-testid=mall-store][data-code=D401]")
    await expect(made.get_by_test_id("mall-store-title")).to_have_text("示例书店")
    await expect(made.get_by_test_id("mall-store-state")).to_have_text("营业中")

    # settlement: A101 issued the approved receipt's points; the chart draws; the XLSX downloads
    await nav(page, "settlement").click()
    report = page.get_by_test_id("mall-settlement")
    await expect(report.get_by_test_id("mall-settlement-row")).to_have_count(4)
    a101 = report.locator("[data-testid=mall-settlement-row][data-code=A101]")
    await expect(a101.locator("td").nth(1)).to_have_text("128")
    await expect(report.get_by_test_id("mall-settlement-explain")).to_contain_text(
        "正数为商场应付商户"
    )
    await expect(report.get_by_test_id("mall-settlement-chart").locator("canvas")).to_have_count(1)
    await screenshot(page, "mall-settlement")
    async with page.expect_download() as downloading:
        await report.get_by_test_id("mall-settlement-download").click()
    download = await downloading.value
    assert re.fullmatch(r"settlement-\d{8}-\d{8}\.xlsx", download.suggested_filename)
    saved = await download.path()  # a name without .xlsx, which openpyxl goes by: read the bytes
    sheet = load_workbook(BytesIO(saved.read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("商户编码", "商户名称", "发放积分")
    assert ("A101", "示例餐饮", 128) in {r[:3] for r in rows}
    await expect(report.get_by_test_id("mall-settlement-notice")).to_have_text("已下载结算表")

    # in English
    await page.get_by_test_id("lang-switch").get_by_text("EN").click()
    await page.wait_for_function("() => document.documentElement.lang === 'en'")
    await expect(nav(page, "receipts")).to_have_text("Receipt review")
    await expect(report.get_by_test_id("mall-settlement-explain")).to_contain_text(
        "positive, the mall pays the store"
    )
    await expect(report.get_by_test_id("mall-settlement-download")).to_have_text("Download Excel")


async def test_the_review_queue_fits_a_phone(
    live_server: str, browser_page: Page, database: PgTarget, api: Api
) -> None:
    page, base = browser_page, live_server
    mall = await make_tenant(database, api)
    await mall_with_receipts(base, mall)
    await use_device(page, "phone")
    await _login(
        page,
        base,
        mall.info.slug,
        mall.owner_email,
        mall.owner_password,
        path="plugins/mall/receipts",
        ready="mall-receipts",
    )
    await expect(page.get_by_test_id("mall-receipt")).to_have_count(2)
    await assert_no_sideways_scroll(page)
    button = await receipt(page, PHOTO_OK).get_by_test_id("mall-receipt-approve").bounding_box()
    assert button is not None and button["height"] >= 40
    await screenshot(page, "mall-receipts-phone")
