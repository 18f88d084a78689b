"""Members through the real GraphQL endpoint: create, find, list, update, bad input."""

from __future__ import annotations

from typing import Any

from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture, count_queries

MEMBER_FIELDS = """id phone name gender birthday externalId sourceChannel tags pointsBalance
pendingPoints totalSpent orderCount lastOrderAt createdAt customFields phoneMasked tier { id name }"""

CREATE = f"""mutation($input: CreateMemberInput!) {{
  createMember(input: $input) {{ member {{ {MEMBER_FIELDS} }} errors {{ code field message }} }}
}}"""
UPDATE = f"""mutation($id: ID!, $input: UpdateMemberInput!) {{
  updateMember(id: $id, input: $input) {{ member {{ {MEMBER_FIELDS} }} errors {{ code field message }} }}
}}"""
GET = f"""query($id: ID, $phone: String, $externalId: String) {{
  member(id: $id, phone: $phone, externalId: $externalId) {{ {MEMBER_FIELDS} }}
}}"""
LIST = """query($first: Int, $after: String, $filter: MemberFilter) {
  members(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name phone tags tier { name } } }
  }
}"""


async def create(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api(CREATE, {"input": fields}, token)
    return data["createMember"]  # type: ignore[no-any-return]


async def test_create_normalises_phone_and_finds_member_by_each_key(
    api: Api, tenant: TenantFixture
) -> None:
    result = await create(
        api,
        tenant.secret_key,
        phone="138 1234 8000",
        name="张三",
        gender="FEMALE",
        birthday="1990-05-17",
        externalId="CRM-1",
        tags=["vip", "vip", "门店"],
    )
    assert result["errors"] == []
    member = result["member"]
    assert member["phone"] == "+8613812348000"
    assert member["tags"] == ["vip", "门店"]
    assert member["pointsBalance"] == 0 and member["orderCount"] == 0

    for variables in ({"id": member["id"]}, {"phone": "13812348000"}, {"externalId": "CRM-1"}):
        found = (await api(GET, variables, tenant.secret_key))["member"]
        assert found["id"] == member["id"]


async def test_duplicate_phone_and_external_id_are_refused(api: Api, tenant: TenantFixture) -> None:
    await create(api, tenant.secret_key, phone="13812340001", externalId="E-1")
    again = await create(api, tenant.secret_key, phone="+86 138-1234-0001")
    assert again["member"] is None
    assert again["errors"] == [
        {
            "code": "DUPLICATE",
            "field": ["input", "phone"],
            "message": "Another member already has this phone.",
        }
    ]
    other = await create(api, tenant.secret_key, phone="13812340002", externalId="E-1")
    assert other["errors"][0]["code"] == "DUPLICATE"
    assert other["errors"][0]["field"] == ["input", "externalId"]


async def test_bad_phones_and_dates_change_nothing(api: Api, tenant: TenantFixture) -> None:
    before = (await api(LIST, {}, tenant.secret_key))["members"]["totalCount"]
    for phone in ("12345", "not a phone", "+14155552671"):  # malformed, nonsense, foreign
        result = await create(api, tenant.secret_key, phone=phone)
        assert result["member"] is None
        assert result["errors"][0]["code"] == "INVALID"
        assert result["errors"][0]["field"] == ["input", "phone"]
    response = await api.raw(
        CREATE, {"input": {"phone": "13812340003", "birthday": "2001-02-30"}}, tenant.secret_key
    )
    body = response.json()
    assert body["errors"] and "2001-02-30" in body["errors"][0]["message"]
    future = await create(api, tenant.secret_key, phone="13812340004", birthday="2999-01-01")
    assert future["errors"][0]["field"] == ["input", "birthday"]
    after = (await api(LIST, {}, tenant.secret_key))["members"]["totalCount"]
    assert after == before


async def test_update_changes_given_fields_only(api: Api, tenant: TenantFixture) -> None:
    member = (await create(api, tenant.secret_key, phone="13812340010", name="李四", tags=["a"]))[
        "member"
    ]
    result = (
        await api(
            UPDATE,
            {"id": member["id"], "input": {"name": "李四四", "gender": "MALE"}},
            tenant.owner_token,
        )
    )["updateMember"]
    assert result["errors"] == []
    assert result["member"]["name"] == "李四四"
    assert result["member"]["tags"] == ["a"]
    assert result["member"]["gender"] == "MALE"


async def test_list_paginates_with_cursors_and_counts_all_matches(
    api: Api, tenant: TenantFixture
) -> None:
    for i in range(7):
        await create(
            api,
            tenant.secret_key,
            phone=f"1381234{i:04d}",
            name=f"会员{i}",
            tags=["even"] if i % 2 == 0 else [],
        )
    seen: list[str] = []
    after = None
    while True:
        page = (await api(LIST, {"first": 3, "after": after}, tenant.secret_key))["members"]
        assert page["totalCount"] == 7
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 7

    tagged = (await api(LIST, {"filter": {"tag": "even"}}, tenant.secret_key))["members"]
    assert tagged["totalCount"] == 4
    by_name = (await api(LIST, {"filter": {"search": "会员3"}}, tenant.secret_key))["members"]
    assert [e["node"]["name"] for e in by_name["edges"]] == ["会员3"]
    by_phone = (await api(LIST, {"filter": {"search": "12340005"}}, tenant.secret_key))["members"]
    assert [e["node"]["name"] for e in by_phone["edges"]] == ["会员5"]


async def test_listing_10_or_100_members_takes_the_same_number_of_queries(
    api: Api, tenant: TenantFixture
) -> None:
    from membership.demo import seed_members, seed_reference_data

    await seed_reference_data(tenant.ctx)
    await seed_members(tenant.ctx, 120, start_index=9_000_000)
    async with tenant_tx(tenant.ctx) as conn:  # each member referred by the one before it
        await conn.execute_query(
            "UPDATE members m SET referrer_id = s.previous FROM (SELECT id, lag(id) OVER "
            "(ORDER BY created_at, id) AS previous FROM members) s WHERE m.id = s.id"
        )
    query = """query($first: Int) { members(first: $first) { totalCount edges { node {
        id phone tags customFields tier { id name rank } referrer { id name tier { name } } } } } }"""
    await api(query, {"first": 1}, tenant.owner_token)  # warm the process-wide tenant cache
    counts = []
    for first in (10, 100):
        with count_queries() as counter:
            data = await api(query, {"first": first}, tenant.owner_token)
        assert len(data["members"]["edges"]) == first
        assert any(e["node"]["tier"] for e in data["members"]["edges"])
        assert sum(1 for e in data["members"]["edges"] if e["node"]["referrer"]) >= first - 1
        counts.append(len(counter.queries))
    assert counts[0] == counts[1], counts


async def test_errors_speak_the_callers_language(api: Api, tenant: TenantFixture) -> None:
    zh = {"accept-language": "zh-CN,zh;q=0.9"}
    response = await api.raw(CREATE, {"input": {"phone": "12345"}}, tenant.secret_key, headers=zh)
    error = response.json()["data"]["createMember"]["errors"][0]
    assert error == {
        "code": "INVALID",
        "field": ["input", "phone"],
        "message": "“12345”不是有效的手机号。",
    }

    english = await api.raw(
        CREATE,
        {"input": {"phone": "12345"}},
        tenant.secret_key,
        headers={"accept-language": "en-US"},
    )
    assert english.json()["data"]["createMember"]["errors"][0]["message"] == (
        "'12345' is not a valid phone number."
    )

    denied = await api.raw("{ staff { id } }", token=tenant.secret_key, headers=zh)
    assert denied.json()["errors"][0]["message"] == "此操作需要“staff:manage”权限。"
