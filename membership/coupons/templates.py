"""Coupon templates: validate and create them, and list them.

A template says what its coupons are worth (AMOUNT_OFF with a minimum spend, PERCENT_OFF with a
cap, or a GIFT item), which SKUs, categories and stores they apply to (empty: all) and which they
exclude, how long a coupon is valid (a fixed window, or N days from issue after an optional
delay), how many may be issued (per member, per member per period, in total), the total discount
budget, and how it stacks with other coupons on one order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.exceptions import IntegrityError

from membership.coupons.codes import DEFAULT_LENGTH, normalize
from membership.coupons.models import CouponTemplate
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "KINDS",
    "PERIODS",
    "TemplateDraft",
    "build_template",
    "create_template",
    "list_templates",
    "templates_by_ids",
    "validate",
]

KINDS = ("AMOUNT_OFF", "PERCENT_OFF", "GIFT")
PERIODS = ("DAY", "WEEK", "MONTH")
MAX_AMOUNT = 2**53 - 1
MAX_LIST = 1000


@dataclass
class TemplateDraft:
    name: str
    kind: str
    amount_off: int | None = None
    percent_off: int | None = None
    max_discount: int | None = None
    min_spend: int | None = None
    gift_sku: str | None = None
    skus: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    stores: list[str] = field(default_factory=list)
    excluded_skus: list[str] = field(default_factory=list)
    excluded_categories: list[str] = field(default_factory=list)
    valid_days: int | None = None
    start_delay_days: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    per_member_limit: int | None = None
    total_limit: int | None = None
    period: str | None = None
    period_limit: int | None = None
    budget: int | None = None
    stackable: bool = False
    priority: int = 0
    max_per_order: int = 1
    code_prefix: str = ""
    code_length: int = DEFAULT_LENGTH
    public_code: str | None = None


def _error(template: str, input_field: str, **params: object) -> DomainError:
    return DomainError(ErrorCode.INVALID, template, ["input", input_field], **params)


def _check_amounts(draft: TemplateDraft) -> list[DomainError]:
    errors = []
    for name, value in (
        ("amountOff", draft.amount_off),
        ("maxDiscount", draft.max_discount),
        ("budget", draft.budget),
    ):
        if value is not None and not 0 < value <= MAX_AMOUNT:
            errors.append(_error("Amounts must be positive.", name))
    if draft.min_spend is not None and not 0 <= draft.min_spend <= MAX_AMOUNT:
        errors.append(_error("The minimum spend must not be negative.", "minSpend"))
    return errors


def _check_kind(draft: TemplateDraft) -> list[DomainError]:
    errors = []
    if draft.kind == "AMOUNT_OFF" and draft.amount_off is None:
        errors.append(_error("An AMOUNT_OFF coupon needs amountOff.", "amountOff"))
    if draft.kind == "PERCENT_OFF" and (
        draft.percent_off is None or not 1 <= draft.percent_off <= 100
    ):
        errors.append(_error("percentOff must be between 1 and 100.", "percentOff"))
    if draft.kind == "GIFT" and not (draft.gift_sku or "").strip():
        errors.append(_error("A GIFT coupon needs the SKU it exchanges for.", "giftSku"))
    for name, value, kind in (
        ("amountOff", draft.amount_off, "AMOUNT_OFF"),
        ("percentOff", draft.percent_off, "PERCENT_OFF"),
        ("maxDiscount", draft.max_discount, "PERCENT_OFF"),
        ("giftSku", draft.gift_sku, "GIFT"),
    ):
        if value is not None and draft.kind != kind:
            errors.append(
                _error("{option} is only for {kind} coupons.", name, option=name, kind=kind)
            )
    return errors


def _check_validity(draft: TemplateDraft) -> list[DomainError]:
    errors = []
    if (draft.valid_days is None) == (draft.valid_until is None):
        errors.append(
            _error("Give validDays, or validUntil (with an optional validFrom).", "validDays")
        )
    if draft.valid_days is not None and not 1 <= draft.valid_days <= 3650:
        errors.append(_error("validDays must be between 1 and 3650.", "validDays"))
    if draft.start_delay_days is not None and (
        draft.valid_days is None or not 0 <= draft.start_delay_days <= 365
    ):
        errors.append(
            _error(
                "startDelayDays (0 to 365) goes with validDays.",
                "startDelayDays",
            )
        )
    for name, moment in (("validFrom", draft.valid_from), ("validUntil", draft.valid_until)):
        if moment is not None and moment.tzinfo is None:
            errors.append(_error("Give a time zone with the time.", name))
    if (
        draft.valid_from is not None
        and draft.valid_until is not None
        and draft.valid_from.tzinfo is not None
        and draft.valid_until.tzinfo is not None
        and draft.valid_until <= draft.valid_from
    ):
        errors.append(_error("The validity window ends before it starts.", "validUntil"))
    if draft.valid_from is not None and draft.valid_until is None:
        errors.append(_error("validFrom goes with validUntil.", "validFrom"))
    return errors


def _check_limits(draft: TemplateDraft) -> list[DomainError]:
    errors = []
    for name, value in (
        ("perMemberLimit", draft.per_member_limit),
        ("totalLimit", draft.total_limit),
        ("periodLimit", draft.period_limit),
    ):
        if value is not None and not 1 <= value <= 100_000_000:
            errors.append(_error("Limits must be at least 1.", name))
    if (draft.period is None) != (draft.period_limit is None):
        errors.append(_error("period and periodLimit go together.", "period"))
    elif draft.period is not None and draft.period not in PERIODS:
        errors.append(_error("period must be DAY, WEEK or MONTH.", "period"))
    if not 1 <= draft.max_per_order <= 10:
        errors.append(_error("maxPerOrder must be between 1 and 10.", "maxPerOrder"))
    if not -1_000_000 <= draft.priority <= 1_000_000:
        errors.append(
            _error("Must be between {low} and {high}.", "priority", low="-1000000", high="1000000")
        )
    return errors


def _check_scopes(draft: TemplateDraft) -> list[DomainError]:
    errors = []
    for name, values in (
        ("skus", draft.skus),
        ("categories", draft.categories),
        ("stores", draft.stores),
        ("excludedSkus", draft.excluded_skus),
        ("excludedCategories", draft.excluded_categories),
    ):
        if len(values) > MAX_LIST or any(not 1 <= len(v.strip()) <= 100 for v in values):
            errors.append(
                _error(
                    "Give a list of 1 to {max} texts of 1 to {length} characters.",
                    name,
                    max=MAX_LIST,
                    length=100,
                )
            )
    return errors


def _check_codes(draft: TemplateDraft) -> list[DomainError]:
    errors = []
    prefix = draft.code_prefix.strip().upper()
    if len(prefix) > 10 or not all(c.isascii() and c.isalnum() for c in prefix):
        errors.append(_error("A code prefix has at most 10 letters and digits.", "codePrefix"))
    if not 8 <= draft.code_length <= 32:
        errors.append(_error("Codes have 8 to 32 random characters.", "codeLength"))
    if draft.public_code is not None:
        public = normalize(draft.public_code)
        if not 4 <= len(public) <= 32 or not all(c.isascii() and c.isalnum() for c in public):
            errors.append(_error("A campaign code has 4 to 32 letters and digits.", "publicCode"))
    return errors


def validate(draft: TemplateDraft) -> None:
    """Every problem of a draft at once, or nothing."""
    errors: list[DomainError] = []
    if not 1 <= len(draft.name.strip()) <= 100:
        errors.append(_error("Names have 1 to 100 characters.", "name"))
    if draft.kind not in KINDS:
        errors.append(_error("kind must be AMOUNT_OFF, PERCENT_OFF or GIFT.", "kind"))
    else:
        errors += _check_kind(draft)
    errors += _check_amounts(draft)
    errors += _check_validity(draft)
    errors += _check_limits(draft)
    errors += _check_scopes(draft)
    errors += _check_codes(draft)
    if errors:
        raise DomainErrors(errors)


def _clean(values: list[str]) -> list[str]:
    return sorted({v.strip() for v in values})


def build_template(ctx: RequestContext, draft: TemplateDraft) -> CouponTemplate:
    """The template a valid draft makes, not yet saved (``previewCouponTemplate`` uses it as is)."""
    now = ctx.clock.now()
    return CouponTemplate(
        id=new_id(),
        tenant_id=ctx.tenant.id,
        name=draft.name.strip(),
        kind=draft.kind,
        amount_off=draft.amount_off,
        percent_off=draft.percent_off,
        max_discount=draft.max_discount,
        min_spend=draft.min_spend or 0,
        gift_sku=draft.gift_sku.strip() if draft.gift_sku else None,
        skus=_clean(draft.skus),
        categories=_clean(draft.categories),
        stores=_clean(draft.stores),
        excluded_skus=_clean(draft.excluded_skus),
        excluded_categories=_clean(draft.excluded_categories),
        valid_days=draft.valid_days,
        start_delay_days=draft.start_delay_days or 0,
        valid_from=draft.valid_from,
        valid_until=draft.valid_until,
        per_member_limit=draft.per_member_limit,
        total_limit=draft.total_limit,
        period=draft.period,
        period_limit=draft.period_limit,
        budget=draft.budget,
        stackable=draft.stackable,
        priority=draft.priority,
        max_per_order=draft.max_per_order,
        code_prefix=draft.code_prefix.strip().upper(),
        code_length=draft.code_length,
        public_code=normalize(draft.public_code) if draft.public_code else None,
        issued_count=0,
        redeemed_count=0,
        discount_given=0,
        created_at=now,
        updated_at=now,
    )


async def create_template(ctx: RequestContext, draft: TemplateDraft) -> CouponTemplate:
    ctx.require(Permission.PROGRAMME_MANAGE)
    validate(draft)
    template = build_template(ctx, draft)
    taken = _error("Another template has this campaign code.", "publicCode")
    try:
        async with tenant_tx(ctx):
            if template.public_code and await CouponTemplate.exists(
                public_code=template.public_code
            ):
                raise taken
            await template.save(force_create=True)
            await audit.record(
                ctx,
                "coupon_template.create",
                "coupon_template",
                template.id,
                after={"name": template.name, "kind": template.kind},
            )
    except IntegrityError as exc:  # the same campaign code created at the same moment
        raise taken from exc
    return template


async def list_templates(ctx: RequestContext) -> list[CouponTemplate]:
    """The tenant's templates, oldest first."""
    if not (ctx.has(Permission.MEMBERS_READ) or ctx.has(Permission.PROGRAMME_MANAGE)):
        ctx.require(Permission.MEMBERS_READ)
    async with tenant_tx(ctx):
        return list(await CouponTemplate.all().order_by("created_at", "id"))


async def templates_by_ids(
    ctx: RequestContext, ids: list[uuid.UUID]
) -> dict[uuid.UUID, CouponTemplate]:
    """Templates by id in one query (a DataLoader's batch)."""
    async with tenant_tx(ctx):
        rows = await CouponTemplate.filter(id__in=list(set(ids)))
    return {row.id: row for row in rows}
