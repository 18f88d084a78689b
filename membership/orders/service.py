"""Orders: record (idempotent on the merchant's order number) and refund (full or partial).

Recording an order, spending ``pointsToSpend`` on it and earning its points happen in one
transaction with the member's row locked: if any part fails, nothing of the order is recorded.

Refunds claw earned points back in proportion to the money refunded and give spent points back
in the same proportion, each computed on the cumulative refunded amount so rounding never drifts.
If the member has already spent points a refund claws back, the balance goes to zero and the
rest becomes a points debt, repaid first from later earnings: nobody cashes the same points twice.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from membership.coupons.checkout import (
    CouponUse,
    preview_coupons,
    redeem_uses,
    release_coupons,
    take_coupons,
)
from membership.coupons.codes import normalize
from membership.coupons.stacking import Line
from membership.cursors import decode_cursor
from membership.earning.engine import EarningOutcome, compute
from membership.earning.rules import RuleDraft, active_rules, draft_specs, kinds
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.idempotency.models import IdempotencyKey
from membership.ids import new_id
from membership.members.models import Member
from membership.orders.earning import cash_paid, max_points_payment, points_value
from membership.orders.events import OrderRefunded, order_recorded
from membership.orders.models import Order
from membership.orders.snapshot import read_programme
from membership.outbox import emit
from membership.points import ledger
from membership.points.ledger import MAX_POINTS, Posting
from membership.programme.expiry import ExpiryPolicy
from membership.programme.models import PointsSettings
from membership.programme.settings import load_settings
from membership.rows import made
from membership.tiering.engine import order_metric_reads, upgrade_if_qualified
from membership.tiers.models import Tier
from plugins.earning import MemberFacts, OrderFacts, OrderLine
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "OrderFilter",
    "OrderItem",
    "OrderPage",
    "OrderPreview",
    "OrderRequest",
    "OrderResult",
    "PreviewRequest",
    "get_order",
    "list_orders",
    "preview_order",
    "record_order",
    "refund_order",
]

MAX_AMOUNT = 2**53 - 1


@dataclass(frozen=True)
class OrderItem:
    sku: str
    quantity: int
    unit_price: int
    category: str | None = None


@dataclass
class OrderRequest:
    external_id: str
    member_id: uuid.UUID
    amount: int
    items: list[OrderItem] = field(default_factory=list)
    store_code: str | None = None
    paid_at: datetime | None = None
    points_to_spend: int = 0
    coupon_codes: list[str] = field(default_factory=list)


@dataclass
class PreviewRequest:
    """An order not recorded: a member (or a tier) and, for the rule editor, unsaved rules."""

    amount: int
    member_id: uuid.UUID | None = None
    tier_id: uuid.UUID | None = None
    items: list[OrderItem] = field(default_factory=list)
    store_code: str | None = None
    paid_at: datetime | None = None
    points_to_spend: int = 0
    rules: list[RuleDraft] | None = None  # None: the tenant's enabled rules
    coupon_codes: list[str] = field(default_factory=list)  # checked for the member


@dataclass(frozen=True)
class OrderPreview:
    outcome: EarningOutcome
    pending_until: datetime | None  # when the points would become available, if pending
    coupons: list[CouponUse] = field(default_factory=list)  # the codes found, with discounts
    discount: int = 0
    points_value: int = 0  # what pointsToSpend pays, in fen
    max_points: int = 0  # the most points this order may take (balance and cap)
    points_to_spend: int = 0
    problems: list[DomainError] = field(default_factory=list)  # why recordOrder would refuse


@dataclass(frozen=True)
class OrderResult:
    order: Order
    member: Member
    replayed: bool


def _validate(request: OrderRequest | PreviewRequest) -> None:
    errors: list[DomainError] = []
    if isinstance(request, OrderRequest) and not 1 <= len(request.external_id.strip()) <= 100:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "The order number must have 1 to 100 characters.",
                ["input", "externalId"],
            )
        )
    if not 0 < request.amount <= MAX_AMOUNT:
        errors.append(
            DomainError(ErrorCode.INVALID, "The amount must be positive.", ["input", "amount"])
        )
    if not 0 <= request.points_to_spend <= MAX_POINTS:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Points to spend must not be negative.",
                ["input", "pointsToSpend"],
            )
        )
    if request.store_code is not None and len(request.store_code) > 50:
        errors.append(
            DomainError(
                ErrorCode.INVALID, "Store codes have at most 50 characters.", ["input", "storeCode"]
            )
        )
    for index, item in enumerate(request.items):
        path = ["input", "items", str(index)]
        if not item.sku.strip():
            errors.append(DomainError(ErrorCode.INVALID, "Every item needs a SKU.", [*path, "sku"]))
        if item.quantity <= 0:
            errors.append(
                DomainError(ErrorCode.INVALID, "Quantities must be positive.", [*path, "quantity"])
            )
        if not 0 <= item.unit_price <= MAX_AMOUNT:
            errors.append(
                DomainError(
                    ErrorCode.INVALID, "Unit prices must not be negative.", [*path, "unitPrice"]
                )
            )
    if errors:
        raise DomainErrors(errors)


# json.dumps(payload, sort_keys=True, default=str), without making an encoder per order
_HASH_ENCODER = json.JSONEncoder(sort_keys=True, default=str)


def _hash(payload: Any) -> str:
    return hashlib.sha256(_HASH_ENCODER.encode(payload).encode()).hexdigest()


def _order_hash(request: OrderRequest) -> str:
    return _hash(
        {
            "member": str(request.member_id),
            "amount": request.amount,
            "points": request.points_to_spend,
            "store": request.store_code,
            "items": [[i.sku, i.quantity, i.unit_price, i.category] for i in request.items],
            "coupons": sorted(normalize(c) for c in request.coupon_codes),
        }
    )


async def _lock_member(member_id: uuid.UUID) -> Member:
    member = await Member.filter(id=member_id, merged_into_id=None).select_for_update().first()
    if member is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
        )
    return member


async def record_order(ctx: RequestContext, request: OrderRequest) -> OrderResult:
    ctx.require(Permission.ORDERS_WRITE)
    _validate(request)
    if ctx.actor.stores and request.store_code not in ctx.actor.stores:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "You record sales for your stores only: {stores}.",
            ["input", "storeCode"],
            stores=", ".join(ctx.actor.stores),
        )
    request_hash = _order_hash(request)
    try:
        async with tenant_tx(ctx) as conn:
            now = ctx.clock.now()
            found = await read_programme(ctx, conn, request.member_id, now)
            if found is None:
                # a replay still answers after its member was merged away
                existing = await Order.get_or_none(external_id=request.external_id)
                if existing is not None:
                    return await _replayed(existing, request_hash)
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                )
            member, programme = found
            await ledger.settle(
                ctx, conn, member, now, due=(programme.mature_due, programme.expire_due)
            )
            settings = programme.settings
            paid_at = request.paid_at or now
            uses = []
            if request.coupon_codes:
                # A replay would find its own coupons redeemed: answer it before looking at them.
                existing = await Order.get_or_none(external_id=request.external_id)
                if existing is not None:
                    return await _replayed(existing, request_hash)
                uses = await take_coupons(
                    ctx,
                    request.coupon_codes,
                    member_id=member.id,
                    lines=_coupon_lines(request),
                    store=request.store_code,
                    now=now,
                    checkout_id=request.external_id,
                )
            discount = sum(use.discount for use in uses)
            earning = compute(
                programme.rules,
                _order_facts(ctx, request, paid_at, discount, settings),
                _member_facts(
                    member, next((t for t in programme.tiers if t.id == member.tier_id), None)
                ),
                base_rate=settings.earn_points_per_yuan,
                kinds=kinds(),
            )
            _check_points_payment(request.points_to_spend, request.amount - discount, settings)
            order = _new_order(
                id=new_id(),
                tenant_id=ctx.tenant.id,
                external_id=request.external_id,
                member_id=member.id,
                amount=request.amount,
                discount_amount=discount,
                points_spent=request.points_to_spend,
                points_earned=earning.points,
                refunded_amount=0,
                points_reversed=0,
                points_returned=0,
                earning=earning.explanation(),
                status="COMPLETED",
                store_code=request.store_code,
                request_hash=request_hash,
                items=[
                    {
                        "sku": i.sku,
                        "category": i.category,
                        "quantity": i.quantity,
                        "unitPrice": i.unit_price,
                    }
                    for i in request.items
                ],
                item_quantity=sum(i.quantity for i in request.items) if request.items else None,
                paid_at=paid_at,
                created_at=now,
            )
            member.total_spent += order.amount
            member.order_count += 1
            if member.last_order_at is None or order.paid_at > member.last_order_at:
                member.last_order_at = order.paid_at
            member.updated_at = now
            # The tiers' metrics ride on the order's statement (none when it takes more).
            reads = order_metric_reads(
                ctx,
                member,
                programme.tiers,
                amount=order.amount,
                paid_at=order.paid_at,
                points_now=0 if settings.return_window_days else order.points_earned,
            )
            # A second order with this number fails here (unique key): handled as a replay below.
            metrics = await ledger.write_order(
                ctx,
                conn,
                member,
                order,
                _postings(order, settings),
                events=[order_recorded(order)],
                member_fields=("total_spent", "order_count", "last_order_at"),
                reads=reads,
            )
            if uses:
                await redeem_uses(
                    ctx,
                    uses,
                    member_id=member.id,
                    order_id=order.id,
                    order_amount=order.amount,
                    now=now,
                )
            await upgrade_if_qualified(
                ctx,
                conn,
                member,
                f"order {order.external_id}",
                tiers=programme.tiers,
                values=metrics,
            )
            return OrderResult(order, member, replayed=False)
    except IntegrityError:
        # Another request recorded the same order number at the same moment: it won.
        async with tenant_tx(ctx):
            existing = await Order.get_or_none(external_id=request.external_id)
            if existing is None:
                raise
            return await _replayed(existing, request_hash)


def _new_order(**values: Any) -> Order:
    """An order not written yet, from values already of its fields' Python types, every field
    given: tortoise's constructor converts and checks each value again, which cost recording an
    order more than any of its statements' Python. Made as a row read back would be (``made``),
    then marked unsaved."""
    order = made(Order, values)
    order._saved_in_db = False
    return order


def _check_points_payment(points: int, payable: int, settings: PointsSettings) -> None:
    """Refuse points worth more than the order after coupons, or more than the tenant's cap."""
    if not points:
        return
    if points_value(points, settings.point_value_fen) > payable:
        raise DomainError(
            ErrorCode.INVALID,
            "The points are worth more than the order.",
            ["input", "pointsToSpend"],
        )
    most = max_points_payment(
        payable, settings.points_payment_cap_percent, settings.point_value_fen
    )
    if points > most:
        raise DomainError(
            ErrorCode.INVALID,
            "Points may pay at most {percent}% of this order: {most} points.",
            ["input", "pointsToSpend"],
            percent=settings.points_payment_cap_percent,
            most=most,
        )


