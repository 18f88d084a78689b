"""Orders: look up, list, preview, record, refund."""

from __future__ import annotations

import strawberry

from membership.cursors import encode_cursor
from membership.earning.rules import RuleDraft
from membership.orders import service as orders
from resolvers.conventions import named_member, parse_id, returns_errors
from schema.context import Info
from schema.types.common import page_info
from schema.types.earning import OrderPreview, OrderPreviewPayload, PreviewOrderInput
from schema.types.orders import (
    Order,
    OrderConnection,
    OrderEdge,
    OrderFilter,
    OrderItemInput,
    OrderPayload,
    RecordOrderInput,
    RefundOrderInput,
)

__all__ = ["OrderMutations", "OrderQueries"]


def _items(items: list[OrderItemInput] | None) -> list[orders.OrderItem]:
    return [
        orders.OrderItem(
            sku=i.sku, quantity=i.quantity, unit_price=int(i.unit_price), category=i.category
        )
        for i in items or []
    ]


def _filter(value: OrderFilter | None) -> orders.OrderFilter:
    if value is None:
        return orders.OrderFilter()
    return orders.OrderFilter(
        member_id=parse_id(value.member_id, ["filter", "memberId"]) if value.member_id else None,
        status=value.status,
        store_code=value.store_code,
        search=value.search,
    )


@strawberry.type
class OrderQueries:
    @strawberry.field(description="An order of this tenant by the merchant's order number.")
    async def order(self, info: Info, external_id: str) -> Order | None:
        row = await orders.get_order(info.context.auth, external_id)
        return Order.of(row) if row else None

    @strawberry.field(description="The tenant's orders, newest first.")
    async def orders(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: OrderFilter | None = None,
    ) -> OrderConnection:
        page = await orders.list_orders(
            info.context.auth, first=first, after=after, filter=_filter(filter)
        )
        edges = [
            OrderEdge(node=Order.of(row), cursor=encode_cursor(row.created_at, row.id))
            for row in page.rows
        ]
        return OrderConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        description="Record an order; its points are earned in the same "
        "transaction. Recording an order number twice records it once."
    )
    @returns_errors(OrderPayload)
    async def record_order(self, info: Info, input: RecordOrderInput) -> OrderPayload:
        member_id = await named_member(
            info.context.auth, input.member_id, input.member_phone, input.member_identity
        )
        request = orders.OrderRequest(
            external_id=input.external_id,
            member_id=member_id,
            amount=int(input.amount),
            items=_items(input.items),
            store_code=input.store_code,
            paid_at=input.paid_at,
            points_to_spend=int(input.points_to_spend or 0),
            coupon_codes=list(input.coupon_codes or []),
        )
        result = await orders.record_order(info.context.auth, request)
        if not result.replayed:
            # the member as the order left it, in its transaction: Order.member needs no query
            info.context.member_loader.prime(result.member.id, result.member)
        return OrderPayload(order=Order.of(result.order))

    @strawberry.mutation(
        description="What an order would earn and which rules would apply; records nothing."
    )
    @returns_errors(OrderPreviewPayload)
    async def preview_order(self, info: Info, input: PreviewOrderInput) -> OrderPreviewPayload:
        request = orders.PreviewRequest(
            amount=int(input.amount),
            member_id=parse_id(input.member_id, ["input", "memberId"]) if input.member_id else None,
            tier_id=parse_id(input.tier_id, ["input", "tierId"]) if input.tier_id else None,
            items=_items(input.items),
            store_code=input.store_code,
            paid_at=input.paid_at,
            points_to_spend=int(input.points_to_spend or 0),
            rules=None
            if input.rules is None
            else [RuleDraft(r.name, r.kind, r.params, r.priority, r.enabled) for r in input.rules],
            coupon_codes=list(input.coupon_codes or []),
        )
        preview = await orders.preview_order(info.context.auth, request)
        return OrderPreviewPayload(preview=OrderPreview.of(preview, info.context.language))

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
