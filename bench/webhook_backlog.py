"""A backlog of committed events for the relay, idle tenants, and the relay's two yardsticks.

Everything here runs on the superuser connection (row-level security does not apply to it) except
``relay_alone``, which runs the worker's own relay code as the app role.

* ``insert_backlog``: ``order.recorded`` events written straight into ``outbox``, unpublished,
  spread round-robin over the given members (or, as the tenant's history, published a day ago
  and each delivered once). Their type, version and payload come from the
  platform's own ``OrderRecorded`` through ``outbox_row`` (the row ``emit`` writes); only the
  member, order id and order number differ per row. Ids are ``uuid_v7()`` and ``created_at`` one
  millisecond apart, in id order, as events written over the last minutes would be;
* ``add_idle_tenants``: tenants with published events only and an enabled endpoint each: what a
  platform of many quiet merchants looks like to the relay's sweep;
* ``relay_alone``: ``workers.events.Dispatcher.pass_once`` in this process, passes back to back
  until nothing is pending, starting no delivery: the relay's work without the deliveries
  that run beside it in a worker;
* ``sql_floor``: the same fan-out as one statement (mark the tenant's unpublished events
  published and insert one delivery per event and matching enabled endpoint), what PostgreSQL
  alone needs for it.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench.webhook_worker import ProcessMeter
from membership.db import close_db, init_db, parse_postgres_url, role_target
from membership.events.relay import pending_tenants, relay_tenant
from membership.orders.events import OrderRecorded
from membership.outbox import outbox_row
from membership.settings import get_settings
from membership.webhooks.endpoints import EndpointChanges, create_endpoint
from membership.webhooks.signing import new_secret
from tenants.context import RequestContext
from tenants.registry import get_tenant

__all__ = [
    "EVENT_TYPE",
    "add_endpoint",
    "add_idle_tenants",
    "app_role",
    "insert_backlog",
    "prepare_tables",
    "relay_alone",
    "sql_floor",
    "time_pending_tenants",
]

_CHUNK = 10_000
_SAMPLE = OrderRecorded(
    member_id=uuid.UUID(int=0),
    order_id=uuid.UUID(int=0),
    external_id="",
    amount=12_345,
    discount_amount=0,
    points_earned=123,
    points_spent=0,
    store_code="S001",
)
_ROW = outbox_row(_SAMPLE)
EVENT_TYPE = _ROW.type
# the keys the statement below fills in per row; a renamed field fails here, not in the relay
assert {"memberId", "orderId", "externalId"} <= set(_SAMPLE.data())

# $1 tenant, $2 type, $3 version, $4 payload template, $5 created_at of event 0, $6/$7 ordinals
# [lo, hi), $8 members, $9 run tag, $10 published_at (NULL: pending)
_INSERT_EVENTS = """
INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at, published_at)
SELECT $1::uuid, uuid_v7(), $2::text, $3::smallint, m.id,
       $4::jsonb || jsonb_build_object('memberId', m.id, 'orderId', uuid_v7(),
                                       'externalId', $9::text || '-' || i),
       $5::timestamptz + make_interval(secs => i::float8 / 1000), $10::timestamptz
FROM generate_series($6::bigint, $7::bigint - 1) AS i
CROSS JOIN LATERAL (SELECT ($8::uuid[])[1 + i % cardinality($8::uuid[])] AS id) AS m
"""

# the tenant's past: every published event delivered once to the endpoint
_HISTORY_DELIVERIES = """
INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, status,
                                attempts, last_response_status, created_at, updated_at)
SELECT o.tenant_id, uuid_v7(), $2, o.id, o.type, 'SUCCEEDED', 1, 200, o.published_at,
       o.published_at
FROM outbox AS o WHERE o.tenant_id = $1 AND o.published_at IS NOT NULL
ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING
"""

_IDLE_TENANTS = """
INSERT INTO tenants (id, slug, name)
SELECT gen_random_uuid(), $1::text || '-' || i, 'Idle tenant ' || i FROM generate_series(1, $2) AS i
RETURNING id
"""
_IDLE_EVENTS = """
INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at, published_at)
SELECT t, uuid_v7(), $2::text, $3::smallint, NULL, $4::jsonb, now() - interval '1 day',
       now() - interval '1 day'
FROM unnest($1::uuid[]) AS t CROSS JOIN generate_series(1, $5)
"""
_IDLE_ENDPOINTS = """
INSERT INTO webhook_endpoints (tenant_id, id, url, event_types, secret, created_at, updated_at)
SELECT t, gen_random_uuid(), 'https://idle.example/hook', ARRAY[$2::text], $3, now(), now()
FROM unnest($1::uuid[]) AS t
"""

_FLOOR = """
WITH taken AS (
    UPDATE outbox SET published_at = now()
    WHERE tenant_id = $1 AND published_at IS NULL
    RETURNING tenant_id, id, type
)
INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type,
                                next_attempt_at, created_at, updated_at)
