"""Points expiry: when a lot expires under the tenant's policy, and expiring due lots.

Policies, counted in the tenant's time zone:

- ``NEVER``: points do not expire;
- ``DAYS_AFTER_EARNING`` N: N days after the points were earned;
- ``END_OF_MONTH`` N: at the end of the Nth month after the month they were earned (0: this month);
- ``END_OF_YEAR`` N: at the end of the Nth year after the year they were earned (0: this year).

Expiring writes one ``EXPIRE`` entry per member for all of its due lots. It locks the member row
first, exactly as spends do, and only touches lots that still have points left, so running it
twice, or in two workers at once, expires each point once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.errors import DomainError, ErrorCode
from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import emit
from membership.points.events import points_changed
from membership.points.models import PointsEntry, PointsLot, PointsSettings
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "POLICIES",
    "ExpiryPolicy",
    "expire_due",
    "expire_member",
    "expires_at",
    "expiring_points",
    "get_policy",
    "set_policy",
]

POLICIES = ("NEVER", "DAYS_AFTER_EARNING", "END_OF_MONTH", "END_OF_YEAR")
BATCH_MEMBERS = 500


@dataclass(frozen=True)
class ExpiryPolicy:
    policy: str = "NEVER"
    period: int = 0


def expires_at(policy: ExpiryPolicy, earned_at: datetime, timezone: str) -> datetime | None:
    """When points earned at ``earned_at`` expire under ``policy``; None when never."""
    if policy.policy == "NEVER":
        return None
    if policy.policy == "DAYS_AFTER_EARNING":
        return earned_at + timedelta(days=policy.period)
    local = earned_at.astimezone(ZoneInfo(timezone))
    if policy.policy == "END_OF_MONTH":
        months = local.year * 12 + (local.month - 1) + policy.period + 1
        year, month = divmod(months, 12)
        start_of_next = datetime(year, month + 1, 1, tzinfo=ZoneInfo(timezone))
    else:  # END_OF_YEAR
        start_of_next = datetime(local.year + policy.period + 1, 1, 1, tzinfo=ZoneInfo(timezone))
    return start_of_next.astimezone(UTC)


async def get_policy(ctx: RequestContext) -> ExpiryPolicy:
    async with tenant_tx(ctx):
        row = await PointsSettings.get_or_none(tenant_id=ctx.tenant.id)
    return ExpiryPolicy(row.expiry_policy, row.expiry_period) if row else ExpiryPolicy()


async def set_policy(ctx: RequestContext, policy: str, period: int) -> ExpiryPolicy:
    """Applies to points earned from now on; lots already earned keep their expiry."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    if policy not in POLICIES:
        raise DomainError(ErrorCode.INVALID, "Unknown expiry policy.", ["input", "expiryPolicy"])
    if not 0 <= period <= 36500 or (policy == "DAYS_AFTER_EARNING" and period == 0):
        raise DomainError(
            ErrorCode.INVALID, "The expiry period is out of range.", ["input", "expiryPeriod"]
        )
    async with tenant_tx(ctx):
        before = await PointsSettings.get_or_none(tenant_id=ctx.tenant.id)
        old = {"policy": before.expiry_policy, "period": before.expiry_period} if before else None
        await PointsSettings.update_or_create(
            tenant_id=ctx.tenant.id,
            defaults={
                "expiry_policy": policy,
                "expiry_period": period,
                "updated_at": ctx.clock.now(),
            },
        )
        await audit.record(
            ctx,
            "points.expiry_policy",
            "tenant",
            ctx.tenant.id,
            before=old,
            after={"policy": policy, "period": period},
        )
    return ExpiryPolicy(policy, period)


async def expire_member(
    ctx: RequestContext, conn: BaseDBAsyncClient, member: Member, now: datetime
) -> int:
    """Expire the member's due lots; the member row must be locked by the caller. Returns points."""
    lots = await (
        PointsLot.filter(member_id=member.id, remaining__gt=0, expires_at__lte=now)
        .order_by("expires_at", "created_at", "id")
        .select_for_update()
    )
    total = sum(lot.remaining for lot in lots)
    if total == 0:
        return 0
    member.points_balance -= total
    member.updated_at = now
    await member.save(update_fields=["points_balance", "updated_at"])
    entry = await PointsEntry.create(
        id=new_id(),
        tenant_id=ctx.tenant.id,
        member_id=member.id,
        kind="EXPIRE",
        points=-total,
        balance_after=member.points_balance,
        reason="points expired",
        actor_type=ctx.actor.kind,
        actor_id=None,
        created_at=now,
    )
    await emit(ctx, points_changed(entry))
    await conn.execute_many(
        "INSERT INTO points_allocations (tenant_id, entry_id, lot_id, points) "
        "VALUES ($1, $2, $3, $4)",
        [[ctx.tenant.id, entry.id, lot.id, lot.remaining] for lot in lots],
    )
    await PointsLot.filter(id__in=[lot.id for lot in lots]).update(remaining=0)
    return int(total)


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
                    expired += await expire_member(ctx, conn, member, now)
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
