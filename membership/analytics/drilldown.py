"""The members behind a figure of the dashboard, as conditions on the member list.

Each figure's members come from the same roll-up the figure was counted from, so a list has as
many members as the figure says:

* ACTIVE: members with an order in the period (active members, orders, revenue);
* REPURCHASED: members with at least two purchase days in it (the repurchase rate);
* CHURNED: members active in the equally long period just before and not in this one;
* REDEEMED_COUPON: members who redeemed a coupon in it (the redemption rate).

The period is checked as the figures check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
from tortoise.expressions import Q, Subquery

from membership.analytics.buyers import parts_sql, split
from membership.analytics.models import AnalyticsMember
from membership.analytics.periods import check_period, local_midnight
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["Activity", "ActivityFilter", "activity_condition", "joined_condition"]


class Activity(StrEnum):
    ACTIVE = "ACTIVE"
    REPURCHASED = "REPURCHASED"
    CHURNED = "CHURNED"
    REDEEMED_COUPON = "REDEEMED_COUPON"


@dataclass(frozen=True)
class ActivityFilter:
    kind: Activity
    start: date
    until: date


_BUYERS = f"""
WITH cur AS (SELECT analytics_buyers(buyers, twice) AS buyers FROM ({parts_sql(2)}) parts),
before AS (SELECT bit_or(buyers) AS buyers FROM ({parts_sql(7)}) parts)
SELECT cur.buyers[1] AS active, cur.buyers[2] AS repurchased, before.buyers AS before
FROM cur, before
"""


def _set_bits(bits: Any) -> list[int]:
    """The positions of the set bits of a ``bit varying`` (bit 0 leftmost)."""
    if bits is None or not len(bits):
        return []
    unpacked = np.unpackbits(np.frombuffer(bits.bytes, dtype=np.uint8))[: len(bits)]
    return [int(i) for i in np.flatnonzero(unpacked)]


async def activity_condition(
    ctx: RequestContext, flt: ActivityFilter, *, path: list[str] | None = None
) -> Q:
    """The members of ``flt``, as a condition on the member list."""
    period = check_period(flt.start, flt.until, field=path or ["until"])
    if flt.kind is Activity.REDEEMED_COUPON:
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(
                "SELECT DISTINCT coalesce(m.merged_into_id, m.id) AS member_id FROM coupons c "
                "JOIN members m ON m.tenant_id = c.tenant_id AND m.id = c.member_id "
                "WHERE c.tenant_id = $1 AND c.redeemed_at >= $2 AND c.redeemed_at < $3",
                [
                    ctx.tenant.id,
                    local_midnight(ctx, period.start),
                    local_midnight(ctx, period.until + timedelta(days=1)),
                ],
            )
        return Q(id__in=[r["member_id"] for r in rows])
    before = period.before()
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            _BUYERS, [ctx.tenant.id, *split(period).params(), *split(before).params()]
        )
    row = rows[0]
    active = set(_set_bits(row["active"]))
    if flt.kind is Activity.ACTIVE:
        ordinals = active
    elif flt.kind is Activity.REPURCHASED:
        ordinals = set(_set_bits(row["repurchased"]))
    else:
        ordinals = set(_set_bits(row["before"])) - active
    members = AnalyticsMember.filter(tenant_id=ctx.tenant.id, ordinal__in=sorted(ordinals))
    return Q(id__in=Subquery(members.values("member_id")))


def joined_condition(ctx: RequestContext, start: date | None, until: date | None) -> Q:
    """Members who joined between the local days (either end open)."""
    condition = Q()
    if start is not None:
        condition &= Q(created_at__gte=local_midnight(ctx, start))
    if until is not None:
        condition &= Q(created_at__lt=local_midnight(ctx, until + timedelta(days=1)))
    return condition
