"""Tier upgrades happen at once when an order crosses a threshold, measured over the window."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from membership.clock import FrozenClock
from membership.members.models import Member
from membership.orders import service as orders
from membership.programme.settings import update_earning
from membership.tiering.engine import metric_values
from membership.tiering.models import TierChange
from membership.tiers.models import Tier
from membership.tiers.service import forget_catalogue
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture, count_queries
from tests.points.test_ledger_invariants import new_member

# (name, rank, metric, threshold, window days, multiplier, calendar year)
TierSpec = tuple[str, int, str, int, int | None, str, bool]


async def make_tiers(tenant: TenantFixture, specs: list[TierSpec]) -> dict[str, Tier]:
    made = {}
    async with tenant_tx(tenant.ctx):
        for name, rank, metric, threshold, window, multiplier, calendar_year in specs:
            made[name] = await Tier.create(
                id=uuid.uuid4(),
                tenant_id=tenant.info.id,
                name=name,
                rank=rank,
                metric=metric,
                threshold=threshold,
                window_days=window,
                calendar_year=calendar_year,
                points_multiplier=Decimal(multiplier),
            )
    forget_catalogue(tenant.info.id)
    return made


async def tiers(tenant: TenantFixture) -> dict[str, Tier]:
    return await make_tiers(
        tenant,
        [
            ("普卡", 0, "SPEND", 0, None, "1", False),
            ("银卡", 1, "SPEND", 200_000, None, "1.2", False),
            ("金卡", 2, "SPEND", 500_000, 30, "1.5", False),
            ("钻石", 3, "ORDER_COUNT", 10, 365, "2", False),
        ],
    )


async def buy(ctx: RequestContext, member: uuid.UUID, amount: int) -> orders.OrderResult:
    return await orders.record_order(
        ctx,
        orders.OrderRequest(
            external_id=f"T-{uuid.uuid4().hex[:10]}", member_id=member, amount=amount
        ),
    )


async def member_tier(tenant: TenantFixture, member: uuid.UUID) -> uuid.UUID | None:
    async with tenant_tx(tenant.ctx):
        return (await Member.get(id=member)).tier_id


async def test_an_order_that_crosses_a_threshold_upgrades_at_once(
    api: Api, tenant: TenantFixture
) -> None:
    made = await tiers(tenant)
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    member = await new_member(tenant)
    assert await member_tier(tenant, member) == made["普卡"].id

    await buy(ctx, member, 150_000)
    assert await member_tier(tenant, member) == made["普卡"].id
    second = await buy(ctx, member, 100_000)  # lifetime ¥2,500 ≥ ¥2,000: 银卡
    assert await member_tier(tenant, member) == made["银卡"].id
    # the order that crossed the line earned at the old tier's rate
    assert second.order.points_earned == 1000

    clock.advance(timedelta(days=40))  # ¥2,500 was more than 30 days ago: 金卡 counts none of it
    await buy(ctx, member, 300_000)
    assert await member_tier(tenant, member) == made["银卡"].id
    clock.advance(timedelta(days=5))
    await buy(ctx, member, 250_000)  # ¥5,500 within 30 days: 金卡
    assert await member_tier(tenant, member) == made["金卡"].id

    async with tenant_tx(tenant.ctx):
        history = await TierChange.filter(member_id=member).order_by("created_at")
    assert [(h.from_tier_id, h.to_tier_id, h.metric_value) for h in history] == [
        (made["普卡"].id, made["银卡"].id, 250_000),
        (made["银卡"].id, made["金卡"].id, 550_000),
    ]
    data = await api(
        """query($id: ID) { member(id: $id) { tier { name }
        tierHistory { toTierId reason metricValue } } }""",
        {"id": str(member)},
        tenant.owner_token,
    )
    assert data["member"]["tier"] == {"name": "金卡"}
    assert [h["metricValue"] for h in data["member"]["tierHistory"]] == [550_000, 250_000]


async def test_refunded_orders_do_not_count(tenant: TenantFixture) -> None:
    made = await tiers(tenant)
    member = await new_member(tenant)
    first = await buy(tenant.ctx, member, 150_000)
    await orders.refund_order(
        tenant.ctx, external_id=first.order.external_id, amount=None, idempotency_key=f"tr-{member}"
    )
    await buy(tenant.ctx, member, 100_000)  # ¥1,000 net, not ¥2,500
    assert await member_tier(tenant, member) == made["普卡"].id


async def test_a_member_below_its_tier_drops_after_the_grace_period(
    api: Api, tenant: TenantFixture
) -> None:
    from membership.tiering import engine

    made = await tiers(tenant)  # 金卡 needs ¥5,000 within 30 days; 银卡 ¥2,000 in a lifetime
    clock = FrozenClock(datetime(2026, 5, 1, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    settings = """mutation { updateTierSettings(input: {downgradePolicy: TO_QUALIFIED,
        graceDays: 10}) { settings { downgradePolicy graceDays } errors { code } } }"""
    assert (await api(settings, token=tenant.owner_token))["updateTierSettings"]["settings"] == {
        "downgradePolicy": "TO_QUALIFIED",
        "graceDays": 10,
    }
    stays, drops = await new_member(tenant), await new_member(tenant)
    for member in (stays, drops):
        await buy(ctx, member, 600_000)
        assert await member_tier(tenant, member) == made["金卡"].id

    clock.advance(timedelta(days=31))  # both fell below ¥5,000 in 30 days: grace starts
    assert await engine.evaluate_tiers(ctx) == 0
    clock.advance(timedelta(days=5))
    await buy(ctx, stays, 500_000)  # qualifies again within the grace period
    assert await engine.evaluate_tiers(ctx) == 0
    clock.advance(timedelta(days=6))  # 11 days below for `drops`
    assert await engine.evaluate_tiers(ctx) == 1
    assert await member_tier(tenant, stays) == made["金卡"].id
    assert await member_tier(tenant, drops) == made["银卡"].id  # ¥6,000 lifetime qualifies 银卡
    assert await engine.evaluate_tiers(ctx) == 0  # 银卡 holds: lifetime spend still counts


async def test_one_tier_policy_drops_a_single_rank(tenant: TenantFixture) -> None:
    from membership.tiering import engine

    made = await tiers(tenant)
    clock = FrozenClock(datetime(2026, 5, 1, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    await engine.set_downgrade_policy(ctx, policy="ONE_TIER", grace_days=0)
    member = await new_member(tenant)
    first = await buy(ctx, member, 600_000)
    await orders.refund_order(
        ctx, external_id=first.order.external_id, amount=None, idempotency_key=f"one-{member}"
    )  # nothing counts any more
    assert await engine.evaluate_tiers(ctx) == 0  # grace starts (0 days)
    assert await engine.evaluate_tiers(ctx) == 1
    assert await member_tier(tenant, member) == made["银卡"].id  # one tier, not to 普卡
    assert await engine.evaluate_tiers(ctx) == 0  # grace starts again for 银卡
    assert await engine.evaluate_tiers(ctx) == 1
    assert await member_tier(tenant, member) == made["普卡"].id


CREATE_TIER = """mutation($input: CreateTierInput!) {
  createTier(input: $input) { tier { id name window windowDays } errors { code field } }
}"""


async def test_a_calendar_year_tier_counts_the_year_in_shanghai_and_lasts_through_the_next(
    api: Api, tenant: TenantFixture
) -> None:
    from membership.tiering import engine

    async def create(variables: dict[str, object]) -> dict[str, object]:
        data = await api(CREATE_TIER, {"input": variables}, tenant.owner_token)
        return data["createTier"]  # type: ignore[no-any-return]

    base = await create({"name": "普卡", "rank": 0, "metric": "SPEND", "threshold": 0})
    gold = await create(
        {
            "name": "年度金卡",
            "rank": 1,
            "metric": "SPEND",
            "threshold": 500_000,
            "window": "CALENDAR_YEAR",
        }
    )
    assert gold["tier"]["window"] == "CALENDAR_YEAR" and gold["tier"]["windowDays"] is None  # type: ignore[index]
    assert base["tier"]["window"] == "LIFETIME"  # type: ignore[index]
    bad = await create(
        {"name": "x", "rank": 5, "metric": "SPEND", "threshold": 1, "window": "ROLLING_DAYS"}
    )
    assert bad["errors"] == [{"code": "INVALID", "field": ["input", "windowDays"]}]
    bad = await create(
        {
            "name": "x",
            "rank": 5,
            "metric": "SPEND",
            "threshold": 1,
            "window": "CALENDAR_YEAR",
            "windowDays": 30,
        }
    )
    assert bad["errors"] == [{"code": "INVALID", "field": ["input", "windowDays"]}]

    gold_id = uuid.UUID(gold["tier"]["id"])  # type: ignore[index]
    base_id = uuid.UUID(base["tier"]["id"])  # type: ignore[index]
    # 31 December 2025 23:30 in Shanghai: still 2025 there (15:30 UTC)
    clock = FrozenClock(datetime(2025, 12, 31, 15, 30, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    member = await new_member(tenant)
    await buy(ctx, member, 300_000)
    clock.advance(timedelta(hours=1))  # 00:30 on 1 January 2026 in Shanghai: a new year
    await buy(ctx, member, 300_000)
    assert await member_tier(tenant, member) == base_id  # ¥3,000 in each year, not ¥6,000
    await buy(ctx, member, 200_000)
    assert await member_tier(tenant, member) == gold_id  # ¥5,000 in 2026

    # kept through 2027 although 2027 has no orders yet...
    clock.advance(timedelta(days=370))
    assert await engine.evaluate_tiers(ctx) == 0
    clock.advance(timedelta(days=60))
    assert await engine.evaluate_tiers(ctx) == 0
    assert await member_tier(tenant, member) == gold_id
    # ...and no further: in 2028 neither 2027 nor 2028 qualifies, so after the grace period it drops
    clock.set(datetime(2028, 1, 1, 0, 0, tzinfo=UTC))
    await engine.evaluate_tiers(ctx)
    clock.advance(timedelta(days=31))
    assert await engine.evaluate_tiers(ctx) == 1
    assert await member_tier(tenant, member) == base_id


async def test_an_order_reads_the_tier_metrics_in_its_own_statement(tenant: TenantFixture) -> None:
    await tiers(tenant)
    member = await new_member(tenant)
    with count_queries() as counter:
        await buy(tenant.ctx, member, 1_000)
    # the programme read with the member's lock, then the order with the metrics of 银卡, 金卡
    # and 钻石: no statement of its own for the tier check
    assert len(counter.queries) == 2, counter.queries
    assert "FROM orders WHERE member_id" in counter.queries[1]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    window=st.sampled_from([0, 7]),
    purchases=st.lists(
        st.tuples(
            st.integers(1, 300_000),  # amount
            st.sampled_from([None, 0, 3, 10, 40, 400]),  # paid that many days ago
            st.integers(0, 5),  # days that pass afterwards
        ),
        min_size=1,
        max_size=6,
    ),
)
async def test_the_metrics_read_with_the_order_are_those_read_after_it(
    tenant: TenantFixture, window: int, purchases: list[tuple[int, int | None, int]]
) -> None:
    # each order moves the member exactly where the separate metric query, made after the
    # order, says it should: the highest tier above its own whose metric reaches the threshold
    everything = await all_tiers(tenant)
    if not everything:
        await low_tiers(tenant)
        everything = await all_tiers(tenant)
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    await update_earning(ctx, return_window_days=window)
    member = await new_member(tenant)
    for amount, days_ago, later in purchases:
        before = await member_tier(tenant, member)
        paid_at = None if days_ago is None else clock.now() - timedelta(days=days_ago)
        await orders.record_order(
            ctx,
            orders.OrderRequest(
                external_id=f"P-{uuid.uuid4().hex[:10]}",
                member_id=member,
                amount=amount,
                paid_at=paid_at,
            ),
        )
        current = next((t for t in everything if t.id == before), None)
        higher = [t for t in everything if current is None or t.rank > current.rank]
        async with tenant_tx(ctx) as conn:
            values = await metric_values(ctx, conn, member, higher)
        reached = [t for t, v in zip(higher, values, strict=True) if v >= t.threshold]
        expected = reached[0].id if reached else before
        assert await member_tier(tenant, member) == expected
        clock.advance(timedelta(days=later))


async def low_tiers(tenant: TenantFixture) -> None:
    """Tiers a few orders reach, each metric with a window an old order falls outside of."""
    await make_tiers(
        tenant,
        [
            ("一", 1, "SPEND", 100_000, None, "1", False),
            ("二", 2, "ORDER_COUNT", 2, 30, "1", False),
            ("三", 3, "SPEND", 250_000, 30, "1", False),
            ("四", 4, "POINTS_EARNED", 4_000, None, "1", True),
            ("五", 5, "ORDER_COUNT", 4, 7, "1", False),
        ],
    )


async def all_tiers(tenant: TenantFixture) -> list[Tier]:
    async with tenant_tx(tenant.ctx):
        return list(await Tier.all().order_by("-rank"))
