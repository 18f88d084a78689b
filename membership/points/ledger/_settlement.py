"""Settling a member: pending points whose return window closed mature, due lots expire."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import emit
from membership.points.events import points_changed
from membership.points.ledger._posting import repay_debt
from membership.points.models import PointsEntry, PointsLot
from membership.programme.expiry import expires_at, get_policy
from tenants.context import RequestContext

__all__ = ["expire", "mature", "settle"]


async def settle(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    now: datetime,
    due: tuple[bool, bool] | None = None,
) -> None:
    """Bring a locked member's balance up to date: matured points in, expired points out.

    ``due``: whether anything is due to mature and to expire, if the caller probed already.
    """
    if due is None:
        # One probe for the common case: nothing to mature and nothing expired.
        _, rows = await conn.execute_query(
            "SELECT coalesce(bool_or(pending AND available_at <= $2), false) AS mature, "
            "coalesce(bool_or(expires_at <= $2), false) AS expire FROM points_lots "
            "WHERE member_id = $1 AND remaining > 0 AND (pending OR expires_at IS NOT NULL)",
            [member.id, now],
        )
        due = (bool(rows[0]["mature"]), bool(rows[0]["expire"]))
    to_mature, to_expire = due
    if to_mature:
        await mature(ctx, conn, member, now)
    if to_expire or to_mature:
        await expire(ctx, conn, member, now)


async def mature(
    ctx: RequestContext, conn: BaseDBAsyncClient, member: Member, now: datetime
) -> int:
    """Turn the locked member's pending lots whose return window has closed into EARN entries.

    Each matured lot gets the expiry the tenant's policy gives points earned when it became
    available, and repays any points debt first. Returns the points matured.
    """
    lots = await (
        PointsLot.filter(member_id=member.id, pending=True, remaining__gt=0, available_at__lte=now)
        .order_by("available_at", "id")
        .select_for_update()
    )
    if not lots:
        return 0
    policy = await get_policy(ctx)
    matured = 0
    for lot in lots:
        expiry = expires_at(policy, lot.available_at, ctx.tenant.timezone)
        member.pending_points -= lot.remaining
        member.points_balance += lot.remaining
        entry = await PointsEntry.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            member_id=member.id,
            kind="EARN",
            points=lot.remaining,
            balance_after=member.points_balance,
            reason="points matured after the return window",
            order_id=lot.order_id,
            available_at=lot.available_at,
            expires_at=expiry,
            actor_type=ctx.actor.kind,
            actor_id=None,
            created_at=now,
        )
        await emit(ctx, points_changed(entry))
        lot.pending, lot.entry_id, lot.expires_at = False, entry.id, expiry
        await lot.save(update_fields=["pending", "entry_id", "expires_at"])
        matured += lot.remaining
        # A lot can mature already expired (expiry at the end of the month it was earned, a late
        # job): its points expire next and cannot repay a debt.
        if expiry is None or expiry > now:
            await repay_debt(ctx, conn, member, entry)
    member.updated_at = now
    await member.save(
        update_fields=["points_balance", "pending_points", "points_debt", "updated_at"]
    )
    return matured


async def expire(
    ctx: RequestContext, conn: BaseDBAsyncClient, member: Member, now: datetime
) -> int:
    """Expire the locked member's due lots in one EXPIRE entry; returns the points expired.

    Only lots with points left are touched, so expiring twice expires each point once.
    """
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