def _postings(order: Order, settings: PointsSettings) -> list[Posting]:
    """What the order does to the member's points: spend first, then earn (pending inside the
    return window), under the expiry policy read with the programme."""
    reason = f"order {order.external_id}"
    postings: list[Posting] = []
    if order.points_spent:
        postings.append(Posting("SPEND", -order.points_spent, reason, order_id=order.id))
    if order.points_earned:
        window = settings.return_window_days
        postings.append(
            Posting(
                "EARN",
                order.points_earned,
                reason,
                order_id=order.id,
                expiry=ExpiryPolicy(settings.expiry_policy, settings.expiry_period),
                available_at=order.paid_at + timedelta(days=window) if window else None,
            )
        )
    return postings


def _coupon_lines(request: OrderRequest | PreviewRequest) -> list[Line]:
    """The order's lines for coupon scopes; an order without items is one line of its amount."""
    if not request.items:
        return [Line(None, None, request.amount)]
    return [Line(i.sku, i.category, i.quantity * i.unit_price) for i in request.items]


def _order_facts(
    ctx: RequestContext,
    request: OrderRequest | PreviewRequest,
    paid_at: datetime,
    discount: int,
    settings: PointsSettings,
) -> OrderFacts:
    cash = cash_paid(request.amount, discount, request.points_to_spend, settings.point_value_fen)
    return OrderFacts(
        amount=request.amount,
        cash=cash,
        store_code=request.store_code,
        paid_at=paid_at,
        local_paid_at=paid_at.astimezone(ZoneInfo(ctx.tenant.timezone)),
        lines=tuple(
            OrderLine(i.sku, i.category, i.quantity, i.quantity * i.unit_price)
            for i in request.items
        ),
    )


