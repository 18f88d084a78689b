"""The analytics on the worker: the event handler that marks what changed, the sweep that
refreshes each tenant with marks (every 30 seconds), and the daily fit of the churn model."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog

from membership.analytics.rollup import CHANGES, mark_changes, refresh
from membership.analytics.scores import fit_churn_model
from membership.clock import SystemClock
from membership.events.handlers import subscribe
from membership.outbox import OutboxEvent
from tenants.context import RequestContext
from tenants.sweeps import tenants_due
from tenants.tx import tenant_tx

__all__ = ["fit_churn_models", "note_analytics_changes", "refresh_analytics"]

# A tenant's churn model is fitted again once it is this old (the sweep runs every hour).
CHURN_MODEL_AGE = timedelta(hours=20)

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


async def fit_churn_models(ctx: dict[str, Any]) -> int:
    """Fit the churn model of every tenant whose fit is missing or older than a day."""
    fitted = 0
    due = SystemClock().now() - CHURN_MODEL_AGE
    for tenant in await tenants_due("tenants_with_stale_churn_model", at=due):
        model = await fit_churn_model(RequestContext.system(tenant))
        log.info(
            "churn_model_fitted",
            tenant=tenant.slug,
            members=model.members if model else 0,
            converged=model.converged if model else None,
        )
        fitted += 1
    return fitted
