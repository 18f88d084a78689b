"""Checking and redeeming a coupon on an order amount.

``check`` is pure: it lists every reason a coupon cannot be used now, and the discount it would
give. ``validate_coupon`` runs it on what the database says; ``redeem_coupon`` runs it again with
the coupon's row locked (and, for a template with a budget, the template's), so of ten
simultaneous redemptions of one code exactly one succeeds, and a template's budget is never
passed. The template's counters are added to in SQL as the transaction's last write.

The discount:

- AMOUNT_OFF: ``amountOff``, never more than the order amount;
- PERCENT_OFF: ``percentOff`` % of the order amount, rounded down to the fen, at most
  ``maxDiscount``;
- GIFT: no money off (the coupon is exchanged for ``giftSku``).

Here the order amount is taken as the amount the coupon applies to. The SKU, category and store
scopes of a template apply when a coupon is redeemed with the order's items (``recordOrder``).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError

from membership.coupons.codes import normalize
from membership.coupons.events import coupon_redeemed
from membership.coupons.models import Coupon, CouponTemplate
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.idempotency import service as idempotency
from membership.members.models import Member
from membership.outbox import insert_sql, outbox_row
from membership.rows import columns, take
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import fetch, tenant_tx

__all__ = ["Redemption", "Validation", "check", "discount_for", "redeem_coupon", "validate_coupon"]

MAX_AMOUNT = 2**53 - 1


@dataclass(frozen=True)
class Validation:
    discount: int
    reasons: list[DomainError]

    @property
    def valid(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class Redemption:
    coupon: Coupon
    discount: int
    replayed: bool


def discount_for(template: CouponTemplate, amount: int) -> int:
    if template.kind == "AMOUNT_OFF":
        return min(template.amount_off or 0, amount)
    if template.kind == "PERCENT_OFF":
        off = amount * (template.percent_off or 0) // 100
        return off if template.max_discount is None else min(off, template.max_discount)
    return 0


def _reason(code: ErrorCode, template: str, **params: object) -> DomainError:
    return DomainError(code, template, ["code"], **params)


def check(
    coupon: Coupon,
    template: CouponTemplate,
    *,
    member_id: uuid.UUID,
    amount: int,
    now: datetime,
    currency: str,
    discount: int | None = None,
    budget_used: int = 0,
    checkout_id: str | None = None,
) -> Validation:
    """Every reason ``coupon`` cannot be used by the member on ``amount`` now, and its discount.

    ``discount``: what stacking with other coupons left it to give (default: its own discount
    on ``amount``); ``budget_used``: what coupons of the same template on the same order take;
    ``checkout_id``: the checkout asking, which may use a coupon it reserved.
    """
    reasons = []
    if (
        coupon.reserved_until is not None
        and coupon.reserved_until > now
        and coupon.reserved_for != checkout_id
    ):
        reasons.append(
            _reason(
                ErrorCode.COUPON_NOT_APPLICABLE,
                "This coupon is held by another checkout until {until}.",
                until=coupon.reserved_until.isoformat(),
            )
        )
    if coupon.member_id is not None and coupon.member_id != member_id:
        reasons.append(
            _reason(ErrorCode.COUPON_NOT_APPLICABLE, "This coupon belongs to another member.")
        )
    if coupon.status == "REDEEMED":
        reasons.append(
            _reason(ErrorCode.COUPON_ALREADY_REDEEMED, "This coupon has been redeemed already.")
        )
    elif coupon.status == "VOIDED":
        reasons.append(_reason(ErrorCode.COUPON_NOT_APPLICABLE, "This coupon was voided."))
    elif coupon.status == "EXPIRED" or coupon.valid_until <= now:
        reasons.append(_reason(ErrorCode.COUPON_NOT_APPLICABLE, "This coupon has expired."))
    if now < coupon.valid_from:
        reasons.append(
            _reason(
                ErrorCode.COUPON_NOT_APPLICABLE,
                "This coupon is valid from {start}.",
                start=coupon.valid_from.isoformat(),
            )
        )
    if amount < template.min_spend:
        reasons.append(
            _reason(
                ErrorCode.COUPON_NOT_APPLICABLE,
                "Spend at least {amount} {currency} to use this coupon.",
                amount=f"{template.min_spend // 100}.{template.min_spend % 100:02d}",
                currency=currency,
            )
        )
    if discount is None:
        discount = discount_for(template, amount)
    given = template.discount_given + budget_used + discount
    if template.budget is not None and given > template.budget:
        reasons.append(
            _reason(ErrorCode.COUPON_NOT_APPLICABLE, "This campaign's budget is used up.")
        )
    return Validation(discount, reasons)


def _check_amount(amount: int, path: list[str]) -> None:
    if not 0 < amount <= MAX_AMOUNT:
        raise DomainError(ErrorCode.INVALID, "The order amount must be positive.", path)


async def _member_exists(member_id: uuid.UUID, path: list[str]) -> None:
    if not await Member.filter(id=member_id, merged_into_id=None).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", path)


@functools.cache
def _validate_sql() -> str:
    """Whether the member is live, and the coupon with its template: one statement."""
    return (
        "SELECT EXISTS (SELECT 1 FROM members WHERE id = $2 AND merged_into_id IS NULL) "
        f"AS member_ok__, {columns(Coupon, 'c', 'c__')}, "
        f"{columns(CouponTemplate, 't', 't__')} "
        "FROM (SELECT 1) AS one LEFT JOIN coupons c ON c.code = $1 "
        "LEFT JOIN coupon_templates t ON t.id = c.template_id"
    )


@functools.cache
def _redeem_read_sql() -> str:
    """The key's first request (its hash and result), whether the member is live, and the
    coupon, locked, with its template: one statement."""
    return (
        "WITH c AS (SELECT * FROM coupons WHERE code = $1 FOR UPDATE), "
        "k AS (SELECT request_hash, result_id FROM idempotency_keys WHERE key = $3) "
        "SELECT (SELECT request_hash FROM k) AS key_hash__, "
        "(SELECT result_id FROM k) AS key_result__, "
        "EXISTS (SELECT 1 FROM members WHERE id = $2 AND merged_into_id IS NULL) "
        f"AS member_ok__, {columns(Coupon, 'c', 'c__')}, "
        f"{columns(CouponTemplate, 't', 't__')} "
        "FROM (SELECT 1) AS one LEFT JOIN c ON true "
        "LEFT JOIN coupon_templates t ON t.id = c.template_id"
    )


# $1 coupon, $2 its member, $3 now, $4 discount, $5 order amount, $6 the template, $7-$12 the
# idempotency key (``idempotency.INSERT``), $13-$19 the event (``outbox.insert_sql``)
_REDEEM_WRITE = (
    "WITH coupon AS (UPDATE coupons SET status = 'REDEEMED', member_id = $2, redeemed_at = $3, "
    "discount_amount = $4, order_amount = $5, reserved_for = NULL, reserved_until = NULL "
    "WHERE id = $1), "
    f"key AS ({idempotency.INSERT} VALUES ($7, $8, $9, $10, $11, $12)), "
    f"event AS ({insert_sql(13)}) "
    "UPDATE coupon_templates SET redeemed_count = redeemed_count + 1, "
    "discount_given = discount_given + $4, updated_at = $3 WHERE id = $6"
)


async def validate_coupon(
    ctx: RequestContext,
    *,
    code: str,
    member_id: uuid.UUID,
    amount: int,
    checkout_id: str | None = None,
) -> Validation:
    """Whether the member can use the coupon on this amount now; changes nothing."""
    if not (ctx.has(Permission.COUPONS_WRITE) or ctx.has(Permission.MEMBERS_READ)):
        ctx.require(Permission.COUPONS_WRITE)
    _check_amount(amount, ["orderAmount"])
    async with tenant_tx(ctx) as conn:
        rows = await fetch(conn, _validate_sql(), [normalize(code), member_id])
    found = rows[0]
    if not found["member_ok__"]:
        raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", ["memberId"])
    if found["c__id"] is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such coupon in this tenant.", ["code"])
    coupon, template = take(Coupon, found, "c__"), take(CouponTemplate, found, "t__")
    return check(
        coupon,
        template,
        member_id=member_id,
        amount=amount,
        now=ctx.clock.now(),
        currency=ctx.tenant.currency,
        checkout_id=checkout_id,
    )


async def _replay(key: str, hashed: str) -> Redemption | None:
    coupon_id = await idempotency.first_result(key, hashed)
    if coupon_id is None:
        return None
    coupon = await Coupon.get(id=coupon_id)
    return Redemption(coupon, coupon.discount_amount or 0, replayed=True)


async def redeem_coupon(
    ctx: RequestContext,
    *,
    code: str,
    member_id: uuid.UUID,
    amount: int,
    idempotency_key: str,
    checkout_id: str | None = None,
) -> Redemption:
    """Redeem the coupon once, on ``amount``; refused with every reason otherwise.

    ``checkout_id``: the checkout that reserved the coupon, if one did."""
    ctx.require(Permission.COUPONS_WRITE)
    _check_amount(amount, ["input", "orderAmount"])
    idempotency.check_key(idempotency_key)
    wanted = normalize(code)
    request_hash = idempotency.request_hash("redeem_coupon", wanted, member_id, amount)
    try:
        async with tenant_tx(ctx) as conn:
            # the key's first result, the member, the coupon (locked) and its template: one read
            rows = await fetch(conn, _redeem_read_sql(), [wanted, member_id, idempotency_key])
            found = rows[0]
            first = idempotency.result_of(found["key_hash__"], found["key_result__"], request_hash)
            if first is not None:
                coupon = await Coupon.get(id=first)
                return Redemption(coupon, coupon.discount_amount or 0, replayed=True)
            if not found["member_ok__"]:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                )
            if found["c__id"] is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such coupon in this tenant.", ["input", "code"]
                )
            coupon, template = take(Coupon, found, "c__"), take(CouponTemplate, found, "t__")
            if template.budget is not None:  # counted with the row locked: redemptions queue
                template = await CouponTemplate.filter(id=template.id).select_for_update().get()
            now = ctx.clock.now()
            result = check(
                coupon,
                template,
                member_id=member_id,
                amount=amount,
                now=now,
                currency=ctx.tenant.currency,
                checkout_id=checkout_id,
            )
            if not result.valid:
                raise DomainErrors(
                    [
                        DomainError(r.code, r.template, ["input", *(r.field or [])], **r.params)
                        for r in result.reasons
                    ]
                )
            coupon.status = "REDEEMED"
            coupon.member_id = coupon.member_id or member_id  # a bulk code: its first redeemer
            coupon.redeemed_at = now
            coupon.discount_amount = result.discount
            coupon.order_amount = amount
            coupon.reserved_for = None
            coupon.reserved_until = None
            event = outbox_row(coupon_redeemed(coupon))
            # The coupon, the key, the event and, last, the template's counters (its row is
            # locked only until the commit: redemptions of one campaign do not queue behind
            # each other's whole transaction), in one statement.
            await fetch(
                conn,
                _REDEEM_WRITE,
                [
                    coupon.id,
                    coupon.member_id,
                    now,
                    result.discount,
                    amount,
                    template.id,
                    *idempotency.remembered_values(
                        ctx, idempotency_key, "redeem_coupon", request_hash, coupon.id
                    ),
                    ctx.tenant.id,
                    *event.params(),
                    now,
                ],
            )
            return Redemption(coupon, result.discount, replayed=False)
    except IntegrityError:
        async with tenant_tx(ctx):
            replayed = await _replay(idempotency_key, request_hash)
            if replayed is None:
                raise
            return replayed
