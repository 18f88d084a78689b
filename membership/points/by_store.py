"""Points issued and redeemed per store over a period: what a programme over many stores
(a mall's 通积通兑) settles with each store.

A ledger entry belongs to a store through its order (``orders.store_code``); what counts, for the
entries written in ``[start, end)`` (by their ``created_at``, when the points moved):

* **issued**: the points orders earned (``EARN`` entries of an order, including pending points
  when they mature), net of what refunds of those orders took back (the order's negative
  ``REVERSE`` entries). Points a refund could not take back because the member had spent them
  (points debt) stay issued by the refunded order's store: the member had them to spend. The
  later repayment of that debt (a ``REVERSE`` correcting another order's earn) is counted nowhere.
* **redeemed**: the points members paid orders with (``SPEND`` entries of an order), net of what
  refunds gave back (the order's positive ``REVERSE`` entries).

A refund counts in the period it happens, so a period's figures can be negative for a store
whose refunds outweigh its sales. Entries made by no order (grants, adjustments, rewards,
expiry) have no store and are left out; orders recorded without a store come as one row with
``store_code`` None.

The read is one statement over the partial index ``points_entries_order_time_idx`` (entries of
orders, by tenant and time), joined to the orders by their key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["StorePoints", "points_by_store"]


@dataclass(frozen=True)
class StorePoints:
    store_code: str | None  # None: orders recorded without a store
    issued: int
    redeemed: int


_SQL = """
SELECT o.store_code,
       coalesce(sum(e.points) FILTER (
           WHERE e.kind = 'EARN' OR (e.kind = 'REVERSE' AND e.points < 0)), 0) AS issued,
       coalesce(-sum(e.points) FILTER (
           WHERE e.kind = 'SPEND' OR (e.kind = 'REVERSE' AND e.points > 0)), 0) AS redeemed
FROM points_entries e
JOIN orders o ON o.tenant_id = e.tenant_id AND o.id = e.order_id
WHERE e.tenant_id = $1
  AND e.order_id IS NOT NULL
  AND e.created_at >= $2 AND e.created_at < $3
  AND e.kind IN ('EARN', 'SPEND', 'REVERSE')
  AND e.corrects_id IS NULL
GROUP BY o.store_code
ORDER BY o.store_code NULLS LAST
"""


async def points_by_store(ctx: RequestContext, start: datetime, end: datetime) -> list[StorePoints]:
    """Points issued and redeemed per store by the entries written from ``start`` (inclusive)
    to ``end`` (exclusive), by store code with the store-less orders last; stores without
    entries in the period are not listed. Needs members:read, like the points liability."""
    ctx.require(Permission.MEMBERS_READ)
    async with tenant_tx(ctx) as conn:
        # The driver prepares statements; after five runs PostgreSQL may keep one generic plan
        # for any period, which guesses a tiny share of the entries and spills to disk (measured
        # at twice the time of a plan made for the period: bench/settlement.py).
        await conn.execute_query("SET LOCAL plan_cache_mode = force_custom_plan")
        _, rows = await conn.execute_query(_SQL, [ctx.tenant.id, start, end])
    return [StorePoints(r["store_code"], int(r["issued"]), int(r["redeemed"])) for r in rows]
