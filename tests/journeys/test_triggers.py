"""The tierChanged and pointsExpiring triggers."""

from __future__ import annotations

import uuid
from datetime import timedelta

from membership.journeys.dispatch import run_due
from membership.journeys.sweeps import sweep_journeys
from membership.tiers.service import forget_catalogue
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.journeys.conftest import activated, at, member_view, new_member, process_events, runs_of
from tests.journeys.test_sweeps import morning

CREATE_TIER = """mutation($input: CreateTierInput!) { createTier(input: $input) {
  tier { id } errors { code field message } } }"""
RECORD = """mutation($input: RecordOrderInput!) { recordOrder(input: $input) {
  errors { code field message } } }"""
ADJUST = (
    """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { errors { code } } }"""
)


async def test_moving_into_the_named_tier_enters(api: Api, tenant: TenantFixture) -> None:
    for name, rank, threshold in (("银卡", 1, 10_000), ("金卡", 2, 50_000)):
        made = await api(
            CREATE_TIER,
            {"input": {"name": name, "rank": rank, "metric": "SPEND", "threshold": threshold}},
            tenant.owner_token,
        )
        assert made["createTier"]["errors"] == []
    forget_catalogue(tenant.info.id)
    await activated(
        api,
        tenant,
        {
            "trigger": {"type": "tierChanged", "tier": "金卡"},
            "entry": "tag",
            "reentry": "always",
            "steps": {"tag": {"type": "addTag", "tag": "gold-welcome", "next": "end"}},
        },
    )
    silver, gold = await new_member(api, tenant), await new_member(api, tenant)
    for member, amount in ((silver, 20_000), (gold, 60_000)):
        recorded = await api(
            RECORD,
            {"input": {"externalId": f"o-{member}", "memberId": member, "amount": amount}},
            tenant.secret_key,
        )
        assert recorded["recordOrder"]["errors"] == []
    await process_events(tenant.ctx)
    assert (await member_view(api, tenant, gold))["tags"] == ["gold-welcome"]
    assert (await member_view(api, tenant, silver))["tags"] == []
    assert await runs_of(tenant, silver) == []


async def test_points_expiring_in_seven_days_enter(api: Api, tenant: TenantFixture) -> None:
    await activated(
        api,
        tenant,
        {
            "trigger": {"type": "pointsExpiring", "daysBefore": 7},
            "entry": "tag",
            "reentry": "always",
            "steps": {"tag": {"type": "addTag", "tag": "use-your-points", "next": "end"}},
        },
    )
    expiring, later = await new_member(api, tenant), await new_member(api, tenant)
    for member in (expiring, later):
        await api(
            ADJUST,
            {
                "input": {
                    "memberId": member,
                    "points": 300,
                    "reason": "seed",
                    "idempotencyKey": f"a-{member}",
                }
            },
            tenant.secret_key,
        )
    async with tenant_tx(tenant.ctx) as conn:
        for member, days in ((expiring, 7), (later, 8)):
            await conn.execute_query(
                "UPDATE points_lots SET expires_at = $1 WHERE member_id = $2",
                [morning(tenant) + timedelta(days=days), uuid.UUID(member)],
            )
    ctx = at(tenant, morning(tenant))
    assert await sweep_journeys(ctx) == 1
    await run_due(ctx)
    assert (await member_view(api, tenant, expiring))["tags"] == ["use-your-points"]
    assert (await member_view(api, tenant, later))["tags"] == []
