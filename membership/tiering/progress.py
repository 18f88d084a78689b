"""Where a member stands against its tiers: how far to the next one, and when its own is reviewed.

Progress to the next tier is that tier's metric over that tier's window, exactly as an upgrade
measures it. The review date is when the member would leave its tier if nothing else happened:

- below its tier's threshold already: the end of the grace period (when the daily check drops it);
- a calendar-year tier: the first day of the year after the last year that counts (a tier
  qualified for this year is kept through the next);
- a rolling window: the day the purchases that keep it slide out of the window;
- a lifetime tier, or the entry tier: never (no date).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.members.models import Member
from membership.programme.settings import load_settings
from membership.tiering.engine import metric_value
from membership.tiers.models import Tier
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["TierProgress", "tier_progress"]


@dataclass(frozen=True)
class TierProgress:
    tier: Tier | None
    next_tier: Tier | None
    next_value: int  # the next tier's metric, over its window
    keep_value: int | None  # the member's own tier's metric, as the downgrade check counts it
    below_since: datetime | None
    review_at: datetime | None


# The newest purchase (or earning) at which the window's running total reaches $3: when it leaves
# the window, the member falls below the threshold.
_KEEPING = {
    "SPEND": "SELECT paid_at AS at FROM (SELECT paid_at, sum(amount - refunded_amount) "
    "OVER (ORDER BY paid_at DESC, id) AS total FROM orders "
    "WHERE member_id = $1 AND paid_at >= $2) o WHERE total >= $3 ORDER BY paid_at DESC LIMIT 1",
    "ORDER_COUNT": "SELECT paid_at AS at FROM orders WHERE member_id = $1 AND paid_at >= $2 "
    "AND status <> 'REFUNDED' ORDER BY paid_at DESC, id OFFSET $3 - 1 LIMIT 1",
    "POINTS_EARNED": "SELECT created_at AS at FROM (SELECT created_at, sum(points) "
    "OVER (ORDER BY created_at DESC, id) AS total FROM points_entries "
    "WHERE member_id = $1 AND created_at >= $2 AND kind = 'EARN') e "
    "WHERE total >= $3 ORDER BY created_at DESC LIMIT 1",
}


async def tier_progress(ctx: RequestContext, member_id: uuid.UUID) -> TierProgress | None:
    """The member's progress; None when it is not a member of this tenant."""
    settings = await load_settings(ctx)
    async with tenant_tx(ctx) as conn:
        member = await Member.get_or_none(id=member_id)
        if member is None:
            return None
        tiers = list(await Tier.all().order_by("rank"))
        current = next((t for t in tiers if t.id == member.tier_id), None)
        rank = current.rank if current is not None else -1
        next_tier = next((t for t in tiers if t.rank > rank), None)
        next_value = await metric_value(ctx, conn, member.id, next_tier) if next_tier else 0
        keep_value = None
        review_at = None
        if current is not None and any(t.rank < current.rank for t in tiers):
            keep_value = await metric_value(ctx, conn, member.id, current, keeping=True)
            review_at = await _review_at(ctx, conn, member, current, keep_value)
            if member.tier_below_since is not None:
                review_at = member.tier_below_since + timedelta(days=settings.tier_grace_days)
    return TierProgress(
        tier=current,
        next_tier=next_tier,
        next_value=next_value,
        keep_value=keep_value,
        below_since=member.tier_below_since,
        review_at=review_at,
    )


async def _review_at(
    ctx: RequestContext, conn: BaseDBAsyncClient, member: Member, tier: Tier, keep_value: int
) -> datetime | None:
    now = ctx.clock.now()
    if keep_value < tier.threshold:
        return now  # the next daily check starts the grace period
    zone = ZoneInfo(ctx.tenant.timezone)
    if tier.calendar_year:
        this_year = now.astimezone(zone).year
        qualified_this_year = (
            await metric_value(ctx, conn, member.id, tier, keeping=False) >= tier.threshold
        )
        return datetime(this_year + (2 if qualified_this_year else 1), 1, 1, tzinfo=zone)
    if not tier.window_days:
        return None
    since = now - timedelta(days=tier.window_days)
    _, rows = await conn.execute_query(
        _KEEPING[tier.metric], [member.id, since, max(1, tier.threshold)]
    )
    if not rows:
        return now
    at: datetime = rows[0]["at"]
    return at + timedelta(days=tier.window_days)
