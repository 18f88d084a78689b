"""The platform's event handlers: subscriptions, ordered at-least-once handling, dead letters.

The relay writes one ``event_handlings`` row per event and subscribed handler, in the same
transaction that marks the event published. A handling runs in its tenant's transaction with
its row locked, and is marked DONE in that same transaction: a handler's database effects and
the DONE mark commit together, so a handling taken twice (two workers, a wake-up repeated), or a
worker killed half-way, never applies them twice. A handler whose effect lies outside the database
(a job it enqueues, a message it sends) must be idempotent by the event id.

One member's events are handled in the order they happened: a handling is taken only when no
earlier handling of the same handler for the same member is still pending. A failure is retried
with backoff (``RETRY_DELAYS``) and blocks that member's later events for that handler until it
succeeds or, after the last attempt, goes DEAD: the dead-letter list staff see and replay.
"""

from __future__ import annotations

import traceback
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import structlog
from tortoise.backends.base.client import BaseDBAsyncClient

from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, ErrorCode
from membership.events.models import EventHandling
from membership.events.plugin_handlers import PREFIX, plugin_subscriptions
from membership.outbox import OutboxEvent
from plugins.manager import LoadedPlugins, loaded_plugins
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "RETRY_DELAYS",
    "Handler",
    "JobQueue",
    "Subscription",
    "list_dead_letters",
    "replay_dead_letter",
    "run_due_handlings",
    "subscribe",
    "subscriptions_for",
    "type_matches",
]

log = structlog.get_logger("membership.events")


class JobQueue(Protocol):
    """What a handler may use to start longer work as a job of its own (idempotent by id)."""

    async def enqueue(self, function: str, *args: Any, job_id: str) -> None: ...


Handler = Callable[[RequestContext, OutboxEvent, JobQueue], Awaitable[None]]
# The event types a tenant's handler wants right now (read in the relay's transaction), for a
# handler whose interest depends on the tenant's data: journeys listen to what they name.
Listening = Callable[[BaseDBAsyncClient], Awaitable[frozenset[str]]]

# After each failed attempt; the attempt after the last delay is the last one.
RETRY_DELAYS = (
    timedelta(seconds=1),
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


@dataclass(frozen=True)
class Subscription:
    name: str
    types: frozenset[str]  # exact types, "prefix.*", or "*" for every type
    handler: Handler
    listening: Listening | None = None  # narrows ``types`` per tenant, in the relay

    def matches(self, event_type: str) -> bool:
        return type_matches(self.types, event_type)


_SUBSCRIPTIONS: dict[str, Subscription] = {}


def subscribe(
    name: str, types: Iterable[str], *, listening: Listening | None = None
) -> Callable[[Handler], Handler]:
    """Register ``handler`` under a stable ``name`` (it is stored with every handling).

    With ``listening``, the relay asks it once per pass which of ``types`` the tenant's data
    wants, and writes handlings only for those: a tenant without journeys pays nothing for them.
    """

    def register(handler: Handler) -> Handler:
        existing = _SUBSCRIPTIONS.get(name)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"handler {name!r} is registered twice")
        _SUBSCRIPTIONS[name] = Subscription(name, frozenset(types), handler, listening)
        return handler

    return register


def subscriptions_for(event_type: str) -> list[Subscription]:
    return [s for s in _subscriptions().values() if s.matches(event_type)]


def type_matches(types: Iterable[str], event_type: str) -> bool:
    """Whether ``event_type`` is one of ``types``: exact, ``"prefix.*"`` or ``"*"``."""
    return any(
        t == "*" or t == event_type or (t.endswith(".*") and event_type.startswith(t[:-1]))
        for t in types
    )


_PLUGINS_SEEN: list[LoadedPlugins] = []


def _subscriptions() -> dict[str, Subscription]:
    """The platform's subscriptions and those of the plugins loaded now."""
    loaded = loaded_plugins()
    if not _PLUGINS_SEEN or _PLUGINS_SEEN[0] is not loaded:
        for name in [n for n in _SUBSCRIPTIONS if n.startswith(PREFIX)]:
            del _SUBSCRIPTIONS[name]
        for name, types, handler, listening in plugin_subscriptions(loaded):
            _SUBSCRIPTIONS[name] = Subscription(name, types, handler, listening)
        _PLUGINS_SEEN[:] = [loaded]
    return _SUBSCRIPTIONS


