"""Member codes (会员码): a member's mini-program shows one, a till scans it, and two minutes later
it names nobody."""

from __future__ import annotations

from datetime import timedelta

from membership.members.codes import CODE_LENGTH, CODE_TTL
from tests.conftest import Api, TenantFixture
from tests.points.test_ledger_invariants import new_member

CREATE_CODE = """mutation($id: ID!) {
  createMemberCode(memberId: $id) { code expiresAt errors { code field message } }
}"""
TOKEN = """mutation($id: ID!) { createMemberToken(memberId: $id) { token errors { code } } }"""
BY_CODE = """query($code: String) { member(code: $code) { id } }"""


async def test_a_member_shows_a_code_that_a_till_scans(api: Api, tenant: TenantFixture) -> None:
    member = await new_member(tenant)
    token = (await api(TOKEN, {"id": str(member)}, tenant.secret_key))["createMemberToken"]["token"]
    issued = (await api(CREATE_CODE, {"id": str(member)}, token))["createMemberCode"]
    assert issued["errors"] == []
    code = issued["code"]
    assert len(code) == CODE_LENGTH and code.isdigit()
    found = await api(BY_CODE, {"code": code}, tenant.owner_token)
    assert found["member"] == {"id": str(member)}
    # a second code is another number; both work until they expire
    again = (await api(CREATE_CODE, {"id": str(member)}, token))["createMemberCode"]["code"]
    assert again != code
    assert (await api(BY_CODE, {"code": again}, tenant.owner_token))["member"] == {
        "id": str(member)
    }


async def test_a_code_expires_and_names_nobody_in_another_tenant(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    code = (await api(CREATE_CODE, {"id": str(member)}, tenant.secret_key))["createMemberCode"][
        "code"
    ]
    assert (await api(BY_CODE, {"code": code}, other_tenant.owner_token))["member"] is None
    await _expire(tenant, code)
    assert (await api(BY_CODE, {"code": code}, tenant.owner_token))["member"] is None
    for junk in ("", "12345", "66" + "x" * 16, code + "0"):
        assert (await api(BY_CODE, {"code": junk}, tenant.owner_token))["member"] is None


async def _expire(tenant: TenantFixture, code: str) -> None:
    from membership.members.models import MemberCode
    from tenants.tx import tenant_tx

    async with tenant_tx(tenant.ctx):
        row = await MemberCode.get(code=code)
        assert row.expires_at - row.created_at == CODE_TTL
        await MemberCode.filter(code=code).update(expires_at=row.created_at - timedelta(seconds=1))


async def test_only_the_member_itself_or_a_minting_key_may_ask_for_a_code(
    api: Api, tenant: TenantFixture
) -> None:
    member, other = await new_member(tenant), await new_member(tenant)
    token = (await api(TOKEN, {"id": str(member)}, tenant.secret_key))["createMemberToken"]["token"]
    theirs = (await api(CREATE_CODE, {"id": str(other)}, token))["createMemberCode"]
    assert theirs["code"] is None
    assert theirs["errors"][0]["code"] == "PERMISSION_DENIED"
    missing = await api(
        CREATE_CODE, {"id": "7d3c4a59-0000-4000-8000-000000000000"}, tenant.secret_key
    )
    assert missing["createMemberCode"]["errors"] == [
        {"code": "NOT_FOUND", "field": ["memberId"], "message": "No such member in this tenant."}
    ]
