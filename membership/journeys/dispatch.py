"""Waking runs: PostgreSQL says which are due, arq only carries the wake-ups.

A pass takes each tenant's due runs page by page in the order they fell due. A page is read with
``FOR UPDATE SKIP LOCKED`` (a run being moved right now holds its row lock and is left for the
next pass) and its transaction ends before the wake-ups are handed out, so no lock is held while
Redis is talked to. Each run gets one job under an id that includes its state counter: a run
already queued is not queued twice, and a job for a state the run has left does nothing. The next
page starts after the last run of this one, so a pass reads each due run once. Nothing lives
only in Redis: a lost queue is claimed again on the next pass, since ``next_wake_at`` is still
due in PostgreSQL.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from tortoise import Tortoise

from membership.journeys.engine import advance
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = [
    "CLAIM_BATCH",
    "HAND_OUT_AT_ONCE",
    "Enqueue",
    "claim_due",
    "job_id",
    "next_wake",
    "run_due",
    "tenants_with_due_runs",
    "wake_run",
]

CLAIM_BATCH = 1000
HAND_OUT_AT_ONCE = 64  # wake-ups handed out concurrently (Redis round trips overlap)
MAX_PAGES = 500  # pages a pass takes per tenant: 500,000 runs

_CLAIM = """
SELECT r.id, r.state, r.next_wake_at FROM journey_runs r
JOIN journeys j ON j.tenant_id = r.tenant_id AND j.id = r.journey_id AND j.status = 'ACTIVE'
WHERE r.next_wake_at <= $1 AND r.status IN ('ACTIVE', 'WAITING')
  AND (r.next_wake_at, r.id) > ($3, $4)
ORDER BY r.next_wake_at, r.id
LIMIT $2
FOR UPDATE OF r SKIP LOCKED
"""
_START = (datetime(1970, 1, 1, tzinfo=UTC), uuid.UUID(int=0))


def job_id(run_id: uuid.UUID | str, state: int) -> str:
    return f"journey-run:{run_id}:{state}"


async def tenants_with_due_runs(at: datetime) -> list[uuid.UUID]:
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(
        "SELECT t AS id FROM tenants_with_due_journey_runs($1) t", [at]
    )
    return [row["id"] for row in rows]


Enqueue = Callable[[uuid.UUID, int], Awaitable[object]]


async def claim_due(
    ctx: RequestContext, enqueue: Enqueue, *, batch: int = CLAIM_BATCH, pages: int = MAX_PAGES
) -> int:
    """Hand every due run of the tenant to ``enqueue`` (run id, state), page by page; returns
    how many were handed out."""
    now = ctx.clock.now()
    after = _START
    handed = 0
    for _ in range(pages):
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(_CLAIM, [now, batch, *after])
        if not rows:
            break
        await _hand_out(enqueue, [(row["id"], row["state"]) for row in rows])
        handed += len(rows)
        after = (rows[-1]["next_wake_at"], rows[-1]["id"])
        if len(rows) < batch:
            break
    return handed


async def _hand_out(enqueue: Enqueue, due: list[tuple[uuid.UUID, int]]) -> None:
    slots = asyncio.Semaphore(HAND_OUT_AT_ONCE)

    async def one(run_id: uuid.UUID, state: int) -> None:
        async with slots:
            await enqueue(run_id, state)

    await asyncio.gather(*(one(run_id, state) for run_id, state in due))


async def wake_run(ctx: RequestContext, run_id: uuid.UUID, state: int) -> bool:
    """The job: move the run on if it is still in ``state`` (its own transaction)."""
    async with tenant_tx(ctx) as conn:
        return await advance(ctx, conn, run_id, state)


async def run_due(ctx: RequestContext, *, batch: int = CLAIM_BATCH) -> int:
    """Wake the tenant's due runs here and now, one transaction each, until none is due (tests,
    the test clock); returns how many moved."""
    woken = 0
    while True:
        due: list[tuple[uuid.UUID, int]] = []
        await claim_due(ctx, _collector(due), batch=batch)
        moved = 0
        for run_id, state in due:
            moved += int(await wake_run(ctx, run_id, state))
        woken += moved
        # A run that moved may be due again at once (a wait of zero after a sweep's entry);
        # one that did not move (locked, paused) is left for later.
        if not moved:
            return woken


def _collector(into: list[tuple[uuid.UUID, int]]) -> Enqueue:
    async def collect(run_id: uuid.UUID, state: int) -> None:
        into.append((run_id, state))

    return collect


async def next_wake(ctx: RequestContext) -> datetime | None:
    """When the tenant's next run falls due (None: none waits)."""
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT min(r.next_wake_at) AS at FROM journey_runs r JOIN journeys j "
            "ON j.id = r.journey_id AND j.status = 'ACTIVE' "
            "WHERE r.status IN ('ACTIVE', 'WAITING') AND r.next_wake_at IS NOT NULL"
        )
    at = rows[0]["at"]
    return at if isinstance(at, datetime) else None
