"""Coupon jobs: expiring issued coupons whose validity has passed, tenant by tenant."""

from __future__ import annotations

from typing import Any

import structlog

from membership.coupons.lifecycle import expire_due_coupons
from tenants.context import RequestContext
from tenants.registry import list_tenants

__all__ = ["expire_coupons"]

log = structlog.get_logger("membership.worker")


async def expire_coupons(ctx: dict[str, Any]) -> int:
    """Mark issued coupons past their validity EXPIRED; safe to run twice or in two workers."""
    total = 0
    for tenant in await list_tenants():
        expired = await expire_due_coupons(RequestContext.system(tenant))
        if expired:
            log.info("coupons_expired", tenant=tenant.slug, expired=expired)
        total += expired
    return total
