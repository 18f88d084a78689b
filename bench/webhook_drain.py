"""The relay drain: a backlog of events drained by the worker, by its relay loop alone, and by
one SQL statement.

``measure_drain`` starts the worker once with nothing pending (its start-up and idle cost), then,
worker stopped, writes ``events`` unpublished ``order.recorded`` events of one tenant (which has
``history`` older events, each delivered once, so the statistics PostgreSQL plans with know the
tenant) and starts it again: (a) until every event is relayed, (b) until every delivery
SUCCEEDED at the receiver (``bench.webhook_watch.watch``). Then the same backlog twice more:
relayed by the worker's relay loop in this process with nothing delivered
(``bench.webhook_backlog.relay_alone``), and by one statement (``sql_floor``). Before each of
the three the queue tables are vacuumed and analysed and a checkpoint is made.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from rich.console import Console

from bench.order_dataset import TenantData, member_id
from bench.record_order import db_counters
from bench.webhook_backlog import (
    EVENT_TYPE,
    add_endpoint,
    insert_backlog,
    prepare_tables,
    relay_alone,
    sql_floor,
    time_pending_tenants,
)
from bench.webhook_receiver import HOOK_PATH, fetch_deliveries, reset
from bench.webhook_watch import (
    Watch,
    delivery_batches,
    latencies_ms,
    rate_timeline,
    relay_passes,
    watch,
)
from bench.webhook_worker import ProcessMeter, idle_cost, start_worker, wait_started
from membership.webhooks.deliveries import BATCH as DELIVERY_BATCH

__all__ = ["measure_drain"]

# ------------------------------------------------------------------ the drain, three ways


def measure_drain(
    *,
    admin_url: str,
    database: str,
    database_url: str,
    tenant: TenantData,
    events: int,
    history: int,
    receiver_url: str,
    worker_env: dict[str, str],
    logs: Path,
    timeout: float,
    idle_seconds: float,
    console: Console,
) -> dict[str, Any]:
    """A backlog of ``events`` of ``tenant`` drained by the worker (from its start until every
    event is relayed, then delivered; then the worker idle again), by its relay loop alone, and
    by one SQL statement."""
    tid = tenant.tenant_id
    members = [member_id(tid, i, tenant.members) for i in range(tenant.members)]
    endpoint_id = asyncio.run(add_endpoint(admin_url, database, tid, f"{receiver_url}{HOOK_PATH}"))
    out: dict[str, Any] = {"events": events, "history": history, "members": tenant.members}

    def backlog(tag: str) -> Coroutine[Any, Any, float]:
        return insert_backlog(database_url, tid, members, events, tag, console)

    if history:
        console.print(f"the tenant's history: {history:,} events, each delivered once …")
        asyncio.run(
            insert_backlog(
                database_url, tid, members, history, "past", console, delivered_to=endpoint_id
            )
        )

    console.print("[bold]relay drain[/bold]: the worker started with nothing pending …")
    probe = start_worker(worker_env, logs, "worker-idle")
    try:
        out["startup"] = wait_started(probe, database_url)
    finally:
        probe.stop(timeout=30)
    out["pending_tenants_idle"] = asyncio.run(time_pending_tenants(database_url))
    console.print(
        f"  started and quiet after {out['startup']['seconds']} s, {out['startup']['cpu_s']:.2f} s "
        f"of CPU; tenants_with_pending_events() {out['pending_tenants_idle']['ms']} ms"
    )

    console.print(f"[bold]relay drain[/bold]: {events:,} events, worker stopped …")
    out["insert_s"] = round(asyncio.run(backlog("relay")), 2)
    asyncio.run(prepare_tables(database_url))
    out["pending_tenants_backlog"] = asyncio.run(time_pending_tenants(database_url))
    reset(receiver_url)
    wal = db_counters(database_url)["wal"]
    launched = time.time()
    since = datetime.fromtimestamp(launched, UTC)
    worker = start_worker(worker_env, logs, "worker-drain")
    try:
        meter = ProcessMeter(worker.pid, database_url).start()
        console.print("  worker started; waiting for (a) relayed, (b) delivered …")
        seen = asyncio.run(
            watch(
                database_url,
                tid,
                worker,
                meter,
                receiver_url=receiver_url,
                endpoint_id=endpoint_id,
                expected=events,
                timeout=timeout,
            )
        )
        wal = db_counters(database_url)["wal"] - wal
        # the queue tables were analysed with the backlog pending, as autovacuum would have
        out["after"] = {
            "pending_tenants": asyncio.run(time_pending_tenants(database_url)),
            "idle": idle_cost(worker, database_url, idle_seconds),
        }
    finally:
        worker.stop(timeout=30)
    passes = asyncio.run(relay_passes(database_url, tid, since))
    batches = asyncio.run(delivery_batches(database_url, tid, endpoint_id, since))
    records = fetch_deliveries(receiver_url)
    expected = asyncio.run(_backlog_ids(database_url, tid, since))
    _, counts = latencies_ms(records, EVENT_TYPE, expected)
    out["worker"] = _worker_drain(seen, launched, passes, batches, counts, events)
    out["worker"]["wal_mib"] = round(wal / 2**20, 1)
    out["worker"]["delivery_rate_timeline"] = rate_timeline(records["arrived"])
    out["worker"]["relay_passes"] = passes
    out["worker"]["delivery_batches"] = batches
    _say_worker(out["worker"], console)
    after = out["after"]
    console.print(
        f"  then idle: {after['idle']['worker_cpu_ms_per_s']} worker + "
        f"{after['idle']['db_cpu_ms_per_s']} db CPU ms/s; tenants_with_pending_events() "
        f"{after['pending_tenants']['ms']} ms"
    )

    console.print("[bold]relay alone[/bold]: the same backlog, the relay loop in this process …")
    alone = _yardstick(
        lambda: relay_alone(admin_url, database, database_url), "alone", backlog, database_url
    )
    out["relay_alone"] = alone
    console.print(
        f"  {alone['seconds']:.2f} s in {alone['passes']} passes, "
        f"{alone['process_cpu_s']:.2f} s process + {alone['db_cpu_s']:.2f} s db CPU"
    )
    console.print("[bold]SQL floor[/bold]: the same backlog, one statement …")
    floor = _yardstick(lambda: sql_floor(database_url, tid), "floor", backlog, database_url)
    out["sql_floor"] = floor
    console.print(f"  {floor['seconds']:.2f} s, {floor['db_cpu_s']:.2f} s db CPU")
    out["endpoint_id"] = str(endpoint_id)
    return out


async def _backlog_ids(database_url: str, tenant_id: uuid.UUID, since: datetime) -> set[str]:
    """The tenant's events relayed since ``since`` or still pending (its history is older)."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT id::text FROM outbox "
            "WHERE tenant_id = $1 AND (published_at IS NULL OR published_at >= $2)",
            tenant_id,
            since,
        )
    finally:
        await conn.close()
    return {r["id"] for r in rows}


