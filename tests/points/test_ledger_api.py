"""adjustPoints, spendPoints and Member.pointsTransactions through the GraphQL API."""

from __future__ import annotations

from typing import Any

from tests.api.test_members import CREATE
from tests.conftest import Api, TenantFixture, count_queries

ADJUST = """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) {
  transaction { id kind points balanceAfter reason availableAt }
  member { id pointsBalance } errors { code field message } } }"""
SPEND = """mutation($input: SpendPointsInput!) { spendPoints(input: $input) {
  transaction { id kind points balanceAfter reason }
  member { id pointsBalance } errors { code field message } } }"""
LEDGER = """query($id: ID, $first: Int, $after: String) { member(id: $id) { pointsBalance
  pointsTransactions(first: $first, after: $after) { totalCount
    pageInfo { hasNextPage endCursor } edges { node { kind points balanceAfter reason } } } } }"""


async def new_member(api: Api, token: str, phone: str) -> str:
    data = await api(CREATE, {"input": {"phone": phone}}, token)
    return data["createMember"]["member"]["id"]  # type: ignore[no-any-return]


async def adjust(api: Api, token: str, member: str, points: int, key: str) -> dict[str, Any]:
    data = await api(
        ADJUST,
        {
            "input": {
                "memberId": member,
                "points": points,
                "reason": "welcome gift",
                "idempotencyKey": key,
            }
        },
        token,
    )
    return data["adjustPoints"]  # type: ignore[no-any-return]


async def spend(api: Api, token: str, member: str, points: int, key: str) -> dict[str, Any]:
    data = await api(
        SPEND,
        {
            "input": {
                "memberId": member,
                "points": points,
                "reason": "redeem",
                "idempotencyKey": key,
            }
        },
        token,
    )
    return data["spendPoints"]  # type: ignore[no-any-return]


async def test_grant_then_spend_keeps_a_running_balance(api: Api, tenant: TenantFixture) -> None:
    member = await new_member(api, tenant.secret_key, "13600000001")
    granted = await adjust(api, tenant.secret_key, member, 500, "g-1")
    assert granted["errors"] == []
    assert granted["transaction"]["kind"] == "ADJUST"
    assert granted["transaction"]["points"] == 500 and granted["member"]["pointsBalance"] == 500
    spent = await spend(api, tenant.secret_key, member, 120, "s-1")
    assert spent["transaction"]["points"] == -120
    assert spent["transaction"]["balanceAfter"] == 380
    ledger = (await api(LEDGER, {"id": member}, tenant.secret_key))["member"]
    assert ledger["pointsBalance"] == 380
    assert [e["node"]["points"] for e in ledger["pointsTransactions"]["edges"]] == [-120, 500]
    assert ledger["pointsTransactions"]["totalCount"] == 2


async def test_overspending_is_refused_and_changes_nothing(api: Api, tenant: TenantFixture) -> None:
    member = await new_member(api, tenant.secret_key, "13600000002")
    await adjust(api, tenant.secret_key, member, 100, "g-2")
    refused = await spend(api, tenant.secret_key, member, 101, "s-2")
    assert refused["transaction"] is None
    assert refused["errors"] == [
        {
            "code": "INSUFFICIENT_POINTS",
            "field": ["input", "points"],
            "message": "Only 100 points are available.",
        }
    ]
    deduct = await adjust(api, tenant.secret_key, member, -101, "d-2")
    assert deduct["errors"][0]["code"] == "INSUFFICIENT_POINTS"
    ledger = (await api(LEDGER, {"id": member}, tenant.secret_key))["member"]
    assert ledger["pointsBalance"] == 100 and ledger["pointsTransactions"]["totalCount"] == 1


async def test_bad_input_is_refused(api: Api, tenant: TenantFixture) -> None:
    member = await new_member(api, tenant.secret_key, "13600000003")
    zero = await adjust(api, tenant.secret_key, member, 0, "z")
    assert zero["errors"][0]["field"] == ["input", "points"]
    negative = await spend(api, tenant.secret_key, member, -5, "n")
    assert negative["errors"][0]["code"] == "INVALID"
    huge = await api.raw(
        SPEND,
        {"input": {"memberId": member, "points": 2**63, "reason": "x", "idempotencyKey": "h"}},
        tenant.secret_key,
    )
    assert huge.json()["errors"]  # past BIGINT: rejected before any resolver runs
    no_reason = await api(
        ADJUST,
        {"input": {"memberId": member, "points": 5, "reason": " ", "idempotencyKey": "r"}},
        tenant.secret_key,
    )
    assert no_reason["adjustPoints"]["errors"][0]["field"] == ["input", "reason"]
    unknown = await adjust(api, tenant.secret_key, "00000000-0000-0000-0000-000000000000", 5, "u")
    assert unknown["errors"][0]["code"] == "NOT_FOUND"
    assert (await api(LEDGER, {"id": member}, tenant.secret_key))["member"]["pointsBalance"] == 0


