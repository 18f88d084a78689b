"""Several coupons on one order: which lines each applies to, in what order, on what base.

The order is fixed: higher ``priority`` first; then AMOUNT_OFF before PERCENT_OFF before GIFT;
then by code. So the codes can be given in any order and the result is the same.

Each coupon applies to its eligible lines (its stores, SKUs and categories; empty means all; the
excluded SKUs and categories never). Its minimum spend is measured on those lines before any
discount; its discount is computed on what is left of them after the coupons before it, and is
shared among them in proportion (largest remainder, in line order), so the next coupon sees the
lines already reduced. No line goes below zero, so the total never exceeds the order amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from membership.coupons.models import CouponTemplate
from membership.coupons.redeem import discount_for

__all__ = ["Line", "Stacked", "applies", "share", "stack"]

_KIND_ORDER = {"AMOUNT_OFF": 0, "PERCENT_OFF": 1, "GIFT": 2}


@dataclass(frozen=True)
class Line:
    sku: str | None
    category: str | None
    amount: int


@dataclass(frozen=True)
class Stacked:
    discounts: list[int]  # per coupon, in the order given
    eligible: list[int]  # per coupon: its lines' amount before any discount (for minSpend)
    total: int


def applies(template: CouponTemplate, line: Line, store: str | None) -> bool:
    if template.stores and store not in template.stores:
        return False
    if line.sku in template.excluded_skus or line.category in template.excluded_categories:
        return False
    if not template.skus and not template.categories:
        return True
    return line.sku in template.skus or line.category in template.categories


def share(discount: int, remaining: list[int], eligible: list[int]) -> None:
    """Take ``discount`` off the eligible lines in proportion to what is left of them."""
    base = sum(remaining[i] for i in eligible)
    if base == 0 or discount == 0:
        return
    parts = {i: discount * remaining[i] // base for i in eligible}
    left = discount - sum(parts.values())
    for i in eligible:  # the rounding remainder, one fen at a time, in line order
        if left == 0:
            break
        if parts[i] < remaining[i]:
            parts[i] += 1
            left -= 1
    for i, part in parts.items():
        remaining[i] -= part


def stack(
    templates: Sequence[CouponTemplate],
    codes: Sequence[str],
    lines: Sequence[Line],
    store: str | None,
) -> Stacked:
    """Discounts of coupons (their templates and codes, as given) on an order's lines."""
    remaining = [line.amount for line in lines]
    order = sorted(
        range(len(templates)),
        key=lambda i: (-templates[i].priority, _KIND_ORDER.get(templates[i].kind, 9), codes[i]),
    )
    discounts = [0] * len(templates)
    eligible_amounts = [0] * len(templates)
    for i in order:
        template = templates[i]
        eligible = [n for n, line in enumerate(lines) if applies(template, line, store)]
        eligible_amounts[i] = sum(lines[n].amount for n in eligible)
        base = sum(remaining[n] for n in eligible)
        discounts[i] = min(discount_for(template, base), base)
        share(discounts[i], remaining, eligible)
    return Stacked(discounts, eligible_amounts, sum(discounts))
