"""Coupons: templates, issuing, lookup by code, validation and redemption."""

from __future__ import annotations

from typing import Annotated

import strawberry

from membership.coupons import issue, lifecycle, redeem, templates
from membership.errors import DomainError, DomainErrors
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.errors import user_errors
from schema.scalars import Long
from schema.types.coupons import (
    Coupon,
    CouponPayload,
    CouponTemplate,
    CouponTemplatePayload,
    CouponValidation,
    CreateCouponTemplateInput,
    IssueCouponInput,
    RedeemCouponInput,
    VoidCouponInput,
)

__all__ = ["CouponMutations", "CouponQueries", "template_draft"]


def _int(value: int | None) -> int | None:
    return None if value is None else int(value)


def template_draft(input: CreateCouponTemplateInput) -> templates.TemplateDraft:
    """The service's draft of a template input."""
    return templates.TemplateDraft(
        name=input.name,
        kind=input.kind.value,
        amount_off=_int(input.amount_off),
        percent_off=input.percent_off,
        max_discount=_int(input.max_discount),
        min_spend=_int(input.min_spend),
        gift_sku=input.gift_sku,
        skus=input.skus or [],
        categories=input.categories or [],
        stores=input.stores or [],
        excluded_skus=input.excluded_skus or [],
        excluded_categories=input.excluded_categories or [],
        valid_days=input.valid_days,
        start_delay_days=input.start_delay_days,
        valid_from=input.valid_from,
        valid_until=input.valid_until,
        per_member_limit=input.per_member_limit,
        total_limit=input.total_limit,
        period=input.period.value if input.period else None,
        period_limit=input.period_limit,
        budget=_int(input.budget),
        stackable=input.stackable,
        priority=input.priority,
        max_per_order=input.max_per_order,
        code_prefix=input.code_prefix,
        code_length=input.code_length,
        public_code=input.public_code,
    )


@strawberry.type
class CouponQueries:
    @strawberry.field(description="The tenant's coupon templates, oldest first.")
    async def coupon_templates(self, info: Info) -> list[CouponTemplate]:
        return [CouponTemplate.of(t) for t in await templates.list_templates(info.context.auth)]

    @strawberry.field(description="A coupon of this tenant by its code; null when not found here.")
    async def coupon(self, info: Info, code: str) -> Coupon | None:
        row = await issue.find_coupon(info.context.auth, code)
        return Coupon.of(row) if row else None

    @strawberry.field(
        description="Whether the member can use the coupon on this order amount now, with every "
        "reason it cannot, in the caller's language. Changes nothing."
    )
    async def validate_coupon(
        self,
        info: Info,
        code: str,
        member_id: strawberry.ID,
        order_amount: Long,
        checkout_id: Annotated[
            str | None,
            strawberry.argument(description="The checkout asking, if it reserved the coupon."),
        ] = None,
    ) -> CouponValidation:
        language = info.context.language
        try:
            result = await redeem.validate_coupon(
                info.context.auth,
                code=code,
                member_id=parse_id(member_id, ["memberId"]),
                amount=int(order_amount),
                checkout_id=checkout_id,
            )
        except DomainError as exc:
            return CouponValidation(
                valid=False, discount_amount=Long(0), errors=user_errors(exc, language)
            )
        errors = user_errors(DomainErrors(result.reasons), language) if result.reasons else []
        return CouponValidation(
            valid=result.valid,
            discount_amount=Long(result.discount if result.valid else 0),
            errors=errors,
        )


@strawberry.type
class CouponMutations:
    @strawberry.mutation
    @returns_errors(CouponTemplatePayload)
    async def create_coupon_template(
        self, info: Info, input: CreateCouponTemplateInput
    ) -> CouponTemplatePayload:
        draft = template_draft(input)
        row = await templates.create_template(info.context.auth, draft)
        return CouponTemplatePayload(template=CouponTemplate.of(row))

    @strawberry.mutation(
        description="Issue a coupon of a template to a member; a replayed key issues once."
    )
    @returns_errors(CouponPayload)
    async def issue_coupon(self, info: Info, input: IssueCouponInput) -> CouponPayload:
        result = await issue.issue_coupon(
            info.context.auth,
            template_id=parse_id(input.template_id, ["input", "templateId"]),
            member_id=parse_id(input.member_id, ["input", "memberId"]),
            idempotency_key=input.idempotency_key,
        )
        return CouponPayload(coupon=Coupon.of(result.coupon))

    @strawberry.mutation(
        description="Redeem a coupon on an order amount, once; a replayed key redeems once."
    )
    @returns_errors(CouponPayload)
    async def redeem_coupon(self, info: Info, input: RedeemCouponInput) -> CouponPayload:
        result = await redeem.redeem_coupon(
            info.context.auth,
            code=input.code,
            member_id=parse_id(input.member_id, ["input", "memberId"]),
            amount=int(input.order_amount),
            idempotency_key=input.idempotency_key,
            checkout_id=input.checkout_id,
        )
        return CouponPayload(coupon=Coupon.of(result.coupon), discount_amount=Long(result.discount))

    @strawberry.mutation(description="Void an issued coupon; audited. A redeemed one is refunded.")
    @returns_errors(CouponPayload)
    async def void_coupon(self, info: Info, input: VoidCouponInput) -> CouponPayload:
        row = await lifecycle.void_coupon(info.context.auth, code=input.code, reason=input.reason)
        return CouponPayload(coupon=Coupon.of(row))
