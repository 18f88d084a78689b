"""A template's discount on a sample order, before the template exists.

The editor shows it while the marketer types: the draft is validated as ``createCouponTemplate``
would validate it, then applied to the sample order's lines exactly as ``recordOrder`` applies a
coupon (the same scopes, the same base, the same rounding), and every reason the coupon would be
refused on that order is listed. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from membership.coupons.models import CouponTemplate
from membership.coupons.stacking import Line, applies, share, stack
from membership.coupons.templates import MAX_AMOUNT, TemplateDraft, build_template, validate
from membership.errors import DomainError, DomainErrors, ErrorCode
from tenants.context import RequestContext
from tenants.permissions import Permission

__all__ = ["PreviewLine", "TemplatePreview", "preview_template"]


@dataclass(frozen=True)
class PreviewLine:
    sku: str | None
    category: str | None
    amount: int
    discount: int
    eligible: bool


@dataclass(frozen=True)
class TemplatePreview:
    discount: int
    eligible_amount: int
    payable: int
    lines: list[PreviewLine]
    reasons: list[DomainError]


def _invalid(template: str, path: list[str]) -> DomainError:
    return DomainError(ErrorCode.INVALID, template, ["input", *path])


def _check_order(amount: int, lines: Sequence[Line], store: str | None) -> None:
    errors = []
    if not 0 < amount <= MAX_AMOUNT:
        errors.append(_invalid("The amount must be positive.", ["amount"]))
    if store is not None and len(store) > 50:
        errors.append(_invalid("Store codes have at most 50 characters.", ["storeCode"]))
    for index, line in enumerate(lines):
        if not 0 <= line.amount <= MAX_AMOUNT:
            errors.append(_invalid("Unit prices must not be negative.", ["items", str(index)]))
    if errors:
        raise DomainErrors(errors)


def _draft_errors(draft: TemplateDraft) -> None:
    """The draft's problems, on the preview's ``template`` input."""
    try:
        validate(draft)
    except DomainErrors as exc:
        raise DomainErrors(
            [
                DomainError(
                    e.code, e.template, ["input", "template", *(e.field or [])[1:]], **e.params
                )
                for e in exc.errors
            ]
        ) from None


def preview_template(
    ctx: RequestContext,
    draft: TemplateDraft,
    *,
    amount: int,
    lines: Sequence[Line],
    store: str | None,
) -> TemplatePreview:
    """The discount a coupon of ``draft`` gives on the sample order, and why it would not apply.

    ``lines``: the sample order's items (empty: one line of ``amount``).
    """
    ctx.require(Permission.PROGRAMME_MANAGE)
    lines = list(lines) or [Line(None, None, amount)]
    _check_order(amount, lines, store)
    _draft_errors(draft)
    template = build_template(ctx, draft)
    stacked = stack([template], ["PREVIEW"], lines, store)
    eligible_amount = stacked.eligible[0]
    reasons = []
    if eligible_amount == 0:
        reasons.append(
            DomainError(
                ErrorCode.COUPON_NOT_APPLICABLE,
                "Nothing in this order is something this coupon applies to.",
                ["code"],
            )
        )
    elif eligible_amount < template.min_spend:
        reasons.append(
            DomainError(
                ErrorCode.COUPON_NOT_APPLICABLE,
                "Spend at least {amount} {currency} to use this coupon.",
                ["code"],
                amount=f"{template.min_spend // 100}.{template.min_spend % 100:02d}",
                currency=ctx.tenant.currency,
            )
        )
    discount = 0 if reasons else stacked.total
    preview_lines = _line_discounts(template, lines, store, discount)
    return TemplatePreview(
        discount=discount,
        eligible_amount=eligible_amount,
        payable=amount - min(discount, amount),
        lines=preview_lines,
        reasons=reasons,
    )


def _line_discounts(
    template: CouponTemplate, lines: Sequence[Line], store: str | None, discount: int
) -> list[PreviewLine]:
    """Each line's share of the discount, split as ``recordOrder`` splits it."""
    eligible = [n for n, line in enumerate(lines) if applies(template, line, store)]
    remaining = [line.amount for line in lines]
    share(discount, remaining, eligible)
    return [
        PreviewLine(line.sku, line.category, line.amount, line.amount - remaining[n], n in eligible)
        for n, line in enumerate(lines)
    ]
