"""Tier upgrades: a member moves up as soon as an event lets it qualify for a higher tier.

Each tier measures its own metric over its own window: SPEND (order amounts net of refunds),
ORDER_COUNT (orders not fully refunded) or POINTS_EARNED (EARN entries), over the last
``window_days`` days or the member's lifetime. A member qualifies for a tier when the metric
reaches the tier's threshold; it is moved to the highest tier it qualifies for above its own.
Every move is kept in the member's tier history and emitted as ``tier.changed``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.errors import DomainError, ErrorCode
from membership.members.models import Member
from membership.outbox import emit
from membership.tiering.models import TierChange
from membership.tiers.models import Tier
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["metric_value", "tier_history", "upgrade_if_qualified"]

_METRICS = {
    "SPEND": "SELECT coalesce(sum(amount - refunded_amount), 0) AS value FROM orders "
    "WHERE member_id = $1 AND paid_at >= $2",
    "ORDER_COUNT": "SELECT count(*) AS value FROM orders "
    "WHERE member_id = $1 AND paid_at >= $2 AND status <> 'REFUNDED'",
    "POINTS_EARNED": "SELECT coalesce(sum(points), 0) AS value FROM points_entries "
    "WHERE member_id = $1 AND created_at >= $2 AND kind = 'EARN'",
}
_LIFETIME = datetime(1970, 1, 1, tzinfo=UTC)


async def metric_value(
    conn: BaseDBAsyncClient, member_id: uuid.UUID, tier: Tier, now: datetime
) -> int:
    since = now - timedelta(days=tier.window_days) if tier.window_days else _LIFETIME
    _, rows = await conn.execute_query(_METRICS[tier.metric], [member_id, since])
    return int(rows[0]["value"])


async def upgrade_if_qualified(
    ctx: RequestContext, conn: BaseDBAsyncClient, member: Member, reason: str
) -> TierChange | None:
    """Move a locked member up to the highest tier it now qualifies for, if above its own."""
    tiers = list(await Tier.all().order_by("-rank"))
    current = next((t for t in tiers if t.id == member.tier_id), None)
    now = ctx.clock.now()
    for tier in tiers:
        if current is not None and tier.rank <= current.rank:
            return None
        value = await metric_value(conn, member.id, tier, now)
        if value < tier.threshold:
            continue
        change = await TierChange.create(
            id=uuid.uuid4(),
            tenant_id=ctx.tenant.id,
            member_id=member.id,
            from_tier_id=current.id if current else None,
            to_tier_id=tier.id,
            reason=reason,
            metric_value=value,
            created_at=now,
        )
        member.tier_id = tier.id
        member.updated_at = now
        await member.save(update_fields=["tier_id", "updated_at"])
        await emit(
            ctx,
            "tier.changed",
            {
                "memberId": str(member.id),
                "fromTierId": str(current.id) if current else None,
                "toTierId": str(tier.id),
                "reason": reason,
            },
        )
        return change
    return None


async def tier_history(ctx: RequestContext, member_id: uuid.UUID) -> list[TierChange]:
    """The member's tier changes, newest first."""
    if not (ctx.has(Permission.MEMBERS_READ) or ctx.member_id == member_id):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    async with tenant_tx(ctx):
        return list(await TierChange.filter(member_id=member_id).order_by("-created_at"))
