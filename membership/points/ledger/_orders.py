"""An order's points: spent on it, earned by it (at once or after the return window), clawed
back by its refunds."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import DomainEvent, emit
from membership.points.ledger._one_statement import Read, write_order_statement
from membership.points.ledger._posting import LEDGER_FIELDS, Posting, post, repay_debt
from membership.points.models import PointsLot
from tenants.context import RequestContext

__all__ = ["claw_back", "write_order"]


def _one_statement(
    member: Member, postings: Sequence[Posting]
) -> tuple[Posting | None, Posting | None] | None:
    """The spend and the earn, when the postings fit the one-statement form (at most one spend
    the balance covers, then at most one earn, and no debt for the earn to repay); None when
    they do not."""
    if member.points_debt:
        return None
    rest = list(postings)
    spend = rest.pop(0) if rest and rest[0].kind == "SPEND" else None
    earn = rest.pop(0) if rest and rest[0].kind == "EARN" else None
    if rest or (spend is not None and (spend.points >= 0 or spend.corrects_id is not None)):
        return None
    if spend is not None and member.points_balance < -spend.points:
        # refused by ``post`` after the order's row: a replay is told it is one, not refused
        return None
    if earn is not None and (earn.points <= 0 or earn.corrects_id is not None):
        return None
    return spend, earn


async def write_order(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    order: Model,
    postings: Sequence[Posting],
    *,
    events: Sequence[DomainEvent] = (),
    member_fields: Sequence[str] = (),
    reads: Sequence[Read] = (),
) -> list[Any] | None:
    """Write a new ``order`` (a row not saved yet) with what it does to the locked member's points.

    ``postings``: its spend (negative) and its earn (positive; pending with ``available_at``).
    An earn repays any points debt first. ``events`` (the order's own) are written after the
    points' ones, and ``member_fields`` (totals the caller changed on ``member``) are saved with
    the points. An order that spends and earns at most once each, from a member without debt,
    is written in one statement. Raises IntegrityError if the order's unique key exists (recorded already).

    ``reads`` (scalar SQL with its own parameters) ride on that one statement, which returns
    their values, as the database was before the order; None when the order took more than one
    statement (the caller reads them itself).
    """
    fits = _one_statement(member, postings)
    if fits is not None:
        return await write_order_statement(
            ctx, conn, member, order, *fits, events, member_fields, reads
        )
    await order.save()
    for posting in postings:
        if posting.available_at is not None:
            await _hold(ctx, member, posting)
            continue
        entry = await post(ctx, conn, member, posting, save_member=False)
        if entry.kind == "EARN":
            await repay_debt(ctx, conn, member, entry, save_member=False)
    member.updated_at = ctx.clock.now()
    await member.save(update_fields=list(dict.fromkeys([*LEDGER_FIELDS, *member_fields])))
    for event in events:
        await emit(ctx, event)
    return None


async def _hold(ctx: RequestContext, member: Member, posting: Posting) -> PointsLot:
    """Points earned inside the return window: a pending lot, no entry until it matures."""
    member.pending_points += posting.points
    return await PointsLot.create(
        id=new_id(),
        tenant_id=ctx.tenant.id,
        member_id=member.id,
        entry_id=None,
        order_id=posting.order_id,
        pending=True,
        amount=posting.points,
        remaining=posting.points,
        available_at=posting.available_at,
        created_at=ctx.clock.now(),
    )


async def claw_back(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    posting: Posting,
    *,
    save_member: bool = True,
) -> None:
    """Take back ``-posting.points`` earned by ``posting.order_id`` (a refund) from the locked member.

    The order's pending points go first, leaving the available balance alone; then the balance,
    in one entry of ``posting``'s kind and reason; what the balance cannot cover becomes points
    debt, repaid first from later earnings, so nobody cashes the same points twice. With
    ``save_member`` False the caller saves the member later in the same transaction.
    """
    if posting.points >= 0 or posting.order_id is None:
        raise ValueError("a claw-back takes points (negative) back from an order")
    wanted = -posting.points
    pending = await _release_pending(member, posting.order_id, wanted)
    take = min(wanted - pending, member.points_balance)
    if take:
        await post(ctx, conn, member, replace(posting, points=-take), save_member=False)
    member.points_debt += wanted - pending - take
    member.updated_at = ctx.clock.now()
    if save_member:
        await member.save(update_fields=list(LEDGER_FIELDS))


async def _release_pending(member: Member, order_id: uuid.UUID, points: int) -> int:
    """Take up to ``points`` back from an order's pending lots; returns how many were taken."""
    lots = await PointsLot.filter(
        order_id=order_id, pending=True, remaining__gt=0
    ).select_for_update()
    taken = 0
    for lot in lots:
        take = min(lot.remaining, points - taken)
        if take <= 0:
            break
        taken += take
        # Pending points were never in the ledger: the lot shrinks (or goes) instead of being
        # consumed, so no allocation is needed to explain the difference.
        if take == lot.amount:
            await lot.delete()
        else:
            lot.amount -= take
            lot.remaining -= take
            await lot.save(update_fields=["amount", "remaining"])
    member.pending_points -= taken
    return taken
