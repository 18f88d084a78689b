"""Tier upgrades: a member moves up as soon as an event lets it qualify for a higher tier.

Each tier measures its own metric over its own window: SPEND (order amounts net of refunds),
ORDER_COUNT (orders not fully refunded) or POINTS_EARNED (EARN entries), over the last
``window_days`` days, the calendar year in the tenant's time zone, or the member's lifetime. A
member qualifies for a tier when the metric reaches the tier's threshold; it is moved to the
highest tier it qualifies for above its own.

A calendar-year tier, once reached, is kept through the following year: the downgrade check
counts the previous calendar year as well as the current one, so nobody drops on 1 January.
Every move is kept in the member's tier history and emitted as ``tier.changed``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.errors import DomainError, ErrorCode
from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import emit
from membership.programme.models import PointsSettings
from membership.programme.settings import load_settings
from membership.tiering.events import TierChanged
from membership.tiering.models import TierChange
from membership.tiers.models import Tier
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "DOWNGRADE_POLICIES",
    "evaluate_downgrade",
    "evaluate_tiers",
    "metric_value",
    "metric_values",
    "order_metric_reads",
    "set_downgrade_policy",
    "tier_history",
    "upgrade_if_qualified",
    "window_start",
]

_METRICS = {
    "SPEND": "SELECT coalesce(sum(amount - refunded_amount), 0) AS value FROM orders "
    "WHERE member_id = $1 AND paid_at >= $2",
    "ORDER_COUNT": "SELECT count(*) AS value FROM orders "
    "WHERE member_id = $1 AND paid_at >= $2 AND status <> 'REFUNDED'",
    "POINTS_EARNED": "SELECT coalesce(sum(points), 0) AS value FROM points_entries "
    "WHERE member_id = $1 AND created_at >= $2 AND kind = 'EARN'",
}
# Last year and this year apart, for calendar-year tiers: $2 starts last year, $3 this year.
_YEARLY = {
    "SPEND": "SELECT coalesce(sum(amount - refunded_amount) FILTER (WHERE paid_at < $3), 0) "
    "AS last_year, coalesce(sum(amount - refunded_amount) FILTER (WHERE paid_at >= $3), 0) "
    "AS this_year FROM orders WHERE member_id = $1 AND paid_at >= $2",
    "ORDER_COUNT": "SELECT count(*) FILTER (WHERE paid_at < $3) AS last_year, "
    "count(*) FILTER (WHERE paid_at >= $3) AS this_year FROM orders "
    "WHERE member_id = $1 AND paid_at >= $2 AND status <> 'REFUNDED'",
    "POINTS_EARNED": "SELECT coalesce(sum(points) FILTER (WHERE created_at < $3), 0) AS last_year, "
    "coalesce(sum(points) FILTER (WHERE created_at >= $3), 0) AS this_year FROM points_entries "
    "WHERE member_id = $1 AND created_at >= $2 AND kind = 'EARN'",
}
_LIFETIME = datetime(1970, 1, 1, tzinfo=UTC)


def window_start(tier: Tier, now: datetime, timezone: str, *, keeping: bool = False) -> datetime:
    """Where the tier's window starts; ``keeping``: for the check whether a member keeps it."""
    if tier.window_days:
        return now - timedelta(days=tier.window_days)
    if tier.calendar_year:
        year = now.astimezone(ZoneInfo(timezone)).year - (1 if keeping else 0)
        return datetime(year, 1, 1, tzinfo=ZoneInfo(timezone))
    return _LIFETIME


async def metric_value(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member_id: uuid.UUID,
    tier: Tier,
    *,
    keeping: bool = False,
) -> int:
    now = ctx.clock.now()
    since = window_start(tier, now, ctx.tenant.timezone, keeping=keeping)
    if tier.calendar_year and keeping:
        # the better of last year and this year, each counted on its own
        this_year = window_start(tier, now, ctx.tenant.timezone)
        _, rows = await conn.execute_query(_YEARLY[tier.metric], [member_id, since, this_year])
        return max(int(rows[0]["last_year"]), int(rows[0]["this_year"]))
    _, rows = await conn.execute_query(_METRICS[tier.metric], [member_id, since])
    return int(rows[0]["value"])


