"""Segments: saved CEL filters over members, kept up to date, usable as triggers and as tags.

A segment's members are kept in ``segment_members``. A member is evaluated again when an event
that can change what a segment reads happens to them (``REEVALUATED_ON``), in the event's
handling transaction, and every segment is evaluated in full once a day (facts such as
``daysSinceLastOrder`` change with time alone) and when it is saved. Entering writes
``segment.entered`` and leaving ``segment.exited``: a journey whose trigger is
``segmentEntered`` starts on the first, through the same event path as any other trigger. A
segment marked as a tag gives its members the segment's name as a tag while they are in it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.analytics.scores import journey_facts
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from membership.journeys.cel import CelError, Condition, Vocabulary, compile_condition
from membership.journeys.events import SegmentEntered, SegmentExited
from membership.journeys.facts import activation, vocabulary_of
from membership.journeys.models import Segment
from membership.members.events import MemberUpdated
from membership.members.models import Member
from membership.outbox import emit
from membership.tiers.models import Tier
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "MAX_SEGMENTS",
    "REEVALUATED_ON",
    "SegmentChanges",
    "count_matching",
    "delete_segment",
    "evaluate_due_segments",
    "evaluate_member",
    "evaluate_segment",
    "get_segment",
    "list_segments",
    "next_segment_evaluation",
    "save_segment",
    "segment_members",
]

MAX_SEGMENTS = 100
BATCH = 1000
# Events after which a member's segments are evaluated again.
REEVALUATED_ON = frozenset(
    {
        "member.created",
        "member.updated",
        "member.merged",
        "order.recorded",
        "order.refunded",
        "points.changed",
        "tier.changed",
    }
)


@dataclass(frozen=True)
class SegmentChanges:
    name: str
    condition: str
    description: str | None = None
    tag: bool = False


async def _compiled(ctx: RequestContext, source: str, path: list[str]) -> Condition:
    if "event." in source:
        raise DomainError(
            ErrorCode.INVALID,
            "A segment reads the member only, not an event.",
            path,
        )
    try:
        return compile_condition(source, Vocabulary(await vocabulary_of(ctx.tenant.id)))
    except CelError as exc:
        raise DomainError(
            ErrorCode.INVALID, "The expression does not compile: {reason}", path, reason=str(exc)
        ) from None


async def save_segment(
    ctx: RequestContext, segment_id: uuid.UUID | None, changes: SegmentChanges
) -> Segment:
    """Create or change a segment, then evaluate it over every member."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    errors: list[DomainError] = []
    name = changes.name.strip()
    if not 1 <= len(name) <= 50:
        errors.append(
            DomainError(ErrorCode.INVALID, "Give a name of 1 to 50 characters.", ["input", "name"])
        )
    try:
        await _compiled(ctx, changes.condition, ["input", "condition"])
    except DomainError as exc:
        errors.append(exc)
    if errors:
        raise DomainErrors(errors)
    now = ctx.clock.now()
    async with tenant_tx(ctx):
        clash = await Segment.filter(name=name).exclude(id=segment_id).exists()
        if clash:
            raise DomainError(
                ErrorCode.DUPLICATE, "A segment named {name} exists.", ["input", "name"], name=name
            )
        if segment_id is None:
            if await Segment.all().count() >= MAX_SEGMENTS:
                raise DomainError(
                    ErrorCode.INVALID,
                    "A tenant has at most {max} segments.",
                    ["input"],
                    max=MAX_SEGMENTS,
                )
            segment = await Segment.create(
                id=new_id(),
                tenant_id=ctx.tenant.id,
                name=name,
                description=changes.description,
                condition=changes.condition,
                tag=changes.tag,
                created_at=now,
                updated_at=now,
            )
        else:
            found = await Segment.filter(id=segment_id).select_for_update().first()
            if found is None:
                raise DomainError(ErrorCode.NOT_FOUND, "No such segment.", ["input", "id"])
            segment = found
            if segment.tag and (not changes.tag or segment.name != name):
                await _untag_all(ctx, segment)
            segment.name, segment.description = name, changes.description
            segment.condition, segment.tag, segment.updated_at = changes.condition, changes.tag, now
            await segment.save()
        await audit.record(
            ctx,
            "segment.save",
            "segment",
            segment.id,
            after={"name": name, "condition": changes.condition, "tag": changes.tag},
        )
    await evaluate_segment(ctx, segment.id)
    async with tenant_tx(ctx):
        return await Segment.get(id=segment.id)


