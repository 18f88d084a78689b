"""What a preset sets a tenant up with: tiers, the points programme, earning rules, coupon and
message templates, and journeys.

Each function is a thin door to the platform's own service, so what a preset makes is checked by
the same rules as what an administrator makes in the admin, is audited with the administrator who
enabled the plugin as its actor, and is the tenant's to change afterwards through the API.

The ``ensure_*`` functions are idempotent by name: when the tenant already has a tier, rule,
template or journey of that name (the first one, where names may repeat), it is kept as it is
and returned; otherwise it is made. A preset may so run on a tenant that set part of the
programme up by hand, without failing and without duplicates. ``set_*`` functions change the
tenant's settings to the values given.

Money is in minor units (fen) and points are whole numbers, as everywhere in the API. A preset
runs inside the ``enablePlugin`` transaction: if anything here raises, nothing it made is kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from membership.coupons import templates as coupon_templates
from membership.earning import rules as earning_rules
from membership.errors import DomainError, ErrorCode
from membership.journeys import reads as journey_reads
from membership.journeys import service as journeys
from membership.messaging import templates as message_templates
from membership.programme.settings import update_earning
from membership.tiering.engine import set_downgrade_policy
from membership.tiers import service as tiers
from tenants.context import RequestContext

__all__ = [
    "CouponTemplateSpec",
    "EarningRuleSpec",
    "Made",
    "MessageTemplateSpec",
    "TierSpec",
    "ensure_coupon_template",
    "ensure_earning_rule",
    "ensure_journey",
    "ensure_message_template",
    "ensure_tier",
    "set_points_earning",
    "set_tier_downgrade",
]

TierMetric = Literal["SPEND", "POINTS_EARNED", "ORDER_COUNT"]
TierWindow = Literal["ROLLING_DAYS", "CALENDAR_YEAR", "LIFETIME"]
DowngradePolicy = Literal["ONE_TIER", "TO_QUALIFIED"]
CouponKind = Literal["AMOUNT_OFF", "PERCENT_OFF", "GIFT"]


@dataclass(frozen=True)
class Made:
    """What an ``ensure_*`` call left in place: its id and name, and whether it made it now
    (``False``: the tenant had one of that name, which was kept as it is)."""

    id: uuid.UUID
    name: str
    created: bool


# ---------------------------------------------------------------- tiers and the programme


@dataclass(frozen=True)
class TierSpec:
    """A tier (see docs/tiers.md). ``threshold`` is in the metric's unit: fen of spend, points
    earned or orders, reached within the window; rank 0 is the entry tier (threshold 0)."""

    name: str
    rank: int
    threshold: int
    metric: TierMetric = "SPEND"
    window: TierWindow = "ROLLING_DAYS"
    window_days: int | None = 365  # for ROLLING_DAYS only
    points_multiplier: Decimal = Decimal(1)
    benefits: str | None = None  # what the tier gives its members, shown to them


async def ensure_tier(
    ctx: RequestContext, spec: TierSpec, *, field: Sequence[str] = ("input", "name")
) -> Made:
    """The tier named ``spec.name``, made at ``spec.rank`` unless the tenant has it.

    A rank holds one tier: when another tier holds ``spec.rank``, nothing is made and a
    ``DUPLICATE`` error names that tier at ``field`` (a preset points it at the part of its
    configuration that names the tier, so the administrator can give that name instead).
    """
    name = spec.name.strip()
    existing = await tiers.list_tiers(ctx)
    for tier in existing:
        if tier.name == name:
            return Made(tier.id, tier.name, False)
    for tier in existing:
        if tier.rank == spec.rank:
            raise DomainError(
                ErrorCode.DUPLICATE,
                "The tier {existing} has rank {rank} already; give it this name to keep it, "
                "or rename or delete it first.",
                list(field),
                existing=tier.name,
                rank=spec.rank,
            )
    rolling = spec.window == "ROLLING_DAYS"
    made = await tiers.create_tier(
        ctx,
        tiers.TierChanges(
            name=name,
            rank=spec.rank,
            metric=spec.metric,
            threshold=spec.threshold,
            window=spec.window,
            window_days=spec.window_days if rolling else None,
            points_multiplier=spec.points_multiplier,
            benefits=spec.benefits,
        ),
    )
    return Made(made.id, made.name, True)


async def set_tier_downgrade(
    ctx: RequestContext, *, policy: DowngradePolicy, grace_days: int
) -> None:
    """How members drop to a lower tier: ``ONE_TIER`` (one at a time) or ``TO_QUALIFIED`` (to
    the highest tier they still qualify for), after ``grace_days`` below their tier's line."""
    await set_downgrade_policy(ctx, policy=policy, grace_days=grace_days)


