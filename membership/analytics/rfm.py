"""RFM in eight classes (重要价值 … 一般挽留), as ``analytics.graphql`` defines them.

Over the members with at least one order up to ``as_of``: recency is the days from the last
purchase day to ``as_of``, frequency the purchase days, monetary the sum of order amounts (net of
refunds). Each is high or low against its mean over those members: R is high at or below the
mean recency, F and M at or above their means. Since recency and purchase days are whole numbers,
the comparisons are exact as integer thresholds: R high ⇔ recency ≤ ⌊mean⌋, F high ⇔ purchase
days ≥ ⌈mean⌉, M high ⇔ monetary ≥ ⌈mean⌉.

Today's figures come from the roll-up (``analytics_members``, as fresh as the latest refresh);
another day's are computed from the orders paid up to the end of that day, with the same
definitions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q, Subquery

from membership.analytics.models import AnalyticsMember
from membership.analytics.periods import check_as_of, local_midnight, tenant_today
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "MemberRfm",
    "RfmClass",
    "RfmReport",
    "RfmSegment",
    "Thresholds",
    "class_of",
    "member_rfm",
    "members_in_class",
    "rfm_report",
]


class RfmClass(StrEnum):
    IMPORTANT_VALUE = "IMPORTANT_VALUE"  # R high, F high, M high
    IMPORTANT_DEVELOP = "IMPORTANT_DEVELOP"  # R high, F low, M high
    IMPORTANT_RETAIN = "IMPORTANT_RETAIN"  # R low, F high, M high
    IMPORTANT_WINBACK = "IMPORTANT_WINBACK"  # R low, F low, M high
    GENERAL_VALUE = "GENERAL_VALUE"  # R high, F high, M low
    GENERAL_DEVELOP = "GENERAL_DEVELOP"  # R high, F low, M low
    GENERAL_RETAIN = "GENERAL_RETAIN"  # R low, F high, M low
    GENERAL_WINBACK = "GENERAL_WINBACK"  # R low, F low, M low


# (R high, F high, M high) → class
_CLASSES: dict[tuple[bool, bool, bool], RfmClass] = {
    (True, True, True): RfmClass.IMPORTANT_VALUE,
    (True, False, True): RfmClass.IMPORTANT_DEVELOP,
    (False, True, True): RfmClass.IMPORTANT_RETAIN,
    (False, False, True): RfmClass.IMPORTANT_WINBACK,
    (True, True, False): RfmClass.GENERAL_VALUE,
    (True, False, False): RfmClass.GENERAL_DEVELOP,
    (False, True, False): RfmClass.GENERAL_RETAIN,
    (False, False, False): RfmClass.GENERAL_WINBACK,
}
_HIGHS = {cls: highs for highs, cls in _CLASSES.items()}


@dataclass(frozen=True)
class Thresholds:
    """Where high begins, as of a day: the means, made integer thresholds."""

    as_of: date
    members: int  # members with at least one order
    max_recency: int  # R high: recency ≤ this
    min_purchase_days: int  # F high: purchase days ≥ this
    min_monetary: int  # M high: monetary ≥ this

    @staticmethod
    def from_state(
        as_of: date, buyers: int, last_days: int, purchase_days: int, monetary: int
    ) -> Thresholds:
        """From the roll-up's sums (``analytics_state``): the last order days are summed as days
        since 2000-01-01, so the recency sum as of ``as_of`` is ``buyers × as_of − last_days``."""
        today = as_of.toordinal() - date(2000, 1, 1).toordinal()
        return Thresholds.from_sums(
            as_of, buyers, buyers * today - last_days, purchase_days, monetary
        )

    @staticmethod
    def from_sums(as_of: date, members: int, recency: int, days: int, money: int) -> Thresholds:
        if not members:
            return Thresholds(as_of, 0, 0, 0, 0)
        return Thresholds(
            as_of, members, recency // members, -(-days // members), -(-money // members)
        )


def class_of(t: Thresholds, recency: int, purchase_days: int, monetary: int) -> RfmClass:
    return _CLASSES[
        (recency <= t.max_recency, purchase_days >= t.min_purchase_days, monetary >= t.min_monetary)
    ]


@dataclass(frozen=True)
class MemberRfm:
    as_of: date
    orders: int
    purchase_days: int
    first_order_on: date | None
    last_order_on: date | None
    recency_days: int | None
    monetary: int
    rfm_class: RfmClass | None


@dataclass(frozen=True)
class RfmSegment:
    rfm_class: RfmClass
    members: int
    share: float
    monetary: int
    average_recency_days: float
    average_purchase_days: float


@dataclass(frozen=True)
class RfmReport:
    as_of: date
    segments: list[RfmSegment]


# ---------------------------------------------------------------- the inputs, two ways

# Each member's inputs from the orders paid before $2 (the end of as_of), a merged profile's
# orders counted for its survivor; $4 limits it to some members (null: all).
_INPUTS_FROM_ORDERS = """
SELECT member_id, sum(orders)::int AS orders, count(*)::int AS purchase_days,
       min(day) AS first_order_on, max(day) AS last_order_on, sum(amount)::bigint AS monetary
