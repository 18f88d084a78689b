"""A small, varied programme history made through the services, and the analytics computed from
its source rows in plain Python: the independent computation the SQL is checked against.

The history has members joining over seven weeks from three channels (and none), orders at
local hours either side of midnight (so that a UTC date and a local date differ), orders with
and without items, full and partial refunds, a merge of two profiles, and coupons issued and
redeemed on their own days.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from membership.clock import FrozenClock
from membership.coupons.issue import issue_coupon
from membership.coupons.redeem import redeem_coupon
from membership.coupons.templates import TemplateDraft, create_template
from membership.members.service import MemberChanges, create_member, merge_members
from membership.orders.service import OrderItem, OrderRequest, record_order, refund_order
from membership.programme.settings import load_settings
from membership.tiers.service import TierChanges, create_tier
from tenants.context import RequestContext, TenantInfo
from tenants.tx import tenant_tx

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
CHANNELS = ["pos", "mini-program", "wecom", None]
# Local hours of the day orders are paid at: 00:30 and 23:30 sit on the two sides of midnight.
HOURS = [0.5, 9.0, 13.0, 19.5, 23.5]


async def make_history(tenant: TenantInfo, seed: int, members: int = 24, orders: int = 110) -> None:
    rng = random.Random(seed)
    clock = FrozenClock(START)
    ctx = RequestContext.system(tenant, clock=clock)
    # spend tiers: members move up as they buy, so tiers hold members of different values
    for rank, (name, threshold) in enumerate([("普卡", 0), ("银卡", 50_000), ("金卡", 150_000)]):
        await create_tier(
            ctx, TierChanges(name=name, rank=rank, metric="SPEND", threshold=threshold)
        )
    template = await create_template(
        ctx, TemplateDraft(name="满100减10", kind="AMOUNT_OFF", amount_off=1000, valid_days=400)
    )
    joined: list[tuple[uuid.UUID, datetime]] = []
    for i in range(members):
        clock.set(START + timedelta(days=rng.randrange(0, 45), hours=rng.randrange(0, 12)))
        member = await create_member(
            ctx,
            MemberChanges(phone=f"+8613{seed % 10}{i:08d}", source_channel=rng.choice(CHANNELS)),
        )
        joined.append((member.id, clock.now()))
    planned = []
    for n in range(orders):
        member_id, since = rng.choice(joined)
        local = (since.astimezone(ZONE) + timedelta(days=rng.randrange(0, 40))).replace(
            hour=0, minute=0, second=0, microsecond=0
        ) + timedelta(hours=rng.choice(HOURS))
        planned.append((max(local.astimezone(UTC), since), member_id, n))
    planned.sort()
    recorded: list[tuple[str, int]] = []
    for paid_at, member_id, n in planned:
        clock.set(paid_at)
        lines = [
            OrderItem(
                sku=f"SKU-{k}", quantity=rng.randrange(1, 4), unit_price=rng.randrange(5, 90) * 100
            )
            for k in range(rng.choice([0, 0, 1, 2, 3]))
        ]
        amount = sum(i.quantity * i.unit_price for i in lines) or rng.randrange(10, 500) * 100
        external_id = f"A-{seed}-{n}"
        await record_order(
            ctx,
            OrderRequest(
                external_id=external_id,
                member_id=member_id,
                amount=amount,
                items=lines,
                paid_at=paid_at,
            ),
        )
        recorded.append((external_id, amount))
        # coupons: some issued as orders go, some redeemed a few days later
        if rng.random() < 0.2:
            issued = await issue_coupon(
                ctx, template_id=template.id, member_id=member_id, idempotency_key=f"c-{n}"
            )
            if rng.random() < 0.5:
                clock.set(paid_at + timedelta(days=rng.randrange(0, 4), hours=3))
                await redeem_coupon(
                    ctx,
                    code=issued.coupon.code,
                    member_id=member_id,
                    amount=20_000,
                    idempotency_key=f"r-{n}",
                )
    for external_id, amount in rng.sample(recorded, 14):
        clock.set(clock.now() + timedelta(hours=1))
        full = rng.random() < 0.5
        await refund_order(
            ctx,
            external_id=external_id,
            amount=None if full else amount // 3,
            idempotency_key=f"refund-{external_id}",
        )
    # two profiles of one person, found late
    clock.set(clock.now() + timedelta(hours=1))
    await merge_members(ctx, source_id=joined[0][0], target_id=joined[1][0])


# ---------------------------------------------------------------- the independent computation


@dataclass
class SourceMember:
    id: uuid.UUID
    joined: date
    merged_into: uuid.UUID | None
    tier_id: uuid.UUID | None
    channel: str | None
    balance: int


@dataclass
class SourceOrder:
    member: uuid.UUID  # the member it counts for
    day: date
    amount: int  # net of refunds
    items: int | None  # None: the order lists no items
    refunded: bool  # in full


@dataclass
class Source:
    members: list[SourceMember] = field(default_factory=list)
    orders: list[SourceOrder] = field(default_factory=list)
    issued: list[date] = field(default_factory=list)
    redeemed: list[date] = field(default_factory=list)
    redeemers: list[tuple[uuid.UUID, date]] = field(default_factory=list)
    point_value: Decimal = Decimal(0)

    @property
    def counted(self) -> list[SourceOrder]:
        return [o for o in self.orders if not o.refunded]


def _local(at: datetime) -> date:
    return at.astimezone(ZONE).date()


async def read_source(tenant: TenantInfo) -> Source:
    ctx = RequestContext.system(tenant)
    source = Source(point_value=(await load_settings(ctx)).point_value_fen)
    async with tenant_tx(ctx) as conn:
        _, members = await conn.execute_query(
            "SELECT id, created_at, merged_into_id, tier_id, source_channel, points_balance "
            "FROM members"
        )
        _, orders = await conn.execute_query(
            "SELECT member_id, paid_at, amount, refunded_amount, status, items FROM orders"
        )
        _, coupons = await conn.execute_query(
            "SELECT issued_at, redeemed_at, member_id FROM coupons"
        )
    survivor = {m["id"]: m["merged_into_id"] or m["id"] for m in members}
    for m in members:
        source.members.append(
            SourceMember(
                m["id"],
                _local(m["created_at"]),
                m["merged_into_id"],
                m["tier_id"],
                m["source_channel"],
                m["points_balance"],
            )
        )
    for o in orders:
        items = o["items"] if isinstance(o["items"], list) else json.loads(o["items"])
        source.orders.append(
            SourceOrder(
                member=survivor[o["member_id"]],
                day=_local(o["paid_at"]),
                amount=o["amount"] - o["refunded_amount"],
                items=sum(i["quantity"] for i in items) if items else None,
                refunded=o["status"] == "REFUNDED",
            )
        )
    source.issued = [_local(c["issued_at"]) for c in coupons]
    source.redeemed = [_local(c["redeemed_at"]) for c in coupons if c["redeemed_at"]]
    source.redeemers = [
        (survivor[c["member_id"]], _local(c["redeemed_at"])) for c in coupons if c["redeemed_at"]
    ]
    return source


def half_up(value: Fraction | Decimal) -> int:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def expected_overview(source: Source, start: date, until: date) -> dict[str, object]:
    inside = [o for o in source.counted if start <= o.day <= until]
    days: dict[uuid.UUID, set[date]] = defaultdict(set)
    for o in inside:
        days[o.member].add(o.day)
    length = (until - start).days + 1
    before_start, before_end = start - timedelta(days=length), start - timedelta(days=1)
    before = {o.member for o in source.counted if before_start <= o.day <= before_end}
    revenue = sum(o.amount for o in inside)
    with_items = [o.items for o in inside if o.items is not None]
    issued = sum(start <= d <= until for d in source.issued)
    redeemed = sum(start <= d <= until for d in source.redeemed)
    points = sum(m.balance for m in source.members)
    return {
        "from": start.isoformat(),
        "until": until.isoformat(),
        "newMembers": sum(
            start <= m.joined <= until for m in source.members if m.merged_into is None
        ),
        "activeMembers": len(days),
        "orders": len(inside),
        "revenue": revenue,
        "averageOrderValue": half_up(Fraction(revenue, len(inside))) if inside else 0,
        "itemsPerOrder": sum(with_items) / len(with_items) if with_items else None,
        "repurchaseRate": sum(len(d) >= 2 for d in days.values()) / len(days) if days else 0.0,
        "churnRate": len(before - set(days)) / len(before) if before else 0.0,
        "pointsLiability": half_up(Decimal(points) * source.point_value),
        "couponRedemptionRate": redeemed / issued if issued else 0.0,
    }


CLASSES = {
    (True, True, True): "IMPORTANT_VALUE",
    (True, False, True): "IMPORTANT_DEVELOP",
    (False, True, True): "IMPORTANT_RETAIN",
    (False, False, True): "IMPORTANT_WINBACK",
    (True, True, False): "GENERAL_VALUE",
    (True, False, False): "GENERAL_DEVELOP",
    (False, True, False): "GENERAL_RETAIN",
    (False, False, False): "GENERAL_WINBACK",
}


def expected_rfm(source: Source, as_of: date) -> dict[uuid.UUID, dict[str, object]]:
    """Each member with an order up to ``as_of``: inputs and class, means as exact fractions."""
    days: dict[uuid.UUID, set[date]] = defaultdict(set)
    money: dict[uuid.UUID, int] = defaultdict(int)
    count: dict[uuid.UUID, int] = defaultdict(int)
    for o in source.counted:
        if o.day <= as_of:
            days[o.member].add(o.day)
            money[o.member] += o.amount
            count[o.member] += 1
    if not days:
        return {}
    n = len(days)
    recency = {m: (as_of - max(d)).days for m, d in days.items()}
    mean_r = Fraction(sum(recency.values()), n)
    mean_f = Fraction(sum(len(d) for d in days.values()), n)
    mean_m = Fraction(sum(money.values()), n)
    return {
        m: {
            "orders": count[m],
            "purchaseDays": len(d),
            "firstOrderOn": min(d).isoformat(),
            "lastOrderOn": max(d).isoformat(),
            "recencyDays": recency[m],
            "monetary": money[m],
            "rfmClass": CLASSES[(recency[m] <= mean_r, len(d) >= mean_f, money[m] >= mean_m)],
        }
        for m, d in days.items()
    }


def expected_members(source: Source, kind: str, start: date, until: date) -> set[uuid.UUID]:
    """The members behind a figure of the period."""
    days: dict[uuid.UUID, set[date]] = defaultdict(set)
    for o in source.counted:
        if start <= o.day <= until:
            days[o.member].add(o.day)
    if kind == "ACTIVE":
        return set(days)
    if kind == "REPURCHASED":
        return {m for m, d in days.items() if len(d) >= 2}
    if kind == "CHURNED":
        length = (until - start).days + 1
        first = start - timedelta(days=length)
        before = {o.member for o in source.counted if first <= o.day < start}
        return before - set(days)
    return {m for m, day in source.redeemers if start <= day <= until}


def expected_tiers(
    source: Source, start: date, until: date
) -> dict[uuid.UUID | None, tuple[int, int]]:
    """Per tier (now): live members, and the period's revenue from the members in it now."""
    tier_of = {m.id: m.tier_id for m in source.members}
    result: dict[uuid.UUID | None, list[int]] = defaultdict(lambda: [0, 0])
    for m in source.members:
        if m.merged_into is None:
            result[m.tier_id][0] += 1
    for o in source.counted:
        if start <= o.day <= until:
            result[tier_of[o.member]][1] += o.amount
    return {tier: (members, revenue) for tier, (members, revenue) in result.items()}


def expected_channels(
    source: Source, start: date, until: date
) -> dict[str | None, tuple[int, int, int]]:
    """Per channel: live members joined up to ``until``, those active in the period, revenue."""
    buyers: dict[uuid.UUID, int] = defaultdict(int)
    for o in source.counted:
        if start <= o.day <= until:
            buyers[o.member] += o.amount
    result: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    for m in source.members:
        if m.merged_into is None and m.joined <= until:
            totals = result[m.channel]
            totals[0] += 1
            if m.id in buyers:
                totals[1] += 1
                totals[2] += buyers[m.id]
    return {channel: (a, b, c) for channel, (a, b, c) in result.items()}
