"""Order types."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from membership.earning.engine import AppliedRule
from membership.orders.models import Order as OrderModel
from schema.context import Info
from schema.errors import UserError
from schema.scalars import JSON, Long
from schema.types.common import PageInfo
from schema.types.messaging import IdentityInput

if TYPE_CHECKING:
    from schema.types.members import Member

__all__ = [
    "AppliedEarningRule",
    "Order",
    "OrderConnection",
    "OrderEdge",
    "OrderFilter",
    "OrderItemInput",
    "OrderLine",
    "OrderPayload",
    "RecordOrderInput",
    "RefundOrderInput",
]


@strawberry.type(description="A rule that changed an order's points, and what it did.")
class AppliedEarningRule:
    rule_id: strawberry.ID | None = strawberry.field(description="Null for built-in rules.")
    name: str
    kind: str
    detail: JSON

    @classmethod
    def of(cls, applied: AppliedRule) -> AppliedEarningRule:
        return cls(
            rule_id=strawberry.ID(str(applied.rule_id)) if applied.rule_id else None,
            name=applied.name,
            kind=applied.kind,
            detail=JSON(dict(applied.detail)),
        )

    @classmethod
    def recorded(cls, entry: dict[str, Any]) -> AppliedEarningRule:
        detail = {k: v for k, v in entry.items() if k not in ("ruleId", "name", "kind")}
        rule_id = entry.get("ruleId")
        return cls(
            rule_id=strawberry.ID(rule_id) if rule_id else None,
            name=str(entry.get("name", entry["kind"])),
            kind=entry["kind"],
            detail=JSON(detail),
        )


@strawberry.type
class OrderLine:
    sku: str
    category: str | None
    quantity: int
    unit_price: Long


@strawberry.type
class Order:
    _row: strawberry.Private[OrderModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field(description="The merchant's order number.")
    def external_id(self) -> str:
        return self._row.external_id

    @strawberry.field(description="Paid amount before coupon discount and points, minor units.")
    def amount(self) -> Long:
        return Long(self._row.amount)

    @strawberry.field(description="From coupons.")
    def discount_amount(self) -> Long:
        return Long(self._row.discount_amount)

    @strawberry.field
    def points_spent(self) -> Long:
        return Long(self._row.points_spent)

    @strawberry.field
    def points_earned(self) -> Long:
        return Long(self._row.points_earned)

    @strawberry.field(description="Money refunded so far, minor units.")
    def refunded_amount(self) -> Long:
        return Long(self._row.refunded_amount)

    @strawberry.field(description="COMPLETED, PARTIALLY_REFUNDED or REFUNDED.")
    def status(self) -> str:
        return self._row.status

    @strawberry.field
    def store_code(self) -> str | None:
        return self._row.store_code

    @strawberry.field(description="Why the order earned what it earned: the rules that applied.")
    def earning(self) -> JSON:
        return JSON(self._row.earning)

    @strawberry.field(description="The rules that applied when the order was recorded, in order.")
    def applied_rules(self) -> list[AppliedEarningRule]:
        return [AppliedEarningRule.recorded(e) for e in self._row.earning.get("rules", [])]

    @strawberry.field
    def items(self) -> list[OrderLine]:
        return [
            OrderLine(
                sku=i["sku"],
                category=i.get("category"),
                quantity=i["quantity"],
                unit_price=Long(i["unitPrice"]),
            )
            for i in self._row.items
        ]

    @strawberry.field
    def points_returned(self) -> Long:
        return Long(self._row.points_returned)

    @strawberry.field
    def points_reversed(self) -> Long:
        return Long(self._row.points_reversed)

    @strawberry.field
    def paid_at(self) -> datetime:
        return self._row.paid_at

    @strawberry.field
    def created_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field
    async def member(
        self, info: Info
    ) -> Annotated[Member, strawberry.lazy("schema.types.members")]:
        from schema.types.members import Member

        row = await info.context.member_loader.load(self._row.member_id)
        assert row is not None  # orders reference their member by foreign key
        return Member.of(row)

    @classmethod
    def of(cls, row: OrderModel) -> Order:
        return cls(_row=row)


@strawberry.type
class OrderEdge:
    node: Order
    cursor: str


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class OrderFilter:
    member_id: strawberry.ID | None = None
    status: str | None = strawberry.field(
        default=None, description="COMPLETED, PARTIALLY_REFUNDED or REFUNDED."
    )
    store_code: str | None = None
    search: str | None = strawberry.field(
        default=None, description="The start of the merchant's order number."
    )


@strawberry.input
class OrderItemInput:
    sku: str
    quantity: int
    unit_price: Long
    category: str | None = None


@strawberry.input
class RecordOrderInput:
    external_id: str = strawberry.field(
        description="The merchant's order number: recording it twice records it once."
    )
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Or name the member by memberPhone or memberIdentity."
    )
    member_phone: str | None = None
    member_identity: IdentityInput | None = None
    amount: Long = strawberry.field(
        description="Paid amount before coupon discount and points deduction, minor units."
    )
    items: list[OrderItemInput] | None = None
    store_code: str | None = None
    paid_at: datetime | None = None
    coupon_codes: list[str] | None = strawberry.field(
        default=None, description="Redeemed atomically with the order."
    )
    points_to_spend: Long | None = strawberry.field(
        default=None, description="Points used as payment, atomically with the order."
    )


@strawberry.input
class RefundOrderInput:
    external_id: str
    amount: Long | None = strawberry.field(default=None, description="No amount: full refund.")
    idempotency_key: str


@strawberry.type
class OrderPayload:
    order: Order | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