_CLAIM = """
SELECT h.id FROM event_handlings h
WHERE h.status = 'PENDING' AND h.next_attempt_at <= $1
  AND NOT EXISTS (
    SELECT 1 FROM event_handlings e
    WHERE e.status = 'PENDING' AND e.handler = h.handler AND e.member_id = h.member_id
      AND (e.event_at, e.id) < (h.event_at, h.id))
ORDER BY h.event_at, h.id
LIMIT 1
FOR UPDATE SKIP LOCKED
"""


async def run_due_handlings(ctx: RequestContext, jobs: JobQueue, *, limit: int = 500) -> int:
    """Run the tenant's due handlings one by one, each in its own transaction; returns how many
    were attempted."""
    attempted = 0
    while attempted < limit:
        outcome = await _run_one(ctx, jobs)
        if outcome is None:
            return attempted
        attempted += 1
    return attempted


async def _run_one(ctx: RequestContext, jobs: JobQueue) -> bool | None:
    """One handling: True done, False failed, None when nothing is due."""
    handling_id: uuid.UUID | None = None
    try:
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(_CLAIM, [ctx.clock.now()])
            if not rows:
                return None
            handling_id = rows[0]["id"]
            handling = await EventHandling.get(id=handling_id)
            event = await OutboxEvent.get_or_none(id=handling.event_id)
            subscription = _subscriptions().get(handling.handler)
            if event is not None and subscription is not None:
                await subscription.handler(ctx, event, jobs)
            handling.status = "DONE"
            handling.attempts += 1
            handling.next_attempt_at = None
            handling.updated_at = ctx.clock.now()
            await handling.save(
                update_fields=["status", "attempts", "next_attempt_at", "updated_at"]
            )
            return True
    except Exception as exc:  # a handler's failure is data: retried, then a dead letter
        if handling_id is None:
            raise
        await _record_failure(ctx, handling_id, exc)
        return False


async def _record_failure(ctx: RequestContext, handling_id: uuid.UUID, exc: Exception) -> None:
    error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
    async with tenant_tx(ctx):
        handling = await EventHandling.filter(id=handling_id).select_for_update().get()
        now = ctx.clock.now()
        handling.attempts += 1
        handling.last_error = error
        handling.updated_at = now
        if handling.attempts >= MAX_ATTEMPTS:
            handling.status = "DEAD"
            handling.next_attempt_at = None
            log.warning(
                "handler_dead",
                tenant=ctx.tenant.slug,
                handler=handling.handler,
                event_id=str(handling.event_id),
                error=error,
            )
        else:
            handling.next_attempt_at = now + RETRY_DELAYS[handling.attempts - 1]
            log.info(
                "handler_retry",
                tenant=ctx.tenant.slug,
                handler=handling.handler,
                attempts=handling.attempts,
                error=error,
            )
        await handling.save(
            update_fields=["attempts", "last_error", "updated_at", "status", "next_attempt_at"]
        )


@dataclass(frozen=True)
class DeadLetterPage:
    rows: list[EventHandling]
    has_next: bool
    total: int


async def list_dead_letters(
    ctx: RequestContext, *, first: int = 50, after: str | None = None
) -> DeadLetterPage:
    """Handlings that used up their attempts, the most recent first."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    first = max(1, min(first, 200))
    async with tenant_tx(ctx):
        query = EventHandling.filter(status="DEAD")
        total = await query.count()
        if after:
            at, last = decode_cursor(after)
            query = query.filter(updated_at__lte=at).exclude(updated_at=at, id__gte=last)
        rows = await query.order_by("-updated_at", "-id").limit(first + 1)
    return DeadLetterPage(rows[:first], len(rows) > first, total)


def dead_letter_cursor(row: EventHandling) -> str:
    return encode_cursor(row.updated_at, row.id)


async def replay_dead_letter(ctx: RequestContext, handling_id: uuid.UUID) -> EventHandling:
    """Give a dead handling a fresh set of attempts, due now."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    async with tenant_tx(ctx):
        handling = await EventHandling.filter(id=handling_id).select_for_update().first()
        if handling is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such dead letter in this tenant.", ["id"])
        if handling.status != "DEAD":
            raise DomainError(
                ErrorCode.INVALID,
                "Only a dead letter can be replayed; this one is {status}.",
                ["id"],
                status=handling.status,
            )
        now = ctx.clock.now()
        handling.status = "PENDING"
        handling.attempts = 0
        handling.next_attempt_at = now
        handling.updated_at = now
        await handling.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        await audit.record(ctx, "event_handling.replay", "event_handling", handling.id)
    return handling
