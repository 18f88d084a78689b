"""Waking runs: PostgreSQL says which are due, arq only carries the wake-ups.

A cron pass claims the due runs of each tenant (``FOR UPDATE SKIP LOCKED``, so two passes never
claim the same run at once) and enqueues one job per run under a job id that includes the run's
state counter: a run already queued is not queued twice, and a job for a state the run has left
does nothing. Nothing lives only in Redis: a lost queue is claimed again on the next pass, since
``next_wake_at`` is still due in PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from tortoise import Tortoise

from membership.journeys.engine import advance
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["claim_due", "job_id", "next_wake", "run_due", "wake_run"]

CLAIM_BATCH = 1000

_CLAIM = """
SELECT r.id, r.state FROM journey_runs r
JOIN journeys j ON j.tenant_id = r.tenant_id AND j.id = r.journey_id AND j.status = 'ACTIVE'
WHERE r.next_wake_at <= $1 AND r.status IN ('ACTIVE', 'WAITING')
ORDER BY r.next_wake_at, r.id
LIMIT $2
FOR UPDATE OF r SKIP LOCKED
"""


def job_id(run_id: uuid.UUID | str, state: int) -> str:
    return f"journey-run:{run_id}:{state}"


async def tenants_with_due_runs(at: datetime) -> list[uuid.UUID]:
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(
        "SELECT t AS id FROM tenants_with_due_journey_runs($1) t", [at]
    )
    return [row["id"] for row in rows]


Enqueue = Callable[[uuid.UUID, int], Awaitable[None]]


async def claim_due(ctx: RequestContext, enqueue: Enqueue, *, batch: int = CLAIM_BATCH) -> int:
    """Hand the tenant's due runs to ``enqueue`` (run id, state); returns how many."""
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(_CLAIM, [ctx.clock.now(), batch])
        for row in rows:
            await enqueue(row["id"], row["state"])
    return len(rows)


async def wake_run(ctx: RequestContext, run_id: uuid.UUID, state: int) -> bool:
    """The job: move the run on if it is still in ``state`` (its own transaction)."""
    async with tenant_tx(ctx) as conn:
        return await advance(ctx, conn, run_id, state)


async def run_due(ctx: RequestContext, *, batch: int = CLAIM_BATCH) -> int:
    """Wake the tenant's due runs here and now, one transaction each (tests, the test clock)."""
    woken = 0
    while True:
        due: list[tuple[uuid.UUID, int]] = []
        await claim_due(ctx, _collector(due), batch=batch)
        for run_id, state in due:
            woken += int(await wake_run(ctx, run_id, state))
        if len(due) < batch:
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
