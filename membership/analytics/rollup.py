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

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from asyncpg import BitString
from tortoise.backends.base.client import BaseDBAsyncClient

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
)

# Bitmaps grow by doubling, from this many members.
MIN_CAPACITY = 1024

# (step, done, total): what a long rebuild reports as it goes. The steps are "members",
# "days", "buyers" (one unit each) and "bitmaps" (one unit per day with orders).
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


def _capacity_for(members: int, current: int) -> int:
    capacity = max(current, MIN_CAPACITY)
    while capacity < members:
        capacity *= 2
    return capacity


async def _grow(conn: BaseDBAsyncClient, tenant: uuid.UUID, old: int, new: int) -> None:
    """Lengthen every bitmap of the tenant to ``new`` bits (the members past ``old`` have none)."""
    if new == old:
        return
    await conn.execute_query(
        "UPDATE analytics_days SET buyers = buyers || $2 WHERE tenant_id = $1",
        [tenant, BitString.frombytes(bytes((new - old) // 8), new - old)],
    )
    await conn.execute_query(
        "UPDATE analytics_state SET capacity = $2 WHERE tenant_id = $1", [tenant, new]
    )


# ---------------------------------------------------------------- shared SQL

# An order's member, a merged profile's orders counted for the member it went into.
_RESOLVED = "coalesce(m.merged_into_id, m.id)"
_ITEMS = "(SELECT sum((i->>'quantity')::bigint) FROM jsonb_array_elements(o.items) i)"

# The facts of local days $2 (dates) from the source rows, buyers aside.
_DAY_FACTS = f"""
WITH d AS (
    SELECT day, (day::timestamp AT TIME ZONE $3) AS lo, ((day + 1)::timestamp AT TIME ZONE $3) AS hi
    FROM unnest($2::date[]) AS day
)
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
           coalesce(sum(q.items), 0) AS items,
           count(q.items) AS orders_with_items,
           coalesce(array_agg(DISTINCT a.ordinal) FILTER (WHERE a.ordinal IS NOT NULL), '{{}}')
               AS ordinals
    FROM orders o
    JOIN members m ON m.tenant_id = o.tenant_id AND m.id = o.member_id
    LEFT JOIN analytics_members a ON a.tenant_id = o.tenant_id AND a.member_id = {_RESOLVED}
    CROSS JOIN LATERAL (SELECT {_ITEMS} AS items) q
    WHERE o.tenant_id = $1 AND o.paid_at >= d.lo AND o.paid_at < d.hi AND o.status <> 'REFUNDED'
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
    # A member with no order left (all refunded), or a profile merged into another, goes.
    await conn.execute_query(
        "DELETE FROM analytics_members WHERE tenant_id = $1 AND member_id = ANY($2::uuid[]) "
        "AND NOT member_id = ANY($3::uuid[])",
        [tenant, members, list(found)],
    )
    if not found:
        return int(state["capacity"])
    _, known = await conn.execute_query(
        "SELECT member_id, ordinal FROM analytics_members "
        "WHERE tenant_id = $1 AND member_id = ANY($2::uuid[])",
        [tenant, list(found)],
    )
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
    _, rows = await conn.execute_query(_DAY_FACTS, [tenant, days, ctx.tenant.timezone])
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

_REBUILD_MEMBERS = f"""
INSERT INTO analytics_members (tenant_id, member_id, ordinal, orders, purchase_days,
                               first_order_on, last_order_on, monetary)
SELECT $1, member_id, (row_number() OVER (ORDER BY member_id) - 1)::int,
       sum(orders), count(*), min(day), max(day), sum(amount)
FROM (
    SELECT {_RESOLVED} AS member_id, (o.paid_at AT TIME ZONE $2)::date AS day,
           count(*) AS orders, sum(o.amount - o.refunded_amount) AS amount
    FROM orders o JOIN members m ON m.tenant_id = o.tenant_id AND m.id = o.member_id
    WHERE o.tenant_id = $1 AND o.status <> 'REFUNDED'
    GROUP BY 1, 2
) days
GROUP BY member_id
"""

_REBUILD_DAYS = f"""
WITH orders_by_day AS (
    SELECT (o.paid_at AT TIME ZONE $2)::date AS day, count(*) AS orders,
           sum(o.amount - o.refunded_amount) AS revenue, coalesce(sum(q.items), 0) AS items,
           count(q.items) AS orders_with_items
    FROM orders o CROSS JOIN LATERAL (SELECT {_ITEMS} AS items) q
    WHERE o.tenant_id = $1 AND o.status <> 'REFUNDED'
    GROUP BY 1
),
joined AS (
    SELECT (created_at AT TIME ZONE $2)::date AS day, count(*) AS new_members FROM members
    WHERE tenant_id = $1 AND merged_into_id IS NULL GROUP BY 1
),
issued AS (
    SELECT (issued_at AT TIME ZONE $2)::date AS day, count(*) AS n FROM coupons
    WHERE tenant_id = $1 GROUP BY 1
),
redeemed AS (
    SELECT (redeemed_at AT TIME ZONE $2)::date AS day, count(*) AS n FROM coupons
    WHERE tenant_id = $1 AND redeemed_at IS NOT NULL GROUP BY 1
)
INSERT INTO analytics_days (tenant_id, day, new_members, orders, revenue, items,
                            orders_with_items, coupons_issued, coupons_redeemed, buyers)
SELECT $1, day, coalesce(j.new_members, 0), coalesce(o.orders, 0), coalesce(o.revenue, 0),
       coalesce(o.items, 0), coalesce(o.orders_with_items, 0), coalesce(i.n, 0),
       coalesce(r.n, 0), $3
FROM orders_by_day o
FULL JOIN joined j USING (day)
FULL JOIN issued i USING (day)
FULL JOIN redeemed r USING (day)
"""

# Every (day, ordinal) of an order, for the buyer bitmaps.
_REBUILD_BUYERS = f"""
SELECT (o.paid_at AT TIME ZONE '{{zone}}')::date AS day, a.ordinal
FROM orders o
JOIN members m ON m.tenant_id = o.tenant_id AND m.id = o.member_id
JOIN analytics_members a ON a.tenant_id = o.tenant_id AND a.member_id = {_RESOLVED}
WHERE o.tenant_id = '{{tenant}}' AND o.status <> 'REFUNDED'
"""

# PostgreSQL's binary COPY of (date, int4) rows: a 19-byte header, then per row a field count,
# and each field's length and value (a date is days since 2000-01-01), then a -1 trailer.
_COPY_HEADER = 19
_COPY_ROW = np.dtype(
    [("fields", ">i2"), ("day_len", ">i4"), ("day", ">i4"), ("ord_len", ">i4"), ("ordinal", ">i4")]
)
_PG_EPOCH = date(2000, 1, 1).toordinal()


async def rebuild(ctx: RequestContext, progress: Progress | None = None) -> Refreshed:
    """Recompute the tenant's whole roll-up from its orders, members and coupons."""
    tenant = ctx.tenant.id
    zone = ctx.tenant.timezone
    report = progress or (lambda step, done, total: None)
    steps = 3
    async with tenant_tx(ctx) as conn:
        await _lock_state(conn, tenant)
        report("members", 0, steps)
        for table in ("analytics_pending", "analytics_days", "analytics_members"):
            await conn.execute_query(f"DELETE FROM {table} WHERE tenant_id = $1", [tenant])
        await conn.execute_query(_REBUILD_MEMBERS, [tenant, zone])
        _, counted = await conn.execute_query(
            "SELECT count(*) AS n FROM analytics_members WHERE tenant_id = $1", [tenant]
        )
        members = int(counted[0]["n"])
        capacity = _capacity_for(members, 0)
        report("days", 1, steps)
        await conn.execute_query(
            _REBUILD_DAYS, [tenant, zone, BitString.frombytes(bytes(capacity // 8), capacity)]
        )
        report("buyers", 2, steps)
        days, ordinals = await _buyers(conn, tenant, zone)
        await _write_bitmaps(conn, tenant, days, ordinals, capacity, report)
        now = ctx.clock.now()
        await conn.execute_query(
            "UPDATE analytics_state SET capacity = $2, next_ordinal = $3, refreshed_at = $4, "
            "rebuilt_at = $4 WHERE tenant_id = $1",
            [tenant, capacity, members, now],
        )
        _, day_rows = await conn.execute_query(
            "SELECT count(*) AS n FROM analytics_days WHERE tenant_id = $1", [tenant]
        )
    return Refreshed(members, int(day_rows[0]["n"]), capacity, now)


async def _buyers(
    conn: BaseDBAsyncClient, tenant: uuid.UUID, zone: str
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Every order's (day, ordinal), read as one binary COPY into arrays."""
    chunks: list[bytes] = []

    async def sink(data: bytes) -> None:
        chunks.append(bytes(data))

    raw = conn._connection  # type: ignore[attr-defined]  # the transaction's asyncpg connection
    # COPY takes no parameters: the tenant id is a UUID and the zone one of the tenant's
    # (IANA names, checked when set), quoted as literals.
    query = _REBUILD_BUYERS.format(tenant=uuid.UUID(str(tenant)), zone=zone.replace("'", "''"))
    await raw.copy_from_query(query, output=sink, format="binary")
    data = b"".join(chunks)
    body = data[_COPY_HEADER : len(data) - 2]
    rows = np.frombuffer(body, dtype=_COPY_ROW)
    return rows["day"].astype(np.int32), rows["ordinal"].astype(np.int64)


async def _write_bitmaps(
    conn: BaseDBAsyncClient,
    tenant: uuid.UUID,
    days: np.ndarray[Any, Any],
    ordinals: np.ndarray[Any, Any],
    capacity: int,
    report: Progress,
) -> None:
    if not len(days):
        report("bitmaps", 3, 3)
        return
    order = np.argsort(days, kind="stable")
    days, ordinals = days[order], ordinals[order]
    starts = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
    ends = np.r_[starts[1:], len(days)]
    total = 3 + len(starts)
    for done, (start, end) in enumerate(zip(starts, ends, strict=True), start=3):
        report("bitmaps", done, total)
        day = date.fromordinal(_PG_EPOCH + int(days[start]))
        await conn.execute_query(
            "UPDATE analytics_days SET buyers = $3 WHERE tenant_id = $1 AND day = $2",
            [tenant, day, bitmap(ordinals[start:end], capacity)],
        )
    report("bitmaps", total, total)
