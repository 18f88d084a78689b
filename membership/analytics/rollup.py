"""The analytics roll-up: kept up to date from the event backbone, rebuilt whole on demand.

What it holds (migration 0037):

* ``analytics_members``: each member's RFM inputs from their orders (orders, purchase days,
  first and last order day, monetary), a merged profile's orders counted for the member it went
  into, and the member's ordinal: their bit in the daily buyer bitmaps.
* ``analytics_days``: per local day, new members, orders, revenue, items, orders with items,
  coupons issued and redeemed, and ``buyers``, the bitmap of the members who ordered that day.

Only orders count, net of refunds: a fully refunded order is no order, a partially refunded one
counts for what was kept. An order's day is the local date of ``paid_at`` in the tenant's time
zone. New members are live profiles (not merged into another) by the local date they joined.

**Incremental.** The ``analytics`` event handler marks in ``analytics_pending`` the member and the
day an event touches (an order recorded or refunded, a member created or merged, a coupon issued
or redeemed). ``refresh`` takes the marks and recomputes exactly those members and days from
their source rows. A refresh and the events it misses are never lost to each other: the marks a
refresh took commit with its results, and a mark written meanwhile waits for the next one.

**Rebuild.** ``rebuild`` recomputes everything of one tenant in one transaction; readers see the
old roll-up until it commits.

Refreshes and rebuilds of one tenant run one at a time (they lock its ``analytics_state`` row).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from asyncpg import BitString
from tortoise.backends.base.client import BaseDBAsyncClient

from membership.analytics.buyers import month_start, next_month
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = [
    "CHANGES",
    "Progress",
    "Refreshed",
    "bitmap",
    "mark_changes",
    "rebuild",
    "refresh",
]

# The events that change what the roll-up holds.
CHANGES = (
    "order.recorded",
    "order.refunded",
    "member.created",
    "member.merged",
    "coupon.issued",
    "coupon.redeemed",
    "coupon_batch.created",
    "points.changed",
)

# Bitmaps grow by doubling, from this many members.
MIN_CAPACITY = 1024
# PostgreSQL's day 0 (binary dates count from it), as a proleptic ordinal.
_PG_EPOCH = date(2000, 1, 1).toordinal()

# (step, done, total): what a long rebuild reports as it goes. The steps are "orders" (the
# orders read so far, of all), then "members" and "days" (one unit each).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Refreshed:
    members: int  # members recomputed
    days: int  # days recomputed
    capacity: int  # bits in each buyer bitmap after the refresh
    at: datetime


# ---------------------------------------------------------------- marks


async def mark_changes(
    ctx: RequestContext, conn: BaseDBAsyncClient, event_type: str, payload: dict[str, Any]
) -> None:
    """Mark what ``event_type`` changed for the next refresh (in the handling's transaction)."""
    tenant, zone = ctx.tenant.id, ctx.tenant.timezone
    if event_type in ("order.recorded", "order.refunded"):
        await conn.execute_query(
            "INSERT INTO analytics_pending (tenant_id, member_id, day) "
            "SELECT tenant_id, member_id, (paid_at AT TIME ZONE $3)::date FROM orders "
            "WHERE tenant_id = $1 AND id = $2",
            [tenant, uuid.UUID(payload["orderId"]), zone],
        )
    elif event_type == "member.created":
        await conn.execute_query(
            "INSERT INTO analytics_pending (tenant_id, day) "
            "SELECT tenant_id, (created_at AT TIME ZONE $3)::date FROM members "
            "WHERE tenant_id = $1 AND id = $2",
            [tenant, uuid.UUID(payload["memberId"]), zone],
        )
    elif event_type == "member.merged":
        # Both profiles' figures move: the source's orders now count for the survivor, on every
        # day the source ordered, and the source no longer counts as a member who joined.
        source, target = uuid.UUID(payload["sourceId"]), uuid.UUID(payload["memberId"])
        await conn.execute_query(
            "INSERT INTO analytics_pending (tenant_id, member_id, day) "
            "SELECT $1, unnest($2::uuid[]), NULL "
            "UNION ALL SELECT DISTINCT tenant_id, NULL::uuid, (paid_at AT TIME ZONE $4)::date "
            "FROM orders WHERE tenant_id = $1 AND member_id = $3 "
            "UNION ALL SELECT tenant_id, NULL, (created_at AT TIME ZONE $4)::date FROM members "
            "WHERE tenant_id = $1 AND id = $3",
            [tenant, [target, source], source, zone],
        )
    elif event_type in ("coupon.issued", "coupon.redeemed"):
        column = "issued_at" if event_type == "coupon.issued" else "redeemed_at"
        await conn.execute_query(
            "INSERT INTO analytics_pending (tenant_id, day) "
            f"SELECT tenant_id, ({column} AT TIME ZONE $3)::date FROM coupons "
            f"WHERE tenant_id = $1 AND id = $2 AND {column} IS NOT NULL",
            [tenant, uuid.UUID(payload["couponId"]), zone],
        )
    elif event_type == "points.changed":
        # the liability is recounted at the next refresh
        await conn.execute_query("INSERT INTO analytics_pending (tenant_id) VALUES ($1)", [tenant])
    elif event_type == "coupon_batch.created":
        await conn.execute_query(
            "INSERT INTO analytics_pending (tenant_id, day) "
            "SELECT tenant_id, (created_at AT TIME ZONE $3)::date FROM coupon_batches "
            "WHERE tenant_id = $1 AND id = $2",
            [tenant, uuid.UUID(payload["batchId"]), zone],
        )


# ---------------------------------------------------------------- bitmaps


def bitmap(ordinals: np.ndarray[Any, Any] | Sequence[int], capacity: int) -> BitString:
    """A ``capacity``-bit string with the bits of ``ordinals`` set (bit 0 leftmost, as
    PostgreSQL numbers a ``bit varying``)."""
    bits = np.zeros(capacity, dtype=np.uint8)
    if len(ordinals):
        bits[np.asarray(ordinals, dtype=np.int64)] = 1
    return BitString.frombytes(np.packbits(bits).tobytes(), capacity)


def _days(day: date) -> int:
    """A date as days since 2000-01-01 (how the state sums last order days)."""
    return day.toordinal() - _PG_EPOCH


def _capacity_for(members: int, current: int) -> int:
    capacity = max(current, MIN_CAPACITY)
    while capacity < members:
        capacity *= 2
    return capacity


async def _grow(conn: BaseDBAsyncClient, tenant: uuid.UUID, old: int, new: int) -> None:
    """Lengthen every bitmap of the tenant to ``new`` bits (the members past ``old`` have none)."""
    if new == old:
        return
    zeros = BitString.frombytes(bytes((new - old) // 8), new - old)
    await conn.execute_query(
        "UPDATE analytics_days SET buyers = buyers || $2 WHERE tenant_id = $1", [tenant, zeros]
    )
    await conn.execute_query(
        "UPDATE analytics_months SET buyers = buyers || $2, repeat_buyers = repeat_buyers || $2 "
        "WHERE tenant_id = $1",
        [tenant, zeros],
    )
    await conn.execute_query(
        "UPDATE analytics_state SET capacity = $2 WHERE tenant_id = $1", [tenant, new]
    )


# ---------------------------------------------------------------- shared SQL

# An order's member, a merged profile's orders counted for the member it went into.
_RESOLVED = "coalesce(m.merged_into_id, m.id)"

# The facts of local days $2 whose instants are [$3, $4) (bounds passed in: a bound computed in
# the query is not leakproof, and row-level security would keep it off the indexes).
_DAY_FACTS = f"""
WITH d AS (SELECT * FROM unnest($2::date[], $3::timestamptz[], $4::timestamptz[]) AS d (day, lo, hi))
SELECT d.day,
       (SELECT count(*) FROM members m WHERE m.tenant_id = $1 AND m.merged_into_id IS NULL
          AND m.created_at >= d.lo AND m.created_at < d.hi) AS new_members,
       o.orders, o.revenue, o.items, o.orders_with_items,
       (SELECT count(*) FROM coupons c WHERE c.tenant_id = $1
          AND c.issued_at >= d.lo AND c.issued_at < d.hi) AS coupons_issued,
       (SELECT count(*) FROM coupons c WHERE c.tenant_id = $1 AND c.redeemed_at IS NOT NULL
          AND c.redeemed_at >= d.lo AND c.redeemed_at < d.hi) AS coupons_redeemed,
       o.ordinals
FROM d
CROSS JOIN LATERAL (
    SELECT count(*) AS orders,
           coalesce(sum(o.amount - o.refunded_amount), 0) AS revenue,
           coalesce(sum(o.item_quantity), 0) AS items,
           count(o.item_quantity) AS orders_with_items,
           coalesce(array_agg(DISTINCT o.ordinal) FILTER (WHERE o.ordinal IS NOT NULL), '{{}}')
               AS ordinals
    -- the day's orders with their member's ordinal, looked up order by order (a day is a few
    -- thousand orders; the tenant's members may be millions)
    FROM (
        SELECT o.amount, o.refunded_amount, o.item_quantity,
               (SELECT a.ordinal FROM analytics_members a
                WHERE a.tenant_id = $1 AND a.member_id = (
                    SELECT {_RESOLVED} FROM members m WHERE m.tenant_id = $1 AND m.id = o.member_id
                )) AS ordinal
        FROM orders o
        WHERE o.tenant_id = $1 AND o.paid_at >= d.lo AND o.paid_at < d.hi
          AND o.status <> 'REFUNDED'
        OFFSET 0
    ) o
) o
"""

_UPSERT_DAY = """
INSERT INTO analytics_days (tenant_id, day, new_members, orders, revenue, items,
                            orders_with_items, coupons_issued, coupons_redeemed, buyers)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (tenant_id, day) DO UPDATE SET
    new_members = EXCLUDED.new_members, orders = EXCLUDED.orders, revenue = EXCLUDED.revenue,
    items = EXCLUDED.items, orders_with_items = EXCLUDED.orders_with_items,
    coupons_issued = EXCLUDED.coupons_issued, coupons_redeemed = EXCLUDED.coupons_redeemed,
    buyers = EXCLUDED.buyers
"""

# The RFM inputs of the members $2 (as resolved: a merged profile stands for its survivor).
_MEMBER_INPUTS = f"""
WITH wanted AS (
    SELECT DISTINCT {_RESOLVED} AS member_id FROM members m
    WHERE m.tenant_id = $1 AND m.id = ANY($2::uuid[])
),
profiles AS (
    SELECT w.member_id, m.id AS profile_id FROM wanted w
    JOIN members m ON m.tenant_id = $1 AND m.id = w.member_id
    UNION ALL
    SELECT w.member_id, m.id FROM wanted w
    JOIN members m ON m.tenant_id = $1 AND m.merged_into_id = w.member_id
),
days AS (
    SELECT p.member_id, (o.paid_at AT TIME ZONE $3)::date AS day, count(*) AS orders,
           sum(o.amount - o.refunded_amount) AS amount
    FROM profiles p
    JOIN orders o ON o.tenant_id = $1 AND o.member_id = p.profile_id AND o.status <> 'REFUNDED'
    GROUP BY 1, 2
)
SELECT member_id, sum(orders)::int AS orders, count(*)::int AS purchase_days,
       min(day) AS first_order_on, max(day) AS last_order_on, sum(amount)::bigint AS monetary
FROM days GROUP BY member_id
"""


# The months $2 from their days: the OR of the days' buyers and who bought on two of them.
_MONTHS = """
INSERT INTO analytics_months (tenant_id, month, buyers, repeat_buyers)
SELECT $1, m.month, b.buyers[1], b.buyers[2]
FROM unnest($2::date[]) AS m (month)
CROSS JOIN LATERAL (
    SELECT analytics_buyers(d.buyers, NULL) AS buyers FROM analytics_days d
    WHERE d.tenant_id = $1 AND d.day >= m.month AND d.day < (m.month + interval '1 month')::date
) b
WHERE b.buyers IS NOT NULL
ON CONFLICT (tenant_id, month) DO UPDATE
    SET buyers = EXCLUDED.buyers, repeat_buyers = EXCLUDED.repeat_buyers
"""

_POINTS = """
UPDATE analytics_state
SET points = (SELECT coalesce(sum(points_balance), 0) FROM members WHERE tenant_id = $1)
WHERE tenant_id = $1
"""


async def _refresh_months(conn: BaseDBAsyncClient, tenant: uuid.UUID, days: list[date]) -> None:
    months = sorted({month_start(day) for day in days})
    await conn.execute_query(_MONTHS, [tenant, months])


async def _lock_state(conn: BaseDBAsyncClient, tenant: uuid.UUID) -> dict[str, Any]:
    await conn.execute_query(
        "INSERT INTO analytics_state (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING", [tenant]
    )
    _, rows = await conn.execute_query(
        "SELECT capacity, next_ordinal FROM analytics_state WHERE tenant_id = $1 FOR UPDATE",
        [tenant],
    )
    return dict(rows[0])


# ---------------------------------------------------------------- refresh


async def refresh(ctx: RequestContext) -> Refreshed:
    """Recompute what the event backbone marked since the last refresh."""
    tenant = ctx.tenant.id
    async with tenant_tx(ctx) as conn:
        state = await _lock_state(conn, tenant)
        _, marks = await conn.execute_query(
            "WITH taken AS (DELETE FROM analytics_pending WHERE tenant_id = $1 "
            "RETURNING member_id, day) SELECT * FROM taken",
            [tenant],
        )
        members = sorted({m["member_id"] for m in marks if m["member_id"] is not None})
        days = sorted({m["day"] for m in marks if m["day"] is not None})
        capacity = state["capacity"]
        if members:
            capacity = await _refresh_members(ctx, conn, state, members)
        if days:
            await _refresh_days(ctx, conn, days, capacity)
            await _refresh_months(conn, tenant, days)
        await conn.execute_query(_POINTS, [tenant])
        now = ctx.clock.now()
        await conn.execute_query(
            "UPDATE analytics_state SET refreshed_at = $2 WHERE tenant_id = $1", [tenant, now]
        )
    return Refreshed(len(members), len(days), capacity, now)


async def _refresh_members(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    state: dict[str, Any],
    members: list[uuid.UUID],
) -> int:
    """Recompute the members' inputs; returns the bitmaps' capacity afterwards."""
    tenant = ctx.tenant.id
    _, rows = await conn.execute_query(_MEMBER_INPUTS, [tenant, members, ctx.tenant.timezone])
    found = {r["member_id"]: r for r in rows}
    touched = list(set(members) | set(found))
    _, known = await conn.execute_query(
        "SELECT member_id, ordinal, purchase_days, last_order_on, monetary FROM analytics_members "
        "WHERE tenant_id = $1 AND member_id = ANY($2::uuid[])",
        [tenant, touched],
    )
    # the sums the RFM means come from move by what changed
    await conn.execute_query(
        "UPDATE analytics_state SET buyers = buyers + $2, last_days = last_days + $3, "
        "purchase_days = purchase_days + $4, monetary = monetary + $5 WHERE tenant_id = $1",
        [
            tenant,
            len(found) - len(known),
            sum(_days(r["last_order_on"]) for r in found.values())
            - sum(_days(r["last_order_on"]) for r in known),
            sum(r["purchase_days"] for r in found.values())
            - sum(r["purchase_days"] for r in known),
            sum(r["monetary"] for r in found.values()) - sum(r["monetary"] for r in known),
        ],
    )
    # A member with no order left (all refunded), or a profile merged into another, goes.
    gone = [m for m in members if m not in found]
    if gone:
        await conn.execute_query(
            "DELETE FROM analytics_members WHERE tenant_id = $1 AND member_id = ANY($2::uuid[])",
            [tenant, gone],
        )
    if not found:
        return int(state["capacity"])
    ordinals = {r["member_id"]: r["ordinal"] for r in known}
    next_ordinal = int(state["next_ordinal"])
    for member_id in sorted(found):
        if member_id not in ordinals:
            ordinals[member_id] = next_ordinal
            next_ordinal += 1
    ids = list(found)
    await conn.execute_query(
        "INSERT INTO analytics_members (tenant_id, member_id, ordinal, orders, purchase_days, "
        "first_order_on, last_order_on, monetary) "
        "SELECT $1, * FROM unnest($2::uuid[], $3::int[], $4::int[], $5::int[], $6::date[], "
        "$7::date[], $8::bigint[]) "
        "ON CONFLICT (tenant_id, member_id) DO UPDATE SET orders = EXCLUDED.orders, "
        "purchase_days = EXCLUDED.purchase_days, first_order_on = EXCLUDED.first_order_on, "
        "last_order_on = EXCLUDED.last_order_on, monetary = EXCLUDED.monetary",
        [
            tenant,
            ids,
            [ordinals[i] for i in ids],
            [found[i]["orders"] for i in ids],
            [found[i]["purchase_days"] for i in ids],
            [found[i]["first_order_on"] for i in ids],
            [found[i]["last_order_on"] for i in ids],
            [found[i]["monetary"] for i in ids],
        ],
    )
    capacity = _capacity_for(next_ordinal, int(state["capacity"]))
    await conn.execute_query(
        "UPDATE analytics_state SET next_ordinal = $2 WHERE tenant_id = $1",
        [tenant, next_ordinal],
    )
    await _grow(conn, tenant, int(state["capacity"]), capacity)
    return capacity


async def _refresh_days(
    ctx: RequestContext, conn: BaseDBAsyncClient, days: list[date], capacity: int
) -> None:
    tenant = ctx.tenant.id
    zone = ZoneInfo(ctx.tenant.timezone)
    _, rows = await conn.execute_query(
        _DAY_FACTS,
        [
            tenant,
            days,
            [datetime.combine(day, time(), zone) for day in days],
            [datetime.combine(day + timedelta(days=1), time(), zone) for day in days],
        ],
    )
    for r in rows:
        await conn.execute_query(
            _UPSERT_DAY,
            [
                tenant,
                r["day"],
                r["new_members"],
                r["orders"],
                r["revenue"],
                r["items"],
                r["orders_with_items"],
                r["coupons_issued"],
                r["coupons_redeemed"],
                bitmap(r["ordinals"], capacity),
            ],
        )


# ---------------------------------------------------------------- rebuild
#
# One read of the orders, streamed: PostgreSQL numbers the tenant's members (by id, in the
# transaction's snapshot) and sends, for every counted order, the number of the member it
# counts for, its local day, its amount and its items, as fixed-width binary COPY rows. numpy
# folds them into the day × member bit matrix, which *is* the buyer bitmaps, and into sums per
# member and per day; the purchase days and the first and last day of each member are read off
# the matrix. Nothing is sorted but the members' ids, so the rebuild costs about one pass over
# the orders (see bench/analytics.py for the measurement against a hand-written SQL pass).

# The tenant's members numbered 0 … N-1 by id: a member's ordinal.
_NUMBERED = (
    "SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM members "
    "WHERE tenant_id = '{tenant}'"
)

# COPY takes no parameters: the tenant is a UUID and the zone an IANA name (checked when set),
# quoted as literals.
_ORDER_ROWS = f"""
WITH numbered AS ({_NUMBERED})
SELECT r.n, (o.paid_at AT TIME ZONE '{{zone}}')::date AS day,
       (o.amount - o.refunded_amount)::bigint AS amount, coalesce(o.item_quantity, -1) AS items
FROM orders o
JOIN members m ON m.tenant_id = o.tenant_id AND m.id = o.member_id
JOIN numbered r ON r.id = {_RESOLVED}
WHERE o.tenant_id = '{{tenant}}' AND o.status <> 'REFUNDED'
  AND o.ctid >= '({{lo}},0)'::tid AND o.ctid < '({{hi}},0)'::tid
"""

# PostgreSQL's binary COPY: a 19-byte header, rows of a field count then each field's length
# and value (a date is days since 2000-01-01), a 2-byte trailer.
_COPY_HEADER = 19
_ORDER_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("n_len", ">i4"),
        ("n", ">i4"),
        ("day_len", ">i4"),
        ("day", ">i4"),
        ("amount_len", ">i4"),
        ("amount", ">i8"),
        ("items_len", ">i4"),
        ("items", ">i4"),
    ]
)

_INSERT_MEMBERS = f"""
WITH numbered AS ({_NUMBERED})
INSERT INTO analytics_members (tenant_id, member_id, ordinal, orders, purchase_days,
                               first_order_on, last_order_on, monetary)
SELECT '{{tenant}}', r.id, s.n, s.orders, s.days, $2::date + s.first, $2::date + s.last, s.money
FROM unnest($1::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::bigint[])
     AS s (n, orders, days, first, last, money)
JOIN numbered r USING (n)
"""

# New members and coupons per local day.
_OTHER_FACTS = """
SELECT day, sum(joined)::int AS joined, sum(issued)::int AS issued, sum(redeemed)::int AS redeemed
FROM (
    SELECT (created_at AT TIME ZONE $2)::date AS day, 1 AS joined, 0 AS issued, 0 AS redeemed
    FROM members WHERE tenant_id = $1 AND merged_into_id IS NULL
    UNION ALL
    SELECT (issued_at AT TIME ZONE $2)::date, 0, 1, 0 FROM coupons WHERE tenant_id = $1
    UNION ALL
    SELECT (redeemed_at AT TIME ZONE $2)::date, 0, 0, 1 FROM coupons
    WHERE tenant_id = $1 AND redeemed_at IS NOT NULL
) facts
GROUP BY day
"""

_INSERT_DAYS = """
INSERT INTO analytics_days (tenant_id, day, new_members, orders, revenue, items,
                            orders_with_items, coupons_issued, coupons_redeemed, buyers)
SELECT $1, * FROM unnest($2::date[], $3::int[], $4::int[], $5::bigint[], $6::bigint[], $7::int[],
                         $8::int[], $9::int[], $10::varbit[])
"""


class _Fold:
    """The orders folded as they stream in: per member and per day sums, the first and last day
    of each member, and the day × member bit matrix. Rows are folded in blocks of ``BLOCK``
    bytes: numpy's cost is per block, not per row."""

    BLOCK = 32 * 2**20

    def __init__(self, members: int, first_day: int, days: int) -> None:
        self.first_day = first_day
        self.days = days
        self.members = members
        self.orders = np.zeros(members, dtype=np.int64)
        self.money = np.zeros(members, dtype=np.float64)  # exact below 2**53 fen
        self.first = np.full(members, days, dtype=np.int64)
        self.last = np.full(members, -1, dtype=np.int64)
        self.day_orders = np.zeros(days, dtype=np.int64)
        self.day_revenue = np.zeros(days, dtype=np.float64)
        self.day_items = np.zeros(days, dtype=np.int64)
        self.day_with_items = np.zeros(days, dtype=np.int64)
        self.bits = np.zeros((days, (members + 7) // 8), dtype=np.uint8)
        self.seen = 0
        self._purchase: np.ndarray[Any, Any] | None = None

    def stream(self) -> _Stream:
        """A feeder for one COPY stream (several may feed one fold, each its own rows)."""
        return _Stream(self)

    def fold(self, rows: np.ndarray[Any, Any]) -> None:
        if not len(rows):
            return
        members = rows["n"].astype(np.int64)
        days = rows["day"].astype(np.int64) - self.first_day
        amounts = rows["amount"].astype(np.float64)
        items = rows["items"].astype(np.int64)
        self.orders += np.bincount(members, minlength=self.members)
        self.money += np.bincount(members, weights=amounts, minlength=self.members)
        np.minimum.at(self.first, members, days)
        np.maximum.at(self.last, members, days)
        self.day_orders += np.bincount(days, minlength=self.days)
        self.day_revenue += np.bincount(days, weights=amounts, minlength=self.days)
        listed = items >= 0
        self.day_items += np.bincount(
            days[listed], weights=items[listed], minlength=self.days
        ).astype(np.int64)
        self.day_with_items += np.bincount(days[listed], minlength=self.days)
        masks = (0x80 >> (members & 7)).astype(np.uint8)
        np.bitwise_or.at(self.bits, (days, members >> 3), masks)
        self.seen += len(rows)

    def purchase_days(self) -> np.ndarray[Any, Any]:
        """Each member's purchase days: their bits set in the matrix, added up day by day."""
        if self._purchase is None:
            purchase = np.zeros(self.members, dtype=np.int32)
            for row in self.bits:
                purchase += np.unpackbits(row, count=self.members)
            self._purchase = purchase
        return self._purchase

    def sums(self, first_day: date) -> tuple[int, int, int, int]:
        """Buyers, and the sums of their last days (since 2000-01-01), purchase days and money."""
        buyers = self.orders > 0
        offset = _days(first_day)
        return (
            int(buyers.sum()),
            int((self.last[buyers] + offset).sum()),
            int(self.purchase_days()[buyers].sum()),
            int(np.rint(self.money[buyers]).astype(np.int64).sum()),
        )


class _Stream:
    """One COPY stream's bytes, cut into whole rows and folded a block at a time."""

    def __init__(self, fold: _Fold) -> None:
        self._into = fold
        self._pending = bytearray()
        self._started = False

    def feed(self, data: bytes) -> None:
        if not self._started:
            data = data[_COPY_HEADER:]
            self._started = True
        self._pending += data
        if len(self._pending) >= _Fold.BLOCK:
            self._fold()

    def finish(self) -> None:
        """Fold what is left; the stream must end with the COPY trailer."""
        self._fold()
        if bytes(self._pending) != b"\xff\xff":
            raise RuntimeError("the orders' COPY did not end where expected")

    def _fold(self) -> None:
        whole = len(self._pending) // _ORDER_ROW.itemsize * _ORDER_ROW.itemsize
        rows = np.frombuffer(bytes(self._pending[:whole]), dtype=_ORDER_ROW)
        del self._pending[:whole]
        self._into.fold(rows)


async def rebuild(ctx: RequestContext, progress: Progress | None = None) -> Refreshed:
    """Recompute the tenant's whole roll-up from its orders, members and coupons, in one
    REPEATABLE READ transaction: every statement sees the same members and orders. A refresh
    that commits while the rebuild starts makes it start again (at most twice)."""
    for attempt in range(3):
        try:
            return await _rebuild(ctx, progress)
        except Exception as exc:
            if attempt == 2 or not _serialization_failure(exc):
                raise
    raise AssertionError("unreachable")


def _serialization_failure(exc: BaseException | None) -> bool:
    while exc is not None:
        if getattr(exc, "sqlstate", None) == "40001":
            return True
        exc = exc.__cause__ or exc.__context__
    return False


async def _rebuild(ctx: RequestContext, progress: Progress | None) -> Refreshed:
    tenant = uuid.UUID(str(ctx.tenant.id))
    zone = ctx.tenant.timezone
    report = progress or (lambda step, done, total: None)
    async with tenant_tx(ctx, snapshot=True) as conn:
        await _lock_state(conn, tenant)
        # one long read of every order: its joins fit in memory, and no time goes to compiling it
        await conn.execute_query("SET LOCAL work_mem = '256MB'")
        await conn.execute_query("SET LOCAL jit = off")
        report("orders", 0, 1)
        for table in (
            "analytics_pending",
            "analytics_days",
            "analytics_months",
            "analytics_members",
        ):
            await conn.execute_query(f"DELETE FROM {table} WHERE tenant_id = $1", [tenant])
        _, found = await conn.execute_query(
            "SELECT (SELECT count(*) FROM members WHERE tenant_id = $1) AS members, "
            "(SELECT count(*) FROM orders WHERE tenant_id = $1) AS orders, "
            "(SELECT (min(paid_at) AT TIME ZONE $2)::date FROM orders WHERE tenant_id = $1) "
            "AS first, (SELECT (max(paid_at) AT TIME ZONE $2)::date FROM orders "
            "WHERE tenant_id = $1) AS last",
            [tenant, zone],
        )
        members = int(found[0]["members"])
        capacity = _capacity_for(members, 0)
        first_day, last_day = found[0]["first"], found[0]["last"]
        fold: _Fold | None = None
        if first_day is not None:
            fold = _Fold(
                members, first_day.toordinal() - _PG_EPOCH, (last_day - first_day).days + 1
            )
            total = int(found[0]["orders"])
            report("orders", 0, total)
            await _stream_orders(
                conn, tenant, zone, fold, lambda: report("orders", fold.seen, total)
            )
            report("members", 0, 1)
            await _insert_members(conn, tenant, fold, first_day)
        report("days", 0, 1)
        days = await _insert_days(conn, tenant, zone, fold, first_day, capacity)
        if first_day is not None:
            months, month = [], month_start(first_day)
            while month <= last_day:
                months.append(month)
                month = next_month(month)
            await conn.execute_query(_MONTHS, [tenant, months])
        await conn.execute_query(_POINTS, [tenant])
        now = ctx.clock.now()
        sums = fold.sums(first_day) if fold is not None and first_day is not None else (0, 0, 0, 0)
        await conn.execute_query(
            "UPDATE analytics_state SET capacity = $2, next_ordinal = $3, refreshed_at = $4, "
            "rebuilt_at = $4, buyers = $5, last_days = $6, purchase_days = $7, monetary = $8 "
            "WHERE tenant_id = $1",
            [tenant, capacity, members, now, *sums],
        )
        with_orders = sums[0]
    report("days", 1, 1)
    return Refreshed(with_orders, days, capacity, now)


async def _stream_orders(
    conn: BaseDBAsyncClient,
    tenant: uuid.UUID,
    zone: str,
    fold: _Fold,
    progress: Callable[[], None],
) -> None:
    """Read the orders in two halves of the table at once, on this transaction's connection and
    on a second one that imports its snapshot: two backends, one consistent read."""
    raw = conn._connection  # type: ignore[attr-defined]  # the transaction's asyncpg connection
    pool = conn._parent._pool  # type: ignore[attr-defined]  # the pool it came from
    snapshot = await raw.fetchval("SELECT pg_export_snapshot()")
    pages = await raw.fetchval(
        "SELECT pg_relation_size('orders') / current_setting('block_size')::int + 1"
    )
    half = pages // 2 + 1

    def query(lo: int, hi: int) -> str:
        return _ORDER_ROWS.format(tenant=tenant, zone=zone.replace("'", "''"), lo=lo, hi=hi)

    async def copy(connection: Any, sql: str) -> None:
        stream = fold.stream()
        chunks = 0

        async def sink(data: bytes) -> None:
            nonlocal chunks
            stream.feed(data)
            chunks += 1
            if chunks % 256 == 0:
                progress()

        await connection.copy_from_query(sql, output=sink, format="binary")
        stream.finish()

    async def second_half() -> None:
        async with (
            pool.acquire() as other,
            other.transaction(isolation="repeatable_read", readonly=True),
        ):
            await other.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            await other.execute(
                "SELECT set_config('app.tenant_id', $1, true), "
                "set_config('work_mem', '256MB', true), set_config('jit', 'off', true)",
                str(tenant),
            )
            await copy(other, query(half, pages + 1))

    await asyncio.gather(copy(raw, query(0, half)), second_half())


async def _insert_members(
    conn: BaseDBAsyncClient, tenant: uuid.UUID, fold: _Fold, first_day: date
) -> None:
    purchase, first, last = fold.purchase_days(), fold.first, fold.last
    buyers = np.flatnonzero(fold.orders > 0)
    await conn.execute_query(
        _INSERT_MEMBERS.format(tenant=tenant),
        [
            buyers.tolist(),
            first_day,
            fold.orders[buyers].tolist(),
            purchase[buyers].tolist(),
            first[buyers].tolist(),
            last[buyers].tolist(),
            np.rint(fold.money[buyers]).astype(np.int64).tolist(),
        ],
    )


async def _insert_days(
    conn: BaseDBAsyncClient,
    tenant: uuid.UUID,
    zone: str,
    fold: _Fold | None,
    first_day: date | None,
    capacity: int,
) -> int:
    _, others = await conn.execute_query(_OTHER_FACTS, [tenant, zone])
    rows: dict[date, list[Any]] = {}
    empty = BitString.frombytes(bytes(capacity // 8), capacity)
    for r in others:
        rows[r["day"]] = [r["joined"], 0, 0, 0, 0, r["issued"], r["redeemed"], empty]
    if fold is not None and first_day is not None:
        pad = bytes(capacity // 8 - fold.bits.shape[1])
        for offset in np.flatnonzero(fold.day_orders):
            day = first_day + timedelta(days=int(offset))
            row = rows.setdefault(day, [0, 0, 0, 0, 0, 0, 0, empty])
            row[1:5] = [
                int(fold.day_orders[offset]),
                int(np.rint(fold.day_revenue[offset])),
                int(fold.day_items[offset]),
                int(fold.day_with_items[offset]),
            ]
            row[7] = BitString.frombytes(fold.bits[offset].tobytes() + pad, capacity)
    days = sorted(rows)
    columns: list[list[Any]] = [[rows[d][k] for d in days] for k in range(8)]
    await conn.execute_query(_INSERT_DAYS, [tenant, days, *columns])
    return len(days)
