"""A merge's points: the source's open lots, pending points and debt move to the survivor."""

from __future__ import annotations

from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import emit
from membership.points.events import points_changed
from membership.points.models import PointsEntry, PointsLot
from tenants.context import RequestContext

__all__ = ["transfer"]


async def transfer(
    ctx: RequestContext,
    *,
    source: Member,
    target: Member,
    reason: str,
) -> int:
    """Move the source's open lots to the target, with an ADJUST entry on each side.

    Runs in the caller's transaction, with both member rows locked by it; the caller saves them
    afterwards (a merge changes more of them than their points). Returns the available points moved.
    """
    amount = source.points_balance
    now = ctx.clock.now()
    actor_id = str(ctx.actor.id) if ctx.actor.id else None
    # Pending points move too; they have no entries yet, only the cached total follows.
    await PointsLot.filter(member_id=source.id, remaining__gt=0).update(member_id=target.id)
    target.pending_points += source.pending_points
    source.pending_points = 0
    target.points_debt += source.points_debt
    source.points_debt = 0
    if amount == 0:
        return 0
    for member, delta in ((source, -amount), (target, amount)):
        member.points_balance += delta
        entry = await PointsEntry.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            member_id=member.id,
            kind="ADJUST",
            points=delta,
            balance_after=member.points_balance,
            reason=reason,
            actor_type=ctx.actor.kind,
            actor_id=actor_id,
            created_at=now,
        )
        await emit(ctx, points_changed(entry))
    return int(amount)
