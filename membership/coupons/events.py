"""Events of coupons: issued to a member, redeemed, voided, and batches of codes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from membership.coupons.models import Coupon
from membership.outbox import DomainEvent, event_type

__all__ = [
    "CouponBatchCreated",
    "CouponIssued",
    "CouponRedeemed",
    "CouponVoided",
    "coupon_issued",
    "coupon_redeemed",
]


@event_type("coupon.issued")
@dataclass(frozen=True)
class CouponIssued(DomainEvent):
    """A coupon was issued to a member (by staff, an API call, a campaign code or a reward).
    Codes made in bulk belong to no member until redeemed and have no event of their own: their
    batch has ``coupon_batch.created``."""

    member_id: Annotated[uuid.UUID, "the member"]
    coupon_id: Annotated[uuid.UUID, "the coupon"]
    code: Annotated[str, "its code"]
    template_id: Annotated[uuid.UUID, "its template"]
    valid_from: Annotated[str, "when it can first be used (ISO 8601)"]
    valid_until: Annotated[str, "when it stops being usable (ISO 8601)"]


@event_type("coupon.redeemed")
@dataclass(frozen=True)
class CouponRedeemed(DomainEvent):
    """A coupon was redeemed, on its own or as part of an order."""

    member_id: Annotated[uuid.UUID, "the member who redeemed it"]
    coupon_id: Annotated[uuid.UUID, "the coupon"]
    code: Annotated[str, "its code"]
    template_id: Annotated[uuid.UUID, "its template"]
    discount_amount: Annotated[int, "the discount it gave, in minor units"]
    order_id: Annotated[uuid.UUID | None, "the order it was used on, if any"]


@event_type("coupon.voided")
@dataclass(frozen=True)
class CouponVoided(DomainEvent):
    """A coupon was voided and can no longer be used."""

    member_id: Annotated[uuid.UUID | None, "the member it belonged to"]
    coupon_id: Annotated[uuid.UUID, "the coupon"]
    code: Annotated[str, "its code"]
    template_id: Annotated[uuid.UUID, "its template"]


@event_type("coupon_batch.created")
@dataclass(frozen=True)
class CouponBatchCreated(DomainEvent):
    """A batch of codes was requested; the worker makes them in chunks."""

    batch_id: Annotated[uuid.UUID, "the batch"]
    template_id: Annotated[uuid.UUID, "the template"]
    quantity: Annotated[int, "how many codes"]


def coupon_issued(coupon: Coupon) -> CouponIssued:
    assert coupon.member_id is not None
    return CouponIssued(
        member_id=coupon.member_id,
        coupon_id=coupon.id,
        code=coupon.code,
        template_id=coupon.template_id,
        valid_from=coupon.valid_from.isoformat(),
        valid_until=coupon.valid_until.isoformat(),
    )


def coupon_redeemed(coupon: Coupon) -> CouponRedeemed:
    assert coupon.member_id is not None
    return CouponRedeemed(
        member_id=coupon.member_id,
        coupon_id=coupon.id,
        code=coupon.code,
        template_id=coupon.template_id,
        discount_amount=coupon.discount_amount or 0,
        order_id=coupon.order_id,
    )