def _member_facts(member: Member | None, tier: Tier | None) -> MemberFacts:
    return MemberFacts(
        id=str(member.id) if member else None,
        tier_id=str(tier.id) if tier else None,
        tier_name=tier.name if tier else None,
        tier_multiplier=tier.points_multiplier if tier else Decimal(1),
        birthday=member.birthday if member else None,
        joined_at=member.created_at if member else None,
    )


async def preview_order(ctx: RequestContext, request: PreviewRequest) -> OrderPreview:
    """What an order would earn, pay and discount, and why; records nothing (a dry run of
    ``record_order``).

    Coupons and points that ``record_order`` would refuse do not fail the preview: they are
    its ``problems``, so a counter can show the reasons before the clerk confirms.
    """
    if not ctx.has(Permission.PROGRAMME_MANAGE):
        ctx.require(Permission.ORDERS_WRITE)
    _validate(request)
    drafts = None if request.rules is None else draft_specs(request.rules, ["input", "rules"])
    now = ctx.clock.now()
    async with tenant_tx(ctx):
        member = None
        if request.member_id is not None:
            member = await Member.get_or_none(id=request.member_id, merged_into_id=None)
            if member is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                )
        tier_id = request.tier_id or (member.tier_id if member else None)
        tier = await Tier.get_or_none(id=tier_id) if tier_id else None
        if request.tier_id is not None and tier is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such tier.", ["input", "tierId"])
        settings = await load_settings(ctx)
        uses: list[CouponUse] = []
        problems: list[DomainError] = []
        if request.coupon_codes:
            if member is None:
                raise DomainError(
                    ErrorCode.INVALID, "Coupons are checked for a member.", ["input", "memberId"]
                )
            uses, problems = await preview_coupons(
                ctx,
                request.coupon_codes,
                member_id=member.id,
                lines=_coupon_lines(request),
                store=request.store_code,
                now=now,
            )
        discount = sum(use.discount for use in uses)
        payable = request.amount - discount
        most = max_points_payment(
            payable, settings.points_payment_cap_percent, settings.point_value_fen
        )
        if member is not None:
            most = min(most, member.points_balance)
            if request.points_to_spend > member.points_balance:
                problems.append(
                    DomainError(
                        ErrorCode.INSUFFICIENT_POINTS,
                        "Only {balance} points are available.",
                        ["input", "pointsToSpend"],
                        balance=member.points_balance,
                    )
                )
        try:
            _check_points_payment(request.points_to_spend, payable, settings)
        except DomainError as problem:
            problems.append(problem)
        paid_at = request.paid_at or now
        outcome = compute(
            await active_rules(ctx) if drafts is None else drafts,
            _order_facts(ctx, request, paid_at, discount, settings),
            _member_facts(member, tier),
            base_rate=settings.earn_points_per_yuan,
            kinds=kinds(),
        )
    pending_until = (
        paid_at + timedelta(days=settings.return_window_days)
        if outcome.points and settings.return_window_days
        else None
    )
    return OrderPreview(
        outcome,
        pending_until,
        coupons=uses,
        discount=discount,
        points_value=points_value(request.points_to_spend, settings.point_value_fen),
        max_points=max(0, most),
        points_to_spend=request.points_to_spend,
        problems=problems,
    )


