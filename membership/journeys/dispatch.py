"""Waking runs: PostgreSQL says which are due, arq only carries the wake-ups.

A pass takes each tenant's due runs page by page in the order they fell due. A page is read with
``FOR UPDATE SKIP LOCKED`` (a run being moved right now holds its row lock and is left for the
next pass) and its transaction ends before the wake-ups are handed out, so no lock is held while
Redis is talked to. The page's runs are handed out in wake-ups of up to ``WAKE_BATCH`` runs, one
job each, under an id made of the runs and their state counters: a wake-up already queued is not
queued twice, and a run whose state has moved on since is left alone by the job (each run is
moved in its own transaction). One job per run would cost arq's own work per job on every run:
measured, it halved the rate at which a wave of runs drains. The next page starts after the last
run of this one, so a pass reads each due run once. Nothing lives only in Redis: a lost queue is
claimed again on the next pass, since ``next_wake_at`` is still due in PostgreSQL.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import structlog
from tortoise import Tortoise

from membership.journeys.engine import advance
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = [
    "CLAIM_BATCH",
    "HAND_OUT_AT_ONCE",
    "MAX_PAGES",
    "RETRY_AFTER",
    "WAKE_BATCH",
    "Due",
    "Enqueue",
    "claim_due",
    "job_id",
    "next_wake",
    "run_due",
    "tenants_with_due_runs",
    "wake_run",
    "wake_runs",
]

log = structlog.get_logger("membership.journeys")

CLAIM_BATCH = 1000
WAKE_BATCH = 50  # runs one wake-up job moves, each in its own transaction
HAND_OUT_AT_ONCE = 16  # wake-ups handed out concurrently (Redis round trips overlap)
MAX_PAGES = 500  # pages a pass takes per tenant: 500,000 runs
RETRY_AFTER = timedelta(minutes=5)  # a run whose move failed unexpectedly is tried again then

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


Due = list[tuple[uuid.UUID, int]]  # runs and the state each was claimed in


def job_id(due: Due) -> str:
    """The wake-up's job id: its first run and state, and a digest of all of them."""
    digest = hashlib.sha1(
        ",".join(f"{run_id}:{state}" for run_id, state in due).encode(), usedforsecurity=False
    ).hexdigest()[:20]
    first, state = due[0]
    return f"journey-wake:{first}:{state}:{len(due)}:{digest}"


async def tenants_with_due_runs(at: datetime) -> list[uuid.UUID]:
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(
        "SELECT t AS id FROM tenants_with_due_journey_runs($1) t", [at]
    )
    return [row["id"] for row in rows]


Enqueue = Callable[[Due], Awaitable[object]]


async def claim_due(
    ctx: RequestContext,
    enqueue: Enqueue,
    *,
    batch: int = CLAIM_BATCH,
    pages: int = MAX_PAGES,
    per_wake: int = WAKE_BATCH,
) -> int:
    """Hand every due run of the tenant to ``enqueue`` in wake-ups of up to ``per_wake`` runs
    (run id, state), page by page; returns how many runs were handed out."""
    now = ctx.clock.now()
    after = _START
    handed = 0
    for _ in range(pages):
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(_CLAIM, [now, batch, *after])
        if not rows:
            break
        due = [(row["id"], row["state"]) for row in rows]
        await _hand_out(enqueue, [due[i : i + per_wake] for i in range(0, len(due), per_wake)])
        handed += len(rows)
        after = (rows[-1]["next_wake_at"], rows[-1]["id"])
        if len(rows) < batch:
            break
    return handed


async def _hand_out(enqueue: Enqueue, wakes: list[Due]) -> None:
    slots = asyncio.Semaphore(HAND_OUT_AT_ONCE)

    async def one(wake: Due) -> None:
        async with slots:
            await enqueue(wake)

    await asyncio.gather(*(one(wake) for wake in wakes))


async def wake_run(ctx: RequestContext, run_id: uuid.UUID, state: int) -> bool:
    """Move the run on if it is still in ``state`` (its own transaction)."""
    async with tenant_tx(ctx) as conn:
        return await advance(ctx, conn, run_id, state)


async def wake_runs(ctx: RequestContext, due: Due) -> int:
    """The job: move each run on that is still in the state it was claimed in, one transaction
    each; returns how many moved. A run that fails does not hold up the others (see
    ``_wake_isolated``)."""
    moved = 0
    for run_id, state in due:
        moved += int(await _wake_isolated(ctx, run_id, state))
    return moved


async def _wake_isolated(ctx: RequestContext, run_id: uuid.UUID, state: int) -> bool:
    """Wake one run; if it fails unexpectedly (a plugin's step raising, say), its transaction
    is rolled back, the failure logged, and the run is tried again after ``RETRY_AFTER`` rather
    than on every pass, while the rest of the wake-up goes on."""
    try:
        return await wake_run(ctx, run_id, state)
    except Exception as exc:
        log.exception("journey_run_failed", run=str(run_id), error=repr(exc))
        async with tenant_tx(ctx) as conn:
            await conn.execute_query(
                "UPDATE journey_runs SET next_wake_at = $3 "
                "WHERE id = $1 AND state = $2 AND next_wake_at IS NOT NULL",
                [run_id, state, ctx.clock.now() + RETRY_AFTER],
            )
        return False


async def run_due(ctx: RequestContext, *, batch: int = CLAIM_BATCH) -> int:
    """Wake the tenant's due runs here and now, one transaction each, until none is due (tests,
    the test clock); returns how many moved."""
    woken = 0
    while True:
        due: Due = []
        await claim_due(ctx, _collector(due), batch=batch)
        moved = 0
        for run_id, state in due:
            moved += int(await _wake_isolated(ctx, run_id, state))
        woken += moved
        # A run that moved may be due again at once (a wait of zero after a sweep's entry);
        # one that did not move (locked, paused) is left for later.
        if not moved:
            return woken


def _collector(into: Due) -> Enqueue:
    async def collect(wake: Due) -> None:
        into.extend(wake)

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
