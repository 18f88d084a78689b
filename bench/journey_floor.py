"""The SQL floors: the least SQL that changes the same journey state, hand-written on asyncpg.

Each runs as the app role with the tenant set once for the session, so row-level security
applies as it does to the platform, and is priced like the platform: wall clock, this process's
CPU and that of the PostgreSQL backend serving it (``bench.webhook_worker.ProcessMeter``).

* **event**: per ``order.recorded`` event, one statement in its own transaction, one event after
  the other (the worker handles a tenant's events one at a time): the entry key, the run
  (COMPLETED), its action row and the member's balance + 1;
* **sweep**: one statement that selects the members whose last activity falls on the day the
  inactivity line crosses and inserts their runs, ACTIVE and due, as the sweep does;
* **wake**: one statement for every due run of the journey: the runs' UPDATE to COMPLETED, the
  INSERT of one action row each and the UPDATE of the members' balances (+1), as a chain of
  data-modifying CTEs (one snapshot, one round trip).

What the floors leave out, on purpose: the points ledger's entry and lot, the
``points.changed`` event, and (event) the handling's bookkeeping. The platform writes them, so
the ratios are an upper bound of what its own machinery costs over the state change.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg

from bench.journey_definitions import GIFT_STEP, WAKE_ACTION_STEP
from bench.webhook_worker import ProcessMeter
from membership.db import PgTarget

__all__ = ["event_floor", "sweep_floor", "wake_floor"]

# $1 tenant, $2 journey, $3 version, $4 entry key, $5 member, $6 event (jsonb)
_EVENT = f"""
WITH entry AS (
    INSERT INTO journey_entries (tenant_id, journey_id, entry_key, run_id, at)
    VALUES ($1, $2, $4, uuid_v7(), now())
    ON CONFLICT DO NOTHING
    RETURNING run_id
), run AS (
    INSERT INTO journey_runs (tenant_id, id, journey_id, version, member_id, status, current_step,
                              state, visit, event, started_at, updated_at, ended_at)
    SELECT $1, entry.run_id, $2, $3, $5, 'COMPLETED', 'end', 2, 2, $6::jsonb, now(), now(), now()
    FROM entry
    RETURNING id, member_id
), action AS (
    INSERT INTO journey_actions (tenant_id, run_id, step, visit, type, outcome, at)
    SELECT $1, run.id, '{GIFT_STEP}', 1, 'grantPoints', 'granted', now() FROM run
)
UPDATE members SET points_balance = points_balance + 1, updated_at = now()
WHERE tenant_id = $1 AND id = (SELECT member_id FROM run)
"""

# $1 tenant, $2 journey, $3 version, $4 now, $5 event (jsonb), $6/$7 the day's bounds
_SWEEP = """
INSERT INTO journey_runs (tenant_id, id, journey_id, version, member_id, status, current_step,
                          state, visit, next_wake_at, event, started_at, updated_at)
SELECT m.tenant_id, uuid_v7(), $2, $3, m.id, 'ACTIVE', 'tag', 0, 1, $4, $5::jsonb, $4, $4
FROM members AS m
WHERE m.tenant_id = $1 AND m.merged_into_id IS NULL
  AND coalesce(m.last_order_at, m.created_at) >= $6
  AND coalesce(m.last_order_at, m.created_at) < $7
"""

# $1 tenant, $2 journey
_WAKE = f"""
WITH woken AS (
    UPDATE journey_runs
    SET status = 'COMPLETED', current_step = 'end', state = state + 3, visit = visit + 2,
        next_wake_at = NULL, ended_at = now(), updated_at = now()
    WHERE tenant_id = $1 AND journey_id = $2 AND status = 'WAITING' AND next_wake_at <= now()
    RETURNING id, member_id
), action AS (
    INSERT INTO journey_actions (tenant_id, run_id, step, visit, type, outcome, at)
    SELECT $1, woken.id, '{WAKE_ACTION_STEP}', 2, 'grantPoints', 'granted', now() FROM woken
)
UPDATE members AS m SET points_balance = m.points_balance + 1, updated_at = now()
FROM woken WHERE m.tenant_id = $1 AND m.id = woken.member_id
"""


@asynccontextmanager
async def _app_connection(app: PgTarget, tenant_id: uuid.UUID) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(**app.connect_kwargs(), server_settings={"jit": "off"})
    try:
        await conn.execute("SELECT set_config('app.tenant_id', $1, false)", str(tenant_id))
        yield conn
    finally:
        await conn.close()


async def _priced(
    conn: asyncpg.Connection, database_url: str, sql: str, *args: Any
) -> dict[str, Any]:
    meter = await ProcessMeter(os.getpid(), database_url).astart()
    started = time.perf_counter()
    status = await conn.execute(sql, *args)
    wall = time.perf_counter() - started
    used = await meter.aread()
    return {
        "seconds": round(wall, 3),
        "rows": int(status.split()[-1]),
        "process_cpu_s": round(used["process_cpu_s"], 3),
        "db_cpu_s": round(used["db_cpu_s"], 3),
    }


async def event_floor(
    app: PgTarget,
    database_url: str,
    tenant_id: uuid.UUID,
    journey_id: uuid.UUID,
    version: int,
    events: list[tuple[uuid.UUID, uuid.UUID]],
) -> dict[str, Any]:
    """The journey's work for each (event id, member id), one statement each, in turn."""
    async with _app_connection(app, tenant_id) as conn:
        statement = await conn.prepare(_EVENT)
        meter = await ProcessMeter(os.getpid(), database_url).astart()
        started = time.perf_counter()
        for event_id, member_id in events:
            body = json.dumps({"id": str(event_id), "type": "order.recorded"})
            await statement.fetch(
                tenant_id, journey_id, version, f"floor:{event_id}", member_id, body
            )
        wall = time.perf_counter() - started
        used = await meter.aread()
    return {
        "events": len(events),
        "seconds": round(wall, 3),
        "process_cpu_s": round(used["process_cpu_s"], 3),
        "db_cpu_s": round(used["db_cpu_s"], 3),
    }


async def sweep_floor(
    app: PgTarget,
    database_url: str,
    tenant_id: uuid.UUID,
    journey_id: uuid.UUID,
    version: int,
    *,
    at: datetime,
    event: dict[str, Any],
    since: datetime,
    until: datetime,
) -> dict[str, Any]:
    """The members active on the day ``[since, until)`` enter, as one INSERT … SELECT."""
    async with _app_connection(app, tenant_id) as conn:
        return await _priced(
            conn,
            database_url,
            _SWEEP,
            tenant_id,
            journey_id,
            version,
            at,
            json.dumps(event),
            since,
            until,
        )


async def wake_floor(
    app: PgTarget, database_url: str, tenant_id: uuid.UUID, journey_id: uuid.UUID
) -> dict[str, Any]:
    """Every due WAITING run of the journey completed, its action recorded, its member + 1."""
    async with _app_connection(app, tenant_id) as conn:
        return await _priced(conn, database_url, _WAKE, tenant_id, journey_id)