SELECT t.tenant_id, uuid_v7(), e.id, t.id, t.type, now(), now(), now()
FROM taken AS t
JOIN webhook_endpoints AS e ON e.tenant_id = t.tenant_id AND e.enabled
     AND (cardinality(e.event_types) = 0 OR t.type = ANY (e.event_types))
ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING
"""


async def insert_backlog(
    database_url: str,
    tenant_id: uuid.UUID,
    members: list[uuid.UUID],
    events: int,
    tag: str,
    console: Console,
    *,
    delivered_to: uuid.UUID | None = None,
) -> float:
    """Commit ``events`` unpublished events of the tenant in chunks; returns the seconds taken.

    With ``delivered_to`` they are history instead: a day old, published, and each delivered
    once to that endpoint.
    """
    started = time.monotonic()
    history = delivered_to is not None
    first_at = await _backdated(database_url, events + (86_400_000 if history else 0))
    published_at = first_at + timedelta(milliseconds=events) if history else None
    conn = await asyncpg.connect(database_url)
    try:
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(f"backlog {tag}", total=events)
            for lo in range(0, events, _CHUNK):
                hi = min(events, lo + _CHUNK)
                await conn.execute(
                    _INSERT_EVENTS,
                    tenant_id,
                    _ROW.type,
                    _ROW.version,
                    _ROW.payload,
                    first_at,
                    lo,
                    hi,
                    members,
                    tag,
                    published_at,
                )
                progress.advance(task, hi - lo)
        if delivered_to is not None:
            await conn.execute(_HISTORY_DELIVERIES, tenant_id, delivered_to)
    finally:
        await conn.close()
    return time.monotonic() - started


async def _backdated(database_url: str, events: int) -> Any:
    """When event 0 was written: one millisecond per event ago, so the last one is written now."""
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetchval(
            "SELECT now() - make_interval(secs => $1::float8 / 1000)", events
        )
    finally:
        await conn.close()


async def add_idle_tenants(database_url: str, tenants: int, events_each: int) -> list[uuid.UUID]:
    """``tenants`` tenants with ``events_each`` published events and one endpoint each."""
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            ids = [r["id"] for r in await conn.fetch(_IDLE_TENANTS, "bench-idle", tenants)]
            await conn.execute(
                _IDLE_EVENTS, ids, _ROW.type, _ROW.version, _ROW.payload, events_each
            )
            await conn.execute(_IDLE_ENDPOINTS, ids, _ROW.type, new_secret())
    finally:
        await conn.close()
    return ids


async def prepare_tables(database_url: str) -> None:
    """Vacuum and analyse the queue tables, then checkpoint: every backlog starts alike."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("VACUUM (ANALYZE) outbox, webhook_deliveries, webhook_endpoints")
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def time_pending_tenants(database_url: str, repeat: int = 3) -> dict[str, Any]:
    """``tenants_with_pending_events()`` as the relay calls it each pass: the fastest of
    ``repeat`` calls, and how many tenants it named."""
    conn = await asyncpg.connect(database_url)
    try:
        best, found = float("inf"), 0
        for _ in range(repeat):
            started = time.perf_counter()
            found = len(await conn.fetch("SELECT t FROM tenants_with_pending_events() t"))
            best = min(best, time.perf_counter() - started)
    finally:
        await conn.close()
    return {"ms": round(best * 1000, 2), "tenants": found}


@asynccontextmanager
async def app_role(admin_url: str, database: str) -> AsyncIterator[None]:
    """The platform's connection pool, as the app role (row-level security applies)."""
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=database)
    await init_db(role_target(target, "app", settings), settings)
    try:
        yield
    finally:
        await close_db()


async def add_endpoint(admin_url: str, database: str, tenant_id: uuid.UUID, url: str) -> uuid.UUID:
    """An endpoint of the tenant for ``order.recorded``, made by the platform's service."""
    async with app_role(admin_url, database):
        tenant = await get_tenant(tenant_id)
        if tenant is None:
            raise RuntimeError(f"no tenant {tenant_id}")
        endpoint, _ = await create_endpoint(
            RequestContext.system(tenant), EndpointChanges(url=url, event_types=[EVENT_TYPE])
        )
    return endpoint.id


async def _relay_pass() -> bool:
    """What the worker's relay does in one pass, without starting the deliveries."""
    more = False
    for tenant_id in await pending_tenants():
        tenant = await get_tenant(tenant_id)
        if tenant is not None:
            more = (await relay_tenant(RequestContext.system(tenant))).more or more
    return more


async def relay_alone(admin_url: str, database: str, database_url: str) -> dict[str, Any]:
    """Relay passes back to back until no tenant has pending events (the app role's pool)."""
    async with app_role(admin_url, database):
        meter = await ProcessMeter(os.getpid(), database_url).astart()
        passes = 1
        started = time.perf_counter()
        # a pass that relayed a full batch says so; one that did not may still have raced a
        # commit, so it ends only when no tenant has anything pending
        while await _relay_pass() or await pending_tenants():
            passes += 1
        wall = time.perf_counter() - started
        used = await meter.aread()
    return {
        "seconds": wall,
        "passes": passes,
        "process_cpu_s": used["process_cpu_s"],
        "db_cpu_s": used["db_cpu_s"],
    }


async def sql_floor(database_url: str, tenant_id: uuid.UUID) -> dict[str, Any]:
    """The relay's fan-out of the tenant's backlog as one statement, timed with its backend."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("SET jit = off")
        meter = await ProcessMeter(os.getpid(), database_url).astart()
        started = time.perf_counter()
        status = await conn.execute(_FLOOR, tenant_id)
        wall = time.perf_counter() - started
        used = await meter.aread()
    finally:
        await conn.close()
    return {
        "seconds": wall,
        "deliveries": int(status.split()[-1]),
        "process_cpu_s": used["process_cpu_s"],
        "db_cpu_s": used["db_cpu_s"],
    }
