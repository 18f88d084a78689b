"""Following the worker's work as it happens, and reading it back from the rows afterwards.

``watch`` follows one tenant's events through the worker: it polls (20 ms) until the worker has
connected to PostgreSQL (its relay loop starts right after), then until none of the events is
unpublished, then the receiver (0.1 s) until every expected delivery has arrived and PostgreSQL
(0.1 s, only then: counting pending deliveries is not free) until none is PENDING. At each of the
three moments it reads the worker's CPU and that of its backends. It gives up at a deadline, and
fails at once if the worker dies.

``relay_passes`` and ``delivery_batches`` read a drain back from the rows themselves: each relay
pass stamps its events with one ``published_at``, each recorded batch of deliveries its rows with
one ``updated_at``, so their times and sizes show whether the work per pass grows as the tables
do. ``latency_segments`` splits commit → arrival at those stamps; ``latencies_ms`` and
``rate_timeline`` read the receiver's records.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
import httpx

from bench.loadgen import percentile
from bench.servers import Server
from bench.webhook_worker import ProcessMeter, require_alive

__all__ = [
    "Watch",
    "delivery_batches",
    "latencies_ms",
    "latency_segments",
    "rate_timeline",
    "relay_passes",
    "watch",
]

_UNPUBLISHED = "SELECT EXISTS (SELECT 1 FROM outbox WHERE tenant_id = $1 AND published_at IS NULL)"
_PENDING_DELIVERIES = (
    "SELECT count(*) FROM webhook_deliveries "
    "WHERE tenant_id = $1 AND endpoint_id = $2 AND status = 'PENDING'"
)


@dataclass
class Watch:
    """When the worker was connected, the tenant's events all relayed, then all delivered
    (``time.time()``), and the worker's CPU (``ProcessMeter.aread``) at each moment."""

    started: float
    connected_at: float | None = None
    relayed_at: float | None = None
    delivered_at: float | None = None
    at_connected: dict[str, float] = field(default_factory=dict)
    at_relayed: dict[str, float] = field(default_factory=dict)
    at_delivered: dict[str, float] = field(default_factory=dict)
    arrived: int = 0  # unique deliveries at the receiver when the watch ended
    pending: int | None = None  # deliveries still PENDING when it ended
    timed_out: bool = False

    def seconds(self, moment: float | None) -> float | None:
        return None if moment is None else round(moment - self.started, 3)


async def watch(
    database_url: str,
    tenant_id: uuid.UUID,
    worker: Server,
    meter: ProcessMeter,
    *,
    receiver_url: str | None = None,
    endpoint_id: uuid.UUID | None = None,
    expected: int = 0,
    timeout: float = 300.0,
) -> Watch:
    """Wait until the tenant has nothing unpublished and, given an endpoint, until the receiver
    holds ``expected`` unique deliveries and none of the endpoint's is PENDING."""
    result = Watch(started=time.time())
    deadline = time.monotonic() + timeout
    conn = await asyncpg.connect(database_url)
    try:
        while not (reading := await meter.aread())["backends"]:
            require_alive(worker)
            if time.monotonic() > deadline:
                result.timed_out = True
                return result
            await asyncio.sleep(0.02)
        result.connected_at, result.at_connected = time.time(), reading
        while await conn.fetchval(_UNPUBLISHED, tenant_id):
            require_alive(worker)
            if time.monotonic() > deadline:
                result.timed_out = True
                return result
            await asyncio.sleep(0.02)
        result.relayed_at = time.time()
        result.at_relayed = await meter.aread()
        if endpoint_id is None or receiver_url is None:
            return result
        async with httpx.AsyncClient(timeout=10.0) as client:
            for polls in itertools.count():
                require_alive(worker)
                stats = (await client.get(f"{receiver_url}/_stats")).json()
                result.arrived = stats["unique"]
                late = time.monotonic() > deadline
                # every 2 s anyway: failed deliveries never arrive, and nothing is left pending
                if result.arrived >= expected or late or polls % 20 == 19:
                    result.pending = await conn.fetchval(
                        _PENDING_DELIVERIES, tenant_id, endpoint_id
                    )
                    if result.pending == 0:
                        break
                    if late:
                        result.timed_out = True
                        return result
                await asyncio.sleep(0.1)
        result.delivered_at = time.time()
        result.at_delivered = await meter.aread()
    finally:
        await conn.close()
    return result


# ------------------------------------------------------------------ reading the drain back


def _spread(values: list[float]) -> dict[str, float | None]:
    ordered = sorted(values)
    return {
        "p50": percentile(ordered, 50),
        "p90": percentile(ordered, 90),
        "p99": percentile(ordered, 99),
        "max": ordered[-1] if ordered else None,
    }