async def set_points_earning(
    ctx: RequestContext,
    *,
    points_per_yuan: Decimal | None = None,
    return_window_days: int | None = None,
    points_payment_cap_percent: int | None = None,
) -> None:
    """The programme's base earning: points per yuan of cash paid (before tier multipliers and
    rules), the return window during which earned points stay pending, and the most of an order
    points may pay. ``None`` leaves a setting as it is."""
    await update_earning(
        ctx,
        earn_points_per_yuan=float(points_per_yuan) if points_per_yuan is not None else None,
        return_window_days=return_window_days,
        points_payment_cap_percent=points_payment_cap_percent,
    )


@dataclass(frozen=True)
class EarningRuleSpec:
    """An earning rule of an installed kind (``earningRuleKinds``; docs/earning-rules.md), with
    the parameters its kind declares, e.g. ``MEMBER_DAY`` with ``{"weekdays": [3],
    "multiplier": 2}``."""

    name: str
    kind: str
    params: Mapping[str, Any]
    priority: int = 0
    enabled: bool = True


async def ensure_earning_rule(ctx: RequestContext, spec: EarningRuleSpec) -> Made:
    """The earning rule named ``spec.name``, made unless the tenant has one of that name."""
    name = spec.name.strip()
    for rule in await earning_rules.list_rules(ctx):
        if rule.name == name:
            return Made(rule.id, rule.name, False)
    made = await earning_rules.create_rule(
        ctx,
        earning_rules.RuleDraft(
            name=name,
            kind=spec.kind,
            params=dict(spec.params),
            priority=spec.priority,
            enabled=spec.enabled,
        ),
    )
    return Made(made.id, made.name, True)


# ---------------------------------------------------------------- coupons and messages


@dataclass(frozen=True)
class CouponTemplateSpec:
    """A coupon template (docs/coupons.md): ``AMOUNT_OFF`` with ``amount_off`` and an optional
    ``min_spend`` (满减), ``PERCENT_OFF`` with ``percent_off`` and an optional ``max_discount``
    cap (折扣), or ``GIFT`` with ``gift_sku`` (兑换券); each coupon is valid ``valid_days`` from
    when it is issued. Amounts in fen."""

    name: str
    kind: CouponKind
    valid_days: int
    amount_off: int | None = None
    percent_off: int | None = None
    max_discount: int | None = None
    min_spend: int | None = None
    gift_sku: str | None = None
    per_member_limit: int | None = None
    stackable: bool = False


async def ensure_coupon_template(ctx: RequestContext, spec: CouponTemplateSpec) -> Made:
    """The coupon template named ``spec.name``, made unless the tenant has one of that name."""
    name = spec.name.strip()
    for template in await coupon_templates.list_templates(ctx):
        if template.name == name:
            return Made(template.id, template.name, False)
    made = await coupon_templates.create_template(
        ctx,
        coupon_templates.TemplateDraft(
            name=name,
            kind=spec.kind,
            amount_off=spec.amount_off,
            percent_off=spec.percent_off,
            max_discount=spec.max_discount,
            min_spend=spec.min_spend,
            gift_sku=spec.gift_sku,
            valid_days=spec.valid_days,
            per_member_limit=spec.per_member_limit,
            stackable=spec.stackable,
        ),
    )
    return Made(made.id, made.name, True)


@dataclass(frozen=True)
class MessageTemplateSpec:
    """A message template (docs/messaging.md): a unique lower-case ``name`` that journeys send
    it by, a ``title`` for staff, a consent ``purpose`` (``marketing``, ``service``…) and the
    ``content`` per channel, e.g. ``{"SMS": {"templateCode": "SMS_123", "text": "${name}，生日快乐",
    "fields": {"name": "{{member.name}}"}}}``."""

    name: str
    title: str
    purpose: str
    content: Mapping[str, Any] = field(default_factory=dict)


async def ensure_message_template(ctx: RequestContext, spec: MessageTemplateSpec) -> Made:
    """The message template named ``spec.name``, made unless the tenant has it (names are
    unique per tenant)."""
    name = spec.name.strip()
    found = await message_templates.template_named(ctx, name)
    if found is not None:
        return Made(found.id, found.name, False)
    made = await message_templates.save_template(
        ctx,
        message_templates.TemplateDraft(
            name=name, title=spec.title, purpose=spec.purpose, content=dict(spec.content)
        ),
    )
    return Made(made.id, made.name, True)


# ---------------------------------------------------------------- journeys


async def ensure_journey(
    ctx: RequestContext,
    name: str,
    definition: Mapping[str, Any],
    *,
    activate: bool = True,
) -> Made:
    """The journey named ``name``: unless the tenant has one of that name (kept as it is, active
    or paused), its ``definition`` (docs/journeys.md) is saved and, with ``activate``, published
    so members enter it from now on. A preset's journey may start on its own plugin's events
    and use its own steps: the preset runs as if its plugin were enabled already."""
    name = name.strip()
    for journey in await journey_reads.list_journeys(ctx):
        if journey.name == name:
            return Made(journey.id, journey.name, False)
    saved = await journeys.save_journey(
        ctx, journey_id=None, name=name, definition=dict(definition)
    )
    if activate:
        await journeys.activate_journey(ctx, saved.id)
    return Made(saved.id, saved.name, True)
