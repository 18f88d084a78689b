"""The worker's sweeps judge a sandbox tenant by its own clock, leave its tier review to its
advances, and leave it alone while its clock is being advanced."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from membership.clock import FrozenClock
from membership.points import service as points
from membership.testclock.service import advance_test_clock
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tenants.sweeps import tenant_ids_due, tenants_due
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.points.test_ledger_invariants import new_member
from tests.testclock.conftest import day

EXPIRY = """mutation { updatePointsSettings(input: {expiryPolicy: DAYS_AFTER_EARNING,
  expiryPeriod: 20}) { errors { code } } }"""


async def grant(tenant: TenantFixture, ctx: RequestContext, key: str) -> None:
    member = await new_member(tenant)
    await points.adjust(ctx, member_id=member, points=50, reason="test", idempotency_key=key)


async def test_expiring_points_are_due_by_each_tenants_own_clock(
    api: Api, sandbox: TenantFixture, tenant: TenantFixture
) -> None:
    for fixture in (sandbox, tenant):
        assert (await api(EXPIRY, token=fixture.owner_token))["updatePointsSettings"][
            "errors"
        ] == []
    # the sandbox's points expire on its day 20, still ahead of its clock though long past today
    await grant(sandbox, sandbox.ctx, "sandbox-lot")
    # the live tenant's were earned 30 days ago: due today
    past = RequestContext.system(
        tenant.info, clock=FrozenClock(datetime.now(UTC) - timedelta(days=30))
    )
    await grant(tenant, past, "live-lot")

    due = await tenant_ids_due("tenants_with_expiring_points", datetime.now(UTC))
    assert tenant.info.id in due
    assert sandbox.info.id not in due

    # once the sandbox's clock has passed day 20 its advance has expired them: still nothing due
    fresh = await get_tenant(sandbox.info.id)
    assert fresh is not None
    await advance_test_clock(RequestContext.system(fresh), day(25))
    assert sandbox.info.id not in await tenant_ids_due("tenants_with_expiring_points", day(25))


async def test_a_sandbox_tenants_tier_review_is_left_to_its_advances(
    sandbox: TenantFixture,
) -> None:
    from membership.tiers.models import Tier

    async with tenant_tx(sandbox.ctx) as conn:
        gold = await Tier.create(
            id=uuid.uuid4(),
            tenant_id=sandbox.info.id,
            name="金卡",
            rank=1,
            metric="SPEND",
            threshold=100,
        )
        member = await new_member(sandbox)
        await conn.execute_query("UPDATE members SET tier_id = $1 WHERE id = $2", [gold.id, member])
    assert sandbox.info.id not in await tenant_ids_due(
        "tenants_with_tiered_members", datetime.now(UTC)
    )


async def test_a_sandbox_being_advanced_is_left_to_its_advance(
    api: Api, sandbox: TenantFixture
) -> None:
    from workers.events import _system

    assert (await api(EXPIRY, token=sandbox.owner_token))["updatePointsSettings"]["errors"] == []
    await grant(sandbox, sandbox.ctx, "lot")
    async with tenant_tx(sandbox.ctx) as conn:  # a lot its clock has already reached
        await conn.execute_query("UPDATE points_lots SET expires_at = $1", [day(-1)])
    now = datetime.now(UTC)
    assert sandbox.info.id in await tenant_ids_due("tenants_with_expiring_points", now)
    assert sandbox.info.id in [
        t.id for t in await tenants_due("tenants_with_expiring_points", at=now)
    ]

    fresh = await get_tenant(sandbox.info.id)
    assert fresh is not None
    await advance_test_clock(RequestContext.system(fresh), day(30), inline_seconds=0)

    # ADVANCING: the cron and the dispatcher leave it to the advance
    assert sandbox.info.id not in [
        t.id for t in await tenants_due("tenants_with_expiring_points", at=now)
    ]
    assert await _system(sandbox.info.id) is None
