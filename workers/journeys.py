"""Journey jobs: the cron that claims due runs, the job that wakes one run, and the cron that
sweeps the daily and scheduled triggers."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import membership.journeys.schedule  # noqa: F401  (registers the journeys' scheduled work)
from membership.clock import SystemClock
from membership.journeys.dispatch import (
    Due,
    claim_due,
    job_id,
    tenants_with_due_runs,
    wake_runs,
)
from membership.journeys.segments import evaluate_due_segments
from membership.journeys.sweeps import (
    sweep_journeys,
    tenants_with_segments,
    tenants_with_swept_journeys,
)
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tenants.sweeps import advancing

__all__ = [
    "dispatch_journey_runs",
    "evaluate_segments",
    "sweep_journey_triggers",
    "wake_journey_runs",
]


_dispatching = asyncio.Lock()


async def dispatch_journey_runs(ctx: dict[str, Any]) -> int:
    """Enqueue wake-ups for every due run, under job ids made of the runs' state counters.

    One pass at a time in a worker process: a pass still handing out a big wave when the cron
    fires again is left to finish (arq's ``unique`` only keeps one firing from running twice).
    """
    if _dispatching.locked():
        return 0
    async with _dispatching:
        redis = ctx["redis"]
        claimed = 0
        for tenant_id in await tenants_with_due_runs(SystemClock().now()):
            tenant = await get_tenant(tenant_id)
            if tenant is None or advancing(tenant):
                continue  # an advancing sandbox's runs are the advance's to wake

            async def enqueue(due: Due, tenant: Any = tenant) -> None:
                await redis.enqueue_job(
                    "wake_journey_runs",
                    str(tenant.id),
                    [[str(run_id), state] for run_id, state in due],
                    _job_id=job_id(due),
                )

            claimed += await claim_due(RequestContext.system(tenant), enqueue)
        return claimed


async def wake_journey_runs(ctx: dict[str, Any], tenant_id: str, due: list[list[Any]]) -> int:
    """Move each of the runs on that is still in the state it was claimed in."""
    tenant = await get_tenant(uuid.UUID(tenant_id))
    if tenant is None:
        return 0
    runs = [(uuid.UUID(str(run_id)), int(state)) for run_id, state in due]
    return await wake_runs(RequestContext.system(tenant), runs)


async def sweep_journey_triggers(ctx: dict[str, Any]) -> int:
    """Enter the members of every due birthday, inactivity, points-expiring or cron trigger."""
    entered = 0
    for tenant_id in await tenants_with_swept_journeys():
        tenant = await get_tenant(tenant_id)
        if tenant is not None and not advancing(tenant):
            entered += await sweep_journeys(RequestContext.system(tenant))
    return entered


async def evaluate_segments(ctx: dict[str, Any]) -> int:
    """Evaluate every tenant's segments once a day (facts such as daysSinceLastOrder move with
    time alone); events keep them current in between."""
    evaluated = 0
    for tenant_id in await tenants_with_segments():
        tenant = await get_tenant(tenant_id)
        if tenant is not None and not advancing(tenant):
            evaluated += await evaluate_due_segments(RequestContext.system(tenant))
    return evaluated
