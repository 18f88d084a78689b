"""Events of orders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from membership.orders.models import Order
from membership.outbox import DomainEvent, event_type

__all__ = ["OrderRecorded", "OrderRefunded", "order_recorded"]


@event_type("order.recorded")
@dataclass(frozen=True)
class OrderRecorded(DomainEvent):
    """An order was recorded for a member, with what it earned and spent."""

    member_id: Annotated[uuid.UUID, "the member"]
    order_id: Annotated[uuid.UUID, "the order"]
    external_id: Annotated[str, "the merchant's order number"]
    amount: Annotated[int, "what was paid, in minor units (fen)"]
    discount_amount: Annotated[int, "coupon discounts, in minor units"]
    points_earned: Annotated[int, "points the order earns (pending during a return window)"]
    points_spent: Annotated[int, "points used as payment"]
    store_code: Annotated[str | None, "the store"]


@event_type("order.refunded")
@dataclass(frozen=True)
class OrderRefunded(DomainEvent):
    """Part or all of an order was refunded; points earned on it were taken back in proportion."""

    member_id: Annotated[uuid.UUID, "the member"]
    order_id: Annotated[uuid.UUID, "the order"]
    external_id: Annotated[str, "the merchant's order number"]
    amount: Annotated[int, "this refund, in minor units"]
    refunded_amount: Annotated[int, "everything refunded on the order so far"]
    points_reversed: Annotated[int, "earned points taken back by this refund"]
    points_returned: Annotated[int, "spent points given back by this refund"]
    full: Annotated[bool, "whether the order is now refunded in full"]


def order_recorded(order: Order) -> OrderRecorded:
    return OrderRecorded(
        member_id=order.member_id,
        order_id=order.id,
        external_id=order.external_id,
        amount=order.amount,
        discount_amount=order.discount_amount,
        points_earned=order.points_earned,
        points_spent=order.points_spent,
        store_code=order.store_code,
    )
