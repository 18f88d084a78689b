"""Event → action under a steady order load: recordOrder through the API with one worker running.

``measure_events`` drives ``bench.order_loadgen`` against the orders' tenant through
``bench.record_order.Runner`` (API and database CPU per order), with ONE worker
(``bench.journey_worker``) relaying, handling and acting beside it:

1. **without journey**: closed loop at ``--concurrency``; the worker relays the events and writes
   no handling (no active journey listens to ``order.recorded``);
2. ``ORDER_GIFT`` is activated through the service (entered on every ``order.recorded``, its
   first step grants 1 point);
3. **with journey**: the same closed loop, then how fast the worker works off what it left:
   for ``STALE_SECONDS`` with the statistics the queue tables had before the run (they were
   analysed empty, and autovacuum is off on the benchmark machine), then after ``ANALYZE`` of
   them, as autovacuum would have done by then, until it has caught up;
4. **latency**: an open loop at half the maximum of step 3 (or ``--rate``); once the worker has
   caught up, every event's relay, handling and action stamps are read back
   (``bench.journey_latency``), with the worker's CPU per event from the start of the load until
   it caught up. When that rate is more than the worker handled while catching up in step 3,
   once more at half of what it handled (``latency_sustained``): the latency when it keeps up;
5. the worker is stopped and the **floor** does the journey's work for the same events, one
   statement each (``bench.journey_floor.event_floor``).
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from bench import journey_sql as sql
from bench.journey_definitions import ORDER_GIFT, install
from bench.journey_floor import event_floor
from bench.journey_latency import event_latencies, events_between
from bench.journey_worker import LaunchedWorker, launch_worker
from bench.order_dataset import TenantData
from bench.record_order import Runner
from bench.webhook_backlog import app_role
from membership.db import parse_postgres_url, role_target
from membership.settings import get_settings
from tenants.context import RequestContext
from tenants.registry import get_tenant

__all__ = ["measure_events"]

STALE_SECONDS = 15.0
QUEUE_TABLES = ("outbox", "event_handlings", "journey_runs", "journey_entries", "journey_actions")
_BEHIND = """
SELECT (SELECT count(*) FROM outbox WHERE tenant_id = $1 AND published_at IS NULL) AS unpublished,
       (SELECT count(*) FROM event_handlings
        WHERE tenant_id = $1 AND status = 'PENDING') AS pending_handlings
