"""The points ledger's one writer.

Every change of a member's points is written here, and only here: entries, lots and
allocations, the member's cached ``points_balance``, ``pending_points`` and ``points_debt``, and
the ``points.changed`` events. Callers describe what happens (a ``Posting``: kind, points,
reason, the order, the entry it corrects, expiry and availability) and the writer chooses the
rows, and for an order that only earns, the one statement that writes them all.

Every function runs in the caller's transaction (``tenant_tx``) on member rows the caller has
locked (``select_for_update``), so one member's writes happen one at a time and a balance can
never be spent twice, while different members never wait for each other.

Invariant, for every member at every commit: ``points_balance`` = Σ entries.points =
Σ remaining of its available lots ≥ 0; ``pending_points`` = Σ remaining of its pending lots; and
for every lot, ``amount − remaining`` = Σ of its allocations. ``tests/points`` checks it, and
that nothing outside this package writes those tables or totals.
"""

from __future__ import annotations

from membership.points.ledger._grant import grant
from membership.points.ledger._merge import transfer
from membership.points.ledger._orders import claw_back, write_order
from membership.points.ledger._posting import KINDS, MAX_POINTS, Kind, Posting, post
from membership.points.ledger._settlement import expire, mature, settle

__all__ = [
    "KINDS",
    "MAX_POINTS",
    "Kind",
    "Posting",
    "claw_back",
    "expire",
    "grant",
    "mature",
    "post",
    "settle",
    "transfer",
    "write_order",
]