async def _replayed(order: Order, request_hash: str) -> OrderResult:
    if order.request_hash != request_hash:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This order number was recorded with other details.",
            ["input", "externalId"],
        )
    return OrderResult(order, await Member.get(id=order.member_id), replayed=True)


@dataclass(frozen=True)
class OrderFilter:
    member_id: uuid.UUID | None = None
    status: str | None = None
    store_code: str | None = None
    search: str | None = None  # the start of the merchant's order number


@dataclass(frozen=True)
class OrderPage:
    rows: list[Order]
    total: int
    has_next: bool


MAX_PAGE = 100
STATUSES = ("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED")


async def list_orders(
    ctx: RequestContext, *, first: int, after: str | None, filter: OrderFilter
) -> OrderPage:
    """The tenant's orders, newest first, keyset-paginated."""
    if not ctx.has(Permission.MEMBERS_READ):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(
            ErrorCode.INVALID,
            "first must be between 0 and {MAX_PAGE}.",
            ["first"],
            MAX_PAGE=MAX_PAGE,
        )
    if filter.status is not None and filter.status not in STATUSES:
        raise DomainError(
            ErrorCode.INVALID,
            "Status must be one of: {statuses}.",
            ["filter", "status"],
            statuses=", ".join(STATUSES),
        )
    query = Order.all()
    if filter.member_id is not None:
        query = query.filter(member_id=filter.member_id)
    if filter.status is not None:
        query = query.filter(status=filter.status)
    if filter.store_code:
        query = query.filter(store_code=filter.store_code)
    if filter.search and filter.search.strip():
        query = query.filter(external_id__startswith=filter.search.strip())
    async with tenant_tx(ctx):
        total = await query.count()
        page = query
        if after:
            created_at, last_id = decode_cursor(after)
            page = page.filter(
                Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=last_id)
            )
        rows = list(await page.order_by("-created_at", "-id").limit(first + 1))
    return OrderPage(rows[:first], total, has_next=len(rows) > first)