async def test_a_replay_returns_the_first_result_and_a_changed_replay_is_refused(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(api, tenant.secret_key, "13600000004")
    first = await adjust(api, tenant.secret_key, member, 50, "once")
    again = await adjust(api, tenant.secret_key, member, 50, "once")
    assert again["transaction"]["id"] == first["transaction"]["id"]
    changed = await adjust(api, tenant.secret_key, member, 60, "once")
    assert changed["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert (await api(LEDGER, {"id": member}, tenant.secret_key))["member"]["pointsBalance"] == 50


async def test_another_tenants_member_cannot_be_credited(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    member = await new_member(api, tenant.secret_key, "13600000005")
    foreign = await adjust(api, other_tenant.secret_key, member, 1000, "steal")
    assert foreign["errors"][0]["code"] == "NOT_FOUND"
    foreign_spend = await spend(api, other_tenant.secret_key, member, 1, "steal-2")
    assert foreign_spend["errors"][0]["code"] == "NOT_FOUND"
    assert (await api(LEDGER, {"id": member}, tenant.secret_key))["member"]["pointsBalance"] == 0


async def test_roles_without_points_write_cannot_change_points(
    api: Api, tenant: TenantFixture
) -> None:
    from tests.api.test_profiles import staff_token

    member = await new_member(api, tenant.secret_key, "13600000006")
    analyst = await staff_token(api, tenant, "analyst")
    refused = await adjust(api, analyst, member, 10, "a")
    assert refused["errors"][0]["code"] == "PERMISSION_DENIED"
    clerk = await staff_token(api, tenant, "clerk")
    assert (await adjust(api, clerk, member, 10, "c"))["errors"] == []
    trail = await api(
        """query($id: ID) { auditLog(targetType: "member", targetId: $id) {
        edges { node { action actorLabel after } } } }""",
        {"id": member},
        tenant.owner_token,
    )
    entries = [
        e["node"] for e in trail["auditLog"]["edges"] if e["node"]["action"] == "points.adjust"
    ]
    assert len(entries) == 1
    assert entries[0]["actorLabel"] == f"clerk@{tenant.info.slug}.example.com"
    assert entries[0]["after"]["points"] == 10


async def test_ledgers_of_a_member_list_take_a_constant_number_of_queries(
    api: Api, tenant: TenantFixture
) -> None:
    for i in range(12):
        member = await new_member(api, tenant.secret_key, f"1360000{i + 100:04d}")
        for j in range(3):
            await adjust(api, tenant.secret_key, member, 10 + j, f"bulk-{i}-{j}")
    query = """query($first: Int) { members(first: $first) { edges { node { id
        pointsTransactions(first: 2) { totalCount edges { node { points } } } } } } }"""
    await api(query, {"first": 1}, tenant.owner_token)
    counts = []
    for first in (3, 12):
        with count_queries() as counter:
            data = await api(query, {"first": first}, tenant.owner_token)
        pages = [e["node"]["pointsTransactions"] for e in data["members"]["edges"]]
        assert all(p["totalCount"] == 3 and len(p["edges"]) == 2 for p in pages)
        counts.append(len(counter.queries))
    assert counts[0] == counts[1], counts


async def test_transactions_paginate_with_cursors(api: Api, tenant: TenantFixture) -> None:
    member = await new_member(api, tenant.secret_key, "13600000007")
    for i in range(5):
        await adjust(api, tenant.secret_key, member, i + 1, f"p-{i}")
    seen: list[int] = []
    after = None
    for _ in range(5):
        page = (await api(LEDGER, {"id": member, "first": 2, "after": after}, tenant.secret_key))[
            "member"
        ]["pointsTransactions"]
        seen += [e["node"]["points"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [5, 4, 3, 2, 1]


async def test_the_ledger_filters_by_kind_and_lists_the_members_lots(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    member = await new_member(api, tenant.secret_key, "13600000077")
    await adjust(api, tenant.secret_key, member, 100, "lot-1")
    await adjust(api, tenant.secret_key, member, 50, "lot-2")
    await spend(api, tenant.secret_key, member, 120, "spend-1")
    query = """query($id: ID!, $kinds: [PointsTransactionKind!], $closed: Boolean!) {
      member(id: $id) {
        pointsTransactions(first: 10, kinds: $kinds) { totalCount edges { node { kind points } } }
        pointsLots(includeClosed: $closed) { amount remaining pending expiresAt }
      }
    }"""
    data = await api(query, {"id": member, "kinds": ["SPEND"], "closed": False}, tenant.secret_key)
    ledger = data["member"]["pointsTransactions"]
    assert ledger["totalCount"] == 1
    assert [e["node"] for e in ledger["edges"]] == [{"kind": "SPEND", "points": -120}]
    # the older lot was used first; only the newer one has points left
    assert data["member"]["pointsLots"] == [
        {"amount": 50, "remaining": 30, "pending": False, "expiresAt": None}
    ]
    data = await api(query, {"id": member, "kinds": None, "closed": True}, tenant.secret_key)
    assert data["member"]["pointsTransactions"]["totalCount"] == 3
    assert sorted(lot["remaining"] for lot in data["member"]["pointsLots"]) == [0, 30]
    theirs = await api(
        query, {"id": member, "kinds": None, "closed": True}, other_tenant.secret_key
    )
    assert theirs["member"] is None
