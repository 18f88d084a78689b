"""Event → action, read back from the rows: what a journey adds to the event backbone.

For every ``order.recorded`` event of the tenant written since a moment, the stamps the platform
leaves in PostgreSQL:

* ``outbox.created_at``: the event, written in the order's transaction (the origin of every
  figure below);
* ``outbox.published_at``: the relay's pass that took it (**relay**);
* ``event_handlings.updated_at`` of its handling by ``journeys``, DONE (**handled**: the handling
  committed with the run and its action);
* ``journey_actions.at`` of the ``grantPoints`` step of the run the event entered (**action**).

Checked on the way: every event entered exactly one run (``journey_runs.event->>'id'``), every
such run has exactly one action row and is COMPLETED, and every event has one DONE handling.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from bench import journey_sql as sql
from bench.loadgen import percentile

__all__ = ["EVENT_TYPE", "event_latencies", "events_between"]

EVENT_TYPE = "order.recorded"

_EVENTS = """
SELECT id, member_id, created_at, published_at FROM outbox
WHERE tenant_id = $1 AND type = $2 AND created_at >= $3 AND created_at < $4
"""
_HANDLINGS = """
SELECT h.event_id, h.status, h.updated_at FROM event_handlings h
JOIN outbox o ON o.tenant_id = h.tenant_id AND o.id = h.event_id
WHERE h.tenant_id = $1 AND h.handler = 'journeys' AND o.type = $2 AND o.created_at >= $3
  AND o.created_at < $4
"""
# with the created_at of the event each run names: runs of events written outside
# [``since``, ``until``) (another load's) are left out, runs naming no event are unexpected
_RUNS = """
SELECT r.id, (r.event->>'id')::uuid AS event_id, r.status, o.created_at AS event_at
FROM journey_runs r
LEFT JOIN outbox o ON o.tenant_id = r.tenant_id AND o.id = (r.event->>'id')::uuid
WHERE r.tenant_id = $1 AND r.journey_id = $2 AND r.started_at >= $3
"""
_ACTIONS = """
SELECT a.run_id, a.type, a.outcome, a.at FROM journey_actions a
JOIN journey_runs r ON r.tenant_id = a.tenant_id AND r.id = a.run_id
WHERE r.tenant_id = $1 AND r.journey_id = $2 AND r.started_at >= $3
"""


async def events_between(
    url: str, tenant_id: uuid.UUID, since: datetime, until: datetime
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(event id, member id) of the tenant's order.recorded events written in
    [``since``, ``until``)."""
    rows = await sql.fetch(url, _EVENTS, tenant_id, EVENT_TYPE, since, until)
    return [(r["id"], r["member_id"]) for r in rows]


def _stats(values_s: list[float]) -> dict[str, float | None]:
    ordered = sorted(1000 * v for v in values_s)
    return {
        f"{name}_ms": None if (v := percentile(ordered, q)) is None else round(v, 1)
        for name, q in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
    }


async def event_latencies(
    url: str, tenant_id: uuid.UUID, journey_id: uuid.UUID, since: datetime, until: datetime
) -> dict[str, Any]:
    """Relay, handled and action latencies of every order.recorded written in
    [``since``, ``until``), with the exactly-once checks."""
    events = await sql.fetch(url, _EVENTS, tenant_id, EVENT_TYPE, since, until)
    handlings: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for h in await sql.fetch(url, _HANDLINGS, tenant_id, EVENT_TYPE, since, until):
        handlings[h["event_id"]].append(h)
    # a run starts in the handling's transaction, after its event was written
    runs = [
        r
        for r in await sql.fetch(url, _RUNS, tenant_id, journey_id, since)
        if r["event_at"] is None or since <= r["event_at"] < until
    ]
    actions: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for a in await sql.fetch(url, _ACTIONS, tenant_id, journey_id, since):
        actions[a["run_id"]].append(a)
    runs_of: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for r in runs:
        runs_of[r["event_id"]].append(r)

    ids = {e["id"] for e in events}
    relay, handled, action, after_relay = [], [], [], []
    runs_per_event: Counter[int] = Counter()
    actions_per_run: Counter[int] = Counter()
    for e in events:
        created = e["created_at"]
        if e["published_at"] is not None:
            relay.append((e["published_at"] - created).total_seconds())
        done = [h for h in handlings.get(e["id"], []) if h["status"] == "DONE"]
        if done:
            handled.append((done[0]["updated_at"] - created).total_seconds())
        entered = runs_of.get(e["id"], [])
        runs_per_event[len(entered)] += 1
        for run in entered:
            rows = actions.get(run["id"], [])
            actions_per_run[len(rows)] += 1
            if rows:
                at = min(a["at"] for a in rows)
                action.append((at - created).total_seconds())
                if e["published_at"] is not None:
                    after_relay.append((at - e["published_at"]).total_seconds())
    unexpected = sum(len(v) for k, v in runs_of.items() if k not in ids)
    statuses = Counter(r["status"] for r in runs if r["event_id"] in ids)
    outcomes = Counter((a["type"], a["outcome"]) for r in runs for a in actions.get(r["id"], []))
    n = len(events)
    ok = (
        runs_per_event == Counter({1: n})
        and actions_per_run == Counter({1: n})
        and statuses == Counter({"COMPLETED": n})
        and len(handled) == n
        and unexpected == 0
    )
    return {
        "events": n,
        "runs_per_event": dict(runs_per_event),
        "actions_per_run": dict(actions_per_run),
        "runs_by_status": dict(statuses),
        "action_outcomes": {f"{t}:{o}": c for (t, o), c in outcomes.items()},
        "handled_done": len(handled),
        "unexpected_runs": unexpected,
        "ok": ok,
        "relay": _stats(relay),
        "handled": _stats(handled),
        "action": _stats(action),
        "action_after_relay": _stats(after_relay),
    }
