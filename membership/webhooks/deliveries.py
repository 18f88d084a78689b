"""Deliveries: sending an endpoint's due deliveries, recording every attempt, and replays.

A delivery is taken with a lease: one short transaction moves its ``next_attempt_at`` past the
attempt's deadline and commits, the POST is made outside any transaction, and a second
transaction records the attempt and the outcome. A worker killed in between leaves the delivery
PENDING; when the lease runs out it is due again and is sent again under the same
``webhook-id`` (the event's id), which receivers use to drop the duplicate.

Only a 2xx counts. Anything else is retried on ``schedule.next_attempt_delay`` (first retry
within 10 s, the last more than 24 h after the first attempt), then FAILED. A 410 disables the
endpoint. Deliveries of one endpoint are sent at most ``CONCURRENCY`` at a time, by one job at a
time, so a slow or dead receiver holds one worker slot and never another tenant's deliveries.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import Tortoise

from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, ErrorCode
from membership.event_types import WebhookTest
from membership.ids import new_id, new_ids
from membership.outbox import OutboxEvent, outbox_row
from membership.settings import get_settings
from membership.webhooks.endpoints import disable_gone, signing_secrets
from membership.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from membership.webhooks.schedule import next_attempt_delay
from membership.webhooks.sender import AttemptResult, WebhookSender
from membership.webhooks.signing import headers as signed_headers
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "CONCURRENCY",
    "DeliveryPage",
    "attempts_by_delivery",
    "deliver_due",
    "delivery_cursor",
    "due_endpoints",
    "list_deliveries",
    "replay_deliveries_since",
    "replay_delivery",
    "send_test",
    "webhook_body",
]

CONCURRENCY = 8
BATCH = 64


def lease() -> timedelta:
    """How long a taken delivery is not due: past an attempt's deadline, with room to record."""
    return timedelta(seconds=get_settings().webhooks_timeout_seconds * 2 + 5)


