"""Points jobs: maturing pending points and expiring due lots, tenant by tenant."""

from __future__ import annotations

from typing import Any

import structlog

from membership.clock import SystemClock
from membership.points.expiry import expire_due
from membership.points.service import mature_due
from tenants.context import RequestContext
from tenants.sweeps import tenants_due

__all__ = ["expire_points"]

log = structlog.get_logger("membership.worker")


async def expire_points(ctx: dict[str, Any]) -> int:
    """Mature pending points whose return window closed (EARN entries), then expire due lots
    (EXPIRE entries); safe to run twice or in two workers at once."""
    total = 0
    due = await tenants_due(
        "tenants_with_maturing_points", "tenants_with_expiring_points", at=SystemClock().now()
    )
    for tenant in due:
        system = RequestContext.system(tenant)
        matured = await mature_due(system)
        expired = await expire_due(system)
        if matured or expired:
            log.info("points_settled", tenant=tenant.slug, matured=matured, expired=expired)
        total += matured + expired
    return total
