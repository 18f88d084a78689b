"""A member's progress to the next tier, and the day its own tier is reviewed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from membership.clock import FrozenClock
from membership.tiering import engine
from membership.tiering.progress import tier_progress
from membership.tiers.models import Tier
from membership.tiers.service import forget_catalogue
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.orders.test_tier_upgrade import buy, tiers
from tests.points.test_ledger_invariants import new_member

START = datetime(2026, 3, 1, tzinfo=UTC)


async def test_progress_counts_the_next_tiers_metric_and_lifetime_tiers_have_no_review(
    tenant: TenantFixture,
) -> None:
    made = await tiers(tenant)
    ctx = RequestContext.system(tenant.info, clock=FrozenClock(START))
    member = await new_member(tenant)
    await buy(ctx, member, 150_000)
    entry = await tier_progress(ctx, member)
    assert entry is not None and entry.tier is not None and entry.next_tier is not None
    assert (entry.tier.name, entry.next_tier.name, entry.next_value) == ("普卡", "银卡", 150_000)
    assert (entry.keep_value, entry.review_at) == (None, None)  # the entry tier is never lost

    await buy(ctx, member, 100_000)  # lifetime ¥2,500: 银卡, kept for good
    silver = await tier_progress(ctx, member)
    assert silver is not None and silver.tier is not None and silver.next_tier is not None
    assert (silver.tier.id, silver.next_tier.id) == (made["银卡"].id, made["金卡"].id)
    assert (silver.next_value, silver.keep_value, silver.review_at) == (250_000, 250_000, None)
    assert await tier_progress(ctx, uuid.uuid4()) is None


async def test_a_rolling_tier_is_reviewed_when_the_purchases_keeping_it_leave_the_window(
    tenant: TenantFixture,
) -> None:
    await tiers(tenant)  # 金卡: ¥5,000 within 30 days
    clock = FrozenClock(START)
    ctx = RequestContext.system(tenant.info, clock=clock)
    member = await new_member(tenant)
    await buy(ctx, member, 300_000)
    clock.advance(timedelta(days=10))
    await buy(ctx, member, 250_000)  # ¥5,500 within 30 days: 金卡
    gold = await tier_progress(ctx, member)
    assert gold is not None and gold.tier is not None and gold.tier.name == "金卡"
    # the newest ¥2,500 alone is not enough: it needs the ¥3,000 of 1 March, which leaves on 31 March
    assert gold.review_at == START + timedelta(days=30)
    clock.advance(timedelta(days=1))
    await buy(ctx, member, 500_000)  # now the newest order keeps it by itself
    later = await tier_progress(ctx, member)
    assert later is not None and later.review_at == START + timedelta(days=11 + 30)


async def test_below_the_threshold_the_review_is_the_end_of_the_grace_period(
    tenant: TenantFixture,
) -> None:
    await tiers(tenant)
    clock = FrozenClock(START)
    ctx = RequestContext.system(tenant.info, clock=clock)
    member = await new_member(tenant)
    await buy(ctx, member, 500_000)
    clock.advance(timedelta(days=31))
    assert await engine.evaluate_tiers(ctx) == 0  # below since today: 30 days of grace
    below = await tier_progress(ctx, member)
    assert below is not None and below.tier is not None and below.tier.name == "金卡"
    assert below.below_since == clock.now()
    assert below.review_at == clock.now() + timedelta(days=30)
    assert below.keep_value == 0


async def test_a_calendar_year_tier_qualified_this_year_is_reviewed_at_the_end_of_the_next(
    tenant: TenantFixture,
) -> None:
    async with tenant_tx(tenant.ctx):
        for name, rank, threshold, calendar in (("普卡", 0, 0, False), ("年卡", 1, 100_000, True)):
            await Tier.create(
                id=uuid.uuid4(),
                tenant_id=tenant.info.id,
                name=name,
                rank=rank,
                metric="SPEND",
                threshold=threshold,
                calendar_year=calendar,
                points_multiplier=Decimal(1),
            )
    forget_catalogue(tenant.info.id)
    clock = FrozenClock(datetime(2026, 6, 1, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    member = await new_member(tenant)
    await buy(ctx, member, 100_000)
    progress = await tier_progress(ctx, member)
    assert progress is not None and progress.tier is not None and progress.tier.name == "年卡"
    assert progress.review_at == datetime(2028, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    clock.set(datetime(2027, 6, 1, tzinfo=UTC))  # 2026 keeps it; 2027 has no orders yet
    kept = await tier_progress(ctx, member)
    assert kept is not None and kept.review_at == datetime(
        2028, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")
    )


async def test_the_api_shows_progress_with_what_is_missing(api: Api, tenant: TenantFixture) -> None:
    await tiers(tenant)
    member = await new_member(tenant)
    await buy(tenant.ctx, member, 150_000)
    data = await api(
        """query($id: ID) { member(id: $id) { tier { name } tierProgress {
            nextTier { name threshold } nextTierValue remaining keepValue belowSince reviewAt } } }""",
        {"id": str(member)},
        tenant.owner_token,
    )
    assert data["member"] == {
        "tier": {"name": "普卡"},
        "tierProgress": {
            "nextTier": {"name": "银卡", "threshold": 200_000},
            "nextTierValue": 150_000,
            "remaining": 50_000,
            "keepValue": None,
            "belowSince": None,
            "reviewAt": None,
        },
    }
