"""A template's redemptions day by day, in the tenant's time zone: what a marketer watches while
a campaign runs. A refunded order's coupons drop out (they are no longer redeemed)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from membership.errors import DomainError, ErrorCode
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["RedemptionDay", "redemptions_by_day"]

MAX_DAYS = 366


@dataclass(frozen=True)
class RedemptionDay:
    day: date
    redeemed: int
    discount: int


async def redemptions_by_day(
    ctx: RequestContext, template_id: uuid.UUID, days: int = 30
) -> list[RedemptionDay]:
    """The last ``days`` days, today included, oldest first; days without one count zero."""
    if not (ctx.has(Permission.MEMBERS_READ) or ctx.has(Permission.PROGRAMME_MANAGE)):
        ctx.require(Permission.PROGRAMME_MANAGE)
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(
            ErrorCode.INVALID, "days must be between 1 and {max}.", ["days"], max=MAX_DAYS
        )
    zone = ZoneInfo(ctx.tenant.timezone)
    today = ctx.clock.now().astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(), zone)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT (redeemed_at AT TIME ZONE $3)::date AS day, count(*) AS redeemed, "
            "coalesce(sum(discount_amount), 0) AS discount FROM coupons "
            "WHERE template_id = $1 AND redeemed_at >= $2 GROUP BY 1",
            [template_id, since, ctx.tenant.timezone],
        )
    found = {row["day"]: row for row in rows}
    return [
        RedemptionDay(
            day,
            int(found[day]["redeemed"]) if day in found else 0,
            int(found[day]["discount"]) if day in found else 0,
        )
        for day in (first + timedelta(days=n) for n in range(days))
    ]
