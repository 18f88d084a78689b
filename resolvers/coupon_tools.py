"""The coupon tools of the admin: a template's live preview, and codes generated in bulk."""

from __future__ import annotations

from typing import Any

import strawberry

from membership.coupons import activity, batches, editing, preview
from membership.coupons.stacking import Line
from resolvers.conventions import parse_id, returns_errors
from resolvers.coupons import template_draft
from schema.context import Info
from schema.errors import user_errors
from schema.scalars import Long
from schema.types.coupon_tools import (
    CouponBatch,
    CouponBatchPayload,
    CouponPreviewLine,
    CouponRedemptionDay,
    CouponTemplatePreview,
    CouponTemplatePreviewPayload,
    GenerateCouponCodesInput,
    PreviewCouponTemplateInput,
    UpdateCouponTemplateInput,
)
from schema.types.coupons import CouponTemplate, CouponTemplatePayload

__all__ = ["CouponToolMutations", "CouponToolQueries"]

_LISTS = ("skus", "categories", "stores", "excluded_skus", "excluded_categories")
_REQUIRED = ("stackable", "priority", "max_per_order", "code_prefix", "code_length", "name")


def _changes(input: UpdateCouponTemplateInput) -> dict[str, Any]:
    """The fields given, as the service names them (a null list is an empty one)."""
    changes: dict[str, Any] = {}
    for name, value in vars(input).items():
        if value is strawberry.UNSET:
            continue
        if name in _LISTS:
            value = value or []
        elif name == "period":
            value = value.value if value is not None else None
        elif value is not None and name in ("amount_off", "max_discount", "min_spend", "budget"):
            value = int(value)
        elif value is None and name in _REQUIRED:
            continue  # not optional: null leaves it as it is
        changes[name] = value
    return changes


@strawberry.type
class CouponToolQueries:
    @strawberry.field(description="A template's batches of bulk codes, newest first.")
    async def coupon_batches(self, info: Info, template_id: strawberry.ID) -> list[CouponBatch]:
        rows = await batches.list_batches(info.context.auth, parse_id(template_id, ["templateId"]))
        return [CouponBatch.of(row) for row in rows]

    @strawberry.field(
        description="A template's redemptions and discount per day over the last `days` days "
        "(today included, tenant time zone), oldest first."
    )
    async def coupon_redemptions_by_day(
        self, info: Info, template_id: strawberry.ID, days: int = 30
    ) -> list[CouponRedemptionDay]:
        rows = await activity.redemptions_by_day(
            info.context.auth, parse_id(template_id, ["templateId"]), days
        )
        return [
            CouponRedemptionDay(date=r.day, redeemed=r.redeemed, discount_amount=Long(r.discount))
            for r in rows
        ]

    @strawberry.field(description="A batch of bulk codes and its progress; null when not found.")
    async def coupon_batch(self, info: Info, id: strawberry.ID) -> CouponBatch | None:
        row = await batches.get_batch(info.context.auth, parse_id(id, ["id"]))
        return CouponBatch.of(row) if row else None


@strawberry.type
class CouponToolMutations:
    @strawberry.mutation(
        description="The discount a coupon of a draft template gives on a sample order, and "
        "why it would be refused; saves nothing."
    )
    @returns_errors(CouponTemplatePreviewPayload)
    async def preview_coupon_template(
        self, info: Info, input: PreviewCouponTemplateInput
    ) -> CouponTemplatePreviewPayload:
        result = preview.preview_template(
            info.context.auth,
            template_draft(input.template),
            amount=int(input.amount),
            lines=[
                Line(i.sku, i.category, i.quantity * int(i.unit_price)) for i in input.items or []
            ],
            store=input.store_code,
        )
        language = info.context.language
        return CouponTemplatePreviewPayload(
            preview=CouponTemplatePreview(
                discount_amount=Long(result.discount),
                eligible_amount=Long(result.eligible_amount),
                payable_amount=Long(result.payable),
                lines=[
                    CouponPreviewLine(
                        sku=line.sku,
                        category=line.category,
                        amount=Long(line.amount),
                        discount=Long(line.discount),
                        eligible=line.eligible,
                    )
                    for line in result.lines
                ],
                reasons=[e for r in result.reasons for e in user_errors(r, language)],
            )
        )

    @strawberry.mutation(
        description="Generate up to a million codes of a template in the background; follow "
        "couponBatch for progress. A replayed key generates once."
    )
    @returns_errors(CouponBatchPayload)
    async def generate_coupon_codes(
        self, info: Info, input: GenerateCouponCodesInput
    ) -> CouponBatchPayload:
        result = await batches.start_batch(
            info.context.auth,
            template_id=parse_id(input.template_id, ["input", "templateId"]),
            quantity=input.quantity,
            idempotency_key=input.idempotency_key,
        )
        return CouponBatchPayload(batch=CouponBatch.of(result.batch))

    @strawberry.mutation(
        description="Change a template: a field left out stays. What its coupons are worth "
        "changes only while none has been issued."
    )
    @returns_errors(CouponTemplatePayload)
    async def update_coupon_template(
        self, info: Info, id: strawberry.ID, input: UpdateCouponTemplateInput
    ) -> CouponTemplatePayload:
        row = await editing.update_template(
            info.context.auth, parse_id(id, ["id"]), _changes(input)
        )
        return CouponTemplatePayload(template=CouponTemplate.of(row))
