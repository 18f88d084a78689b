"""Granting or deducting points from inside another operation's transaction."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.members.models import Member
from membership.points.ledger._posting import Posting, check_grant, post
from membership.points.ledger._settlement import settle
from membership.points.models import PointsEntry
from tenants.context import RequestContext

__all__ = ["grant"]


async def grant(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    points: int,
    reason: str,
    *,
    source: str,
) -> PointsEntry:
    """Grant (``points`` > 0) or deduct (< 0) points in the caller's transaction; the entry.

    For operations with their own transaction (a journey's grantPoints step) on a member row
    they have locked (``Member.filter(id=…).select_for_update()``). Due pending points mature and
    due lots expire first, as before every write. A grant opens a lot expiring under the tenant's
    policy; a deduction consumes open lots earliest expiry first, or raises INSUFFICIENT_POINTS
    before writing its entry. Either is an ``ADJUST`` entry with ``reason`` and with ``source``
    (what made it, e.g. ``journey:<id>``, 1 to 200 characters) as its actor id, and emits
    ``points.changed``. Zero, more than ``MAX_POINTS`` or a blank reason or source raise INVALID.
    Idempotency is the caller's: each call writes a new entry.
    """
    check_grant(points, reason, source)
    await settle(ctx, conn, member, ctx.clock.now())
    return await post(ctx, conn, member, Posting("ADJUST", points, reason.strip(), source=source))