"""


def measure_events(
    *,
    args: argparse.Namespace,
    admin_url: str,
    database: str,
    tenant: TenantData,
    runner: Runner,
    worker_env: dict[str, str],
    logs: Path,
    console: Console,
) -> dict[str, Any]:
    target = replace(parse_postgres_url(admin_url), database=database)
    url = target.dsn()
    out: dict[str, Any] = {}
    console.print("starting the worker …")
    worker = asyncio.run(launch_worker(worker_env, logs, "worker-events"))
    try:
        out["startup"] = worker.startup()
        console.print(
            f"[bold]recordOrder, no journey[/bold]: closed loop, concurrency {args.concurrency}, "
            f"the worker relaying, {args.warmup:g}s + {args.duration:g}s …"
        )
        out["without"], _ = _load(runner, tenant, worker, url, "  no journey", None)
        out["without"]["catch_up"] = _catch_up(worker, url, tenant.tenant_id, args.drain_timeout)

        journey_id = asyncio.run(_activate(admin_url, database, tenant.tenant_id))
        out["journey_id"] = str(journey_id)
        console.print(
            f"[bold]recordOrder, journey active[/bold]: closed loop, concurrency "
            f"{args.concurrency}, the worker relaying, handling and acting …"
        )
        out["with"], _ = _load(runner, tenant, worker, url, "  journey active", None)
        out["with"]["catch_up"] = _catch_up_analysed(worker, url, tenant.tenant_id, args, console)

        rate = args.rate or out["with"]["rps"] / 2
        if rate <= 0:
            raise RuntimeError(f"recordOrder served nothing: {out['with']['error_examples']}")
        out["latency"] = _latency_run(runner, tenant, worker, url, rate, args, console)
        since, until = out["latency"]["since"], out["latency"]["until"]
        # Half the API's maximum may be more than the worker handles: then once more at half
        # of what it handled while catching up, where the worker keeps up.
        handled = out["with"]["catch_up"]["analysed"]["handlings_per_s"]
        if args.rate is None and handled and rate > 0.9 * handled:
            console.print(
                f"  the worker handled {handled} events/s while catching up: once more at half "
                "of that"
            )
            out["latency_sustained"] = _latency_run(
                runner, tenant, worker, url, handled / 2, args, console
            )
    finally:
        worker.stop()
    for key in ("latency", "latency_sustained"):
        if key in out:
            lat = out[key]
            window = lat.pop("since"), lat.pop("until")
            lat |= asyncio.run(event_latencies(url, tenant.tenant_id, journey_id, *window))
            _say_latency(lat, console)

    events = asyncio.run(events_between(url, tenant.tenant_id, since, until))
    console.print(f"[bold]event floor[/bold]: the journey's work for {len(events):,} events …")
    app = role_target(target, "app", get_settings())
    floor = asyncio.run(event_floor(app, url, tenant.tenant_id, journey_id, 1, events))
    out["floor"] = floor
    per = 1000 / (floor["events"] or 1)
    console.print(
        f"  {floor['events']:,} in {floor['seconds']:.2f} s, "
        f"{floor['process_cpu_s'] * per:.3f} + {floor['db_cpu_s'] * per:.3f} db CPU ms/event"
    )
    return out


def _latency_run(
    runner: Runner,
    tenant: TenantData,
    worker: LaunchedWorker,
    url: str,
    rate: float,
    args: argparse.Namespace,
    console: Console,
) -> dict[str, Any]:
    """recordOrder at ``rate`` in an open loop, then until the worker has caught up: the
    worker's CPU per event over both, and the load's window ``since``, ``until`` (the stamps
    are read back with ``event_latencies`` once the worker is stopped)."""
    console.print(
        f"[bold]event → action[/bold]: open loop at {rate:,.1f} orders/s for "
        f"{args.warmup:g}s + {args.duration:g}s …"
    )
    start = asyncio.run(worker.used_since_connected())
    result, since = _load(runner, tenant, worker, url, "  recordOrder", rate)
    until = datetime.now(UTC)
    caught = _catch_up(worker, url, tenant.tenant_id, args.drain_timeout)
    end = asyncio.run(worker.used_since_connected())
    n = len(asyncio.run(events_between(url, tenant.tenant_id, since, until))) or 1
    return {
        "since": since,
        "until": until,
        "rate": round(rate, 1),
        "caught_up_after_load_s": caught["seconds"],
        "timed_out": caught["timed_out"],
        "worker_cpu_ms_per_event": round(
            1000 * (end["process_cpu_s"] - start["process_cpu_s"]) / n, 3
        ),
        "worker_db_cpu_ms_per_event": round(1000 * (end["db_cpu_s"] - start["db_cpu_s"]) / n, 3),
        "record_order": result,
    }


async def _activate(admin_url: str, database: str, tenant_id: uuid.UUID) -> uuid.UUID:
    async with app_role(admin_url, database):
        info = await get_tenant(tenant_id)
        if info is None:
            raise RuntimeError(f"no tenant {tenant_id}")
        return await install(RequestContext.system(info), "A point per order", ORDER_GIFT)


def _load(
    runner: Runner,
    tenant: TenantData,
    worker: LaunchedWorker,
    url: str,
    label: str,
    rate: float | None,
) -> tuple[dict[str, Any], datetime]:
    """One recordOrder run priced by ``Runner.run``, with the worker's share beside it; and
    when it started."""
    since = datetime.now(UTC)
    before = asyncio.run(worker.used_since_connected())
    result = runner.run(tenant, rate=rate)
    runner.say(label + ": ", result)
    after = asyncio.run(worker.used_since_connected())
    answered = result["answered_total"] or 1
    wall = after["wall_s"] - before["wall_s"]
    result["worker_cpu_ms_per_req"] = round(
        1000 * (after["process_cpu_s"] - before["process_cpu_s"]) / answered, 3
    )
    result["worker_db_cpu_ms_per_req"] = round(
        1000 * (after["db_cpu_s"] - before["db_cpu_s"]) / answered, 3
    )
    result["worker_cpu_pct"] = round(
        100 * (after["process_cpu_s"] - before["process_cpu_s"]) / wall, 1
    )
    result["behind_at_end"] = asyncio.run(sql.fetchrow(url, _BEHIND, tenant.tenant_id))
    return result, since


def _catch_up(
    worker: LaunchedWorker, url: str, tenant_id: uuid.UUID, timeout: float
) -> dict[str, Any]:
    """Wait (at most ``timeout``) until the tenant has no unpublished event and no pending
    handling; how long, and how many handlings a second the worker finished meanwhile."""
    started = time.monotonic()
    first = asyncio.run(sql.fetchrow(url, _BEHIND, tenant_id))
    while True:
        behind = asyncio.run(sql.fetchrow(url, _BEHIND, tenant_id))
        seconds = time.monotonic() - started
        done = not behind["unpublished"] and not behind["pending_handlings"]
        if done or seconds > timeout:
            handled = first["pending_handlings"] - behind["pending_handlings"]
            return {
                "seconds": round(seconds, 2),
                "timed_out": not done,
                "pending_at_start": first["pending_handlings"],
                "pending_at_end": behind["pending_handlings"],
                "handlings_per_s": round(handled / seconds, 1) if seconds > 0.5 else None,
            }
        asyncio.run(worker.used_since_connected())  # fails at once if the worker died
        time.sleep(0.1)


def _catch_up_analysed(
    worker: LaunchedWorker,
    url: str,
    tenant_id: uuid.UUID,
    args: argparse.Namespace,
    console: Console,
) -> dict[str, Any]:
    """The closed loop's backlog: handled for ``STALE_SECONDS`` with the statistics the tables
    had before it (those of empty queue tables), then ``ANALYZE`` of the queue tables, as
    autovacuum would do after so many new rows, and handled to the end."""
    stale = _catch_up(worker, url, tenant_id, STALE_SECONDS)
    asyncio.run(sql.execute(url, f"ANALYZE {', '.join(QUEUE_TABLES)}"))
    fresh = _catch_up(worker, url, tenant_id, args.drain_timeout)
    console.print(
        f"  left behind at the end: {stale['pending_at_start']:,} handlings pending; "
        f"{stale['handlings_per_s']} handlings/s over {stale['seconds']} s with the statistics "
        f"of empty queue tables, then, analysed, {fresh['handlings_per_s']} handlings/s: caught "
        f"up {fresh['seconds']} s later"
    )
    if fresh["timed_out"]:
        console.print("  [red]the worker did not catch up: the latency run starts behind[/red]")
    return {"stale_statistics": stale, "analysed": fresh}


def _say_latency(r: dict[str, Any], console: Console) -> None:
    verdict = "[green]checked[/green]" if r["ok"] else "[red]MISMATCH[/red]"
    console.print(
        f"  {r['events']:,} events: runs per event {r['runs_per_event']}, actions per run "
        f"{r['actions_per_run']}, {r['runs_by_status']} {verdict}"
    )
    for name in ("relay", "handled", "action"):
        s = r[name]
        console.print(
            f"  event → {name}: p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms, max {s['max_ms']} ms"
        )
    console.print(
        f"  worker {r['worker_cpu_ms_per_event']} + {r['worker_db_cpu_ms_per_event']} db CPU "
        "ms/event"
    )
