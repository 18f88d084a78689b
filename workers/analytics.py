"""The analytics roll-up on the worker: the event handler that marks what changed, and the sweep
that refreshes each tenant with marks (every 30 seconds)."""

from __future__ import annotations

from typing import Any

import structlog

from membership.analytics.rollup import CHANGES, mark_changes, refresh
from membership.clock import SystemClock
from membership.events.handlers import subscribe
from membership.outbox import OutboxEvent
from tenants.context import RequestContext
from tenants.sweeps import tenants_due
from tenants.tx import tenant_tx

__all__ = ["note_analytics_changes", "refresh_analytics"]

log = structlog.get_logger("membership.worker")


@subscribe("analytics", CHANGES)
async def note_analytics_changes(ctx: RequestContext, event: OutboxEvent, jobs: Any) -> None:
    async with tenant_tx(ctx) as conn:
        await mark_changes(ctx, conn, event.type, event.payload)


async def refresh_analytics(ctx: dict[str, Any]) -> int:
    """Refresh every tenant whose roll-up has marks; returns the members and days recomputed."""
    total = 0
    for tenant in await tenants_due("tenants_with_pending_analytics", at=SystemClock().now()):
        done = await refresh(RequestContext.system(tenant))
        log.info("analytics_refreshed", tenant=tenant.slug, members=done.members, days=done.days)
        total += done.members + done.days
    return total
