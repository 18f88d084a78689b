"""The webhooks benchmark's load phases: recordOrder through the API with and without the worker
relaying and delivering, and commit → arrival at the receiver.

``Bench`` holds what the phases share (the dataset, the receiver, the API's ``Runner`` from
``bench.record_order``, the worker when one runs). ``Bench.load`` is one recordOrder run priced as
``bench.record_order`` prices it (API and database CPU per order) with the worker's CPU and its own
backends' beside it; ``throughput_with`` adds how far behind the worker was when the load stopped;
``latency`` runs the open loop and reads every ``order.recorded`` delivery back from the receiver,
split into segments at the stamps the worker leaves (``bench.webhook_watch.latency_segments``).
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from rich.console import Console

from bench import procstat
from bench.loadgen import percentile
from bench.order_dataset import OrderDataset, TenantData
from bench.record_order import Runner
from bench.servers import Server
from bench.webhook_backlog import EVENT_TYPE
from bench.webhook_receiver import fetch_deliveries, reset
from bench.webhook_watch import first_arrivals, latencies_ms, latency_segments, watch
from bench.webhook_worker import ProcessMeter, idle_cost, start_worker

__all__ = ["Bench", "idle", "latency", "throughput_with"]

# ------------------------------------------------------------------ database read-outs

_PHASE = """
SELECT (SELECT count(*) FROM orders WHERE tenant_id = $1 AND created_at >= $2) AS orders,
       (SELECT count(*) FROM outbox WHERE tenant_id = $1 AND created_at >= $2) AS events,
       (SELECT count(*) FROM outbox WHERE tenant_id = $1 AND published_at IS NULL) AS unpublished,
       (SELECT count(*) FROM webhook_deliveries
        WHERE tenant_id = $1 AND status = 'PENDING') AS pending_deliveries