FROM (
    SELECT coalesce(m.merged_into_id, m.id) AS member_id, (o.paid_at AT TIME ZONE $3)::date AS day,
           count(*) AS orders, sum(o.amount - o.refunded_amount) AS amount
    FROM orders o JOIN members m ON m.tenant_id = o.tenant_id AND m.id = o.member_id
    WHERE o.tenant_id = $1 AND o.paid_at < $2 AND o.status <> 'REFUNDED'
      AND ($4::uuid[] IS NULL OR coalesce(m.merged_into_id, m.id) = ANY($4::uuid[]))
    GROUP BY 1, 2
) days
GROUP BY member_id
"""

_INPUTS_FROM_ROLLUP = """
SELECT member_id, orders, purchase_days, first_order_on, last_order_on, monetary
FROM analytics_members
WHERE tenant_id = $1 AND ($2::uuid[] IS NULL OR member_id = ANY($2::uuid[]))
"""

_REPORT = """
WITH inputs AS MATERIALIZED ({inputs}),
sums AS (
    SELECT count(*) AS n, sum(${as_of}::date - last_order_on) AS recency,
           sum(purchase_days) AS days, sum(monetary) AS money
    FROM inputs
),
t AS (
    SELECT n, floor(recency::numeric / n) AS max_recency, ceil(days::numeric / n) AS min_days,
           ceil(money::numeric / n) AS min_money
    FROM sums WHERE n > 0
)
SELECT (${as_of}::date - i.last_order_on) <= t.max_recency AS r_high,
       i.purchase_days >= t.min_days AS f_high, i.monetary >= t.min_money AS m_high,
       count(*) AS members, sum(i.monetary) AS monetary,
       sum(${as_of}::date - i.last_order_on) AS recency, sum(i.purchase_days) AS days,
       max(t.n) AS total
FROM inputs i, t
GROUP BY 1, 2, 3
"""

_SUMS = """
SELECT count(*) AS n, coalesce(sum(${as_of}::date - last_order_on), 0) AS recency,
       coalesce(sum(purchase_days), 0) AS days, coalesce(sum(monetary), 0) AS money
