"""The programme's numbers over a period, as ``analytics.graphql`` defines them.

The overview and the series read the roll-up (``membership.analytics.rollup``): sums of daily
facts, and for the members counted in a period (active, repurchasing, churned) the bitwise OR of
the days' buyer bitmaps, so a year costs the same whatever the number of orders in it. Tier
contribution and channel value read the period's orders with their members.

Definitions (periods are local dates in the tenant's time zone, ``until`` inclusive; only orders
count, net of refunds):

* active members: members with at least one order in the period;
* repurchase rate: of the active members, the share with at least two purchase days in it;
* churn rate: of the members active in the equally long period just before, the share with no
  order in this one;
* points liability: the members' available points at the latest refresh, valued in money;
* items per order: the items of the orders that list items, per such order (null when none do);
* coupon redemption rate: coupons redeemed in the period over coupons issued in it (bulk codes
  are issued when they are made), 0 when none were issued;
* tier contribution: per tier, the live members in it now and the revenue of the period from the
  members in it now; the share is of the period's revenue;
* channel value: per source channel, the live members who joined up to the period's end, those
  of them active in it, their revenue in it, and that revenue per member.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from membership.analytics.buyers import parts_sql, split
from membership.analytics.periods import (
    Granularity,
    Period,
    bucket_start,
    check_period,
    local_midnight,
)
from membership.programme.settings import load_settings
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "ChannelValue",
    "Overview",
    "TierContribution",
    "TimePoint",
    "channel_value",
    "member_growth",
    "overview",
    "revenue_series",
    "tier_contribution",
]


@dataclass(frozen=True)
class Overview:
    start: date
    until: date
    new_members: int
    active_members: int
    orders: int
    revenue: int
    average_order_value: int
    items_per_order: float | None
    repurchase_rate: float
    churn_rate: float
    points_liability: int
    coupon_redemption_rate: float


@dataclass(frozen=True)
class TimePoint:
    day: date  # the bucket's first day
    value: int


@dataclass(frozen=True)
class TierContribution:
    tier_id: uuid.UUID | None
    members: int
    revenue: int
    share: float


@dataclass(frozen=True)
class ChannelValue:
    source_channel: str | None
    members: int
    active_members: int
    revenue: int
    average_revenue_per_member: int


def _half_up(numerator: int | Decimal, denominator: int) -> int:
    if not denominator:
        return 0
    return int((Decimal(numerator) / denominator).to_integral_value(rounding=ROUND_HALF_UP))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


_OVERVIEW = f"""
WITH cur AS (
    SELECT analytics_buyers(buyers, twice) AS buyers FROM ({parts_sql(2)}) parts
),
before AS (
    SELECT bit_or(buyers) AS buyers FROM ({parts_sql(7)}) parts
),
facts AS (
    SELECT coalesce(sum(new_members), 0) AS new_members, coalesce(sum(orders), 0) AS orders,
           coalesce(sum(revenue), 0) AS revenue, coalesce(sum(items), 0) AS items,
           coalesce(sum(orders_with_items), 0) AS orders_with_items,
           coalesce(sum(coupons_issued), 0) AS coupons_issued,
           coalesce(sum(coupons_redeemed), 0) AS coupons_redeemed
    FROM analytics_days WHERE tenant_id = $1 AND day BETWEEN $2 AND $3
)
SELECT facts.*,
       coalesce(bit_count(cur.buyers[1]), 0) AS active,
       coalesce(bit_count(cur.buyers[2]), 0) AS repurchasing,
       coalesce(bit_count(before.buyers), 0) AS active_before,
       coalesce(bit_count(before.buyers & ~cur.buyers[1]), bit_count(before.buyers), 0) AS churned,
       coalesce((SELECT points FROM analytics_state WHERE tenant_id = $1), 0) AS points
