"""Coupons redeemed with an order (``recordOrder``'s ``couponCodes``), and given back on refund.

Everything happens in the order's transaction, with the coupons' rows locked in id order (and
the rows of templates with a budget, in id order too): a code used by two orders at once goes to
one of them, the other order is refused and records nothing. The templates' counters are added
to in SQL, in template id order.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import F

from membership.coupons.codes import normalize
from membership.coupons.events import coupon_redeemed
from membership.coupons.models import Coupon, CouponTemplate
from membership.coupons.redeem import check
from membership.coupons.stacking import Line, stack
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.outbox import emit
from tenants.context import RequestContext

__all__ = ["CouponUse", "preview_coupons", "redeem_uses", "release_coupons", "take_coupons"]


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
    uses, errors = await _check_coupons(
        ctx, codes, member_id, lines, store, now, checkout_id, lock=True
    )
    if errors:
        raise DomainErrors(errors)
    return uses


async def preview_coupons(
    ctx: RequestContext,
    codes: Sequence[str],
    *,
    member_id: uuid.UUID,
    lines: Sequence[Line],
    store: str | None,
    now: datetime,
) -> tuple[list[CouponUse], list[DomainError]]:
    """What ``take_coupons`` would find, without locking anything: the uses of the coupons that
    apply (with their stacked discounts) and every reason the order would be refused."""
    return await _check_coupons(ctx, codes, member_id, lines, store, now, None, lock=False)


async def _check_coupons(
    ctx: RequestContext,
    codes: Sequence[str],
    member_id: uuid.UUID,
    lines: Sequence[Line],
    store: str | None,
    now: datetime,
    checkout_id: str | None,
    *,
    lock: bool,
) -> tuple[list[CouponUse], list[DomainError]]:
    wanted = [normalize(code) for code in codes]
    errors: list[DomainError] = []
    seen: set[str] = set()
    for index, code in enumerate(wanted):
        if code in seen:
            errors.append(
                DomainError(ErrorCode.INVALID, "A coupon code appears twice.", _at(index))
            )
        seen.add(code)
    query = Coupon.filter(code__in=list(seen)).order_by("id")
    rows = await (query.select_for_update() if lock else query)
    by_code = {row.code: row for row in rows}
    for index, code in enumerate(wanted):
        if code not in by_code:
            errors.append(
                DomainError(ErrorCode.NOT_FOUND, "No such coupon in this tenant.", _at(index))
            )
    if errors and lock:
        return [], errors
    found = [(index, by_code[code]) for index, code in enumerate(wanted) if code in by_code]
    coupons = [coupon for _, coupon in found]
    template_ids = list({c.template_id for c in coupons})
    by_id = {t.id: t for t in await CouponTemplate.filter(id__in=template_ids)}
    budgeted = sorted(i for i, t in by_id.items() if t.budget is not None)
    if budgeted and lock:  # a budget is counted with its row locked: orders using it queue there
        locked = await CouponTemplate.filter(id__in=budgeted).order_by("id").select_for_update()
        by_id.update({t.id: t for t in locked})
    templates = [by_id[c.template_id] for c in coupons]
    stacked = stack(templates, [c.code for c in coupons], lines, store)
    per_template = Counter(t.id for t in templates)
    used: Counter[uuid.UUID] = Counter()
    refused: set[int] = set()  # positions of coupons with a reason: they take nothing off
    for position, ((index, coupon), template) in enumerate(zip(found, templates, strict=True)):
        reasons = check(
            coupon,
            template,
            member_id=member_id,
            amount=stacked.eligible[position],
            now=now,
            currency=ctx.tenant.currency,
            discount=stacked.discounts[position],
            budget_used=used[template.id],
            checkout_id=checkout_id,
        ).reasons
        used[template.id] += stacked.discounts[position]
        if len(wanted) > 1 and not template.stackable:
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
        if stacked.eligible[position] == 0:
            reasons.append(
                DomainError(
                    ErrorCode.COUPON_NOT_APPLICABLE,
                    "Nothing in this order is something this coupon applies to.",
                )
            )
        errors += [DomainError(r.code, r.template, _at(index), **r.params) for r in reasons]
        if reasons:
            refused.add(position)
    uses = [
        CouponUse(coupon, template, discount)
        for position, (coupon, template, discount) in enumerate(
            zip(coupons, templates, stacked.discounts, strict=True)
        )
        if position not in refused
    ]
    return uses, errors


async def redeem_uses(
    ctx: RequestContext,
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
        await emit(ctx, coupon_redeemed(coupon))
    await _count(_totals((use.template.id, 1, use.discount) for use in uses), now)


def _totals(
    changes: Iterable[tuple[uuid.UUID, int, int]],
) -> dict[uuid.UUID, tuple[int, int]]:
    totals: dict[uuid.UUID, tuple[int, int]] = {}
    for template_id, count, discount in changes:
        had_count, had_discount = totals.get(template_id, (0, 0))
        totals[template_id] = (had_count + count, had_discount + discount)
    return totals


async def _count(changes: dict[uuid.UUID, tuple[int, int]], now: datetime) -> None:
    """Add to templates' redeemed counts and discount given, in SQL, in template id order (two
    orders counting on the same templates take their rows in the same order)."""
    for template_id in sorted(changes):
        count, discount = changes[template_id]
        await CouponTemplate.filter(id=template_id).update(
            redeemed_count=F("redeemed_count") + count,
            discount_given=F("discount_given") + discount,
            updated_at=now,
        )


async def release_coupons(order_id: uuid.UUID, now: datetime) -> int:
    """A fully refunded order's coupons: ISSUED again if still valid (else EXPIRED), and their
    templates' counts and budget released. Returns how many."""
    coupons = (
        await Coupon.filter(order_id=order_id, status="REDEEMED").order_by("id").select_for_update()
    )
    given_back = _totals((c.template_id, -1, -(c.discount_amount or 0)) for c in coupons)
    for coupon in coupons:
        coupon.status = "ISSUED" if coupon.valid_until > now else "EXPIRED"
        coupon.redeemed_at = None
        coupon.discount_amount = None
        coupon.order_amount = None
        coupon.order_id = None
        await coupon.save(
            update_fields=["status", "redeemed_at", "discount_amount", "order_amount", "order_id"]
        )
    await _count(given_back, now)
    return len(coupons)