def _yardstick(
    relay: Callable[[], Coroutine[Any, Any, dict[str, Any]]],
    tag: str,
    backlog: Callable[[str], Coroutine[Any, Any, float]],
    database_url: str,
) -> dict[str, Any]:
    """A fresh backlog, the tables vacuumed and analysed, then ``relay`` timed with its WAL."""
    asyncio.run(backlog(tag))
    asyncio.run(prepare_tables(database_url))
    wal = db_counters(database_url)["wal"]
    result = asyncio.run(relay())
    result["wal_mib"] = (db_counters(database_url)["wal"] - wal) / 2**20
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}


def _worker_drain(
    seen: Watch,
    launched: float,
    passes: dict[str, Any],
    batches: dict[str, Any],
    counts: dict[str, int],
    events: int,
) -> dict[str, Any]:
    """Times from the worker's launch and from its first relay pass, rates, and CPU per event
    from the moment it had connected to PostgreSQL (its start-up left out)."""
    first = passes["first"]

    def since(moment: float | None, origin: float | None) -> float | None:
        return None if moment is None or origin is None else round(moment - origin, 3)

    def rate(seconds: float | None, n: int) -> float | None:
        return round(n / seconds, 1) if seconds else None

    def per_event(reading: dict[str, float], key: str, n: int) -> float | None:
        if not reading or not seen.at_connected or not n:
            return None
        return round(1000 * (reading[key] - seen.at_connected[key]) / n, 3)

    relayed = events - passes["unpublished"]
    relayed_s = since(seen.relayed_at, first)
    delivered_s = since(seen.delivered_at, first)
    return {
        "timed_out": seen.timed_out,
        "connected_after_launch_s": since(seen.connected_at, launched),
        "start_up_cpu_s": seen.at_connected.get("process_cpu_s"),
        "first_pass_after_launch_s": since(first, launched),
        "relayed": {
            "events": relayed,
            "from_launch_s": since(seen.relayed_at, launched),
            "from_first_pass_s": relayed_s,
            "events_per_s": rate(relayed_s, relayed),
            "worker_cpu_ms_per_event": per_event(seen.at_relayed, "process_cpu_s", relayed),
            "worker_db_cpu_ms_per_event": per_event(seen.at_relayed, "db_cpu_s", relayed),
        },
        "delivered": {
            **counts,
            "from_launch_s": since(seen.delivered_at, launched),
            "from_first_pass_s": delivered_s,
            "events_per_s": rate(delivered_s, counts["delivered"]),
            "worker_cpu_ms_per_event": per_event(
                seen.at_delivered, "process_cpu_s", counts["delivered"]
            ),
            "worker_db_cpu_ms_per_event": per_event(
                seen.at_delivered, "db_cpu_s", counts["delivered"]
            ),
            "by_status": batches["by_status"],
            "most_attempts": batches["most_attempts"],
            "largest_batch": batches["rows_max"],
            "batch_limit": DELIVERY_BATCH,
        },
    }


def _say_worker(result: dict[str, Any], console: Console) -> None:
    a, b = result["relayed"], result["delivered"]
    console.print(
        f"  first pass {result['first_pass_after_launch_s']} s after launch; (a) relayed "
        f"{a['events']:,} in {a['from_first_pass_s']} s ({a['events_per_s']} events/s), "
        f"{a['worker_cpu_ms_per_event']} + {a['worker_db_cpu_ms_per_event']} db CPU ms/event"
    )
    console.print(
        f"  (b) delivered {b['delivered']:,} in {b['from_first_pass_s']} s "
        f"({b['events_per_s']} events/s), {b['worker_cpu_ms_per_event']} + "
        f"{b['worker_db_cpu_ms_per_event']} db CPU ms/event; duplicates {b['duplicates']}, "
        f"missing {b['missing']}, {b['by_status']}"
    )
    if (b["largest_batch"] or 0) > DELIVERY_BATCH:
        console.print(
            f"  [red]one take of deliveries held {b['largest_batch']:,} (its LIMIT is "
            f"{DELIVERY_BATCH}): see bench/README.md, 'Webhooks'[/red]"
        )
