"""Reading messages: a member's, and the tenant's log with filters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, ErrorCode
from membership.messaging.models import FakeProviderSend, Message
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "MessageFilter",
    "MessagePage",
    "fake_sends",
    "first_pages",
    "list_messages",
    "message_cursor",
]

MAX_PAGE = 100


@dataclass(frozen=True)
class MessagePage:
    rows: list[Message]
    has_next: bool
    total: int


@dataclass(frozen=True)
class MessageFilter:
    member_id: uuid.UUID | None = None
    channel: str | None = None
    status: str | None = None
    skip_reason: str | None = None
    template: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def message_cursor(row: Message) -> str:
    return encode_cursor(row.created_at, row.id)


def _require(ctx: RequestContext, member_id: uuid.UUID | None) -> None:
    if ctx.has(Permission.MESSAGES_SEND) or ctx.has(Permission.MEMBERS_READ):
        return
    if member_id is not None and member_id == ctx.member_id:
        return
    raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read messages.")


async def list_messages(
    ctx: RequestContext,
    flt: MessageFilter | None = None,
    *,
    first: int = 50,
    after: str | None = None,
) -> MessagePage:
    """Messages, the latest first, with the filters given."""
    flt = flt or MessageFilter()
    _require(ctx, flt.member_id)
    if flt.member_id is None:
        ctx.require(Permission.MESSAGES_SEND)
    first = max(1, min(first, MAX_PAGE))
    async with tenant_tx(ctx):
        query = Message.all()
        if flt.member_id is not None:
            query = query.filter(member_id=flt.member_id)
        if flt.channel:
            query = query.filter(channel=flt.channel)
        if flt.status:
            query = query.filter(status=flt.status)
        if flt.skip_reason:
            query = query.filter(skip_reason=flt.skip_reason)
        if flt.template:
            query = query.filter(template_name=flt.template)
        if flt.since:
            query = query.filter(created_at__gte=flt.since)
        if flt.until:
            query = query.filter(created_at__lt=flt.until)
        total = await query.count()
        if after:
            at, last = decode_cursor(after)
            query = query.filter(created_at__lte=at).exclude(created_at=at, id__gte=last)
        rows = await query.order_by("-created_at", "-id").limit(first + 1)
    return MessagePage(rows[:first], len(rows) > first, total)


async def first_pages(
    ctx: RequestContext, member_ids: list[uuid.UUID], *, first: int
) -> dict[uuid.UUID, MessagePage]:
    """The first page of messages of many members in two queries (a DataLoader's batch)."""
    for member_id in member_ids:
        _require(ctx, member_id)
    first = max(1, min(first, MAX_PAGE))
    ids = list(set(member_ids))
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT * FROM (SELECT m.*, row_number() OVER (PARTITION BY member_id "
            "ORDER BY created_at DESC, id DESC) AS position FROM messages m "
            "WHERE member_id = ANY($1::uuid[])) ranked WHERE position <= $2 "
            "ORDER BY member_id, position",
            [ids, first + 1],
        )
        _, counts = await conn.execute_query(
            "SELECT member_id, count(*) AS total FROM messages "
            "WHERE member_id = ANY($1::uuid[]) GROUP BY member_id",
            [ids],
        )
    totals = {c["member_id"]: c["total"] for c in counts}
    grouped: dict[uuid.UUID, list[Message]] = {i: [] for i in ids}
    for row in rows:
        values = dict(row)
        values.pop("position")
        grouped[values["member_id"]].append(Message._init_from_db(**values))
    return {
        i: MessagePage(grouped[i][:first], len(grouped[i]) > first, totals.get(i, 0)) for i in ids
    }


async def fake_sends(ctx: RequestContext, message_id: uuid.UUID) -> list[FakeProviderSend]:
    """What the fake provider was asked to send for a message (development and tests)."""
    ctx.require(Permission.MESSAGES_SEND)
    async with tenant_tx(ctx):
        return list(await FakeProviderSend.filter(message_id=message_id).order_by("sent_at"))
