"""Points jobs: expiring due lots, tenant by tenant."""

from __future__ import annotations

from typing import Any

import structlog

from membership.points.expiry import expire_due
from tenants.context import RequestContext
from tenants.registry import list_tenants

__all__ = ["expire_points"]

log = structlog.get_logger("membership.worker")


async def expire_points(ctx: dict[str, Any]) -> int:
    """Write EXPIRE entries for every due lot; safe to run twice or in two workers at once."""
    total = 0
    for tenant in await list_tenants():
        expired = await expire_due(RequestContext.system(tenant))
        if expired:
            log.info("points_expired", tenant=tenant.slug, points=expired)
        total += expired
    return total
