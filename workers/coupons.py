"""Coupon jobs: expiring coupons and reservations that ran out, and generating codes in bulk."""

from __future__ import annotations

import uuid
from typing import Any

import structlog

from membership.clock import SystemClock
from membership.coupons.batches import generate_batch
from membership.coupons.lifecycle import expire_due_coupons
from membership.coupons.reservations import release_expired_reservations
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tenants.sweeps import tenants_due

__all__ = ["expire_coupons", "generate_coupon_batch", "release_coupon_reservations"]

log = structlog.get_logger("membership.worker")


async def expire_coupons(ctx: dict[str, Any]) -> int:
    """Mark issued coupons past their validity EXPIRED; safe to run twice or in two workers."""
    total = 0
    for tenant in await tenants_due("tenants_with_expiring_coupons", at=SystemClock().now()):
        expired = await expire_due_coupons(RequestContext.system(tenant))
        if expired:
            log.info("coupons_expired", tenant=tenant.slug, expired=expired)
        total += expired
    return total


async def generate_coupon_batch(tenant_id: str, payload: dict[str, Any]) -> None:
    """Make a batch's codes (``coupon_batch.created``); resumes a batch a stopped job left."""
    tenant = await get_tenant(uuid.UUID(tenant_id))
    if tenant is None:
        return
    batch = await generate_batch(RequestContext.system(tenant), uuid.UUID(payload["batchId"]))
    log.info("coupon_batch_done", tenant=tenant.slug, batch_id=str(batch.id), codes=batch.generated)


async def release_coupon_reservations(ctx: dict[str, Any]) -> int:
    """Clear reservations that ran out (they stopped holding their coupon the moment they did)."""
    total = 0
    for tenant in await tenants_due("tenants_with_lapsed_reservations", at=SystemClock().now()):
        total += await release_expired_reservations(RequestContext.system(tenant))
    return total