async def delete_segment(ctx: RequestContext, segment_id: uuid.UUID) -> None:
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx) as conn:
        segment = await Segment.filter(id=segment_id).select_for_update().first()
        if segment is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such segment.", ["id"])
        _, used = await conn.execute_query(
            "SELECT name FROM journeys WHERE status IN ('ACTIVE', 'PAUSED') "
            "AND trigger_type = 'segmentEntered' AND id IN (SELECT journey_id FROM "
            "journey_versions WHERE definition->'trigger'->>'segment' = $1)",
            [segment.name],
        )
        if used:
            raise DomainError(
                ErrorCode.INVALID,
                "Journey {journey} starts on this segment; pause or change it first.",
                ["id"],
                journey=used[0]["name"],
            )
        if segment.tag:
            await _untag_all(ctx, segment)
        await segment.delete()
        await audit.record(
            ctx, "segment.delete", "segment", segment_id, before={"name": segment.name}
        )


@dataclass(frozen=True)
class SegmentMemberPage:
    members: list[Member]
    total: int
    has_next: bool


async def segment_members(
    ctx: RequestContext, segment_id: uuid.UUID, *, first: int, after: str | None
) -> SegmentMemberPage:
    """The segment's members in id order, keyset-paginated (the cursor is a member id)."""
    ctx.require(Permission.MEMBERS_READ)
    if not 0 <= first <= 100:
        raise DomainError(
            ErrorCode.INVALID, "first must be between 0 and {MAX_PAGE}.", ["first"], MAX_PAGE=100
        )
    try:
        last = uuid.UUID(after) if after else uuid.UUID(int=0)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, "Malformed cursor.", ["after"]) from None
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT member_id FROM segment_members WHERE segment_id = $1 AND member_id > $2 "
            "ORDER BY member_id LIMIT $3",
            [segment_id, last, first + 1],
        )
        _, counted = await conn.execute_query(
            "SELECT count(*) AS n FROM segment_members WHERE segment_id = $1", [segment_id]
        )
        ids = [r["member_id"] for r in rows[:first]]
        found = {m.id: m for m in await Member.filter(id__in=ids)}
    return SegmentMemberPage(
        [found[i] for i in ids if i in found], int(counted[0]["n"]), has_next=len(rows) > first
    )


async def get_segment(ctx: RequestContext, segment_id: uuid.UUID) -> Segment | None:
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx):
        return await Segment.get_or_none(id=segment_id)


async def list_segments(ctx: RequestContext) -> list[Segment]:
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx):
        return list(await Segment.all().order_by("name"))


async def count_matching(ctx: RequestContext, condition: str) -> int:
    """How many members a condition names now, without saving anything (the live count)."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    compiled = await _compiled(ctx, condition, ["condition"])
    fields = await vocabulary_of(ctx.tenant.id)
    count = 0
    async for members, tiers, analytics in _all_members(ctx):
        now = ctx.clock.now()
        count += sum(_holds(compiled, m, tiers, fields, now, analytics) for m in members)
    return count


# ---------------------------------------------------------------- the daily evaluation

EVALUATION_HOUR = 8  # local: before the daily triggers' sweep, so they see fresh segments


def _next_evaluation(ctx: RequestContext, after: datetime) -> datetime:
    zone = ZoneInfo(ctx.tenant.timezone)
    local = after.astimezone(zone)
    today = datetime.combine(local.date(), time(EVALUATION_HOUR), zone)
    return today if today > local else today + timedelta(days=1)


async def next_segment_evaluation(ctx: RequestContext) -> datetime | None:
    """When the tenant's next daily evaluation of a segment is due (None: no segments)."""
    async with tenant_tx(ctx):
        segments = list(await Segment.all())
    due = [_next_evaluation(ctx, s.evaluated_at or s.created_at) for s in segments]
    return min(due) if due else None


async def evaluate_due_segments(ctx: RequestContext) -> int:
    """Evaluate every segment whose daily evaluation is due; returns how many were."""
    async with tenant_tx(ctx):
        segments = list(await Segment.all())
    now = ctx.clock.now()
    done = 0
    for segment in segments:
        if _next_evaluation(ctx, segment.evaluated_at or segment.created_at) <= now:
            await evaluate_segment(ctx, segment.id)
            done += 1
    return done


# ---------------------------------------------------------------- evaluation


def _holds(
    condition: Condition,
    member: Member,
    tiers: dict[uuid.UUID, Tier],
    fields: tuple[str, ...],
    now: datetime,
    analytics: dict[uuid.UUID, tuple[str, float]],
) -> bool:
    tier = tiers.get(member.tier_id) if member.tier_id else None
    facts = activation(member, tier, fields, now, None, analytics.get(member.id, ("", 0.0)))
    try:
        return condition.evaluate(facts)
    except CelError:
        return False


async def _all_members(ctx: RequestContext) -> Any:
    after = uuid.UUID(int=0)
    while True:
        async with tenant_tx(ctx):
            tiers = {t.id: t for t in await Tier.all()}
            members = list(
                await Member.filter(merged_into_id=None, id__gt=after).order_by("id").limit(BATCH)
            )
        if not members:
            return
        yield members, tiers, await journey_facts(ctx, [m.id for m in members])
        after = members[-1].id
        if len(members) < BATCH:
            return