async def get_order(ctx: RequestContext, external_id: str) -> Order | None:
    if not ctx.has(Permission.MEMBERS_READ):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    async with tenant_tx(ctx):
        return await Order.get_or_none(external_id=external_id)


async def refund_order(
    ctx: RequestContext, *, external_id: str, amount: int | None, idempotency_key: str
) -> OrderResult:
    """Refund all (``amount`` None) or part of an order; idempotent by key."""
    ctx.require(Permission.ORDERS_WRITE)
    if not 1 <= len(idempotency_key.strip()) <= 200:
        raise DomainError(
            ErrorCode.INVALID,
            "The idempotency key must have 1 to 200 characters.",
            ["input", "idempotencyKey"],
        )
    request_hash = _hash({"refund": external_id, "amount": amount})
    try:
        async with tenant_tx(ctx) as conn:
            order = await Order.filter(external_id=external_id).select_for_update().first()
            if order is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such order in this tenant.", ["input", "externalId"]
                )
            member = await _lock_member(order.member_id)
            key = await IdempotencyKey.get_or_none(key=idempotency_key)
            if key is not None:
                if key.request_hash != request_hash:
                    raise DomainError(
                        ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "This idempotency key was used for a different request.",
                        ["input", "idempotencyKey"],
                    )
                return OrderResult(order, member, replayed=True)
            refundable = order.amount - order.refunded_amount
            refund = refundable if amount is None else amount
            if refund <= 0 or refund > refundable:
                raise DomainError(
                    ErrorCode.INVALID,
                    "Only {refundable} {currency} can still be refunded on this order.",
                    ["input", "amount"],
                    refundable=f"{refundable // 100}.{refundable % 100:02d}",
                    currency=ctx.tenant.currency,
                )
            now = ctx.clock.now()
            await ledger.settle(ctx, conn, member, now)
            order.refunded_amount += refund
            full = order.refunded_amount == order.amount
            # Cumulative targets: the rounding of one refund is corrected by the next.
            returned = (
                order.points_spent
                if full
                else order.points_spent * order.refunded_amount // order.amount
            )
            reversed_ = (
                order.points_earned
                if full
                else order.points_earned * order.refunded_amount // order.amount
            )
            give_back = returned - order.points_returned
            claw_back = reversed_ - order.points_reversed
            reason = f"refund of order {order.external_id}"
            # The member is saved below, with the order's totals.
            if give_back:
                await ledger.post(
                    ctx,
                    conn,
                    member,
                    Posting("REVERSE", give_back, reason, order_id=order.id),
                    save_member=False,
                )
                order.points_returned = returned
            if claw_back:
                await ledger.claw_back(
                    ctx,
                    conn,
                    member,
                    Posting("REVERSE", -claw_back, reason, order_id=order.id),
                    save_member=False,
                )
                order.points_reversed = reversed_
            if full:
                await release_coupons(order.id, now)
            order.status = "REFUNDED" if full else "PARTIALLY_REFUNDED"
            await order.save()
            member.total_spent -= refund
            if full:
                member.order_count -= 1
                _, rows = await conn.execute_query(
                    "SELECT max(paid_at) AS last FROM orders WHERE member_id = $1 "
                    "AND status <> 'REFUNDED'",
                    [member.id],
                )
                member.last_order_at = rows[0]["last"]
            member.updated_at = now
            await member.save()
            await IdempotencyKey.create(
                key=idempotency_key,
                tenant_id=ctx.tenant.id,
                operation="refund",
                request_hash=request_hash,
                result_id=order.id,
                created_at=now,
            )
            if ctx.actor.kind == "staff":
                await audit.record(
                    ctx,
                    "order.refund",
                    "member",
                    member.id,
                    after={
                        "order": order.external_id,
                        "amount": refund,
                        "pointsReversed": claw_back,
                        "pointsReturned": give_back,
                    },
                )
            await emit(
                ctx,
                OrderRefunded(
                    member_id=member.id,
                    order_id=order.id,
                    external_id=order.external_id,
                    amount=refund,
                    refunded_amount=order.refunded_amount,
                    points_reversed=claw_back,
                    points_returned=give_back,
                    full=full,
                ),
            )
            return OrderResult(order, member, replayed=False)
    except IntegrityError:
        async with tenant_tx(ctx):
            key = await IdempotencyKey.get_or_none(key=idempotency_key)
            if key is None or key.request_hash != request_hash:
                raise
            order = await Order.get(external_id=external_id)
            return OrderResult(order, await Member.get(id=order.member_id), replayed=True)
