"""Coupons at the storefront: claiming a campaign's coupon, and holding one during checkout."""

from __future__ import annotations

import strawberry

from membership.coupons import claims, reservations
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.scalars import Long
from schema.types.coupons import (
    ClaimCouponInput,
    Coupon,
    CouponPayload,
    ReleaseCouponInput,
    ReserveCouponInput,
)

__all__ = ["CouponCheckoutMutations"]


@strawberry.type
class CouponCheckoutMutations:
    @strawberry.mutation(
        description="Claim a coupon of the campaign with this public code: the member is "
        "issued one of their own, within the template's limits; a replayed key claims once."
    )
    @returns_errors(CouponPayload)
    async def claim_coupon(self, info: Info, input: ClaimCouponInput) -> CouponPayload:
        result = await claims.claim_coupon(
            info.context.auth,
            code=input.code,
            member_id=parse_id(input.member_id, ["input", "memberId"]),
            idempotency_key=input.idempotency_key,
        )
        return CouponPayload(coupon=Coupon.of(result.coupon))

    @strawberry.mutation(
        description="Hold a coupon for one checkout until ttlSeconds pass, if the member could "
        "redeem it on this amount now; reserving again from the same checkout extends it."
    )
    @returns_errors(CouponPayload)
    async def reserve_coupon(self, info: Info, input: ReserveCouponInput) -> CouponPayload:
        result = await reservations.reserve_coupon(
            info.context.auth,
            code=input.code,
            member_id=parse_id(input.member_id, ["input", "memberId"]),
            amount=int(input.order_amount),
            checkout_id=input.checkout_id,
            ttl_seconds=input.ttl_seconds,
        )
        return CouponPayload(coupon=Coupon.of(result.coupon), discount_amount=Long(result.discount))

    @strawberry.mutation(description="Give up a checkout's hold on a coupon.")
    @returns_errors(CouponPayload)
    async def release_coupon(self, info: Info, input: ReleaseCouponInput) -> CouponPayload:
        row = await reservations.release_coupon(
            info.context.auth, code=input.code, checkout_id=input.checkout_id
        )
        return CouponPayload(coupon=Coupon.of(row))
