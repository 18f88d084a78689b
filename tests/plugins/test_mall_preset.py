"""The mall preset, through the API: its stores, receipt points with their review queue, the
races on one receipt number and one review, the daily limits, and whose business it is."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tenants.staff import create_staff
from tenants.tx import tenant_tx
from tests.conftest import LOGIN, Api, TenantFixture, count_queries

ENABLE = """mutation($config: JSON) {
  enablePlugin(name: "mall", config: $config) {
    plugin { name enabled config } errors { code field message } } }"""
STORES = "{ mallStores { code name active } }"
SAVE_STORE = """mutation($input: SaveMallStoreInput!) {
  saveMallStore(input: $input) { store { code name active } created errors { code field } } }"""
EARNING = "{ pointsSettings { earnPointsPerYuan } earningRules { name kind params } }"
CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""
MEMBER_TOKEN = """mutation($memberId: ID!) {
  createMemberToken(memberId: $memberId) { token errors { code } } }"""
RECEIPT_FIELDS = """id storeCode receiptNo amount status pointsEarned rejectReason imageUrl
  orderId member { id }"""
SUBMIT = f"""mutation($input: SubmitReceiptInput!) {{
  submitReceipt(input: $input) {{ receipt {{ {RECEIPT_FIELDS} }} replayed
    errors {{ code field message }} }} }}"""
REVIEW = f"""mutation($id: ID!, $approve: Boolean!, $reason: String) {{
  reviewReceipt(id: $id, approve: $approve, reason: $reason) {{
    receipt {{ {RECEIPT_FIELDS} }} errors {{ code field message }} }} }}"""
QUEUE = """query($status: ReceiptStatus, $first: Int, $after: String) {
  receipts(status: $status, first: $first, after: $after) {
    edges { cursor node { id receiptNo status member { id phone } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }"""
MEMBER_POINTS = "query($id: ID!) { member(id: $id) { pointsBalance orderCount } }"


async def enabled(api: Api, tenant: TenantFixture, config: dict[str, Any] | None = None) -> None:
    data = await api(ENABLE, {"config": config or {}}, tenant.owner_token)
    assert data["enablePlugin"]["errors"] == [], data["enablePlugin"]["errors"]


async def new_member(api: Api, tenant: TenantFixture) -> str:
    phone = f"1391{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
    assert made["createMember"]["errors"] == []
    return made["createMember"]["member"]["id"]  # type: ignore[no-any-return]


async def clerk_token(api: Api, tenant: TenantFixture) -> str:
    email = f"clerk-{uuid.uuid4().hex[:6]}@{tenant.info.slug}.example.com"
    await create_staff(tenant.ctx, email=email, password="clerk-pass-123", role="clerk")
    data = await api(
        LOGIN, {"slug": tenant.info.slug, "email": email, "password": "clerk-pass-123"}
    )
    return data["login"]["token"]  # type: ignore[no-any-return]


def receipt(member: str, **overrides: Any) -> dict[str, Any]:
    return {
        "memberId": member,
        "storeCode": "A101",
        "receiptNo": f"NO-{uuid.uuid4().hex[:10]}",
        "amount": 10_000,
        "imageUrl": "https://img.example.com/r.jpg",
        "idempotencyKey": uuid.uuid4().hex,
        **overrides,
    }


async def submit(api: Api, token: str, input: dict[str, Any]) -> dict[str, Any]:
    return (await api(SUBMIT, {"input": input}, token))["submitReceipt"]  # type: ignore[no-any-return]


async def submitted(api: Api, tenant: TenantFixture, member: str, **overrides: Any) -> str:
    result = await submit(api, tenant.secret_key, receipt(member, **overrides))
    assert result["errors"] == [], result["errors"]
    return result["receipt"]["id"]  # type: ignore[no-any-return]


async def review(
    api: Api, token: str, id: str, approve: bool, reason: str | None = None
) -> dict[str, Any]:
    variables = {"id": id, "approve": approve, "reason": reason}
    return (await api(REVIEW, variables, token))["reviewReceipt"]  # type: ignore[no-any-return]


async def receipt_count(tenant: TenantFixture) -> int:
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT count(*) AS n FROM mall_receipts")
    return int(rows[0]["n"])


# ---------------------------------------------------------------- the preset and stores


async def test_enabling_makes_the_sample_stores_and_a_store_multiplier_rule(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    stores = (await api(STORES, token=tenant.owner_token))["mallStores"]
    assert [(s["code"], s["name"], s["active"]) for s in stores] == [
        ("A101", "示例餐饮", True),
        ("B201", "示例服饰", True),
        ("C301", "示例影院", True),
    ]
    earning = await api(EARNING, token=tenant.owner_token)
    assert earning["pointsSettings"]["earnPointsPerYuan"] == 1.0
    [rule] = earning["earningRules"]
    assert (rule["kind"], rule["params"]["stores"]) == ("STORE_MULTIPLIER", ["C301"])


async def test_enabling_makes_the_stores_the_configuration_names(
    api: Api, tenant: TenantFixture
) -> None:
    config = {"stores": [{"code": "Z9", "name": "星巴克"}], "points_per_yuan": 2}
    await enabled(api, tenant, config)
    stores = (await api(STORES, token=tenant.owner_token))["mallStores"]
    assert [(s["code"], s["name"]) for s in stores] == [("Z9", "星巴克")]


async def test_a_configuration_with_a_repeated_store_code_is_refused(
    api: Api, tenant: TenantFixture
) -> None:
    stores = [{"code": "A1", "name": "一"}, {"code": "A1", "name": "二"}]
    data = await api(ENABLE, {"config": {"stores": stores}}, tenant.owner_token)
    assert data["enablePlugin"]["errors"][0]["code"] == "INVALID"


async def test_the_configuration_schema_is_titled_in_chinese(
    api: Api, tenant: TenantFixture
) -> None:
    data = await api("{ plugins { name configSchema } }", token=tenant.owner_token)
    [mall] = [p for p in data["plugins"] if p["name"] == "mall"]
    properties = mall["configSchema"]["properties"]
    assert properties["daily_receipt_limit"]["title"] == "每日小票张数上限"
    assert all("title" in p and "description" in p for p in properties.values())


async def test_a_store_is_made_renamed_and_closed_by_programme_managers(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    made = await api(SAVE_STORE, {"input": {"code": "D1", "name": "书店"}}, tenant.owner_token)
    assert made["saveMallStore"]["created"] is True
    changed = await api(
        SAVE_STORE, {"input": {"code": "D1", "name": "新书店", "active": False}}, tenant.owner_token
    )
    assert changed["saveMallStore"]["created"] is False
    assert changed["saveMallStore"]["store"] == {"code": "D1", "name": "新书店", "active": False}
    clerk = await clerk_token(api, tenant)
    refused = await api(SAVE_STORE, {"input": {"code": "D2", "name": "x"}}, clerk)
    assert refused["saveMallStore"]["errors"][0]["code"] == "PERMISSION_DENIED"


async def test_a_bad_store_code_is_refused(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    bad = await api(SAVE_STORE, {"input": {"code": "a b", "name": "x"}}, tenant.owner_token)
    assert bad["saveMallStore"]["errors"] == [{"code": "INVALID", "field": ["input", "code"]}]


# ---------------------------------------------------------------- submitting receipts


async def test_a_clerk_submits_a_receipt_to_the_review_queue(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    member = await new_member(api, tenant)
    result = await submit(api, await clerk_token(api, tenant), receipt(member, amount=12_345))
    assert result["errors"] == []
    got = result["receipt"]
    assert (got["status"], got["amount"], got["pointsEarned"], got["member"]["id"]) == (
        "PENDING_REVIEW",
        12_345,
        0,
        member,
    )
    assert got["imageUrl"] == "https://img.example.com/r.jpg"


async def test_a_replayed_key_returns_the_first_submission(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    member = await new_member(api, tenant)
    input = receipt(member)
    first = await submit(api, tenant.secret_key, input)
    again = await submit(api, tenant.secret_key, input)
    assert again["errors"] == [] and again["replayed"] is True
    assert again["receipt"]["id"] == first["receipt"]["id"]
    assert await receipt_count(tenant) == 1


async def test_a_receipt_number_seen_before_in_the_store_is_a_duplicate(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    member, other = await new_member(api, tenant), await new_member(api, tenant)
    await submitted(api, tenant, member, receiptNo="R-1")
    again = await submit(api, tenant.secret_key, receipt(other, receiptNo="R-1"))
    assert again["errors"][0]["code"] == "DUPLICATE"
    assert again["errors"][0]["field"] == ["input", "receiptNo"]
    # the same number at another store is another receipt
    await submitted(api, tenant, other, receiptNo="R-1", storeCode="B201")


async def test_ten_concurrent_submits_of_one_number_make_one_receipt(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant, {"daily_receipt_limit": 100})
    members = [await new_member(api, tenant) for _ in range(10)]
    results = await asyncio.gather(
        *(submit(api, tenant.secret_key, receipt(m, receiptNo="SAME-1")) for m in members)
    )
    assert sum(1 for r in results if r["errors"] == []) == 1
    assert sorted(r["errors"][0]["code"] for r in results if r["errors"]) == ["DUPLICATE"] * 9
    assert await receipt_count(tenant) == 1


async def test_bad_receipts_are_refused_and_change_nothing(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    member = await new_member(api, tenant)
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    cases: list[tuple[dict[str, Any], str, list[str]]] = [
        ({"amount": 0}, "INVALID", ["input", "amount"]),
        ({"amount": -100}, "INVALID", ["input", "amount"]),
        ({"issuedAt": future}, "INVALID", ["input", "issuedAt"]),
        ({"storeCode": "NOPE"}, "NOT_FOUND", ["input", "storeCode"]),
        ({"issuedAt": "2020-01-01T10:00:00"}, "INVALID", ["input", "issuedAt"]),  # too old
    ]
    for overrides, code, field in cases:
        result = await submit(api, tenant.secret_key, receipt(member, **overrides))
        assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)], overrides
    assert await receipt_count(tenant) == 0


async def test_a_closed_store_takes_no_receipts(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    await api(
        SAVE_STORE, {"input": {"code": "A101", "name": "x", "active": False}}, tenant.owner_token
    )
    result = await submit(api, tenant.secret_key, receipt(await new_member(api, tenant)))
    assert result["errors"][0]["field"] == ["input", "storeCode"]


async def test_a_member_submits_at_most_the_daily_number_of_receipts(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant, {"daily_receipt_limit": 2})
    member = await new_member(api, tenant)
    await submitted(api, tenant, member)
    await submitted(api, tenant, member)
    third = await submit(api, tenant.secret_key, receipt(member))
    assert third["errors"][0]["code"] == "INVALID"
    assert "2 receipts a day" in third["errors"][0]["message"]
    # another member is not limited by this one's receipts
    await submitted(api, tenant, await new_member(api, tenant))


async def test_a_member_submits_at_most_the_daily_amount(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant, {"daily_amount_limit_yuan": 300})
    member = await new_member(api, tenant)
    await submitted(api, tenant, member, amount=20_000)
    over = await submit(api, tenant.secret_key, receipt(member, amount=10_001))
    assert over["errors"][0]["field"] == ["input", "amount"]
    await submitted(api, tenant, member, amount=10_000)


async def test_a_rejected_receipt_does_not_count_toward_the_daily_limit(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant, {"daily_receipt_limit": 1})
    member = await new_member(api, tenant)
    first = await submitted(api, tenant, member)
    await review(api, tenant.owner_token, first, False, "看不清")
    await submitted(api, tenant, member)


async def test_a_member_token_submits_for_its_own_member_only(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    member, other = await new_member(api, tenant), await new_member(api, tenant)
    token = (await api(MEMBER_TOKEN, {"memberId": member}, tenant.secret_key))["createMemberToken"][
        "token"
    ]
    own = await submit(api, token, receipt(member))
    assert own["errors"] == [] and own["receipt"]["status"] == "PENDING_REVIEW"
    theirs = await submit(api, token, receipt(other))
    assert theirs["errors"][0]["code"] == "PERMISSION_DENIED"
    assert await receipt_count(tenant) == 1


async def test_errors_come_in_chinese_for_a_chinese_caller(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    member = await new_member(api, tenant)
    response = await api.client.post(
        "/graphql",
        json={"query": SUBMIT, "variables": {"input": receipt(member, storeCode="NOPE")}},
        headers={"authorization": f"Bearer {tenant.secret_key}", "accept-language": "zh-CN"},
    )
    [error] = response.json()["data"]["submitReceipt"]["errors"]
    assert error["message"] == "商场没有编码为 NOPE 的商户。"


# ---------------------------------------------------------------- reviewing


async def test_approving_records_an_order_at_the_store_that_earns_by_its_rules(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)  # 1 point per yuan; C301 earns double
    member = await new_member(api, tenant)
    plain = await submitted(api, tenant, member, amount=10_000)
    issued = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    cinema = await submitted(api, tenant, member, amount=10_000, storeCode="C301", issuedAt=issued)
    approved = await review(api, tenant.owner_token, plain, True)
    assert approved["errors"] == []
    assert approved["receipt"]["status"] == "APPROVED"
    assert approved["receipt"]["pointsEarned"] == 100
    assert approved["receipt"]["orderId"]
    doubled = await review(api, tenant.owner_token, cinema, True)
    assert doubled["receipt"]["pointsEarned"] == 200
    facts = (await api(MEMBER_POINTS, {"id": member}, tenant.owner_token))["member"]
    assert facts["orderCount"] == 2


async def test_rejecting_needs_a_reason_and_records_it(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    id = await submitted(api, tenant, await new_member(api, tenant))
    without = await review(api, tenant.owner_token, id, False)
    assert without["errors"] == [
        {"code": "INVALID", "field": ["reason"], "message": "Say why the receipt is rejected."}
    ]
    rejected = await review(api, tenant.owner_token, id, False, "小票模糊")
    assert rejected["receipt"]["status"] == "REJECTED"
    assert rejected["receipt"]["rejectReason"] == "小票模糊"
    assert rejected["receipt"]["pointsEarned"] == 0


async def test_a_receipt_is_reviewed_once(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    id = await submitted(api, tenant, await new_member(api, tenant))
    await review(api, tenant.owner_token, id, False, "重复")
    again = await review(api, tenant.owner_token, id, True)
    assert again["errors"][0]["code"] == "INVALID"
    assert "reviewed already" in again["errors"][0]["message"]


async def test_two_reviewers_approving_at_once_make_one_approval_and_one_order(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    member = await new_member(api, tenant)
    id = await submitted(api, tenant, member)
    clerk = await clerk_token(api, tenant)
    results = await asyncio.gather(
        review(api, tenant.owner_token, id, True), review(api, clerk, id, True)
    )
    assert sorted(bool(r["errors"]) for r in results) == [False, True]
    [loser] = [r for r in results if r["errors"]]
    assert loser["errors"][0]["code"] == "INVALID"
    assert "reviewed already" in loser["errors"][0]["message"]
    facts = (await api(MEMBER_POINTS, {"id": member}, tenant.owner_token))["member"]
    assert (facts["orderCount"], facts["pointsBalance"]) == (1, 100)


async def test_an_unknown_receipt_is_not_found(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    missing = await review(api, tenant.owner_token, str(uuid.uuid4()), True)
    assert missing["errors"][0]["code"] == "NOT_FOUND"


async def test_a_member_token_cannot_review(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    member = await new_member(api, tenant)
    id = await submitted(api, tenant, member)
    token = (await api(MEMBER_TOKEN, {"memberId": member}, tenant.secret_key))["createMemberToken"][
        "token"
    ]
    refused = await review(api, token, id, True)
    assert refused["errors"][0]["code"] == "PERMISSION_DENIED"


# ---------------------------------------------------------------- the review queue


async def test_the_queue_pages_oldest_first_with_cursors_and_a_total(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant, {"daily_receipt_limit": 100})
    member = await new_member(api, tenant)
    ids = [await submitted(api, tenant, member) for _ in range(5)]
    await review(api, tenant.owner_token, ids[0], True)
    first = (await api(QUEUE, {"status": "PENDING_REVIEW", "first": 2}, tenant.owner_token))[
        "receipts"
    ]
    assert [e["node"]["id"] for e in first["edges"]] == ids[1:3]
    assert first["totalCount"] == 4
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    rest = (
        await api(
            QUEUE, {"status": "PENDING_REVIEW", "first": 5, "after": after}, tenant.owner_token
        )
    )["receipts"]
    assert [e["node"]["id"] for e in rest["edges"]] == ids[3:]
    assert rest["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": rest["edges"][0]["cursor"],
        "endCursor": rest["edges"][-1]["cursor"],
    }
    everything = (await api(QUEUE, {}, tenant.owner_token))["receipts"]
    assert everything["totalCount"] == 5


async def test_the_queue_asks_the_same_number_of_queries_for_any_page(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant, {"daily_receipt_limit": 100})
    for _ in range(6):
        await submitted(api, tenant, await new_member(api, tenant))
    with count_queries() as small:
        page = await api(QUEUE, {"first": 1}, tenant.owner_token)
    assert len(page["receipts"]["edges"]) == 1
    with count_queries() as large:
        page = await api(QUEUE, {"first": 6}, tenant.owner_token)
    assert len(page["receipts"]["edges"]) == 6
    assert len(large.queries) == len(small.queries) > 0


async def test_a_bad_cursor_is_refused(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    response = await api.raw(QUEUE, {"after": "nonsense!"}, tenant.owner_token)
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID"


# ---------------------------------------------------------------- whose business it is


async def test_a_tenant_without_the_preset_is_denied_naming_mall(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    member = await new_member(api, other_tenant)
    result = await api.raw(SUBMIT, {"input": receipt(member)}, other_tenant.secret_key)
    errors = result.json().get("errors") or result.json()["data"]["submitReceipt"]["errors"]
    assert "PERMISSION_DENIED" in str(errors) and "mall" in str(errors)
    queue = await api.raw(QUEUE, {}, other_tenant.owner_token)
    assert "mall" in str(queue.json()["errors"])


async def test_every_mall_operation_is_denied_to_a_tenant_without_it_and_changes_nothing(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    member = await new_member(api, other_tenant)
    span = {"from": "2026-01-01", "until": "2026-01-31"}
    operations: list[tuple[str, str, dict[str, Any]]] = [
        ("mallStores", STORES, {}),
        ("receipts", QUEUE, {}),
        (
            "storeSettlement",
            "query($from: Date!, $until: Date!) {"
            " storeSettlement(from: $from, until: $until) { storeCode } }",
            span,
        ),
        (
            "mallParkingBenefit",
            "query($id: ID!) { mallParkingBenefit(memberId: $id) { hours } }",
            {"id": member},
        ),
        ("saveMallStore", SAVE_STORE, {"input": {"code": "A101", "name": "x"}}),
        ("submitReceipt", SUBMIT, {"input": receipt(member)}),
        ("reviewReceipt", REVIEW, {"id": str(uuid.uuid4()), "approve": True, "reason": None}),
    ]
    for field, query, variables in operations:
        body = (await api.raw(query, variables, other_tenant.owner_token)).json()
        errors = body.get("errors") or (body.get("data") or {}).get(field, {}).get("errors")
        assert errors and len(errors) == 1, (field, body)
        code = errors[0].get("code") or errors[0].get("extensions", {}).get("code")
        assert code == "PERMISSION_DENIED" and "mall" in errors[0]["message"], (field, body)
    async with tenant_tx(other_tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT (SELECT count(*) FROM mall_stores) + (SELECT count(*) FROM mall_receipts)"
            " + (SELECT count(*) FROM orders) AS n"
        )
    assert rows[0]["n"] == 0


async def test_a_tenant_sees_only_its_own_receipts(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    await enabled(api, other_tenant)
    id = await submitted(api, tenant, await new_member(api, tenant), receiptNo="SHARED")
    # the same number in the other tenant's store of the same code is its own receipt
    await submitted(api, other_tenant, await new_member(api, other_tenant), receiptNo="SHARED")
    theirs = (await api(QUEUE, {}, other_tenant.owner_token))["receipts"]
    assert id not in [e["node"]["id"] for e in theirs["edges"]]
    assert (await review(api, other_tenant.owner_token, id, True))["errors"][0]["code"] == (
        "NOT_FOUND"
    )