FROM facts, cur, before
"""


async def overview(ctx: RequestContext, start: date, until: date) -> Overview:
    ctx.require(Permission.ANALYTICS_READ)
    period = check_period(start, until)
    before = period.before()
    settings = await load_settings(ctx)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            _OVERVIEW, [ctx.tenant.id, *split(period).params(), *split(before).params()]
        )
    r = rows[0]
    orders, revenue = int(r["orders"]), int(r["revenue"])
    with_items = int(r["orders_with_items"])
    active = int(r["active"])
    return Overview(
        start=period.start,
        until=period.until,
        new_members=int(r["new_members"]),
        active_members=active,
        orders=orders,
        revenue=revenue,
        average_order_value=_half_up(revenue, orders),
        items_per_order=int(r["items"]) / with_items if with_items else None,
        repurchase_rate=_share(int(r["repurchasing"]), active),
        churn_rate=_share(int(r["churned"]), int(r["active_before"])),
        points_liability=_half_up(Decimal(int(r["points"])) * settings.point_value_fen, 1),
        coupon_redemption_rate=_share(int(r["coupons_redeemed"]), int(r["coupons_issued"])),
    )


async def _series(
    ctx: RequestContext, start: date, until: date, granularity: Granularity, column: str
) -> list[TimePoint]:
    ctx.require(Permission.ANALYTICS_READ)
    period = check_period(start, until, granularity)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            f"SELECT day, {column} AS value FROM analytics_days "
            "WHERE tenant_id = $1 AND day BETWEEN $2 AND $3",
            [ctx.tenant.id, period.start, period.until],
        )
    buckets: dict[date, int] = {}
    day = period.start
    while day <= period.until:
        buckets.setdefault(bucket_start(day, granularity), 0)
        day += timedelta(days=1)
    for row in rows:
        buckets[bucket_start(row["day"], granularity)] += int(row["value"])
    return [TimePoint(day, value) for day, value in sorted(buckets.items())]


async def member_growth(
    ctx: RequestContext, start: date, until: date, granularity: Granularity
) -> list[TimePoint]:
    """New members per bucket."""
    return await _series(ctx, start, until, granularity, "new_members")


async def revenue_series(
    ctx: RequestContext, start: date, until: date, granularity: Granularity
) -> list[TimePoint]:
    """Revenue per bucket."""
    return await _series(ctx, start, until, granularity, "revenue")


def _bounds(ctx: RequestContext, period: Period) -> tuple[object, object]:
    return local_midnight(ctx, period.start), local_midnight(ctx, period.until + timedelta(days=1))


# The period's orders with the member they count for (a merged profile's survivor).
_PERIOD_ORDERS = """
SELECT coalesce(m.merged_into_id, m.id) AS member_id, o.amount - o.refunded_amount AS amount
FROM orders o JOIN members m ON m.tenant_id = o.tenant_id AND m.id = o.member_id
WHERE o.tenant_id = $1 AND o.paid_at >= $2 AND o.paid_at < $3 AND o.status <> 'REFUNDED'
"""

_TIERS = f"""
WITH period AS ({_PERIOD_ORDERS}),
revenue AS (
    SELECT s.tier_id, sum(p.amount) AS revenue FROM period p
    JOIN members s ON s.tenant_id = $1 AND s.id = p.member_id GROUP BY s.tier_id
),
members AS (
    SELECT tier_id, count(*) AS members FROM members
    WHERE tenant_id = $1 AND merged_into_id IS NULL GROUP BY tier_id
)
SELECT tier_id, coalesce(m.members, 0) AS members, coalesce(r.revenue, 0) AS revenue
FROM members m FULL JOIN revenue r USING (tier_id)
LEFT JOIN tiers t ON t.tenant_id = $1 AND t.id = tier_id
ORDER BY t.rank NULLS FIRST, tier_id
"""


async def tier_contribution(
    ctx: RequestContext, start: date, until: date
) -> list[TierContribution]:
    ctx.require(Permission.ANALYTICS_READ)
    period = check_period(start, until)
    lo, hi = _bounds(ctx, period)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(_TIERS, [ctx.tenant.id, lo, hi])
    total = sum(int(r["revenue"]) for r in rows)
    return [
        TierContribution(
            r["tier_id"], int(r["members"]), int(r["revenue"]), _share(int(r["revenue"]), total)
        )
        for r in rows
    ]


_CHANNELS = f"""
WITH period AS ({_PERIOD_ORDERS}),
buyers AS (SELECT member_id, sum(amount) AS revenue FROM period GROUP BY member_id)
SELECT m.source_channel, count(*) AS members, count(b.member_id) AS active,
       coalesce(sum(b.revenue), 0) AS revenue
FROM members m LEFT JOIN buyers b ON b.member_id = m.id
WHERE m.tenant_id = $1 AND m.merged_into_id IS NULL AND m.created_at < $3
GROUP BY m.source_channel
ORDER BY revenue DESC, m.source_channel NULLS LAST
"""


async def channel_value(ctx: RequestContext, start: date, until: date) -> list[ChannelValue]:
    ctx.require(Permission.ANALYTICS_READ)
    period = check_period(start, until)
    lo, hi = _bounds(ctx, period)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(_CHANNELS, [ctx.tenant.id, lo, hi])
    return [
        ChannelValue(
            r["source_channel"],
            int(r["members"]),
            int(r["active"]),
            int(r["revenue"]),
            _half_up(int(r["revenue"]), int(r["members"])),
        )
        for r in rows
    ]
