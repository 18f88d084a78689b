"""Tier jobs: the daily downgrade evaluation, tenant by tenant."""

from __future__ import annotations

from typing import Any

import structlog

from membership.clock import SystemClock
from membership.tiering.engine import evaluate_tiers
from tenants.context import RequestContext
from tenants.sweeps import tenants_due

__all__ = ["evaluate_member_tiers"]

log = structlog.get_logger("membership.worker")


async def evaluate_member_tiers(ctx: dict[str, Any]) -> int:
    """Start, end or act on grace periods for members below their tier; returns how many dropped."""
    dropped = 0
    for tenant in await tenants_due("tenants_with_tiered_members", at=SystemClock().now()):
        count = await evaluate_tiers(RequestContext.system(tenant))
        if count:
            log.info("tiers_downgraded", tenant=tenant.slug, members=count)
        dropped += count
    return dropped
