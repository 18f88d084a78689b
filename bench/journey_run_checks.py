"""Reading a set of wake runs back: were they done exactly once, and when.

A set is the runs of one journey written together (same ``started_at``). ``check_runs`` holds
it to the rules: a COMPLETED run has exactly one action row (``grantPoints``, ``granted``), a run
the worker never reached (EXITED by the benchmark) has none, every member's balance moved by
exactly the runs it completed, and (``ledger``) the ledger has one entry per completed run.
``action_timeline`` reads the actions' times: when the first and last came, how many per window
of the wall clock, and the pauses between them.
"""

from __future__ import annotations

import itertools
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from bench import journey_sql as sql

__all__ = ["action_timeline", "balances", "check_runs"]

_PER_RUN = """
SELECT r.status, count(a.run_id) AS rows,
       count(a.run_id) FILTER (WHERE a.type = 'grantPoints' AND a.outcome = 'granted') AS grants
FROM journey_runs r
LEFT JOIN journey_actions a ON a.tenant_id = r.tenant_id AND a.run_id = r.id
WHERE r.tenant_id = $1 AND r.journey_id = $2 AND r.started_at = $3
GROUP BY r.tenant_id, r.id
"""
_COMPLETED_BY_MEMBER = """
SELECT member_id, count(*) AS n FROM journey_runs
WHERE tenant_id = $1 AND journey_id = $2 AND started_at = $3 AND status = 'COMPLETED'
GROUP BY member_id
"""
_ACTION_TIMES = """
SELECT extract(epoch FROM a.at)::float8 AS at FROM journey_actions a JOIN journey_runs r
  ON r.tenant_id = a.tenant_id AND r.id = a.run_id
WHERE r.tenant_id = $1 AND r.journey_id = $2 AND r.started_at = $3 ORDER BY a.at
"""
_LEDGER = """
SELECT count(*) FROM points_entries
WHERE tenant_id = $1 AND kind = 'ADJUST' AND actor_id = $2 AND created_at >= $3
"""


async def balances(url: str, tenant_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Every member's points balance in the tenant."""
    rows = await sql.fetch(
        url, "SELECT id, points_balance FROM members WHERE tenant_id = $1", tenant_id
    )
    return {r["id"]: r["points_balance"] for r in rows}


async def check_runs(
    url: str,
    tenant_id: uuid.UUID,
    journey_id: uuid.UUID,
    started_at: datetime,
    before: dict[uuid.UUID, int],
    *,
    ledger: bool,
) -> dict[str, Any]:
    """Runs by status with their action rows, balance changes against the runs each member
    completed, and (``ledger``) the ledger's entries of the journey."""
    shapes = Counter(
        (r["status"], r["rows"], r["grants"])
        for r in await sql.fetch(url, _PER_RUN, tenant_id, journey_id, started_at)
    )
    completed_by = {
        r["member_id"]: r["n"]
        for r in await sql.fetch(url, _COMPLETED_BY_MEMBER, tenant_id, journey_id, started_at)
    }
    after = await balances(url, tenant_id)
    changes = Counter(after[m] - b - completed_by.get(m, 0) for m, b in before.items())
    statuses: Counter[str] = Counter()
    for (status, _, _), n in shapes.items():
        statuses[status] += n
    completed = statuses["COMPLETED"]
    out: dict[str, Any] = {
        "runs_by_status": dict(statuses),
        "completed": completed,
        # (status, action rows, granted rows) → runs
        "runs_by_actions": {f"{s}:{rows}:{grants}": n for (s, rows, grants), n in shapes.items()},
        # balance change minus the runs the member completed → members (all 0 when right)
        "balance_surplus": dict(changes),
    }
    ok = (
        set(shapes) <= {("COMPLETED", 1, 1), ("EXITED", 0, 0)}
        and dict(changes) == {0: len(before)}
        and sum(completed_by.values()) == completed
        and max(completed_by.values(), default=1) == 1
    )
    if ledger:
        out["ledger_entries"] = await sql.fetchval(
            url, _LEDGER, tenant_id, f"journey:{journey_id}", started_at
        )
        ok = ok and out["ledger_entries"] == completed
    out["ok"] = ok
    out["all_completed"] = statuses == Counter({"COMPLETED": completed})
    return out


async def action_timeline(
    url: str,
    tenant_id: uuid.UUID,
    journey_id: uuid.UUID,
    started_at: datetime,
    origin: float,
    window: int,
) -> dict[str, Any]:
    """When the actions happened: first and last after the worker connected, actions per
    ``window``-second window of the wall clock, and the pauses between consecutive actions."""
    times = [
        r["at"] for r in await sql.fetch(url, _ACTION_TIMES, tenant_id, journey_id, started_at)
    ]
    if not times:
        return {"actions": 0}
    windows = Counter(int(t // window) * window for t in times)
    first_window = min(windows)
    gaps = [b - a for a, b in itertools.pairwise(times) if b - a >= 1.0]
    span = times[-1] - times[0]
    return {
        "actions": len(times),
        "first_after_connect_s": round(times[0] - origin, 2),
        "last_after_connect_s": round(times[-1] - origin, 2),
        "first_to_last_s": round(span, 2),
        "actions_per_s": round(len(times) / span, 1) if span > 0 else None,
        "pauses_over_1s": len(gaps),
        "paused_s": round(sum(gaps), 2),
        "longest_pause_s": round(max(gaps), 2) if gaps else 0.0,
        "window_s": window,
        "per_window": [windows.get(w, 0) for w in range(first_window, max(windows) + 1, window)],
    }
