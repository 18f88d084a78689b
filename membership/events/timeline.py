"""A member's timeline: every event about the member, domain and behaviour, newest first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from membership.cursors import decode_cursor, encode_cursor
from membership.outbox import OutboxEvent
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["TimelinePage", "first_timeline_pages", "member_timeline", "timeline_cursor"]


@dataclass(frozen=True)
class TimelinePage:
    rows: list[OutboxEvent]
    has_next: bool


def timeline_cursor(row: OutboxEvent) -> str:
    return encode_cursor(row.created_at, row.id)


async def member_timeline(
    ctx: RequestContext,
    member_id: uuid.UUID,
    *,
    first: int = 20,
    after: str | None = None,
    types: list[str] | None = None,
) -> TimelinePage:
    """The member's events from the outbox (index on member and time), keyset-paged."""
    if ctx.member_id != member_id:
        ctx.require(Permission.MEMBERS_READ)
    first = max(1, min(first, 100))
    async with tenant_tx(ctx):
        query = OutboxEvent.filter(member_id=member_id)
        if types:
            query = query.filter(type__in=types)
        if after:
            at, last = decode_cursor(after)
            query = query.filter(created_at__lte=at).exclude(created_at=at, id__gte=last)
        rows = await query.order_by("-created_at", "-id").limit(first + 1)
    return TimelinePage(list(rows[:first]), len(rows) > first)


_FIRST_PAGES = """
SELECT o.* FROM unnest($1::uuid[]) AS m (id)
CROSS JOIN LATERAL (
  SELECT * FROM outbox WHERE member_id = m.id ORDER BY created_at DESC, id DESC LIMIT $2
) o
"""


async def first_timeline_pages(
    ctx: RequestContext, member_ids: list[uuid.UUID], *, first: int
) -> dict[uuid.UUID, TimelinePage]:
    """The first page of many members' timelines in one query (a DataLoader's batch)."""
    for member_id in member_ids:
        if ctx.member_id != member_id:
            ctx.require(Permission.MEMBERS_READ)
    first = max(1, min(first, 100))
    ids = list(set(member_ids))
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(_FIRST_PAGES, [ids, first + 1])
    grouped: dict[uuid.UUID, list[OutboxEvent]] = {i: [] for i in ids}
    for row in rows:
        grouped[row["member_id"]].append(OutboxEvent._init_from_db(**dict(row)))
    return {i: TimelinePage(grouped[i][:first], len(grouped[i]) > first) for i in ids}
