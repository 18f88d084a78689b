"""Custom fields, PII masking and reveal, the audit trail, and member merge."""

from __future__ import annotations

from typing import Any

from tests.api.test_members import CREATE, GET, LIST, UPDATE
from tests.conftest import LOGIN, Api, TenantFixture

DEFINE = """mutation($input: CreateCustomFieldDefinitionInput!) {
  createCustomFieldDefinition(input: $input) {
    definition { id key label type required pii options } errors { code field message }
  }
}"""
REVEAL = """mutation($id: ID!, $field: String! = "phone", $reason: String) {
      revealMemberPii(id: $id, field: $field, reason: $reason) {
        phone customFields errors { code field } } }"""
MERGE = """mutation($input: MergeMembersInput!) {
  mergeMembers(input: $input) { member { id name tags totalSpent externalId customFields }
  errors { code field message } }
}"""
AUDIT = """query($targetId: ID) { auditLog(targetType: "member", targetId: $targetId) {
  totalCount edges { node { action actorType actorLabel before after requestId } } } }"""
CREATE_STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { staff { id role } errors { code field message } }
}"""


async def define(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api(DEFINE, {"input": fields}, token)
    return data["createCustomFieldDefinition"]  # type: ignore[no-any-return]


async def staff_token(api: Api, tenant: TenantFixture, role: str) -> str:
    email = f"{role}@{tenant.info.slug}.example.com"
    await api(
        CREATE_STAFF,
        {"input": {"email": email, "password": "secret-pass-1", "role": role}},
        tenant.owner_token,
    )
    data = await api(LOGIN, {"slug": tenant.info.slug, "email": email, "password": "secret-pass-1"})
    return data["login"]["token"]  # type: ignore[no-any-return]


async def test_custom_fields_are_validated_by_type_and_filterable(
    api: Api, tenant: TenantFixture
) -> None:
    token = tenant.owner_token
    skin = await define(
        api, token, key="skin_type", label="肤质", type="ENUM", options=["干性", "油性"]
    )
    assert skin["errors"] == []
    await define(api, token, key="due_date", label="预产期", type="DATE")
    await define(api, token, key="visits", label="到店次数", type="NUMBER")
    await define(api, token, key="vip", label="VIP", type="BOOL")

    good = (
        await api(
            CREATE,
            {
                "input": {
                    "phone": "13900000001",
                    "customFields": {
                        "skin_type": "干性",
                        "due_date": "2027-01-05",
                        "visits": 3,
                        "vip": True,
                    },
                }
            },
            token,
        )
    )["createMember"]
    assert good["errors"] == []
    assert good["member"]["customFields"] == {
        "skin_type": "干性",
        "due_date": "2027-01-05",
        "visits": 3,
        "vip": True,
    }

    bad = (
        await api(
            CREATE,
            {
                "input": {
                    "phone": "13900000002",
                    "customFields": {
                        "skin_type": "中性",
                        "due_date": "2027-02-30",
                        "visits": "three",
                        "vip": "yes",
                        "shoe_size": 42,
                    },
                }
            },
            token,
        )
    )["createMember"]
    assert bad["member"] is None
    fields = sorted(tuple(e["field"]) for e in bad["errors"])
    assert fields == [
        ("input", "customFields", key)
        for key in sorted(("due_date", "shoe_size", "skin_type", "visits", "vip"))
    ]
    assert {e["code"] for e in bad["errors"]} == {"INVALID"}

    found = (
        await api(
            LIST, {"filter": {"customFields": [{"key": "skin_type", "value": "干性"}]}}, token
        )
    )["members"]
    assert found["totalCount"] == 1
    unknown = await api.raw(
        LIST, {"filter": {"customFields": [{"key": "nope", "value": 1}]}}, token
    )
    assert unknown.json()["errors"][0]["extensions"]["code"] == "INVALID"


async def test_required_field_is_enforced_on_create_and_cannot_be_cleared(
    api: Api, tenant: TenantFixture
) -> None:
    token = tenant.owner_token
    await define(api, token, key="store", label="开卡门店", type="TEXT", required=True)
    missing = (await api(CREATE, {"input": {"phone": "13900000011"}}, token))["createMember"]
    assert missing["errors"][0]["field"] == ["input", "customFields", "store"]
    member = (
        await api(
            CREATE, {"input": {"phone": "13900000011", "customFields": {"store": "静安店"}}}, token
        )
    )["createMember"]["member"]
    cleared = (
        await api(UPDATE, {"id": member["id"], "input": {"customFields": {"store": None}}}, token)
    )["updateMember"]
    assert cleared["errors"][0]["code"] == "INVALID"
    again = (await api(GET, {"id": member["id"]}, token))["member"]
    assert again["customFields"] == {"store": "静安店"}


async def test_phone_and_pii_fields_are_masked_for_roles_without_pii_and_reveal_is_audited(
    api: Api, tenant: TenantFixture
) -> None:
    await define(api, tenant.owner_token, key="id_number", label="身份证", type="TEXT", pii=True)
    member = (
        await api(
            CREATE,
            {
                "input": {
                    "phone": "13812348000",
                    "customFields": {"id_number": "110101199001011234"},
                }
            },
            tenant.owner_token,
        )
    )["createMember"]["member"]
    assert member["phone"] == "+8613812348000" and member["phoneMasked"] is False

    clerk = await staff_token(api, tenant, "clerk")
    seen = (await api(GET, {"id": member["id"]}, clerk))["member"]
    assert seen["phone"] == "+86138****8000"
    assert seen["phoneMasked"] is True
    assert seen["customFields"] == {"id_number": "***"}

    # the phone alone: no reason asked, nothing else shown
    revealed = (await api(REVEAL, {"id": member["id"]}, clerk))["revealMemberPii"]
    assert revealed == {"phone": "+8613812348000", "customFields": {}, "errors": []}
    # another PII field: one at a time, with a reason
    no_reason = (await api(REVEAL, {"id": member["id"], "field": "id_number"}, clerk))[
        "revealMemberPii"
    ]
    assert no_reason["customFields"] is None
    assert [(e["code"], e["field"]) for e in no_reason["errors"]] == [("INVALID", ["reason"])]
    not_pii = await api(
        REVEAL, {"id": member["id"], "field": "nickname", "reason": "curious"}, clerk
    )
    assert not_pii["revealMemberPii"]["errors"][0]["field"] == ["field"]
    reason = "customer asked to verify identity at the desk"
    field = (
        await api(REVEAL, {"id": member["id"], "field": "id_number", "reason": reason}, clerk)
    )["revealMemberPii"]
    assert field == {
        "phone": None,
        "customFields": {"id_number": "110101199001011234"},
        "errors": [],
    }
    trail = (await api(AUDIT, {"targetId": member["id"]}, tenant.owner_token))["auditLog"]
    reveal = [e["node"] for e in trail["edges"] if e["node"]["action"] == "member.reveal_pii"]
    assert len(reveal) == 2  # the refused ones left nothing
    assert {r["actorLabel"] for r in reveal} == {f"clerk@{tenant.info.slug}.example.com"}
    assert [r["after"] for r in reveal] == [
        {"fields": ["id_number"], "reason": reason},
        {"fields": ["phone"]},
    ]

    analyst = await staff_token(api, tenant, "analyst")
    refused = (await api(REVEAL, {"id": member["id"]}, analyst))["revealMemberPii"]
    assert refused["phone"] is None and refused["errors"][0]["code"] == "PERMISSION_DENIED"


async def test_staff_writes_are_audited_with_before_and_after_without_pii(
    api: Api, tenant: TenantFixture
) -> None:
    member = (
        await api(CREATE, {"input": {"phone": "13812348001", "name": "王五"}}, tenant.owner_token)
    )["createMember"]["member"]
    await api(
        UPDATE, {"id": member["id"], "input": {"name": "王六", "tags": ["vip"]}}, tenant.owner_token
    )
    trail = (await api(AUDIT, {"targetId": member["id"]}, tenant.owner_token))["auditLog"]
    actions = [e["node"]["action"] for e in trail["edges"]]
    assert actions == ["member.update", "member.create"]
    update = trail["edges"][0]["node"]
    assert update["before"]["name"] == "王五" and update["after"]["name"] == "王六"
    assert update["after"]["tags"] == ["vip"]
    assert update["actorLabel"] == tenant.owner_email and update["requestId"]
    assert "13812348001" not in str(trail)  # the audit log never holds a phone in clear


async def test_merge_keeps_one_profile_with_both_histories_and_is_audited(
    api: Api, tenant: TenantFixture
) -> None:
    token = tenant.owner_token
    target = (
        await api(
            CREATE, {"input": {"phone": "13812348100", "name": "赵一", "tags": ["门店"]}}, token
        )
    )["createMember"]["member"]
    source = (
        await api(
            CREATE,
            {"input": {"phone": "13812348101", "externalId": "WX-9", "tags": ["线上"]}},
            token,
        )
    )["createMember"]["member"]
    merged = (
        await api(MERGE, {"input": {"sourceId": source["id"], "targetId": target["id"]}}, token)
    )["mergeMembers"]
    assert merged["errors"] == []
    assert merged["member"]["name"] == "赵一"
    assert merged["member"]["tags"] == ["门店", "线上"]
    assert merged["member"]["externalId"] == "WX-9"

    # the old id still resolves, to the survivor; the list shows one profile
    assert (await api(GET, {"id": source["id"]}, token))["member"]["id"] == target["id"]
    page = (await api(LIST, {"filter": {"search": "赵一"}}, token))["members"]
    assert page["totalCount"] == 1
    trail = (await api(AUDIT, {"targetId": target["id"]}, token))["auditLog"]
    merge = next(e["node"] for e in trail["edges"] if e["node"]["action"] == "member.merge")
    assert merge["after"]["mergedFrom"] == source["id"]
    assert merge["before"]["source"]["tags"] == ["线上"]

    again = (
        await api(MERGE, {"input": {"sourceId": source["id"], "targetId": target["id"]}}, token)
    )["mergeMembers"]
    assert again["errors"][0]["code"] == "NOT_FOUND"
    itself = (
        await api(MERGE, {"input": {"sourceId": target["id"], "targetId": target["id"]}}, token)
    )["mergeMembers"]
    assert itself["errors"][0]["code"] == "INVALID"