def webhook_body(event: OutboxEvent) -> bytes:
    """The Standard Webhooks body: type, the event's time, and its payload as ``data``."""
    return json.dumps(
        {"type": event.type, "timestamp": event.created_at.isoformat(), "data": event.payload},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


async def due_endpoints(at: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(tenant, endpoint) pairs with deliveries due, across tenants, in one statement."""
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(
        "SELECT tenant_id, endpoint_id FROM endpoints_with_due_deliveries($1)", [at]
    )
    return [(row["tenant_id"], row["endpoint_id"]) for row in rows]


# = ANY(ARRAY(...)) runs the sub-select once; as IN (...) the planner may run it again for every
# row (a nested loop on stale statistics) and take the whole backlog in one go.
_TAKE = """
UPDATE webhook_deliveries SET next_attempt_at = $3
WHERE id = ANY(ARRAY(SELECT id FROM webhook_deliveries
                     WHERE endpoint_id = $1 AND status = 'PENDING' AND next_attempt_at <= $2
                     ORDER BY next_attempt_at, created_at, id LIMIT $4
                     FOR UPDATE SKIP LOCKED))
RETURNING id, event_id, attempts
"""


@dataclass(frozen=True)
class _Taken:
    delivery_id: uuid.UUID
    event: OutboxEvent
    attempts: int


async def _take(
    ctx: RequestContext, endpoint_id: uuid.UUID, limit: int
) -> tuple[WebhookEndpoint | None, list[_Taken]]:
    async with tenant_tx(ctx) as conn:
        endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id)
        if endpoint is None or not endpoint.enabled:
            return endpoint, []
        now = ctx.clock.now()
        # execute_query_dict: execute_query drops the rows an UPDATE ... RETURNING gives
        rows = await conn.execute_query_dict(_TAKE, [endpoint_id, now, now + lease(), limit])
        if not rows:
            return endpoint, []
        events = {e.id: e for e in await OutboxEvent.filter(id__in=[r["event_id"] for r in rows])}
    taken = [
        _Taken(r["id"], events[r["event_id"]], r["attempts"])
        for r in rows
        if r["event_id"] in events
    ]
    return endpoint, sorted(taken, key=lambda t: (t.event.created_at, t.event.id))


async def deliver_due(ctx: RequestContext, endpoint_id: uuid.UUID, sender: WebhookSender) -> int:
    """Send the endpoint's due deliveries until none is left; returns attempts made."""
    made = 0
    timeout = get_settings().webhooks_timeout_seconds
    while True:
        endpoint, taken = await _take(ctx, endpoint_id, BATCH)
        if endpoint is None or not taken:
            return made
        # One member's deliveries go one after another, in event order; members in parallel.
        gate = asyncio.Semaphore(CONCURRENCY)
        lanes: dict[object, list[_Taken]] = {}
        for item in taken:
            lanes.setdefault(item.event.member_id or item.event.id, []).append(item)
        done = await asyncio.gather(
            *(_lane(ctx, endpoint, lane, sender, gate, timeout) for lane in lanes.values())
        )
        results = [result for lane_results in done for result in lane_results]
        await _record(ctx, endpoint_id, results)
        made += len(results)


async def _lane(
    ctx: RequestContext,
    endpoint: WebhookEndpoint,
    lane: list[_Taken],
    sender: WebhookSender,
    gate: asyncio.Semaphore,
    deadline: float,
) -> list[tuple[_Taken, datetime, AttemptResult]]:
    """One member's deliveries, in order, holding one of the endpoint's concurrent slots."""
    results = []
    async with gate:
        for item in lane:
            started = ctx.clock.now()
            body = webhook_body(item.event)
            # Receivers check the signature's timestamp against their own clock: real time, even
            # for a sandbox tenant whose clock stands elsewhere.
            headers = signed_headers(
                signing_secrets(endpoint, started), str(item.event.id), ctx.real_clock.now(), body
            )
            sent = await sender.send(endpoint.url, body, headers, timeout=deadline)
            results.append((item, started, sent))
    return results


async def _record(
    ctx: RequestContext,
    endpoint_id: uuid.UUID,
    results: Sequence[tuple[_Taken, datetime, AttemptResult]],
) -> None:
    now = ctx.clock.now()
    gone = False
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            "INSERT INTO webhook_attempts (tenant_id, id, delivery_id, attempt, started_at, "
            "latency_ms, response_status, response_excerpt, error) "
            "SELECT $1, a.* FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[], "
            "$6::int[], $7::int[], $8::text[], $9::text[]) AS a",
            [
                ctx.tenant.id,
                new_ids(len(results)),
                [t.delivery_id for t, _, _ in results],
                [t.attempts + 1 for t, _, _ in results],
                [started for _, started, _ in results],
                [r.latency_ms for _, _, r in results],
                [r.status for _, _, r in results],
                [r.excerpt for _, _, r in results],
                [r.error for _, _, r in results],
            ],
        )
        ids, statuses, codes, nexts = [], [], [], []
        for taken, _, result in results:
            attempts = taken.attempts + 1
            if result.delivered:
                status, next_at = "SUCCEEDED", None
            else:
                gone = gone or result.gone
                delay = None if result.gone else next_attempt_delay(attempts)
                status, next_at = ("PENDING", now + delay) if delay else ("FAILED", None)
            ids.append(taken.delivery_id)
            statuses.append(status)
            codes.append(result.status)
            nexts.append(next_at)
        await conn.execute_query(
            "UPDATE webhook_deliveries d SET status = u.status, attempts = d.attempts + 1, "
            "last_response_status = u.code, next_attempt_at = u.next_at, updated_at = $1 "
            "FROM unnest($2::uuid[], $3::text[], $4::int[], $5::timestamptz[]) "
            "AS u (id, status, code, next_at) WHERE d.id = u.id",
            [now, ids, statuses, codes, nexts],
        )
        if gone:
            await disable_gone(ctx, endpoint_id, now)


# ---------------------------------------------------------------- reading and replaying


@dataclass(frozen=True)
class DeliveryPage:
    rows: list[WebhookDelivery]
    has_next: bool
    total: int


def delivery_cursor(row: WebhookDelivery) -> str:
    return encode_cursor(row.created_at, row.id)


async def list_deliveries(
    ctx: RequestContext,
    endpoint_id: uuid.UUID,
    *,
    first: int = 50,
    after: str | None = None,
    status: str | None = None,
) -> DeliveryPage:
    """An endpoint's deliveries, newest first."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    first = max(1, min(first, 200))
    async with tenant_tx(ctx):
        query = WebhookDelivery.filter(endpoint_id=endpoint_id)
        if status is not None:
            query = query.filter(status=status)
        total = await query.count()
        if after:
            at, last = decode_cursor(after)
            query = query.filter(created_at__lte=at).exclude(created_at=at, id__gte=last)
        rows = await query.order_by("-created_at", "-id").limit(first + 1)
    return DeliveryPage(list(rows[:first]), len(rows) > first, total)


async def attempts_by_delivery(
    ctx: RequestContext, delivery_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[WebhookAttempt]]:
    """Every attempt of each delivery, in order (one query for any number of deliveries)."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    found: dict[uuid.UUID, list[WebhookAttempt]] = {d: [] for d in delivery_ids}
    async with tenant_tx(ctx):
        for row in await WebhookAttempt.filter(delivery_id__in=list(delivery_ids)).order_by(
            "delivery_id", "attempt", "started_at"
        ):
            found[row.delivery_id].append(row)
    return found


async def payloads_by_event(
    ctx: RequestContext, event_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Any]:
    """The JSON body of each event as delivered (one query)."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    async with tenant_tx(ctx):
        rows = await OutboxEvent.filter(id__in=list(event_ids))
    return {row.id: json.loads(webhook_body(row)) for row in rows}


async def replay_delivery(ctx: RequestContext, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Send a delivery again now, under the same ``webhook-id``."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    async with tenant_tx(ctx):
        delivery = await WebhookDelivery.filter(id=delivery_id).select_for_update().first()
        if delivery is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such delivery in this tenant.", ["id"])
        endpoint = await WebhookEndpoint.get(id=delivery.endpoint_id)
        if not endpoint.enabled:
            raise DomainError(
                ErrorCode.INVALID,
                "The endpoint is disabled; enable it before replaying its deliveries.",
                ["id"],
            )
        now = ctx.clock.now()
        delivery.status = "PENDING"
        delivery.next_attempt_at = now
        delivery.updated_at = now
        await delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
        await audit.record(ctx, "webhook_delivery.replay", "webhook_delivery", delivery.id)
    return delivery


async def replay_deliveries_since(
    ctx: RequestContext, endpoint_id: uuid.UUID, since: datetime, *, status: str | None = None
) -> int:
    """Send again every delivery of the endpoint made since ``since`` (of one status if given)."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    async with tenant_tx(ctx):
        endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id)
        if endpoint is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such webhook endpoint in this tenant.", ["endpointId"]
            )
        if not endpoint.enabled:
            raise DomainError(
                ErrorCode.INVALID,
                "The endpoint is disabled; enable it before replaying its deliveries.",
                ["endpointId"],
            )
        if since > ctx.clock.now():
            raise DomainError(ErrorCode.INVALID, "since is in the future.", ["since"])
        now = ctx.clock.now()
        query = WebhookDelivery.filter(endpoint_id=endpoint_id, created_at__gte=since)
        if status is not None:
            query = query.filter(status=status)
        count = await query.update(status="PENDING", next_attempt_at=now, updated_at=now)
        await audit.record(
            ctx,
            "webhook_delivery.replay_since",
            "webhook_endpoint",
            endpoint_id,
            after={"since": since.isoformat(), "status": status, "count": count},
        )
    return int(count)


async def send_test(ctx: RequestContext, endpoint_id: uuid.UUID) -> WebhookDelivery:
    """A ``webhook.test`` event delivered to this endpoint only, due now."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    async with tenant_tx(ctx) as conn:
        endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id)
        if endpoint is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such webhook endpoint in this tenant.", ["id"]
            )
        if not endpoint.enabled:
            raise DomainError(ErrorCode.INVALID, "The endpoint is disabled.", ["id"])
        now = ctx.clock.now()
        row = outbox_row(
            WebhookTest(endpoint_id=endpoint.id, message="A test delivery from Membership.")
        )
        # Written as published already: the relay must not fan it out to other endpoints.
        await conn.execute_query(
            "INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at, "
            "published_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7)",
            [ctx.tenant.id, *row.params(), now],
        )
        delivery = await WebhookDelivery.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            endpoint_id=endpoint.id,
            event_id=row.id,
            event_type=row.type,
            status="PENDING",
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
    return delivery