def _steps(stamps: list[tuple[Any, int]]) -> dict[str, Any]:
    """Sizes of the batches and the milliseconds from one batch's stamp to the next, over the
    first, middle and last thirds of the drain (work growing with the tables shows as a rise)."""
    gaps = [
        1000 * (later[0] - earlier[0]).total_seconds()
        for earlier, later in itertools.pairwise(stamps)
    ]
    third = max(1, len(gaps) // 3)
    thirds = [gaps[:third], gaps[third : 2 * third], gaps[2 * third :]]
    return {
        "count": len(stamps),
        "rows_p50": percentile(sorted(n for _, n in stamps), 50),
        "rows_max": max((n for _, n in stamps), default=None),
        "ms_between": {
            name: {k: None if v is None else round(v, 1) for k, v in _spread(part).items()}
            for name, part in zip(
                ("first_third", "middle_third", "last_third"), thirds, strict=True
            )
            if part
        },
    }


async def relay_passes(database_url: str, tenant_id: uuid.UUID, since: datetime) -> dict[str, Any]:
    """The tenant's relay passes since ``since`` as stamped on its events."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT published_at, count(*) AS n FROM outbox "
            "WHERE tenant_id = $1 AND published_at >= $2 GROUP BY 1 ORDER BY 1",
            tenant_id,
            since,
        )
        bounds = await conn.fetchrow(
            "SELECT extract(epoch FROM min(published_at))::float8 AS first, "
            "extract(epoch FROM max(published_at))::float8 AS last, "
            "count(*) FILTER (WHERE published_at IS NULL) AS unpublished "
            "FROM outbox WHERE tenant_id = $1 AND (published_at IS NULL OR published_at >= $2)",
            tenant_id,
            since,
        )
    finally:
        await conn.close()
    assert bounds is not None  # an aggregate without GROUP BY returns one row
    return {**_steps([(r["published_at"], r["n"]) for r in rows]), **dict(bounds)}


async def delivery_batches(
    database_url: str, tenant_id: uuid.UUID, endpoint_id: uuid.UUID, since: datetime
) -> dict[str, Any]:
    """The endpoint's delivery batches recorded since ``since``, and those deliveries by
    status."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT updated_at, count(*) AS n FROM webhook_deliveries "
            "WHERE tenant_id = $1 AND endpoint_id = $2 AND status <> 'PENDING' "
            "AND created_at >= $3 GROUP BY 1 ORDER BY 1",
            tenant_id,
            endpoint_id,
            since,
        )
        statuses = await conn.fetch(
            "SELECT status, count(*) AS n, max(attempts) AS most_attempts, "
            "extract(epoch FROM max(updated_at))::float8 AS last FROM webhook_deliveries "
            "WHERE tenant_id = $1 AND endpoint_id = $2 AND created_at >= $3 GROUP BY 1",
            tenant_id,
            endpoint_id,
            since,
        )
    finally:
        await conn.close()
    return {
        **_steps([(r["updated_at"], r["n"]) for r in rows]),
        "by_status": {r["status"]: r["n"] for r in statuses},
        "most_attempts": max((r["most_attempts"] for r in statuses), default=0),
        "last": max((r["last"] for r in statuses if r["status"] != "PENDING"), default=None),
    }


# ------------------------------------------------------------------ the receiver's records


def first_arrivals(records: dict[str, Any], event_type: str) -> tuple[dict[str, float], int]:
    """Event id → seconds from the event's timestamp to its first delivery's arrival, and how
    many requests of that type arrived in all."""
    first: dict[str, float] = {}
    requests = 0
    for event_id, kind, arrived, stamped in zip(
        records["ids"], records["types"], records["arrived"], records["stamped"], strict=True
    ):
        if kind != event_type:
            continue
        requests += 1
        if event_id not in first and stamped is not None:
            first[event_id] = arrived - stamped
    return first, requests


def latencies_ms(
    records: dict[str, Any], event_type: str, expected: set[str]
) -> tuple[list[float], dict[str, int]]:
    """Arrival − event timestamp of each expected event's first delivery in ms, ascending, and
    the counts: ``delivered`` (unique expected), ``duplicates``, ``missing``, ``unexpected``."""
    first, requests = first_arrivals(records, event_type)
    got = set(first)
    return sorted(1000 * v for k, v in first.items() if k in expected), {
        "delivered": len(got & expected),
        "duplicates": requests - len(first),
        "missing": len(expected - got),
        "unexpected": len(got - expected),
    }


_SEGMENTS = """
SELECT o.id::text AS id, extract(epoch FROM o.created_at)::float8 AS created,
       extract(epoch FROM o.published_at)::float8 AS published,
       extract(epoch FROM min(a.started_at))::float8 AS attempted
FROM outbox AS o
JOIN webhook_deliveries AS d
  ON d.tenant_id = o.tenant_id AND d.event_id = o.id AND d.endpoint_id = $3
JOIN webhook_attempts AS a ON a.tenant_id = d.tenant_id AND a.delivery_id = d.id
WHERE o.tenant_id = $1 AND o.created_at >= $2
GROUP BY o.id, o.created_at, o.published_at
"""


async def latency_segments(
    database_url: str,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    since: datetime,
    arrivals: dict[str, float],
) -> dict[str, dict[str, float | None]]:
    """Commit → arrival of the events since ``since`` cut at the stamps the worker leaves:
    ``relay`` (``created_at`` → the relay pass's ``published_at``, stamped before it writes),
    ``pick_up`` (→ the first attempt's ``started_at``: the wake-up job, its take) and ``send``
    (→ arrival at the receiver), each p50 / p90 / p99 / max in ms."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(_SEGMENTS, tenant_id, since, endpoint_id)
    finally:
        await conn.close()
    parts: dict[str, list[float]] = {"relay": [], "pick_up": [], "send": []}
    for r in rows:
        if r["id"] not in arrivals:
            continue
        arrived = r["created"] + arrivals[r["id"]]
        parts["relay"].append(r["published"] - r["created"])
        parts["pick_up"].append(r["attempted"] - r["published"])
        parts["send"].append(arrived - r["attempted"])
    return {
        name: {k: None if v is None else round(1000 * v, 1) for k, v in _spread(values).items()}
        for name, values in parts.items()
    }


def rate_timeline(arrivals: list[float], bucket: float = 5.0) -> list[float]:
    """Deliveries per second in consecutive ``bucket``-second windows from the first arrival."""
    if not arrivals:
        return []
    start = min(arrivals)
    counts: dict[int, int] = {}
    for at in arrivals:
        index = int((at - start) // bucket)
        counts[index] = counts.get(index, 0) + 1
    return [round(counts.get(i, 0) / bucket, 1) for i in range(max(counts) + 1)]
