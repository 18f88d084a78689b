"""The outbox relay: committed domain events become queue jobs, each handled at least once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from arq.connections import ArqRedis

from membership.coupons.batches import BATCH_TOPIC
from membership.outbox import OutboxEvent
from tenants.context import RequestContext
from tenants.registry import list_tenants
from tenants.tx import tenant_tx
from workers.coupons import generate_coupon_batch

__all__ = ["handle_event", "relay_outbox"]

log = structlog.get_logger("membership.worker")
BATCH = 500

# The platform's own subscribers: topic -> handler(tenant_id, payload), idempotent.
SUBSCRIBERS: dict[str, Callable[[str, dict[str, Any]], Awaitable[None]]] = {
    BATCH_TOPIC: generate_coupon_batch,
}


async def relay_outbox(ctx: dict[str, Any]) -> int:
    """Enqueue unpublished events, tenant by tenant; the event id is the job id, so a relay that
    runs twice (two workers, or a crash between enqueue and mark) enqueues each event once."""
    redis: ArqRedis = ctx["redis"]
    relayed = 0
    for tenant in await list_tenants():
        system = RequestContext.system(tenant)
        async with tenant_tx(system):
            events = await (
                OutboxEvent.filter(published_at=None)
                .order_by("created_at")
                .limit(BATCH)
                .select_for_update(skip_locked=True)
            )
            for event in events:
                await redis.enqueue_job(
                    "handle_event",
                    str(tenant.id),
                    str(event.id),
                    event.topic,
                    event.payload,
                    _job_id=f"event:{event.id}",
                )
            if events:
                await OutboxEvent.filter(id__in=[e.id for e in events]).update(
                    published_at=system.clock.now()
                )
        relayed += len(events)
    return relayed


async def handle_event(
    ctx: dict[str, Any], tenant_id: str, event_id: str, topic: str, payload: dict[str, Any]
) -> str:
    """Dispatch one event to its subscribers (automations, webhooks, tags arrive here)."""
    log.info("event", tenant_id=tenant_id, event_id=event_id, topic=topic)
    subscriber = SUBSCRIBERS.get(topic)
    if subscriber is not None:
        await subscriber(tenant_id, payload)
    return topic