async def metric_values(
    ctx: RequestContext, conn: BaseDBAsyncClient, member_id: uuid.UUID, tiers: list[Tier]
) -> list[int]:
    """Each tier's metric for the member over the tier's own window, in one round trip."""
    if not tiers:
        return []
    now = ctx.clock.now()
    columns = [
        f"({_METRICS[tier.metric].replace('$2', f'${i + 2}')}) AS v{i}"
        for i, tier in enumerate(tiers)
    ]
    starts = [window_start(tier, now, ctx.tenant.timezone) for tier in tiers]
    _, rows = await conn.execute_query("SELECT " + ", ".join(columns), [member_id, *starts])
    return [int(rows[0][f"v{i}"]) for i in range(len(tiers))]


def _above(member: Member, tiers: Sequence[Tier]) -> tuple[Tier | None, list[Tier]]:
    """The member's tier, and the tiers above it (all of them without one)."""
    current = next((t for t in tiers if t.id == member.tier_id), None)
    return current, [t for t in tiers if current is None or t.rank > current.rank]


def order_metric_reads(
    ctx: RequestContext,
    member: Member,
    tiers: Sequence[Tier],
    *,
    amount: int,
    paid_at: datetime,
    points_now: int,
) -> list[tuple[str, list[Any]]]:
    """The metric of each tier above the member's once an order being written counts, as reads
    that ride on the order's own statement (``membership.points.ledger.write_order``).

    Such a read sees the database as it was before the statement, so each adds the order's own
    part: its amount or its count when it was paid inside the tier's window, and the points it
    earns at once (an EARN entry made now, inside every window). Give the values to
    ``upgrade_if_qualified``.
    """
    now = ctx.clock.now()
    reads = []
    for tier in _above(member, tiers)[1]:
        start = window_start(tier, now, ctx.tenant.timezone)
        inside = paid_at >= start
        own = {
            "SPEND": amount if inside else 0,
            "ORDER_COUNT": 1 if inside else 0,
            "POINTS_EARNED": points_now,
        }[tier.metric]
        reads.append((f"({_METRICS[tier.metric]}) + $3::bigint", [member.id, start, own]))
    return reads


async def upgrade_if_qualified(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    reason: str,
    *,
    tiers: Sequence[Tier] | None = None,
    values: Sequence[int] | None = None,
) -> TierChange | None:
    """Move a locked member up to the highest tier it now qualifies for, if above its own.

    ``tiers``: the tenant's tiers by rank, highest first, if the caller read them in this
    transaction already; ``values``: the metrics of the tiers above the member's, if the caller
    read them already (``order_metric_reads``).
    """
    if tiers is None:
        tiers = await Tier.all().order_by("-rank")
    current, higher = _above(member, tiers)
    now = ctx.clock.now()
    if values is None:
        values = await metric_values(ctx, conn, member.id, higher)
    for tier, value in zip(higher, values, strict=True):
        if int(value) < tier.threshold:
            continue
        change = await TierChange.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            member_id=member.id,
            from_tier_id=current.id if current else None,
            to_tier_id=tier.id,
            reason=reason,
            metric_value=int(value),
            created_at=now,
        )
        member.tier_id = tier.id
        member.tier_below_since = None
        member.updated_at = now
        await member.save(update_fields=["tier_id", "tier_below_since", "updated_at"])
        await emit(
            ctx,
            TierChanged(
                member_id=member.id,
                from_tier_id=current.id if current else None,
                to_tier_id=tier.id,
                from_tier=current.name if current else None,
                to_tier=tier.name,
                direction="UP",
                reason=reason,
            ),
        )
        return change
    return None


async def tier_history(ctx: RequestContext, member_id: uuid.UUID) -> list[TierChange]:
    """The member's tier changes, newest first."""
    if not (ctx.has(Permission.MEMBERS_READ) or ctx.member_id == member_id):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    async with tenant_tx(ctx):
        return list(await TierChange.filter(member_id=member_id).order_by("-created_at"))


# ---------------------------------------------------------------- downgrades

DOWNGRADE_POLICIES = ("ONE_TIER", "TO_QUALIFIED")


