"""A clerk reveals a member's personal data field by field: the phone on a tap, an ID number
only with a reason, which the audit log keeps. Runs like test_admin.py."""

from __future__ import annotations

import pytest

from membership.demo import seed_reference_data
from membership.members.service import MemberChanges, create_member
from tests.browser.test_admin import SHOTS, _login, browser_page, live_server, pytestmark
from tests.conftest import Api, TenantFixture

__all__ = ["browser_page", "live_server", "pytestmark"]

ID_NUMBER = "110101199003078888"
AUDIT = """query($id: ID) { auditLog(first: 10, targetId: $id) {
  edges { node { action after } } } }"""


@pytest.mark.parametrize("width", [1366])
async def test_a_clerk_reveals_the_phone_then_an_id_number_with_a_reason(
    live_server: str, browser_page: object, tenant: TenantFixture, api: Api, width: int
) -> None:
    page: object = browser_page
    await seed_reference_data(tenant.ctx)
    member = await create_member(
        tenant.ctx,
        MemberChanges(phone="13900008888", name="赵六", custom_fields={"id_number": ID_NUMBER}),
    )
    await api(
        """mutation($input: CreateStaffInput!) { createStaff(input: $input) { errors { code } } }""",
        {"input": {"email": "desk@reveal.example.com", "password": "desk-pass-1", "role": "clerk"}},
        token=tenant.owner_token,
    )
    await page.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
    await _login(page, live_server, tenant.info.slug, "desk@reveal.example.com", "desk-pass-1")
    await page.goto(f"{live_server}/admin/members/{member.id}")  # type: ignore[attr-defined]
    phone = page.get_by_test_id("member-phone")  # type: ignore[attr-defined]
    await phone.wait_for()
    assert await phone.inner_text() == "139****8888"
    # custom fields are on the profile tab
    await page.get_by_test_id("member-tab-profile").click()  # type: ignore[attr-defined]
    id_number = page.get_by_test_id("member-cf-id_number")  # type: ignore[attr-defined]
    assert ID_NUMBER not in await id_number.inner_text()

    await page.get_by_test_id("reveal-phone").click()  # type: ignore[attr-defined]
    await phone.filter(has_text="13900008888").wait_for()
    assert ID_NUMBER not in await id_number.inner_text()  # the phone alone

    await page.get_by_test_id("reveal-cf-id_number").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("reveal-field-submit").click()  # type: ignore[attr-defined]
    # the server's error, shown on the reason field
    await page.locator(".ant-form-item-explain-error").first.wait_for()  # type: ignore[attr-defined]
    assert ID_NUMBER not in await id_number.inner_text()
    reason = "member asked to check the ID on file"
    await page.get_by_test_id("reveal-field-reason").fill(reason)  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "84-reveal-reason.png"))  # type: ignore[attr-defined]
    await page.get_by_test_id("reveal-field-submit").click()  # type: ignore[attr-defined]
    await page.get_by_text(ID_NUMBER).first.wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "85-reveal-id-number.png"))  # type: ignore[attr-defined]

    trail = await api(AUDIT, {"id": str(member.id)}, tenant.owner_token)
    reveals = [
        e["node"]["after"]
        for e in trail["auditLog"]["edges"]
        if e["node"]["action"] == "member.reveal_pii"
    ]
    assert reveals == [{"fields": ["id_number"], "reason": reason}, {"fields": ["phone"]}]
