"""Earning-rule types: rules, the kinds plugins provide, and order previews."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from membership.earning.models import EarningRule as EarningRuleModel
from plugins.earning import EarningRuleKind as KindValue
from plugins.earning import Param
from schema.errors import UserError, user_errors
from schema.scalars import JSON, Long
from schema.types.orders import AppliedEarningRule, OrderItemInput

if TYPE_CHECKING:
    from membership.orders.service import OrderPreview as PreviewValue

__all__ = [
    "CreateEarningRuleInput",
    "EarningRule",
    "EarningRuleDraftInput",
    "EarningRuleKind",
    "EarningRuleParam",
    "EarningRulePayload",
    "OrderPreview",
    "OrderPreviewCoupon",
    "OrderPreviewPayload",
    "PreviewOrderInput",
    "UpdateEarningRuleInput",
]


@strawberry.type(description="A rule of the tenant; see earningRuleKinds for what kinds mean.")
class EarningRule:
    id: strawberry.ID
    name: str
    kind: str
    params: JSON
    priority: int = strawberry.field(description="Higher runs first within its stage.")
    enabled: bool
    available: bool = strawberry.field(
        description="False when the plugin that provides the kind is not installed."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: EarningRuleModel, installed: bool) -> EarningRule:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            kind=row.kind,
            params=JSON(row.params),
            priority=row.priority,
            enabled=row.enabled,
            available=installed,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.type
class EarningRuleParam:
    name: str
    type: str = strawberry.field(description="decimal, integer, strings, integers or datetime.")
    description: str
    required: bool
    minimum: float | None
    maximum: float | None

    @classmethod
    def of(cls, param: Param) -> EarningRuleParam:
        return cls(
            name=param.name,
            type=param.type,
            description=param.description,
            required=param.required,
            minimum=float(param.minimum) if param.minimum is not None else None,
            maximum=float(param.maximum) if param.maximum is not None else None,
        )


@strawberry.type(description="A kind of earning rule, provided by a plugin.")
class EarningRuleKind:
    name: str
    stage: str = strawberry.field(
        description="ELIGIBILITY, RATE, LINE, ORDER, BONUS or LIMIT: the order kinds run in."
    )
    description: str
    plugin: str
    storable: bool = strawberry.field(
        description="False for kinds applied to every order by themselves (TIER_MULTIPLIER)."
    )
    params: list[EarningRuleParam]

    @classmethod
    def of(cls, kind: KindValue, plugin: str) -> EarningRuleKind:
        return cls(
            name=kind.name,
            stage=kind.stage.name,
            description=kind.description,
            plugin=plugin,
            storable=kind.storable,
            params=[EarningRuleParam.of(p) for p in kind.params],
        )


@strawberry.type(description="What an order would earn; nothing was recorded.")
class OrderPreview:
    points_earned: Long
    exact_points: str = strawberry.field(description="Before rounding down.")
    cash_paid: Long = strawberry.field(
        description="The amount that earns: what is left to pay after coupons and points, "
        "minor units."
    )
    available_at: datetime | None = strawberry.field(
        description="When the points would become available, if they would be pending."
    )
    rules: list[AppliedEarningRule]
    discount_amount: Long = strawberry.field(description="From the coupons, minor units.")
    coupons: list[OrderPreviewCoupon] = strawberry.field(
        description="The coupons found, with what each takes off once stacked."
    )
    points_to_spend: Long
    points_value: Long = strawberry.field(
        description="What pointsToSpend pays, minor units (积分抵现)."
    )
    max_points_to_spend: Long = strawberry.field(
        description="The most points this order may take: the member's balance and the "
        "tenant's cap on paying with points, after coupons."
    )
    problems: list[UserError] = strawberry.field(
        description="Why recordOrder would refuse this order now (a coupon that does not "
        "apply, points over the balance or the cap); empty when it would be recorded."
    )

    @classmethod
    def of(cls, preview: PreviewValue, language: str = "en") -> OrderPreview:
        outcome = preview.outcome
        return cls(
            points_earned=Long(outcome.points),
            exact_points=outcome.exact_text,
            cash_paid=Long(outcome.cash),
            available_at=preview.pending_until,
            rules=[AppliedEarningRule.of(a) for a in outcome.applied],
            discount_amount=Long(preview.discount),
            coupons=[
                OrderPreviewCoupon(
                    code=use.coupon.code,
                    name=use.template.name,
                    discount_amount=Long(use.discount),
                )
                for use in preview.coupons
            ],
            points_to_spend=Long(preview.points_to_spend),
            points_value=Long(preview.points_value),
            max_points_to_spend=Long(preview.max_points),
            problems=[e for p in preview.problems for e in user_errors(p, language)],
        )


@strawberry.type(description="A coupon as an order preview would redeem it.")
class OrderPreviewCoupon:
    code: str
    name: str = strawberry.field(description="Its template's name.")
    discount_amount: Long


@strawberry.input
class CreateEarningRuleInput:
    name: str
    kind: str
    params: JSON
    priority: int = 0
    enabled: bool = True


@strawberry.input
class UpdateEarningRuleInput:
    name: str | None = None
    params: JSON | None = None
    priority: int | None = None
    enabled: bool | None = None


@strawberry.input(description="An unsaved rule, for previews.")
class EarningRuleDraftInput:
    name: str
    kind: str
    params: JSON
    priority: int = 0
    enabled: bool = True


@strawberry.input
class PreviewOrderInput:
    amount: Long
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Earn as this member (tier, balance for pointsToSpend)."
    )
    tier_id: strawberry.ID | None = strawberry.field(
        default=None, description="Earn as a member of this tier."
    )
    items: list[OrderItemInput] | None = None
    store_code: str | None = None
    paid_at: datetime | None = strawberry.field(default=None, description="Default: now.")
    points_to_spend: Long | None = None
    rules: list[EarningRuleDraftInput] | None = strawberry.field(
        default=None,
        description="Preview with these rules instead of the tenant's enabled ones.",
    )
    coupon_codes: list[str] | None = strawberry.field(
        default=None, description="Check these coupons for the member and take them off."
    )


@strawberry.type
class EarningRulePayload:
    rule: EarningRule | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OrderPreviewPayload:
    preview: OrderPreview | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
