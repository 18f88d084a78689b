"""Types of the coupon tools in the admin: a template's preview, and codes made in bulk."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from membership.coupons.models import CouponBatch as BatchModel
from schema.context import Info
from schema.errors import UserError
from schema.scalars import Long
from schema.types.coupons import CouponPeriod, CouponTemplate, CreateCouponTemplateInput
from schema.types.orders import OrderItemInput

__all__ = [
    "CouponBatch",
    "CouponBatchPayload",
    "CouponBatchStatus",
    "CouponPreviewLine",
    "CouponRedemptionDay",
    "CouponTemplatePreview",
    "CouponTemplatePreviewPayload",
    "GenerateCouponCodesInput",
    "PreviewCouponTemplateInput",
    "UpdateCouponTemplateInput",
]


@strawberry.input(description="A draft template and a sample order to try it on.")
class PreviewCouponTemplateInput:
    template: CreateCouponTemplateInput
    amount: Long = strawberry.field(description="The sample order's amount, minor units.")
    items: list[OrderItemInput] | None = None
    store_code: str | None = None


@strawberry.type
class CouponPreviewLine:
    sku: str | None
    category: str | None
    amount: Long
    discount: Long
    eligible: bool = strawberry.field(description="In the coupon's scope.")


@strawberry.type
class CouponTemplatePreview:
    discount_amount: Long
    eligible_amount: Long = strawberry.field(
        description="What the sample order has in the coupon's scope (minimum spend counts this)."
    )
    payable_amount: Long
    lines: list[CouponPreviewLine]
    reasons: list[UserError] = strawberry.field(
        description="Why a coupon of the template would be refused on the sample order."
    )


@strawberry.type
class CouponTemplatePreviewPayload:
    preview: CouponTemplatePreview | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.enum
class CouponBatchStatus(Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


@strawberry.type(description="Codes of a template generated in bulk by a background job.")
class CouponBatch:
    _row: strawberry.Private[BatchModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    async def template(self, info: Info) -> CouponTemplate:
        return CouponTemplate.of(
            await info.context.coupon_template_loader.load(self._row.template_id)
        )

    @strawberry.field
    def quantity(self) -> int:
        return self._row.quantity

    @strawberry.field(description="Codes made so far.")
    def generated(self) -> int:
        return self._row.generated

    @strawberry.field
    def status(self) -> CouponBatchStatus:
        return CouponBatchStatus(self._row.status)

    @strawberry.field
    def error(self) -> str | None:
        return self._row.error

    @strawberry.field
    def created_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field
    def started_at(self) -> datetime | None:
        return self._row.started_at

    @strawberry.field
    def finished_at(self) -> datetime | None:
        return self._row.finished_at

    @strawberry.field(
        description="Where the codes are downloaded as CSV (GET with the same Authorization "
        "header), once the batch is DONE."
    )
    def download_url(self) -> str | None:
        return f"/coupon-batches/{self._row.id}/codes.csv" if self._row.status == "DONE" else None

    @classmethod
    def of(cls, row: BatchModel) -> CouponBatch:
        return cls(_row=row)


@strawberry.input
class GenerateCouponCodesInput:
    template_id: strawberry.ID
    quantity: int = strawberry.field(description="1 to 1,000,000 codes.")
    idempotency_key: str


@strawberry.type
class CouponBatchPayload:
    batch: CouponBatch | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


_UNSET: Any = strawberry.UNSET


@strawberry.input(
    description="The fields to change; a field left out stays, null clears an optional one. "
    "What a coupon is worth (amounts, minimum spend, gift, scopes) changes only while none has "
    "been issued."
)
class UpdateCouponTemplateInput:
    name: str | None = _UNSET
    amount_off: Long | None = _UNSET
    percent_off: int | None = _UNSET
    max_discount: Long | None = _UNSET
    min_spend: Long | None = _UNSET
    gift_sku: str | None = _UNSET
    skus: list[str] | None = _UNSET
    categories: list[str] | None = _UNSET
    stores: list[str] | None = _UNSET
    excluded_skus: list[str] | None = _UNSET
    excluded_categories: list[str] | None = _UNSET
    valid_days: int | None = _UNSET
    start_delay_days: int | None = _UNSET
    valid_from: datetime | None = _UNSET
    valid_until: datetime | None = _UNSET
    per_member_limit: int | None = _UNSET
    total_limit: int | None = _UNSET
    period: CouponPeriod | None = _UNSET
    period_limit: int | None = _UNSET
    budget: Long | None = _UNSET
    stackable: bool | None = _UNSET
    priority: int | None = _UNSET
    max_per_order: int | None = _UNSET
    code_prefix: str | None = _UNSET
    code_length: int | None = _UNSET
    public_code: str | None = _UNSET


@strawberry.type(description="A day of a template's redemptions, in the tenant's time zone.")
class CouponRedemptionDay:
    date: date
    redeemed: int
    discount_amount: Long
