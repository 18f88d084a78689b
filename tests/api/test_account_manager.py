"""A member's account manager: the staff member who follows it up."""

from __future__ import annotations

from tests.api.test_auth import add_staff
from tests.conftest import Api, TenantFixture, count_queries

CREATE = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) {
    member { id accountManager { id email } } errors { code field message }
  }
}"""
UPDATE = """mutation($id: ID!, $input: UpdateMemberInput!) {
  updateMember(id: $id, input: $input) {
    member { id accountManager { id email } } errors { code field message }
  }
}"""
DEACTIVATE = """mutation($id: ID!) { deactivateStaff(id: $id) { errors { code } } }"""


async def _staff_id(api: Api, tenant: TenantFixture, email: str) -> str:
    staff = await api("{ staff { id email } }", token=tenant.owner_token)
    return next(s["id"] for s in staff["staff"] if s["email"] == email)  # type: ignore[no-any-return]


async def test_a_member_is_given_an_account_manager_changed_and_cleared(
    api: Api, tenant: TenantFixture
) -> None:
    email, _ = await add_staff(api, tenant, "clerk")
    sales = await _staff_id(api, tenant, email)
    created = await api(
        CREATE, {"input": {"phone": "13800138000", "accountManagerId": sales}}, tenant.owner_token
    )
    member = created["createMember"]["member"]
    assert member["accountManager"] == {"id": sales, "email": email}

    other_email, _ = await add_staff(api, tenant, "marketer")
    other = await _staff_id(api, tenant, other_email)
    moved = await api(
        UPDATE, {"id": member["id"], "input": {"accountManagerId": other}}, tenant.owner_token
    )
    assert moved["updateMember"]["member"]["accountManager"]["id"] == other
    cleared = await api(
        UPDATE, {"id": member["id"], "input": {"accountManagerId": None}}, tenant.owner_token
    )
    assert cleared["updateMember"]["member"]["accountManager"] is None

    audit = await api(
        """query($id: ID) { auditLog(targetType: "member", targetId: $id) {
             edges { node { action before after } } } }""",
        {"id": member["id"]},
        tenant.owner_token,
    )
    managers = [
        (e["node"]["before"]["accountManagerId"], e["node"]["after"]["accountManagerId"])
        for e in audit["auditLog"]["edges"]
        if e["node"]["action"] == "member.update"
    ]
    assert managers == [(other, None), (sales, other)]  # newest first


async def test_unknown_or_inactive_staff_cannot_be_account_managers(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    created = await api(CREATE, {"input": {"phone": "13800138001"}}, tenant.owner_token)
    member_id = created["createMember"]["member"]["id"]
    email, _ = await add_staff(api, tenant, "clerk")
    leaver = await _staff_id(api, tenant, email)
    assert (await api(DEACTIVATE, {"id": leaver}, tenant.owner_token))["deactivateStaff"][
        "errors"
    ] == []
    foreign_email, _ = await add_staff(api, other_tenant, "clerk")
    staff = await api("{ staff { id email } }", token=other_tenant.owner_token)
    foreign = next(s["id"] for s in staff["staff"] if s["email"] == foreign_email)
    for candidate in (leaver, foreign):
        refused = await api(
            UPDATE, {"id": member_id, "input": {"accountManagerId": candidate}}, tenant.owner_token
        )
        assert refused["updateMember"] == {
            "member": None,
            "errors": [
                {
                    "code": "NOT_FOUND",
                    "field": ["input", "accountManagerId"],
                    "message": "No such active staff member in this tenant.",
                }
            ],
        }
    refused_create = await api(
        CREATE, {"input": {"phone": "13800138002", "accountManagerId": foreign}}, tenant.owner_token
    )
    assert refused_create["createMember"]["errors"][0]["code"] == "NOT_FOUND"
    found = await api('{ member(phone: "13800138002") { id } }', token=tenant.owner_token)
    assert found["member"] is None  # nothing was created


async def test_listing_members_with_their_account_managers_takes_constant_queries(
    api: Api, tenant: TenantFixture
) -> None:
    emails = [(await add_staff(api, tenant, "clerk"))[0] for _ in range(3)]
    managers = [await _staff_id(api, tenant, e) for e in emails]
    for index in range(30):
        phone = f"1390000{index:04d}"
        variables = {"input": {"phone": phone, "accountManagerId": managers[index % 3]}}
        assert (await api(CREATE, variables, tenant.owner_token))["createMember"]["errors"] == []
    query = """query($first: Int) { members(first: $first) {
        edges { node { id accountManager { id name email } } } } }"""
    await api(query, {"first": 1}, tenant.owner_token)
    counts = []
    for first in (5, 30):
        with count_queries() as counter:
            data = await api(query, {"first": first}, tenant.owner_token)
        assert all(e["node"]["accountManager"] for e in data["members"]["edges"])
        counts.append(len(counter.queries))
    assert counts[0] == counts[1], counts
