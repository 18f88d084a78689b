"""Holding a coupon for one checkout while the customer pays.

A storefront reserves the coupon when the customer applies it at checkout, naming the checkout
(``checkoutId``: the order number it will record the order with). Until the reservation runs
out, only that checkout can use the coupon: ``recordOrder`` with that ``externalId``, or
``redeemCoupon`` / ``validateCoupon`` with that ``checkoutId``; everyone else is told it is held.
Reserving again from the same checkout extends the hold, so a retried request is harmless.

A reservation runs out by itself: the moment ``reservedUntil`` passes, the coupon is free again
for everyone (no job has to run first). The ``release_coupon_reservations`` job then clears the
stale hold from the row. A reservation holds the coupon, not its template's budget.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from membership.coupons.codes import normalize
from membership.coupons.models import Coupon, CouponTemplate
from membership.coupons.redeem import check
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.members.models import Member
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "DEFAULT_TTL",
    "Reservation",
    "release_coupon",
    "release_expired_reservations",
    "reserve_coupon",
]

DEFAULT_TTL = 900  # seconds: a quarter of an hour to pay
MAX_TTL = 86_400
MAX_AMOUNT = 2**53 - 1


@dataclass(frozen=True)
class Reservation:
    coupon: Coupon
    discount: int


def _invalid(template: str, name: str, **params: object) -> DomainError:
    return DomainError(ErrorCode.INVALID, template, ["input", name], **params)


def _check_request(amount: int, checkout_id: str, ttl_seconds: int) -> None:
    errors = []
    if not 0 < amount <= MAX_AMOUNT:
        errors.append(_invalid("The order amount must be positive.", "orderAmount"))
    if not 1 <= len(checkout_id.strip()) <= 100:
        errors.append(_invalid("A checkout id has 1 to 100 characters.", "checkoutId"))
    if not 30 <= ttl_seconds <= MAX_TTL:
        errors.append(
            _invalid(
                "A reservation lasts {low} to {high} seconds.",
                "ttlSeconds",
                low=30,
                high=MAX_TTL,
            )
        )
    if errors:
        raise DomainErrors(errors)


async def _locked(code: str) -> Coupon:
    coupon = await Coupon.filter(code=normalize(code)).select_for_update().first()
    if coupon is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such coupon in this tenant.", ["input", "code"])
    return coupon


async def reserve_coupon(
    ctx: RequestContext,
    *,
    code: str,
    member_id: uuid.UUID,
    amount: int,
    checkout_id: str,
    ttl_seconds: int = DEFAULT_TTL,
) -> Reservation:
    """Hold the coupon for ``checkout_id`` for ``ttl_seconds``, if the member could redeem it
    on ``amount`` now; refused with every reason otherwise."""
    ctx.require_unless_own(Permission.COUPONS_WRITE, member_id)
    _check_request(amount, checkout_id, ttl_seconds)
    checkout_id = checkout_id.strip()
    async with tenant_tx(ctx):
        if not await Member.filter(id=member_id, merged_into_id=None).exists():
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
            )
        coupon = await _locked(code)
        template = await CouponTemplate.get(id=coupon.template_id)
        now = ctx.clock.now()
        result = check(
            coupon,
            template,
            member_id=member_id,
            amount=amount,
            now=now,
            currency=ctx.tenant.currency,
            checkout_id=checkout_id,
        )
        if not result.valid:
            raise DomainErrors(
                [
                    DomainError(r.code, r.template, ["input", *(r.field or [])], **r.params)
                    for r in result.reasons
                ]
            )
        coupon.reserved_for = checkout_id
        coupon.reserved_until = now + timedelta(seconds=ttl_seconds)
        await coupon.save(update_fields=["reserved_for", "reserved_until"])
    return Reservation(coupon, result.discount)


async def release_coupon(ctx: RequestContext, *, code: str, checkout_id: str) -> Coupon:
    """Give up ``checkout_id``'s hold on the coupon (the customer removed it, or left)."""
    if ctx.member_id is None:
        ctx.require(Permission.COUPONS_WRITE)
    async with tenant_tx(ctx):
        coupon = await _locked(code)
        ctx.require_unless_own(Permission.COUPONS_WRITE, coupon.member_id)
        now = ctx.clock.now()
        held = coupon.reserved_until is not None and coupon.reserved_until > now
        if held and coupon.reserved_for != checkout_id.strip():
            raise DomainError(
                ErrorCode.COUPON_NOT_APPLICABLE,
                "This coupon is held by another checkout.",
                ["input", "checkoutId"],
            )
        if coupon.reserved_for is not None:
            coupon.reserved_for = None
            coupon.reserved_until = None
            await coupon.save(update_fields=["reserved_for", "reserved_until"])
    return coupon


async def release_expired_reservations(ctx: RequestContext, batch: int = 10_000) -> int:
    """Clear the tenant's reservations that have run out; returns how many. Safe to run twice at
    once (each row is cleared by one of them)."""
    now = ctx.clock.now()
    released = 0
    while True:
        async with tenant_tx(ctx) as conn:
            count, _ = await conn.execute_query(
                "UPDATE coupons SET reserved_for = NULL, reserved_until = NULL WHERE id = ANY(ARRAY("
                "SELECT id FROM coupons WHERE reserved_until <= $1 LIMIT $2 "
                "FOR UPDATE SKIP LOCKED))",
                [now, batch],
            )
        released += count
        if count < batch:
            return released
