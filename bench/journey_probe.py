"""What the worker is waiting for while it drains: its backends' states and arq's queue, sampled.

Each ``sample`` reads, for the PostgreSQL backends serving the worker process
(``bench.webhook_worker.process_backends``), what each is doing (``pg_stat_activity``): running a
statement, waiting for a lock, idle inside a transaction (the dispatcher's claim transactions
are idle in transaction while they enqueue their jobs to Redis), or idle; and how many jobs wait
in the worker's arq queue. ``summary`` averages the samples: with the job slots full of wake-ups
waiting for row locks the drain is held by the claims, with an empty queue by the cron's pace,
with a long queue and busy backends by the job slots (``max_jobs``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import asyncpg
import redis.asyncio as aioredis

from bench.webhook_worker import process_backends

__all__ = ["WorkerProbe"]

_STATES = """
SELECT state, wait_event_type, query LIKE '%FOR UPDATE OF r SKIP LOCKED%' AS claim
FROM pg_stat_activity WHERE pid = ANY($1::int[])
"""


class WorkerProbe:
    def __init__(self, database_url: str, worker_pid: int, redis_url: str, queue: str) -> None:
        self.database_url, self.worker_pid = database_url, worker_pid
        self.redis_url, self.queue = redis_url, queue
        self.samples = 0
        self.states: Counter[str] = Counter()
        self.queued: list[int] = []

    async def sample(self) -> None:
        pids = await process_backends(self.database_url, self.worker_pid)
        conn = await asyncpg.connect(self.database_url)
        try:
            rows = await conn.fetch(_STATES, pids)
        finally:
            await conn.close()
        for row in rows:
            self.states[_kind(row)] += 1
        client = aioredis.Redis.from_url(self.redis_url)
        try:
            self.queued.append(int(await client.zcard(self.queue)))
        finally:
            await client.aclose()
        self.samples += 1

    def summary(self) -> dict[str, Any]:
        n = self.samples or 1
        return {
            "samples": self.samples,
            "backends_by_state": {k: round(v / n, 2) for k, v in self.states.most_common()},
            "queued_jobs_mean": round(sum(self.queued) / n, 1),
            "queued_jobs_max": max(self.queued, default=0),
            "queue_empty_share": round(sum(1 for q in self.queued if q == 0) / n, 2),
        }


def _kind(row: asyncpg.Record) -> str:
    if row["wait_event_type"] == "Lock":
        return "waiting for a lock"
    if row["state"] == "idle in transaction":
        return (
            "claim open, enqueueing" if row["claim"] else "idle in transaction, between statements"
        )
    if row["state"] == "active":
        return "running a statement"
    return str(row["state"] or "unknown")
