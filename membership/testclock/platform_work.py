"""The platform's own scheduled work, registered for test-clock advances.

Each wraps the job the worker runs for live tenants (``workers.points``, ``workers.coupons``,
``workers.tiers``, the dispatcher in ``workers.events``) and asks the same tables when its next
piece falls due. They run in this order at one instant: points mature and expire, coupons expire
and release their reservations, the daily tier review, then the events all that wrote are relayed
and handled, and messages and webhook deliveries go out.

Handling events, sending messages and delivering webhooks need a job queue, a provider transport
and a webhook sender: an advance lends them through ``using_tools`` (the worker its own; the API
fresh ones for the advance).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from membership.coupons.lifecycle import expire_due_coupons
from membership.coupons.reservations import release_expired_reservations
from membership.events.handlers import JobQueue, run_due_handlings
from membership.events.relay import relay_tenant
from membership.messaging.delivery import deliver_due as deliver_messages
from membership.messaging.transport import ProviderTransport
from membership.points.expiry import expire_due
from membership.points.service import mature_due
from membership.settings import get_settings
from membership.testclock.schedule import ScheduledWork, register
from membership.tiering.engine import evaluate_tiers
from membership.webhooks.deliveries import deliver_due as deliver_webhooks
from membership.webhooks.sender import WebhookSender
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["REVIEW_TIME", "AdvanceTools", "next_review", "using_tools"]

log = structlog.get_logger("membership.testclock")

# The daily tier review's local time: the worker's cron runs it at 03:05 China time.
REVIEW_TIME = time(3, 5)


@dataclass(frozen=True)
class AdvanceTools:
    jobs: JobQueue
    transport: ProviderTransport
    sender: WebhookSender


class _JobsLeftToTheWorker:
    """A handler's job started during an advance in the API: every job the platform starts
    (bulk coupon codes) is resumed by the worker from PostgreSQL, so it is left to it."""

    async def enqueue(self, function: str, *args: Any, job_id: str) -> None:
        log.info("test_clock_job_left_to_worker", function=function, job_id=job_id)


_tools: ContextVar[AdvanceTools | None] = ContextVar("membership_test_clock_tools", default=None)


@contextlib.asynccontextmanager
async def using_tools(
    *,
    jobs: JobQueue | None = None,
    transport: ProviderTransport | None = None,
    sender: WebhookSender | None = None,
) -> AsyncIterator[AdvanceTools]:
    """Lend the works these tools while the block runs; what is not given is made and closed."""
    made_transport = transport is None
    made_sender = sender is None
    tools = AdvanceTools(
        jobs or _JobsLeftToTheWorker(),
        transport or ProviderTransport(),
        sender or WebhookSender(allow_private=get_settings().webhooks_allow_private_urls),
    )
    token = _tools.set(tools)
    try:
        yield tools
    finally:
        _tools.reset(token)
        if made_transport:
            await tools.transport.close()
        if made_sender:
            await tools.sender.close()


@contextlib.asynccontextmanager
async def _current_tools() -> AsyncIterator[AdvanceTools]:
    lent = _tools.get()
    if lent is not None:
        yield lent
        return
    async with using_tools() as tools:
        yield tools


async def _earliest(ctx: RequestContext, sql: str) -> datetime | None:
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(sql)
    at: datetime | None = rows[0]["at"] if rows else None
    return at


# ---------------------------------------------------------------- points and coupons


async def _next_maturing(ctx: RequestContext) -> datetime | None:
    return await _earliest(
        ctx, "SELECT min(available_at) AS at FROM points_lots WHERE pending AND remaining > 0"
    )


async def _next_expiring(ctx: RequestContext) -> datetime | None:
    return await _earliest(
        ctx,
        "SELECT min(expires_at) AS at FROM points_lots "
        "WHERE remaining > 0 AND expires_at IS NOT NULL",
    )


async def _next_coupon_expiry(ctx: RequestContext) -> datetime | None:
    return await _earliest(
        ctx, "SELECT min(valid_until) AS at FROM coupons WHERE status = 'ISSUED'"
    )


async def _next_lapsed_reservation(ctx: RequestContext) -> datetime | None:
    return await _earliest(
        ctx,
        "SELECT min(reserved_until) AS at FROM coupons WHERE reserved_until IS NOT NULL",
    )


async def _expire_coupons(ctx: RequestContext) -> int:
    return await expire_due_coupons(ctx)


async def _release_reservations(ctx: RequestContext) -> int:
    return await release_expired_reservations(ctx)


async def _mature(ctx: RequestContext) -> int:
    return await mature_due(ctx)


# ---------------------------------------------------------------- the daily tier review


def next_review(now: datetime, timezone: str) -> datetime:
    """The first daily review strictly after ``now``, at ``REVIEW_TIME`` in ``timezone``."""
    zone = ZoneInfo(timezone)
    day = now.astimezone(zone).date()
    while True:
        at = datetime.combine(day, REVIEW_TIME, tzinfo=zone).astimezone(UTC)
        if at > now:
            return at
        day += timedelta(days=1)


async def _next_review(ctx: RequestContext) -> datetime | None:
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT EXISTS (SELECT 1 FROM members m JOIN tiers t ON t.id = m.tier_id "
            "WHERE t.rank > 0 AND m.merged_into_id IS NULL) AS tiered"
        )
    if not rows[0]["tiered"]:
        return None
    return next_review(ctx.clock.now(), ctx.tenant.timezone)


async def _review(ctx: RequestContext) -> int:
    return await evaluate_tiers(ctx)


# ---------------------------------------------------------------- events, messages, webhooks

# Unrelayed events are due at once; a handling when its attempt is due and no earlier handling
# of the same handler for the same member waits before it (as the handlers take them).
_NEXT_EVENT_WORK = """
SELECT least(
  (SELECT min(created_at) FROM outbox WHERE published_at IS NULL),
  (SELECT min(h.next_attempt_at) FROM event_handlings h
   WHERE h.status = 'PENDING' AND NOT EXISTS (
     SELECT 1 FROM event_handlings e
     WHERE e.status = 'PENDING' AND e.handler = h.handler AND e.member_id = h.member_id
       AND (e.event_at, e.id) < (h.event_at, h.id)))
) AS at
"""


async def _next_event_work(ctx: RequestContext) -> datetime | None:
    return await _earliest(ctx, _NEXT_EVENT_WORK)


async def _handle_events(ctx: RequestContext) -> int:
    done = 0
    while True:
        relayed = await relay_tenant(ctx)
        done += relayed.events
        if not relayed.more:
            break
    async with _current_tools() as tools:
        return done + await run_due_handlings(ctx, tools.jobs)


async def _next_message(ctx: RequestContext) -> datetime | None:
    return await _earliest(
        ctx, "SELECT min(next_attempt_at) AS at FROM messages WHERE status = 'QUEUED'"
    )


async def _send_messages(ctx: RequestContext) -> int:
    async with _current_tools() as tools:
        return await deliver_messages(ctx, tools.transport)


_PENDING_DELIVERIES = (
    "FROM webhook_deliveries d JOIN webhook_endpoints e "
    "ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id "
    "WHERE d.status = 'PENDING' AND e.enabled"
)


async def _next_delivery(ctx: RequestContext) -> datetime | None:
    return await _earliest(ctx, f"SELECT min(d.next_attempt_at) AS at {_PENDING_DELIVERIES}")


async def _deliver_webhooks(ctx: RequestContext) -> int:
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            f"SELECT DISTINCT d.endpoint_id {_PENDING_DELIVERIES} AND d.next_attempt_at <= $1",
            [ctx.clock.now()],
        )
    endpoints: list[uuid.UUID] = [row["endpoint_id"] for row in rows]
    made = 0
    async with _current_tools() as tools:
        for endpoint_id in endpoints:
            made += await deliver_webhooks(ctx, endpoint_id, tools.sender)
    return made


for _work in (
    ScheduledWork("points.mature", _next_maturing, _mature),
    ScheduledWork("points.expire", _next_expiring, expire_due),
    ScheduledWork("coupons.expire", _next_coupon_expiry, _expire_coupons),
    ScheduledWork("coupons.release_reservations", _next_lapsed_reservation, _release_reservations),
    ScheduledWork("tiers.daily_review", _next_review, _review),
    ScheduledWork("events.handle", _next_event_work, _handle_events),
    ScheduledWork("messages.deliver", _next_message, _send_messages),
    ScheduledWork("webhooks.deliver", _next_delivery, _deliver_webhooks),
):
    register(_work)
