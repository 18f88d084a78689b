"""Expiring points: the job that expires every due lot, and what is about to expire.

When a lot expires is the programme's policy (``membership.programme.expiry``). Expiring writes
one ``EXPIRE`` entry per member for all of its due lots (``ledger.expire``). It locks the member
row first, exactly as spends do, and only touches lots that still have points left, so running it
twice, or in two workers at once, expires each point once.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from membership.errors import DomainError, ErrorCode
from membership.members.models import Member
from membership.points import ledger
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["expire_due", "expiring_points"]

BATCH_MEMBERS = 500


async def expire_due(ctx: RequestContext) -> int:
    """Expire every due lot of the context's tenant; returns how many points expired."""
    now = ctx.clock.now()
    expired = 0
    while True:
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(
                "SELECT DISTINCT member_id FROM points_lots "
                "WHERE remaining > 0 AND expires_at <= $1 LIMIT $2",
                [now, BATCH_MEMBERS],
            )
            member_ids = [r["member_id"] for r in rows]
            for member_id in member_ids:
                member = await Member.filter(id=member_id).select_for_update().first()
                if member is not None:
                    expired += await ledger.expire(ctx, conn, member, now)
        if len(member_ids) < BATCH_MEMBERS:
            return expired


async def expiring_points(
    ctx: RequestContext, *, days: int, member_id: uuid.UUID | None = None
) -> int:
    """Points that will expire within ``days`` (for one member, or the whole tenant)."""
    if not 1 <= days <= 3660:
        raise DomainError(ErrorCode.INVALID, "days must be between 1 and 3660.", ["days"])
    now = ctx.clock.now()
    async with tenant_tx(ctx) as conn:
        sql = (
            "SELECT coalesce(sum(remaining), 0) AS points FROM points_lots "
            "WHERE remaining > 0 AND expires_at > $1 AND expires_at <= $2"
        )
        values: list[object] = [now, now + timedelta(days=days)]
        if member_id is not None:
            sql += " AND member_id = $3"
            values.append(member_id)
        _, rows = await conn.execute_query(sql, values)
    return int(rows[0]["points"])
