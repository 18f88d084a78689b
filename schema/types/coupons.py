"""Coupon types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from membership.coupons.models import Coupon as CouponModel
from membership.coupons.models import CouponTemplate as TemplateModel
from schema.context import Info
from schema.errors import UserError
from schema.scalars import Long
from schema.types.common import PageInfo

if TYPE_CHECKING:
    from schema.types.members import Member

__all__ = [
    "ClaimCouponInput",
    "Coupon",
    "CouponConnection",
    "CouponEdge",
    "CouponKind",
    "CouponPayload",
    "CouponPeriod",
    "CouponStatus",
    "CouponTemplate",
    "CouponTemplatePayload",
    "CouponValidation",
    "CreateCouponTemplateInput",
    "IssueCouponInput",
    "RedeemCouponInput",
    "ReleaseCouponInput",
    "ReserveCouponInput",
    "VoidCouponInput",
]


@strawberry.enum
class CouponKind(Enum):
    AMOUNT_OFF = "AMOUNT_OFF"
    PERCENT_OFF = "PERCENT_OFF"
    GIFT = "GIFT"


@strawberry.enum(description="The period of a per-member, per-period issue limit.")
class CouponPeriod(Enum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


def _long(value: int | None) -> Long | None:
    return None if value is None else Long(value)


@strawberry.type
class CouponTemplate:
    _row: strawberry.Private[TemplateModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def name(self) -> str:
        return self._row.name

    @strawberry.field
    def kind(self) -> CouponKind:
        return CouponKind(self._row.kind)

    @strawberry.field(description="AMOUNT_OFF: minor units off.")
    def amount_off(self) -> Long | None:
        return _long(self._row.amount_off)

    @strawberry.field(description="PERCENT_OFF: 15 = 15% off (85 折).")
    def percent_off(self) -> int | None:
        return self._row.percent_off

    @strawberry.field(description="PERCENT_OFF: the most it takes off, minor units.")
    def max_discount(self) -> Long | None:
        return _long(self._row.max_discount)

    @strawberry.field(description="The order amount needed, minor units.")
    def min_spend(self) -> Long | None:
        return _long(self._row.min_spend)

    @strawberry.field
    def gift_sku(self) -> str | None:
        return self._row.gift_sku

    @strawberry.field(description="Valid this many days from issue (after startDelayDays).")
    def valid_days(self) -> int | None:
        return self._row.valid_days

    @strawberry.field
    def start_delay_days(self) -> int:
        return self._row.start_delay_days

    @strawberry.field
    def valid_from(self) -> datetime | None:
        return self._row.valid_from

    @strawberry.field
    def valid_until(self) -> datetime | None:
        return self._row.valid_until

    @strawberry.field(description="SKUs it applies to; empty: every SKU.")
    def skus(self) -> list[str]:
        return list(self._row.skus)

    @strawberry.field(description="Categories it applies to; empty: every category.")
    def categories(self) -> list[str]:
        return list(self._row.categories)

    @strawberry.field(description="Stores it applies at; empty: every store.")
    def stores(self) -> list[str]:
        return list(self._row.stores)

    @strawberry.field
    def excluded_skus(self) -> list[str]:
        return list(self._row.excluded_skus)

    @strawberry.field
    def excluded_categories(self) -> list[str]:
        return list(self._row.excluded_categories)

    @strawberry.field(description="Coupons of this template one member may be issued.")
    def per_member_limit(self) -> int | None:
        return self._row.per_member_limit

    @strawberry.field(description="Coupons of this template issued in all.")
    def total_limit(self) -> int | None:
        return self._row.total_limit

    @strawberry.field
    def period(self) -> CouponPeriod | None:
        return CouponPeriod(self._row.period) if self._row.period else None

    @strawberry.field(description="Coupons one member may be issued per period.")
    def period_limit(self) -> int | None:
        return self._row.period_limit

    @strawberry.field(description="The most discount all its coupons together may give.")
    def budget(self) -> Long | None:
        return _long(self._row.budget)

    @strawberry.field(description="False: exclusive, the only coupon on its order.")
    def stackable(self) -> bool:
        return self._row.stackable

    @strawberry.field(description="Higher applies first when coupons stack.")
    def priority(self) -> int:
        return self._row.priority

    @strawberry.field(description="Coupons of this template on one order.")
    def max_per_order(self) -> int:
        return self._row.max_per_order

    @strawberry.field(description="Codes of its coupons start with this.")
    def code_prefix(self) -> str:
        return self._row.code_prefix

    @strawberry.field(description="Random characters after the prefix.")
    def code_length(self) -> int:
        return self._row.code_length

    @strawberry.field(description="The public campaign code members claim a coupon with.")
    def public_code(self) -> str | None:
        return self._row.public_code

    @strawberry.field
    def issued_count(self) -> int:
        return self._row.issued_count

    @strawberry.field
    def redeemed_count(self) -> int:
        return self._row.redeemed_count

    @strawberry.field(description="Discount its coupons have given, minor units.")
    def discount_given(self) -> Long:
        return Long(self._row.discount_given)

    @classmethod
    def of(cls, row: TemplateModel) -> CouponTemplate:
        return cls(_row=row)


@strawberry.input
class CreateCouponTemplateInput:
    name: str
    kind: CouponKind
    amount_off: Long | None = strawberry.field(
        default=None, description="AMOUNT_OFF: e.g. 2000 = ¥20 off."
    )
    percent_off: int | None = strawberry.field(
        default=None, description="PERCENT_OFF: 15 = 15% off (i.e. 85 折)."
    )
    max_discount: Long | None = strawberry.field(default=None, description="PERCENT_OFF cap.")
    min_spend: Long | None = strawberry.field(
        default=None, description="Order amount needed (满 X 减 Y)."
    )
    gift_sku: str | None = strawberry.field(default=None, description="GIFT: the item.")
    valid_days: int | None = strawberry.field(
        default=None, description="Valid N days from issue, or"
    )
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    per_member_limit: int | None = strawberry.field(
        default=None, description="Issued coupons of this template per member."
    )
    total_limit: int | None = strawberry.field(
        default=None, description="Issued coupons of this template in all."
    )
    start_delay_days: int | None = strawberry.field(
        default=None, description="With validDays: the coupon starts this many days after issue."
    )
    skus: list[str] | None = None
    categories: list[str] | None = None
    stores: list[str] | None = None
    excluded_skus: list[str] | None = None
    excluded_categories: list[str] | None = None
    period: CouponPeriod | None = None
    period_limit: int | None = strawberry.field(
        default=None, description="With period: coupons one member may be issued per period."
    )
    budget: Long | None = None
    stackable: bool = False
    priority: int = 0
    max_per_order: int = 1
    code_prefix: str = strawberry.field(
        default="", description="Up to 10 letters and digits every code starts with."
    )
    code_length: int = strawberry.field(
        default=12, description="8 to 32 random characters after the prefix."
    )
    public_code: str | None = strawberry.field(
        default=None,
        description="A campaign code (4 to 32 letters and digits) members claim a coupon with.",
    )


@strawberry.type
class CouponTemplatePayload:
    template: CouponTemplate | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.enum
class CouponStatus(Enum):
    ISSUED = "ISSUED"
    REDEEMED = "REDEEMED"
    EXPIRED = "EXPIRED"
    VOIDED = "VOIDED"


@strawberry.type
class Coupon:
    _row: strawberry.Private[CouponModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def code(self) -> str:
        return self._row.code

    @strawberry.field(description="EXPIRED once its validity has passed, even before the job.")
    def status(self, info: Info) -> CouponStatus:
        if self._row.status == "ISSUED" and self._row.valid_until <= info.context.auth.clock.now():
            return CouponStatus.EXPIRED
        return CouponStatus(self._row.status)

    @strawberry.field
    async def template(self, info: Info) -> CouponTemplate:
        row = await info.context.coupon_template_loader.load(self._row.template_id)
        return CouponTemplate.of(row)

    @strawberry.field
    async def member(
        self, info: Info
    ) -> Annotated[Member, strawberry.lazy("schema.types.members")] | None:
        from schema.types.members import Member

        if self._row.member_id is None:
            return None
        row = await info.context.member_loader.load(self._row.member_id)
        return Member.of(row) if row else None

    @strawberry.field
    def valid_from(self) -> datetime:
        return self._row.valid_from

    @strawberry.field
    def valid_until(self) -> datetime:
        return self._row.valid_until

    @strawberry.field
    def issued_at(self) -> datetime:
        return self._row.issued_at

    @strawberry.field
    def redeemed_at(self) -> datetime | None:
        return self._row.redeemed_at

    @strawberry.field(description="The checkout holding the coupon now; null when none is.")
    def reserved_for(self, info: Info) -> str | None:
        return self._row.reserved_for if self._held(info) else None

    @strawberry.field(description="Until when that checkout holds it.")
    def reserved_until(self, info: Info) -> datetime | None:
        return self._row.reserved_until if self._held(info) else None

    def _held(self, info: Info) -> bool:
        until = self._row.reserved_until
        return until is not None and until > info.context.auth.clock.now()

    @classmethod
    def of(cls, row: CouponModel) -> Coupon:
        return cls(_row=row)


@strawberry.type
class CouponEdge:
    node: Coupon
    cursor: str


@strawberry.type
class CouponConnection:
    edges: list[CouponEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class IssueCouponInput:
    template_id: strawberry.ID
    member_id: strawberry.ID
    idempotency_key: str


@strawberry.type
class CouponPayload:
    coupon: Coupon | None = None
    discount_amount: Long | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="Whether a coupon can be used now, and every reason it cannot.")
class CouponValidation:
    valid: bool
    discount_amount: Long
    errors: list[UserError]


@strawberry.input
class RedeemCouponInput:
    code: str
    member_id: strawberry.ID
    order_amount: Long
    idempotency_key: str
    checkout_id: str | None = strawberry.field(
        default=None, description="The checkout that reserved the coupon, if one did."
    )


@strawberry.input
class VoidCouponInput:
    code: str
    reason: str


@strawberry.input
class ClaimCouponInput:
    code: str = strawberry.field(description="The campaign's public code.")
    member_id: strawberry.ID
    idempotency_key: str


@strawberry.input
class ReserveCouponInput:
    code: str
    member_id: strawberry.ID
    order_amount: Long
    checkout_id: str = strawberry.field(
        description="The order number the order will be recorded with (or the cart's id)."
    )
    ttl_seconds: int = strawberry.field(default=900, description="30 to 86,400 seconds.")


@strawberry.input
class ReleaseCouponInput:
    code: str
    checkout_id: str
