"""Tiers: create as in the contract, update, list, and delete guarded while members hold one."""

from __future__ import annotations

from typing import Any

from tests.api.test_members import CREATE
from tests.conftest import Api, TenantFixture

CREATE_TIER = """mutation($input: CreateTierInput!) { createTier(input: $input) {
  tier { id name rank metric threshold windowDays pointsMultiplier } errors { code field message } } }"""
UPDATE_TIER = """mutation($id: ID!, $input: UpdateTierInput!) { updateTier(id: $id, input: $input) {
  tier { id name rank threshold windowDays pointsMultiplier } errors { code field message } } }"""
DELETE_TIER = (
    """mutation($id: ID!) { deleteTier(id: $id) { deletedId errors { code field message } } }"""
)
TIERS = "{ tiers { name rank } }"


async def create_tier(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api(CREATE_TIER, {"input": fields}, token)
    return data["createTier"]  # type: ignore[no-any-return]


async def test_tiers_are_created_listed_in_rank_order_and_new_members_join_the_entry_tier(
    api: Api, tenant: TenantFixture
) -> None:
    gold = await create_tier(
        api,
        tenant.owner_token,
        name="金卡",
        rank=2,
        metric="SPEND",
        threshold=500_000,
        windowDays=365,
        pointsMultiplier=1.5,
    )
    assert gold["errors"] == []
    assert gold["tier"]["pointsMultiplier"] == 1.5 and gold["tier"]["windowDays"] == 365
    entry = await create_tier(
        api, tenant.owner_token, name="普卡", rank=0, metric="SPEND", threshold=0
    )
    assert entry["tier"]["pointsMultiplier"] == 1.0 and entry["tier"]["windowDays"] is None
    assert (await api(TIERS, token=tenant.owner_token))["tiers"] == [
        {"name": "普卡", "rank": 0},
        {"name": "金卡", "rank": 2},
    ]
    member = (await api(CREATE, {"input": {"phone": "13300000001"}}, tenant.secret_key))[
        "createMember"
    ]["member"]
    assert member["tier"]["name"] == "普卡"


async def test_bad_tiers_are_refused_and_change_nothing(api: Api, tenant: TenantFixture) -> None:
    negative = await create_tier(
        api, tenant.owner_token, name="银卡", rank=1, metric="SPEND", threshold=-1
    )
    assert negative["errors"][0]["field"] == ["input", "threshold"]
    multiplier = await create_tier(
        api,
        tenant.owner_token,
        name="银卡",
        rank=1,
        metric="SPEND",
        threshold=1,
        pointsMultiplier=0,
    )
    assert multiplier["errors"][0]["field"] == ["input", "pointsMultiplier"]
    await create_tier(api, tenant.owner_token, name="银卡", rank=1, metric="SPEND", threshold=1)
    twice = await create_tier(
        api, tenant.owner_token, name="另一个", rank=1, metric="SPEND", threshold=2
    )
    assert twice["errors"][0]["code"] == "DUPLICATE"
    assert len((await api(TIERS, token=tenant.owner_token))["tiers"]) == 1


async def test_update_changes_a_tier_and_members_see_it_at_once(
    api: Api, tenant: TenantFixture
) -> None:
    entry = (
        await create_tier(
            api, tenant.owner_token, name="普卡", rank=0, metric="SPEND", threshold=0, windowDays=30
        )
    )["tier"]
    updated = (
        await api(
            UPDATE_TIER,
            {
                "id": entry["id"],
                "input": {"name": "会员卡", "windowDays": None, "pointsMultiplier": 1.2},
            },
            tenant.owner_token,
        )
    )["updateTier"]
    assert updated["errors"] == []
    assert updated["tier"]["name"] == "会员卡" and updated["tier"]["windowDays"] is None
    member = (await api(CREATE, {"input": {"phone": "13300000002"}}, tenant.secret_key))[
        "createMember"
    ]["member"]
    assert member["tier"]["name"] == "会员卡"


async def test_a_tier_members_hold_cannot_be_deleted(api: Api, tenant: TenantFixture) -> None:
    entry = (
        await create_tier(api, tenant.owner_token, name="普卡", rank=0, metric="SPEND", threshold=0)
    )["tier"]
    spare = (
        await create_tier(api, tenant.owner_token, name="空卡", rank=5, metric="SPEND", threshold=9)
    )["tier"]
    await api(CREATE, {"input": {"phone": "13300000003"}}, tenant.secret_key)
    held = (await api(DELETE_TIER, {"id": entry["id"]}, tenant.owner_token))["deleteTier"]
    assert held["deletedId"] is None
    assert (
        held["errors"][0]["message"]
        == "Members hold this tier (1); move them to another tier first."
    )
    freed = (await api(DELETE_TIER, {"id": spare["id"]}, tenant.owner_token))["deleteTier"]
    assert freed == {"deletedId": spare["id"], "errors": []}


async def test_tiers_are_per_tenant_and_need_the_permission(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    from tests.api.test_profiles import staff_token

    tier = (
        await create_tier(api, tenant.owner_token, name="金卡", rank=2, metric="SPEND", threshold=1)
    )["tier"]
    foreign = (
        await api(UPDATE_TIER, {"id": tier["id"], "input": {"name": "x"}}, other_tenant.owner_token)
    )["updateTier"]
    assert foreign["errors"][0]["code"] == "NOT_FOUND"
    gone = (await api(DELETE_TIER, {"id": tier["id"]}, other_tenant.owner_token))["deleteTier"]
    assert gone["errors"][0]["code"] == "NOT_FOUND"
    assert (await api(TIERS, token=other_tenant.owner_token))["tiers"] == []
    clerk = await staff_token(api, tenant, "clerk")
    refused = await create_tier(api, clerk, name="钻石", rank=3, metric="SPEND", threshold=9)
    assert refused["errors"][0]["code"] == "PERMISSION_DENIED"
