"""Plugin jobs and crons on the worker (see ``membership.activation.jobs``)."""

from __future__ import annotations

from typing import Any

from membership.activation.jobs import run_crons, run_due_jobs
from membership.clock import SystemClock
from tenants.context import RequestContext
from tenants.sweeps import tenants_due

__all__ = ["run_plugin_crons", "run_plugin_jobs"]


async def run_plugin_jobs(ctx: dict[str, Any]) -> int:
    """Run the due plugin jobs of every tenant that has some; returns how many were taken."""
    taken = 0
    for tenant in await tenants_due("tenants_with_due_plugin_jobs", at=SystemClock().now()):
        taken += await run_due_jobs(RequestContext.system(tenant))
    return taken


async def run_plugin_crons(ctx: dict[str, Any]) -> int:
    """Run the plugin crons whose schedule matches this minute."""
    return await run_crons(SystemClock().now())
