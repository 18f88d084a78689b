"""Postings: one entry each, opening a lot (a grant) or consuming lots (a deduction)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import emit
from membership.points.events import points_changed
from membership.points.models import PointsEntry, PointsLot
from membership.programme.expiry import ExpiryPolicy, expires_at, get_policy
from tenants.context import RequestContext

__all__ = ["KINDS", "MAX_POINTS", "Kind", "Posting", "check_grant", "post", "repay_debt"]

Kind = Literal["EARN", "SPEND", "EXPIRE", "REVERSE", "ADJUST"]
KINDS: tuple[Kind, ...] = ("EARN", "SPEND", "EXPIRE", "REVERSE", "ADJUST")
MAX_POINTS = 2**53 - 1  # the contract's Long is safe to 2^53 in JSON clients

# The member's cached totals: the ledger's to change, saved with whatever else the caller changed.
LEDGER_FIELDS = ("points_balance", "pending_points", "points_debt", "updated_at")


@dataclass(frozen=True)
class Posting:
    """What happens to a member's points, as the caller means it; the writer picks the rows.

    ``points`` > 0 grants them in a new lot: expiring under ``expiry`` (the tenant's policy when
    None) and, with ``available_at``, held back as pending points until then (the lot has no
    entry until it matures). ``points`` < 0 takes them from the member's open lots, earliest
    expiry first. ``source`` (what made the change, e.g. ``journey:<id>``) is recorded as the
    entry's actor id in place of the caller's.
    """

    kind: Kind
    points: int
    reason: str
    order_id: uuid.UUID | None = None
    corrects_id: uuid.UUID | None = None
    expiry: ExpiryPolicy | None = None
    available_at: datetime | None = None
    source: str | None = None


async def post(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    posting: Posting,
    *,
    save_member: bool = True,
) -> PointsEntry:
    """Write one available posting for a member whose row the caller has locked.

    A grant opens a lot; a deduction consumes open lots earliest expiry first, or fails with
    INSUFFICIENT_POINTS before writing anything. With ``save_member`` False the caller saves the
    member (``LEDGER_FIELDS`` at least) later in the same transaction.
    """
    if posting.available_at is not None:
        raise ValueError("pending points are written with their order (write_order)")
    now = ctx.clock.now()
    delta = posting.points
    if delta < 0 and member.points_balance < -delta:
        raise DomainError(
            ErrorCode.INSUFFICIENT_POINTS,
            "Only {balance} points are available.",
            ["input", "points"],
            balance=member.points_balance,
        )
    expiry = None
    if delta > 0:
        expiry = expires_at(posting.expiry or await get_policy(ctx), now, ctx.tenant.timezone)
    member.points_balance += delta
    member.updated_at = now
    if save_member:
        await member.save(update_fields=["points_balance", "updated_at"])
    entry = await PointsEntry.create(
        id=new_id(),
        tenant_id=ctx.tenant.id,
        member_id=member.id,
        kind=posting.kind,
        points=delta,
        balance_after=member.points_balance,
        reason=posting.reason,
        available_at=now if delta > 0 else None,
        expires_at=expiry,
        order_id=posting.order_id,
        corrects_id=posting.corrects_id,
        actor_type=ctx.actor.kind,
        actor_id=actor_id(ctx, posting),
        created_at=now,
    )
    if delta > 0:
        await PointsLot.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            member_id=member.id,
            entry_id=entry.id,
            order_id=posting.order_id,
            amount=delta,
            remaining=delta,
            available_at=now,
            expires_at=expiry,
            created_at=now,
        )
    else:
        await _consume(ctx, conn, member.id, entry.id, -delta, now)
    await emit(ctx, points_changed(entry))
    return entry


def actor_id(ctx: RequestContext, posting: Posting) -> str | None:
    """Who the entry says made it: the posting's source, else the caller."""
    if posting.source is not None:
        return posting.source
    return str(ctx.actor.id) if ctx.actor.id else None


async def _consume(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member_id: uuid.UUID,
    entry_id: uuid.UUID,
    points: int,
    now: datetime,
) -> None:
    """Take ``points`` from the member's open lots, earliest expiry first, and record from which."""
    lots = await (
        PointsLot.filter(member_id=member_id, remaining__gt=0, pending=False)
        .filter(Q(expires_at=None) | Q(expires_at__gt=now))
        .order_by("expires_at", "created_at", "id")
        .select_for_update()
    )
    allocations: list[list[object]] = []
    left = points
    for lot in lots:
        if left == 0:
            break
        take = min(lot.remaining, left)
        lot.remaining -= take
        left -= take
        await lot.save(update_fields=["remaining"])
        allocations.append([ctx.tenant.id, entry_id, lot.id, take])
    if left:
        # The cached balance said yes but the lots say no: the ledger is inconsistent. Refuse.
        raise RuntimeError(f"points ledger of member {member_id} is short by {left}")
    await conn.execute_many(
        "INSERT INTO points_allocations (tenant_id, entry_id, lot_id, points) "
        "VALUES ($1, $2, $3, $4)",
        allocations,
    )


async def repay_debt(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    earn: PointsEntry,
    *,
    save_member: bool = True,
) -> None:
    """Points a refund could not claw back are repaid first from the next earnings."""
    repay = min(member.points_debt, earn.points)
    if repay <= 0:
        return
    await post(
        ctx,
        conn,
        member,
        Posting(
            "REVERSE",
            -repay,
            "repays points debt",
            order_id=earn.order_id,
            corrects_id=earn.id,
        ),
        save_member=save_member,
    )
    member.points_debt -= repay


def check_grant(points: int, reason: str, source: str) -> None:
    """Refuse a grant of zero or too many points, or without a reason or source."""
    errors: list[DomainError] = []
    if points == 0:
        errors.append(DomainError(ErrorCode.INVALID, "Points must not be zero.", ["points"]))
    elif abs(points) > MAX_POINTS:
        errors.append(
            DomainError(
                ErrorCode.INVALID, "Points must be at most {max}.", ["points"], max=MAX_POINTS
            )
        )
    if not reason.strip() or len(reason) > 200:
        errors.append(
            DomainError(ErrorCode.INVALID, "Give a reason of 1 to 200 characters.", ["reason"])
        )
    if not source.strip() or len(source) > 200:
        errors.append(
            DomainError(ErrorCode.INVALID, "Give a source of 1 to 200 characters.", ["source"])
        )
    if errors:
        raise DomainErrors(errors)