async def evaluate_downgrade(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    *,
    policy: str,
    grace_days: int,
) -> TierChange | None:
    """Check a locked member against its own tier; downgrade once the grace period has passed.

    The first evaluation that finds the member below its tier's threshold starts the grace period
    (``tier_below_since``); qualifying again ends it. When it runs out, the member drops one tier
    (``ONE_TIER``) or to the highest lower tier it qualifies for (``TO_QUALIFIED``), and the grace
    period starts afresh for the new tier.
    """
    now = ctx.clock.now()
    tiers = list(await Tier.all().order_by("rank"))
    current = next((t for t in tiers if t.id == member.tier_id), None)
    lower = [t for t in tiers if current is not None and t.rank < current.rank]
    if current is None or not lower:
        await _clear_grace(member, now)
        return None
    value = await metric_value(ctx, conn, member.id, current, keeping=True)
    if value >= current.threshold:
        await _clear_grace(member, now)
        return None
    if member.tier_below_since is None:
        member.tier_below_since = now
        await member.save(update_fields=["tier_below_since"])
        return None
    if now - member.tier_below_since < timedelta(days=grace_days):
        return None
    target = lower[-1]
    if policy == "TO_QUALIFIED":
        target = lower[0]
        for tier in reversed(lower):
            if await metric_value(ctx, conn, member.id, tier, keeping=True) >= tier.threshold:
                target = tier
                break
    change = await TierChange.create(
        id=new_id(),
        tenant_id=ctx.tenant.id,
        member_id=member.id,
        from_tier_id=current.id,
        to_tier_id=target.id,
        reason=f"below {current.name} for {grace_days} days",
        metric_value=value,
        created_at=now,
    )
    member.tier_id = target.id
    member.tier_below_since = None
    member.updated_at = now
    await member.save(update_fields=["tier_id", "tier_below_since", "updated_at"])
    await emit(
        ctx,
        TierChanged(
            member_id=member.id,
            from_tier_id=current.id,
            to_tier_id=target.id,
            from_tier=current.name,
            to_tier=target.name,
            direction="DOWN",
            reason=change.reason,
        ),
    )
    return change


async def _clear_grace(member: Member, now: datetime) -> None:
    if member.tier_below_since is not None:
        member.tier_below_since = None
        await member.save(update_fields=["tier_below_since"])


async def evaluate_tiers(ctx: RequestContext, *, batch: int = 200) -> int:
    """Evaluate every member above the entry tier (the daily job); returns how many dropped."""
    settings = await load_settings(ctx)
    dropped = 0
    last = uuid.UUID(int=0)
    while True:
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(
                "SELECT m.id FROM members m JOIN tiers t ON t.id = m.tier_id "
                "WHERE t.rank > 0 AND m.merged_into_id IS NULL AND m.id > $1 "
                "ORDER BY m.id LIMIT $2",
                [last, batch],
            )
            for row in rows:
                member = await Member.filter(id=row["id"]).select_for_update().first()
                if member is None:
                    continue
                change = await evaluate_downgrade(
                    ctx,
                    conn,
                    member,
                    policy=settings.tier_downgrade_policy,
                    grace_days=settings.tier_grace_days,
                )
                dropped += change is not None
        if len(rows) < batch:
            return dropped
        last = rows[-1]["id"]


async def set_downgrade_policy(ctx: RequestContext, *, policy: str, grace_days: int) -> None:
    ctx.require(Permission.PROGRAMME_MANAGE)
    if policy not in DOWNGRADE_POLICIES:
        raise DomainError(
            ErrorCode.INVALID, "Unknown downgrade policy.", ["input", "downgradePolicy"]
        )
    if not 0 <= grace_days <= 3650:
        raise DomainError(
            ErrorCode.INVALID,
            "Must be between {low} and {high}.",
            ["input", "graceDays"],
            low="0",
            high="3650",
        )
    async with tenant_tx(ctx):
        await PointsSettings.update_or_create(
            tenant_id=ctx.tenant.id,
            defaults={
                "tier_downgrade_policy": policy,
                "tier_grace_days": grace_days,
                "updated_at": ctx.clock.now(),
            },
        )
        await audit.record(
            ctx,
            "tiers.downgrade_policy",
            "tenant",
            ctx.tenant.id,
            after={"policy": policy, "graceDays": grace_days},
        )
