"""The end of a coupon's life: voided by staff or a server, or expired by the daily job."""

from __future__ import annotations

from tortoise.expressions import F

from membership.coupons.codes import normalize
from membership.coupons.events import CouponVoided
from membership.coupons.models import Coupon, CouponTemplate
from membership.errors import DomainError, ErrorCode
from membership.outbox import emit
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["expire_due_coupons", "void_coupon", "void_locked"]


async def void_coupon(ctx: RequestContext, *, code: str, reason: str) -> Coupon:
    """Void an issued coupon (mis-issued, fraud); a redeemed one must be refunded instead."""
    ctx.require(Permission.COUPONS_WRITE)
    if not 1 <= len(reason.strip()) <= 200:
        raise DomainError(
            ErrorCode.INVALID, "Give a reason of 1 to 200 characters.", ["input", "reason"]
        )
    async with tenant_tx(ctx):
        coupon = await Coupon.filter(code=normalize(code)).select_for_update().first()
        if coupon is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such coupon in this tenant.", ["input", "code"]
            )
        if coupon.status == "REDEEMED":
            raise DomainError(
                ErrorCode.COUPON_ALREADY_REDEEMED,
                "This coupon has been redeemed already.",
                ["input", "code"],
            )
        if coupon.status != "VOIDED":
            before = coupon.status
            await void_locked(ctx, coupon)
            await audit.record(
                ctx,
                "coupon.void",
                "coupon",
                coupon.id,
                before={"status": before},
                after={"status": "VOIDED", "reason": reason.strip()},
            )
    return coupon


async def void_locked(ctx: RequestContext, coupon: Coupon) -> None:
    """Void an unused coupon whose row the caller locked: it gives its place in the template's
    limits back (``issuedCount``, and the member's per-member and per-period counts)."""
    coupon.status = "VOIDED"
    coupon.reserved_for = None
    coupon.reserved_until = None
    await coupon.save(update_fields=["status", "reserved_for", "reserved_until"])
    await CouponTemplate.filter(id=coupon.template_id).update(issued_count=F("issued_count") - 1)
    await emit(
        ctx,
        CouponVoided(
            member_id=coupon.member_id,
            coupon_id=coupon.id,
            code=coupon.code,
            template_id=coupon.template_id,
        ),
    )


async def expire_due_coupons(ctx: RequestContext, batch: int = 10_000) -> int:
    """Mark the tenant's issued coupons whose validity has passed EXPIRED; returns how many.

    One UPDATE per batch: two jobs at once expire each coupon once (the second finds it
    EXPIRED already).
    """
    now = ctx.clock.now()
    expired = 0
    while True:
        async with tenant_tx(ctx) as conn:
            count, _ = await conn.execute_query(
                # = ANY(ARRAY(...)): the sub-select runs once; as IN (...) the planner may run it
                # again for every row and take far more than the batch
                "UPDATE coupons SET status = 'EXPIRED' WHERE id = ANY(ARRAY(SELECT id FROM coupons "
                "WHERE status = 'ISSUED' AND valid_until <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED))",
                [now, batch],
            )
        expired += count
        if count < batch:
            return expired
