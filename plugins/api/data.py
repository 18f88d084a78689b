"""The tenant's data as a plugin reaches it: its transaction, members, points, events and jobs.

Every function takes the request context first (``info.context.auth`` in a resolver; the
context the platform passes to a job, cron, handler or step) and acts in that context's tenant,
with its permissions. Writes join the caller's open transaction when there is one, so a plugin's
own rows and the points it grants commit or roll back together.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from tortoise.backends.base.client import BaseDBAsyncClient

from membership.activation import jobs as plugin_jobs
from membership.activation import service as activation
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.members import identities
from membership.members import service as members
from membership.members.models import Member
from membership.orders import service as orders_service
from membership.outbox import DomainEvent, emit, event_type
from membership.points import by_store
from membership.points import service as points_service
from membership.programme.settings import load_settings
from membership.tiers.models import Tier
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

Connection = BaseDBAsyncClient
"""The tenant's transaction as a plugin's job, handler or step receives it."""

# ``DomainErrors([DomainError…])`` reports several problems at once (every bad field of an input),
# each as its own ``UserError`` with its path.

__all__ = [
    "Connection",
    "DomainError",
    "DomainErrors",
    "DomainEvent",
    "ErrorCode",
    "MemberFacts",
    "OrderRecorded",
    "Permission",
    "PointsWritten",
    "RefundRecorded",
    "RequestContext",
    "StorePoints",
    "emit_event",
    "enqueue_job",
    "event_type",
    "fetch",
    "find_member",
    "find_member_by_identity",
    "grant_points",
    "plugin_config",
    "point_value_fen",
    "points_by_store",
    "record_order",
    "refund_order",
    "require_enabled",
    "spend_points",
    "tenant_transaction",
    "tier_name",
]


@asynccontextmanager
async def tenant_transaction(ctx: RequestContext) -> AsyncIterator[BaseDBAsyncClient]:
    """The tenant's transaction (joined when one is open): row-level security shows the plugin
    only the tenant's rows of its tables and of the platform's."""
    async with tenant_tx(ctx) as conn:
        yield conn


async def fetch(conn: BaseDBAsyncClient, sql: str, *params: Any) -> list[dict[str, Any]]:
    """Run one statement (``$1``, ``$2``… placeholders) and return its rows as dicts; an
    ``INSERT … RETURNING`` returns its rows too."""
    return await conn.execute_query_dict(sql, list(params))


async def plugin_config(ctx: RequestContext, plugin: str) -> BaseModel:
    """The tenant's configuration of the plugin, as the plugin's config model."""
    return await activation.plugin_config(ctx, plugin)


async def require_enabled(ctx: RequestContext, plugin: str) -> None:
    """PERMISSION_DENIED, naming the plugin, unless the tenant enabled it (the platform does
    this before a plugin's GraphQL fields, jobs, crons, handlers and steps run)."""
    await activation.require_enabled(ctx, plugin)


@dataclass(frozen=True)
class MemberFacts:
    """What a plugin may read of a member (the phone is masked as the caller would see it)."""

    id: uuid.UUID
    name: str | None
    phone: str
    birthday: date | None
    tier_id: uuid.UUID | None
    points_balance: int
    total_spent: int
    order_count: int
    last_order_at: datetime | None
    tags: tuple[str, ...]


async def find_member(
    ctx: RequestContext, *, id: uuid.UUID | None = None, phone: str | None = None
) -> MemberFacts | None:
    """One live member of the tenant by id or phone, or None; needs members:read."""
    member = await members.get_member(ctx, id=id, phone=phone)
    return None if member is None else _facts(ctx, member)


async def find_member_by_identity(
    ctx: RequestContext, provider: str, app_id: str | None, subject: str
) -> MemberFacts | None:
    """The live member holding an identity elsewhere (``WECHAT_OPENID`` with the app's appId,
    ``WECHAT_UNIONID``, ``ALIPAY_USER``…), or None, as ``memberByIdentity`` finds it; a
    malformed identity finds nobody. Needs members:read."""
    key = identities.IdentityKey(provider=provider, app_id=app_id, subject=subject)
    member = await identities.member_by_identity(ctx, key)
    return None if member is None else _facts(ctx, member)


def _facts(ctx: RequestContext, member: Member) -> MemberFacts:
    return MemberFacts(
        id=member.id,
        name=member.name,
        phone=members.masked_phone(ctx, member),
        birthday=member.birthday,
        tier_id=member.tier_id,
        points_balance=member.points_balance,
        total_spent=member.total_spent,
        order_count=member.order_count,
        last_order_at=member.last_order_at,
        tags=tuple(member.tags or ()),
    )


@dataclass(frozen=True)
class PointsWritten:
    entry_id: uuid.UUID
    points: int  # as written: negative for a deduction
    balance: int  # the member's balance after it
    replayed: bool  # the key was used before: nothing new was written


async def grant_points(
    ctx: RequestContext, member_id: uuid.UUID, points: int, reason: str, *, idempotency_key: str
) -> PointsWritten:
    """Grant (> 0) or deduct (< 0) points through the ledger, once per key; needs points:write.

    The key is the tenant's, shared with every other writer: prefix it with the plugin's name."""
    result = await points_service.adjust(
        ctx, member_id=member_id, points=points, reason=reason, idempotency_key=idempotency_key
    )
    return PointsWritten(
        result.entry.id, result.entry.points, result.member.points_balance, result.replayed
    )


async def spend_points(
    ctx: RequestContext, member_id: uuid.UUID, points: int, reason: str, *, idempotency_key: str
) -> PointsWritten:
    """Spend points (INSUFFICIENT_POINTS changes nothing), once per key; needs points:write."""
    result = await points_service.spend(
        ctx, member_id=member_id, points=points, reason=reason, idempotency_key=idempotency_key
    )
    return PointsWritten(
        result.entry.id, result.entry.points, result.member.points_balance, result.replayed
    )


@dataclass(frozen=True)
class OrderRecorded:
    order_id: uuid.UUID
    points_earned: int
    replayed: bool  # the order number was recorded before: nothing new was written


async def record_order(
    ctx: RequestContext,
    *,
    member_id: uuid.UUID,
    external_id: str,
    amount: int,
    store_code: str | None = None,
    paid_at: datetime | None = None,
) -> OrderRecorded:
    """Record a sale (a card sold at a gym's desk, a receipt approved at a mall) as an order of
    the member, exactly as ``recordOrder`` does: the tenant's earning rules, tiers, events and
    idempotency by ``external_id`` (prefix it with the plugin's name). Needs orders:write."""
    result = await orders_service.record_order(
        ctx,
        orders_service.OrderRequest(
            external_id=external_id,
            member_id=member_id,
            amount=amount,
            store_code=store_code,
            paid_at=paid_at,
        ),
    )
    return OrderRecorded(result.order.id, result.order.points_earned, result.replayed)


@dataclass(frozen=True)
class RefundRecorded:
    order_id: uuid.UUID
    refunded_amount: int  # the order's refunds so far, this one included (fen)
    points_reversed: int  # the order's earned points taken back so far, this one included
    replayed: bool  # the key was used before: nothing new was written


async def refund_order(
    ctx: RequestContext, external_id: str, amount: int | None, idempotency_key: str
) -> RefundRecorded:
    """Refund all (``amount`` None) or part (fen) of an order, exactly as ``refundOrder`` does:
    the points it earned are taken back in proportion to what is refunded so far, points paid
    with it are given back, once per key (prefix it with the plugin's name). NOT_FOUND for an
    unknown order, INVALID for more than is left to refund. Needs orders:write."""
    result = await orders_service.refund_order(
        ctx, external_id=external_id, amount=amount, idempotency_key=idempotency_key
    )
    order = result.order
    return RefundRecorded(order.id, order.refunded_amount, order.points_reversed, result.replayed)


async def emit_event(ctx: RequestContext, event: DomainEvent) -> uuid.UUID:
    """Write one of the plugin's events (a frozen dataclass registered with
    ``@event_type("<prefix>.<name>")``) in the caller's transaction. It reaches webhooks, the
    plugin's and other handlers, and journeys once the transaction commits."""
    if not event.event_type.startswith(_prefixes()):
        raise DomainError(
            ErrorCode.INVALID,
            "A plugin's event type starts with the plugin's name: {type}.",
            type=event.event_type,
        )
    return await emit(ctx, event)


def _prefixes() -> tuple[str, ...]:
    from plugins.manager import loaded_plugins

    return tuple(f"{m.prefix}." for m in loaded_plugins().manifests.values())


async def enqueue_job(
    ctx: RequestContext, plugin: str, job: str, args: Mapping[str, Any], *, key: str
) -> bool:
    """Queue the plugin's job for the tenant, run by the worker once the caller's transaction
    commits (it rolls back with it). A key seen before for this plugin queues nothing and
    returns False; the job gets ``args`` (JSON) with the tenant's context."""
    return await plugin_jobs.enqueue(ctx, plugin, job, args, key=key)


StorePoints = by_store.StorePoints
"""Points issued and redeemed by one store's orders over a period (``store_code`` None: orders
recorded without a store)."""


async def points_by_store(ctx: RequestContext, start: datetime, end: datetime) -> list[StorePoints]:
    """Points issued and redeemed per store, by the ledger entries written from ``start``
    (inclusive) to ``end`` (exclusive), in one indexed read; stores without entries are not
    listed. Issued: what orders earned, net of what their refunds took back; redeemed: what
    members paid orders with, net of what refunds gave back. A refund counts when it happens.
    Entries made by no order (grants, rewards, expiry) are left out. Needs members:read."""
    return await by_store.points_by_store(ctx, start, end)


async def point_value_fen(ctx: RequestContext) -> Decimal:
    """What one point is worth in fen (the programme's ``pointValueFen``, e.g. 1 or 0.5): what
    points paying an order are worth, and what a settlement values them at."""
    return (await load_settings(ctx)).point_value_fen


async def tier_name(ctx: RequestContext, tier_id: uuid.UUID) -> str | None:
    """The name of the tenant's tier ``tier_id`` (a member's ``tier_id``), or None when it has
    no such tier; any caller of the tenant may read it."""
    async with tenant_transaction(ctx):
        names = await Tier.filter(id=tier_id).values_list("name", flat=True)
    return str(names[0]) if names else None