FROM ({inputs}) inputs
"""


def _from_orders(ctx: RequestContext, as_of: date) -> tuple[str, list[Any]]:
    end = local_midnight(ctx, as_of + timedelta(days=1))
    return _INPUTS_FROM_ORDERS, [ctx.tenant.id, end, ctx.tenant.timezone]


def _is_today(ctx: RequestContext, as_of: date) -> bool:
    return as_of == tenant_today(ctx)


# ---------------------------------------------------------------- the report


async def rfm_report(ctx: RequestContext, as_of: date | None = None) -> RfmReport:
    """All eight classes (zero rows included) as of ``as_of`` (default today)."""
    ctx.require(Permission.ANALYTICS_READ)
    day = check_as_of(ctx, as_of)
    if _is_today(ctx, day):
        sql = _REPORT.format(inputs=_INPUTS_FROM_ROLLUP, as_of=3)
        params: list[Any] = [ctx.tenant.id, None, day]
    else:
        inputs, params = _from_orders(ctx, day)
        sql = _REPORT.format(inputs=inputs, as_of=5)
        params = [*params, None, day]
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(sql, params)
    found = {_CLASSES[(r["r_high"], r["f_high"], r["m_high"])]: r for r in rows}
    total = int(rows[0]["total"]) if rows else 0
    segments = []
    for cls in RfmClass:
        r = found.get(cls)
        members = int(r["members"]) if r else 0
        segments.append(
            RfmSegment(
                rfm_class=cls,
                members=members,
                share=members / total if total else 0.0,
                monetary=int(r["monetary"]) if r else 0,
                average_recency_days=int(r["recency"]) / members if r else 0.0,
                average_purchase_days=int(r["days"]) / members if r else 0.0,
            )
        )
    return RfmReport(day, segments)


async def _thresholds(ctx: RequestContext, conn: BaseDBAsyncClient, as_of: date) -> Thresholds:
    """Today's from the sums the roll-up keeps (one row); another day's from the orders."""
    if _is_today(ctx, as_of):
        _, rows = await conn.execute_query(
            "SELECT buyers, last_days, purchase_days, monetary FROM analytics_state "
            "WHERE tenant_id = $1",
            [ctx.tenant.id],
        )
        if not rows:
            return Thresholds.from_sums(as_of, 0, 0, 0, 0)
        r = rows[0]
        return Thresholds.from_state(
            as_of,
            int(r["buyers"]),
            int(r["last_days"]),
            int(r["purchase_days"]),
            int(r["monetary"]),
        )
    inputs, params = _from_orders(ctx, as_of)
    _, rows = await conn.execute_query(_SUMS.format(inputs=inputs, as_of=5), [*params, None, as_of])
    r = rows[0]
    return Thresholds.from_sums(
        as_of, int(r["n"]), int(r["recency"]), int(r["days"]), int(r["money"])
    )


# ---------------------------------------------------------------- members


async def member_rfm(
    ctx: RequestContext, member_ids: list[uuid.UUID], as_of: date | None = None
) -> dict[uuid.UUID, MemberRfm]:
    """The members' RFM as of ``as_of`` (default today), in two statements whatever their number
    (a DataLoader's batch); a member without orders has zeros and no class."""
    ctx.require(Permission.MEMBERS_READ)
    day = check_as_of(ctx, as_of)
    async with tenant_tx(ctx) as conn:
        thresholds = await _thresholds(ctx, conn, day)
        if _is_today(ctx, day):
            _, rows = await conn.execute_query(_INPUTS_FROM_ROLLUP, [ctx.tenant.id, member_ids])
        else:
            inputs, params = _from_orders(ctx, day)
            _, rows = await conn.execute_query(inputs, [*params, member_ids])
    found = {r["member_id"]: r for r in rows}
    result: dict[uuid.UUID, MemberRfm] = {}
    for member_id in member_ids:
        r = found.get(member_id)
        if r is None:
            result[member_id] = MemberRfm(day, 0, 0, None, None, None, 0, None)
            continue
        recency = (day - r["last_order_on"]).days
        result[member_id] = MemberRfm(
            as_of=day,
            orders=int(r["orders"]),
            purchase_days=int(r["purchase_days"]),
            first_order_on=r["first_order_on"],
            last_order_on=r["last_order_on"],
            recency_days=recency,
            monetary=int(r["monetary"]),
            rfm_class=class_of(thresholds, recency, int(r["purchase_days"]), int(r["monetary"])),
        )
    return result


async def members_in_class(ctx: RequestContext, rfm_class: RfmClass) -> Q:
    """A member filter for the class, as of today from the roll-up (call inside the tenant's
    transaction, before the members are read)."""
    day = tenant_today(ctx)
    async with tenant_tx(ctx) as conn:
        t = await _thresholds(ctx, conn, day)
    r_high, f_high, m_high = _HIGHS[rfm_class]
    since = day - timedelta(days=t.max_recency)
    rows = AnalyticsMember.filter(tenant_id=ctx.tenant.id)
    rows = rows.filter(last_order_on__gte=since) if r_high else rows.filter(last_order_on__lt=since)
    rows = (
        rows.filter(purchase_days__gte=t.min_purchase_days)
        if f_high
        else rows.filter(purchase_days__lt=t.min_purchase_days)
    )
    rows = (
        rows.filter(monetary__gte=t.min_monetary)
        if m_high
        else rows.filter(monetary__lt=t.min_monetary)
    )
    return Q(id__in=Subquery(rows.values("member_id")))