async def evaluate_segment(ctx: RequestContext, segment_id: uuid.UUID) -> int:
    """Evaluate one segment over every member; returns its member count."""
    fields = await vocabulary_of(ctx.tenant.id)
    async with tenant_tx(ctx):
        segment = await Segment.get(id=segment_id)
    condition = await _compiled(ctx, segment.condition, ["condition"])
    async for members, tiers, analytics in _all_members(ctx):
        now = ctx.clock.now()
        inside = {m.id for m in members if _holds(condition, m, tiers, fields, now, analytics)}
        async with tenant_tx(ctx) as conn:
            await _apply(ctx, conn, segment, members, inside)
    return await _recount(ctx, segment)


async def evaluate_member(
    ctx: RequestContext, conn: BaseDBAsyncClient, member_id: uuid.UUID
) -> None:
    """Evaluate every segment for one member, in the caller's transaction (an event handler's)."""
    segments = list(await Segment.all())
    if not segments:
        return
    member = await Member.get_or_none(id=member_id, merged_into_id=None)
    if member is None:
        return
    fields = await vocabulary_of(ctx.tenant.id)
    tier = await Tier.get_or_none(id=member.tier_id) if member.tier_id else None
    tiers = {tier.id: tier} if tier else {}
    analytics = await journey_facts(ctx, [member.id])
    now = ctx.clock.now()
    for segment in segments:
        condition = await _compiled(ctx, segment.condition, ["condition"])
        inside = {member.id} if _holds(condition, member, tiers, fields, now, analytics) else set()
        if await _apply(ctx, conn, segment, [member], inside):
            await _recount(ctx, segment)


async def _apply(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    segment: Segment,
    members: list[Member],
    inside: set[uuid.UUID],
) -> bool:
    """Bring ``members``' rows in ``segment_members`` to ``inside``; True if any changed."""
    ids = [m.id for m in members]
    _, rows = await conn.execute_query(
        "SELECT member_id FROM segment_members WHERE segment_id = $1 AND member_id = ANY($2::uuid[])",
        [segment.id, ids],
    )
    before = {r["member_id"] for r in rows}
    entering, leaving = inside - before, before - inside
    now = ctx.clock.now()
    if entering:
        await conn.execute_query(
            "INSERT INTO segment_members (tenant_id, segment_id, member_id, entered_at) "
            "SELECT $1, $2, m, $3 FROM unnest($4::uuid[]) m ON CONFLICT DO NOTHING",
            [ctx.tenant.id, segment.id, now, sorted(entering)],
        )
    if leaving:
        await conn.execute_query(
            "DELETE FROM segment_members WHERE segment_id = $1 AND member_id = ANY($2::uuid[])",
            [segment.id, sorted(leaving)],
        )
    for member_id in sorted(entering):
        await emit(
            ctx, SegmentEntered(member_id=member_id, segment_id=segment.id, segment=segment.name)
        )
    for member_id in sorted(leaving):
        await emit(
            ctx, SegmentExited(member_id=member_id, segment_id=segment.id, segment=segment.name)
        )
    if segment.tag:
        await _retag(ctx, conn, segment.name, entering, add=True)
        await _retag(ctx, conn, segment.name, leaving, add=False)
    return bool(entering or leaving)


async def _retag(
    ctx: RequestContext, conn: BaseDBAsyncClient, tag: str, ids: set[uuid.UUID], *, add: bool
) -> None:
    if not ids:
        return
    if add:
        sql = (
            "UPDATE members SET tags = array_append(tags, $1), updated_at = $3 "
            "WHERE id = ANY($2::uuid[]) AND NOT ($1 = ANY(tags))"
        )
    else:
        sql = (
            "UPDATE members SET tags = array_remove(tags, $1), updated_at = $3 "
            "WHERE id = ANY($2::uuid[]) AND $1 = ANY(tags)"
        )
    await conn.execute_query(sql, [tag, sorted(ids), ctx.clock.now()])
    for member_id in sorted(ids):
        await emit(ctx, MemberUpdated(member_id=member_id, changed=["tags"]))


async def _untag_all(ctx: RequestContext, segment: Segment) -> None:
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT member_id FROM segment_members WHERE segment_id = $1", [segment.id]
        )
        await _retag(ctx, conn, segment.name, {r["member_id"] for r in rows}, add=False)


async def _recount(ctx: RequestContext, segment: Segment) -> int:
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            "UPDATE segments SET member_count = (SELECT count(*) FROM segment_members "
            "WHERE segment_id = $1), evaluated_at = $2 WHERE id = $1",
            [segment.id, ctx.clock.now()],
        )
        _, rows = await conn.execute_query(
            "SELECT member_count FROM segments WHERE id = $1", [segment.id]
        )
    return int(rows[0]["member_count"]) if rows else 0
