"""Orders: look up, record, refund."""

from __future__ import annotations

import strawberry

from membership.orders import service as orders
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.orders import Order, OrderPayload, RecordOrderInput, RefundOrderInput

__all__ = ["OrderMutations", "OrderQueries"]


@strawberry.type
class OrderQueries:
    @strawberry.field(description="An order of this tenant by the merchant's order number.")
    async def order(self, info: Info, external_id: str) -> Order | None:
        row = await orders.get_order(info.context.auth, external_id)
        return Order.of(row) if row else None


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        description="Record an order; its points are earned in the same "
        "transaction. Recording an order number twice records it once."
    )
    @returns_errors(OrderPayload)
    async def record_order(self, info: Info, input: RecordOrderInput) -> OrderPayload:
        request = orders.OrderRequest(
            external_id=input.external_id,
            member_id=parse_id(input.member_id, ["input", "memberId"]),
            amount=int(input.amount),
            items=[
                orders.OrderItem(
                    sku=i.sku,
                    quantity=i.quantity,
                    unit_price=int(i.unit_price),
                    category=i.category,
                )
                for i in input.items or []
            ],
            store_code=input.store_code,
            paid_at=input.paid_at,
            points_to_spend=int(input.points_to_spend or 0),
        )
        result = await orders.record_order(info.context.auth, request)
        return OrderPayload(order=Order.of(result.order))

    @strawberry.mutation(description="Refund all or part of an order; points follow the money.")
    @returns_errors(OrderPayload)
    async def refund_order(self, info: Info, input: RefundOrderInput) -> OrderPayload:
        result = await orders.refund_order(
            info.context.auth,
            external_id=input.external_id,
            amount=int(input.amount) if input.amount is not None else None,
            idempotency_key=input.idempotency_key,
        )
        return OrderPayload(order=Order.of(result.order))