"""


async def _phase_counts(database_url: str, tenant_id: uuid.UUID, since: datetime) -> dict[str, int]:
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(_PHASE, tenant_id, since)
        assert row is not None  # scalar subqueries only: one row
        return dict(row)
    finally:
        await conn.close()


async def _event_ids(database_url: str, tenant_id: uuid.UUID, since: datetime) -> set[str]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT id::text FROM outbox WHERE tenant_id = $1 AND type = $2 AND created_at >= $3",
            tenant_id,
            EVENT_TYPE,
            since,
        )
    finally:
        await conn.close()
    return {r["id"] for r in rows}


# ------------------------------------------------------------------ the run


@dataclass
class Bench:
    """What the phases share: the dataset, the processes and how to start a worker."""

    args: argparse.Namespace
    console: Console
    admin_url: str
    database: str
    dataset: OrderDataset
    env: dict[str, str]
    logs: Path
    receiver: Server
    runner: Runner
    worker: Server | None = None
    endpoint_id: uuid.UUID | None = None

    @property
    def url(self) -> str:
        return self.dataset.database_url

    @property
    def tenant(self) -> TenantData:
        return self.dataset.big

    @property
    def receiver_url(self) -> str:
        return self.receiver.url("")

    def worker_env(self) -> dict[str, str]:
        return {**self.env, **dict(item.split("=", 1) for item in self.args.worker_env)}

    def start_worker(self) -> Server:
        self.worker = start_worker(self.worker_env(), self.logs)
        return self.worker

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop(timeout=30)
            self.worker = None

    def catch_up(self, since: datetime, meter: ProcessMeter) -> dict[str, Any]:
        """Wait until the worker has relayed and delivered everything since ``since``."""
        assert self.worker is not None
        expected = len(asyncio.run(_event_ids(self.url, self.tenant.tenant_id, since)))
        seen = asyncio.run(
            watch(
                self.url,
                self.tenant.tenant_id,
                self.worker,
                meter,
                receiver_url=self.receiver_url if self.endpoint_id else None,
                endpoint_id=self.endpoint_id,
                expected=expected,
                timeout=self.args.drain_timeout,
            )
        )
        return {
            "expected": expected,
            "relayed_s": seen.seconds(seen.relayed_at),
            "delivered_s": seen.seconds(seen.delivered_at),
            "timed_out": seen.timed_out,
            "worker": seen.at_delivered or seen.at_relayed,
        }

    def load(self, label: str, rate: float | None = None) -> tuple[dict[str, Any], datetime]:
        """One recordOrder run (``Runner.run``: API and database CPU per order), with the
        worker's CPU and its backends' beside it when one runs, and the receiver's (a stand-in
        for the customer's server, which shares this machine's cores)."""
        since = datetime.now(UTC)
        meter = ProcessMeter(self.worker.pid, self.url).start() if self.worker else None
        receiver = procstat.process_cpu_seconds(self.receiver.pid)
        result = self.runner.run(self.tenant, rate=rate)
        self.runner.say(f"{label}: ", result)
        answered = result["answered_total"] or 1
        receiver = procstat.process_cpu_seconds(self.receiver.pid) - receiver
        result["receiver_cpu_ms_per_req"] = round(1000 * receiver / answered, 3)
        if meter is not None:
            used = meter.read()
            result["worker_cpu_ms_per_req"] = round(1000 * used["process_cpu_s"] / answered, 3)
            result["worker_db_cpu_ms_per_req"] = round(1000 * used["db_cpu_s"] / answered, 3)
            result["worker_cpu_pct"] = round(100 * used["process_cpu_s"] / used["wall_s"], 1)
        result["counts"] = asyncio.run(_phase_counts(self.url, self.tenant.tenant_id, since))
        return result, since


def throughput_with(bench: Bench) -> dict[str, Any]:
    """The closed loop while the worker relays and delivers; then its lag and catch-up."""
    assert bench.worker is not None
    reset(bench.receiver_url)
    bench.console.print(
        f"[bold]recordOrder with webhooks[/bold]: closed loop, concurrency "
        f"{bench.args.concurrency}, worker relaying and delivering …"
    )
    result, since = bench.load("  with webhooks")
    meter = ProcessMeter(bench.worker.pid, bench.url).start()
    result["catch_up"] = bench.catch_up(since, meter)
    c = result["catch_up"]
    bench.console.print(
        f"  left behind at the end: {result['counts']['unpublished']:,} events unpublished, "
        f"{result['counts']['pending_deliveries']:,} deliveries pending; all "
        f"{c['expected']:,} delivered {c['delivered_s']} s later"
    )
    return result


def latency(bench: Bench, rate: float) -> dict[str, Any]:
    """recordOrder at ``rate`` in an open loop; commit → arrival of each order.recorded."""
    assert bench.worker is not None
    reset(bench.receiver_url)
    bench.console.print(
        f"[bold]commit → webhook[/bold]: open loop at {rate:,.1f} orders/s for "
        f"{bench.args.warmup:g}s + {bench.args.duration:g}s …"
    )
    since = datetime.now(UTC)
    meter = ProcessMeter(bench.worker.pid, bench.url).start()
    result, _ = bench.load("  recordOrder", rate=rate)
    drained = bench.catch_up(since, meter)
    expected = asyncio.run(_event_ids(bench.url, bench.tenant.tenant_id, since))
    records = fetch_deliveries(bench.receiver_url)
    ordered, counts = latencies_ms(records, EVENT_TYPE, expected)
    assert bench.endpoint_id is not None
    segments = asyncio.run(
        latency_segments(
            bench.url,
            bench.tenant.tenant_id,
            bench.endpoint_id,
            since,
            first_arrivals(records, EVENT_TYPE)[0],
        )
    )
    delivered = counts["delivered"] or 1
    worker = drained["worker"]
    summary = {
        "rate": round(rate, 1),
        "orders": result["counts"]["orders"],
        "events": result["counts"]["events"],
        "order_recorded_events": len(expected),
        **counts,
        "shortfall": result["counts"]["orders"] - counts["delivered"],
        **_percentiles(ordered),
        "segments_ms": segments,
        "drained_after_load_s": drained["delivered_s"],
        "timed_out": drained["timed_out"],
        "worker_cpu_ms_per_delivery": round(1000 * worker.get("process_cpu_s", 0) / delivered, 3),
        "worker_db_cpu_ms_per_delivery": round(1000 * worker.get("db_cpu_s", 0) / delivered, 3),
        "worker_cpu_pct": round(100 * worker.get("process_cpu_s", 0) / worker["wall_s"], 1)
        if worker.get("wall_s")
        else None,
        "record_order": result,
    }
    bench.console.print(
        f"  {counts['delivered']:,} of {summary['orders']:,} orders' events delivered "
        f"(duplicates {counts['duplicates']}, missing {counts['missing']}); commit → arrival "
        f"p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms, max {summary['max_ms']} ms; "
        f"worker {summary['worker_cpu_ms_per_delivery']} CPU ms/delivery"
    )
    return summary


def _percentiles(ordered: list[float]) -> dict[str, float | None]:
    return {
        f"{name}_ms": None if (v := percentile(ordered, q)) is None else round(v, 1)
        for name, q in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
    }


def idle(bench: Bench, tenants: int) -> dict[str, Any]:
    assert bench.worker is not None
    bench.console.print(
        f"worker idle, {tenants:,} tenants: {bench.args.idle_seconds:g}s …", end=" "
    )
    result = {"tenants": tenants, **idle_cost(bench.worker, bench.url, bench.args.idle_seconds)}
    bench.console.print(
        f"{result['worker_cpu_ms_per_s']} worker + {result['db_cpu_ms_per_s']} db CPU ms/s"
    )
    return result
