"""Coupons redeemed with an order (``recordOrder``'s ``couponCodes``), and given back on refund.

Everything happens in the order's transaction, with the coupons' rows and then their templates'
rows locked in id order: a code used by two orders at once goes to one of them, the other order
is refused and records nothing.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from membership.coupons.codes import normalize
from membership.coupons.models import Coupon, CouponTemplate
from membership.coupons.redeem import check
from membership.coupons.stacking import Line, stack
from membership.errors import DomainError, DomainErrors, ErrorCode
from tenants.context import RequestContext

__all__ = ["CouponUse", "redeem_uses", "release_coupons", "take_coupons"]


@dataclass(frozen=True)
class CouponUse:
    coupon: Coupon
    template: CouponTemplate
    discount: int


def _at(index: int) -> list[str]:
    return ["input", "couponCodes", str(index)]


async def take_coupons(
    ctx: RequestContext,
    codes: Sequence[str],
    *,
    member_id: uuid.UUID,
    lines: Sequence[Line],
    store: str | None,
    now: datetime,
    checkout_id: str | None = None,
) -> list[CouponUse]:
    """Lock and check the order's coupons; every reason of every code at once, or their uses.

    ``checkout_id``: the order's number, which may use coupons reserved for it."""
    wanted = [normalize(code) for code in codes]
    errors: list[DomainError] = []
    seen: set[str] = set()
    for index, code in enumerate(wanted):
        if code in seen:
            errors.append(
                DomainError(ErrorCode.INVALID, "A coupon code appears twice.", _at(index))
            )
        seen.add(code)
    rows = await Coupon.filter(code__in=list(seen)).order_by("id").select_for_update()
    by_code = {row.code: row for row in rows}
    for index, code in enumerate(wanted):
        if code not in by_code:
            errors.append(
                DomainError(ErrorCode.NOT_FOUND, "No such coupon in this tenant.", _at(index))
            )
    if errors:
        raise DomainErrors(errors)
    coupons = [by_code[code] for code in wanted]
    template_rows = await (
        CouponTemplate.filter(id__in=list({c.template_id for c in coupons}))
        .order_by("id")
        .select_for_update()
    )
    by_id = {t.id: t for t in template_rows}
    templates = [by_id[c.template_id] for c in coupons]
    stacked = stack(templates, wanted, lines, store)
    per_template = Counter(t.id for t in templates)
    used: Counter[uuid.UUID] = Counter()
    for index, (coupon, template) in enumerate(zip(coupons, templates, strict=True)):
        reasons = check(
            coupon,
            template,
            member_id=member_id,
            amount=stacked.eligible[index],
            now=now,
            currency=ctx.tenant.currency,
            discount=stacked.discounts[index],
            budget_used=used[template.id],
            checkout_id=checkout_id,
        ).reasons
        used[template.id] += stacked.discounts[index]
        if len(coupons) > 1 and not template.stackable:
            reasons.append(
                DomainError(
                    ErrorCode.COUPON_NOT_APPLICABLE,
                    "This coupon cannot be combined with other coupons.",
                )
            )
        if per_template[template.id] > template.max_per_order:
            reasons.append(
                DomainError(
                    ErrorCode.COUPON_NOT_APPLICABLE,
                    "At most {count} coupons of this kind per order.",
                    count=template.max_per_order,
                )
            )
        if stacked.eligible[index] == 0:
            reasons.append(
                DomainError(
                    ErrorCode.COUPON_NOT_APPLICABLE,
                    "Nothing in this order is something this coupon applies to.",
                )
            )
        errors += [DomainError(r.code, r.template, _at(index), **r.params) for r in reasons]
    if errors:
        raise DomainErrors(errors)
    return [
        CouponUse(coupon, template, discount)
        for coupon, template, discount in zip(coupons, templates, stacked.discounts, strict=True)
    ]


async def redeem_uses(
    uses: Sequence[CouponUse],
    *,
    member_id: uuid.UUID,
    order_id: uuid.UUID,
    order_amount: int,
    now: datetime,
) -> None:
    """Mark the coupons redeemed on the order (already locked by ``take_coupons``); a bulk
    code becomes the member's."""
    for use in uses:
        coupon = use.coupon
        coupon.status = "REDEEMED"
        coupon.member_id = coupon.member_id or member_id
        coupon.redeemed_at = now
        coupon.discount_amount = use.discount
        coupon.order_amount = order_amount
        coupon.order_id = order_id
        coupon.reserved_for = None
        coupon.reserved_until = None
        await coupon.save(
            update_fields=[
                "status",
                "member_id",
                "redeemed_at",
                "discount_amount",
                "order_amount",
                "order_id",
                "reserved_for",
                "reserved_until",
            ]
        )
        use.template.redeemed_count += 1
        use.template.discount_given += use.discount
        use.template.updated_at = now
        await use.template.save(update_fields=["redeemed_count", "discount_given", "updated_at"])


async def release_coupons(order_id: uuid.UUID, now: datetime) -> int:
    """A fully refunded order's coupons: ISSUED again if still valid (else EXPIRED), and their
    templates' counts and budget released. Returns how many."""
    coupons = (
        await Coupon.filter(order_id=order_id, status="REDEEMED").order_by("id").select_for_update()
    )
    for coupon in coupons:
        template = await CouponTemplate.filter(id=coupon.template_id).select_for_update().get()
        template.redeemed_count -= 1
        template.discount_given -= coupon.discount_amount or 0
        template.updated_at = now
        await template.save(update_fields=["redeemed_count", "discount_given", "updated_at"])
        coupon.status = "ISSUED" if coupon.valid_until > now else "EXPIRED"
        coupon.redeemed_at = None
        coupon.discount_amount = None
        coupon.order_amount = None
        coupon.order_id = None
        await coupon.save(
            update_fields=["status", "redeemed_at", "discount_amount", "order_amount", "order_id"]
        )
    return len(coupons)
