"""Runs waking at the same instant: the worker's dispatcher and wake jobs against the SQL floor.

Every member of the wake tenant gets one run of ``WAKE``, written with SQL as WAITING at its
``hold`` step with the same ``next_wake_at``, a minute in the past (the row the engine leaves
when a wait begins). Then, with the tables vacuumed, analysed and checkpointed:

1. **worker**: ``python -m membership.cli worker`` is launched and watched (each second) until no
   run of the journey is ACTIVE or WAITING: the arq cron ``dispatch_journey_runs`` claims due
   runs every 5 seconds and enqueues one ``wake_journey_run`` job per run, which moves the run
   through ``grantPoints`` to its end. Then until the relay has published the ``points.changed``
   events the grants wrote. Checked: every run COMPLETED with exactly one action row, and every
   member's balance exactly 1 higher (a ledger entry each). When the timeout comes first the
   worker is stopped, the runs it did not reach are set EXITED (so that nothing later counts
   them), and the checks hold the completed runs to the same rules;
2. **engine alone** (``engine_runs`` > 0): as many runs again (the first members by id), woken
   in this process by the platform's ``claim_due`` and ``wake_run`` at arq's ``max_jobs`` at
   once, on the platform's pool: the engine's own work per run, without arq, Redis and the
   cron's pace;
3. **floor**: the same runs again, completed by one statement (``bench.journey_floor``).

The action rows' ``at`` give the drain's timeline: actions per 5-second window of the wall clock
(the cron fires on multiples of 5 s) and the pauses between actions.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import journey_sql as sql
from bench.journey_definitions import WAKE_WAIT_STEP
from bench.journey_floor import wake_floor
from bench.journey_probe import WorkerProbe
from bench.journey_run_checks import action_timeline, balances, check_runs
from bench.journey_worker import LaunchedWorker, forget_run_jobs, launch_worker
from bench.webhook_backlog import app_role
from bench.webhook_worker import ProcessMeter
from membership.db import parse_postgres_url, role_target
from membership.journeys.dispatch import CLAIM_BATCH, MAX_PAGES, claim_due, wake_run
from membership.settings import get_settings
from tenants.context import RequestContext
from tenants.registry import get_tenant
from workers.settings import WorkerSettings

__all__ = ["CRON_SECONDS", "measure_wake"]

CRON_SECONDS = 5  # workers.settings: dispatch_journey_runs at every fifth second
TABLES = (
    "journey_runs",
    "journey_actions",
    "journey_entries",
    "members",
    "points_entries",
    "points_lots",
    "outbox",
    "event_handlings",
)

# $1 tenant, $2 journey, $3 version, $4 due at, $5 started at (marks the set), $6 limit
_INSERT_RUNS = f"""
INSERT INTO journey_runs (tenant_id, id, journey_id, version, member_id, status, current_step,
                          state, visit, next_wake_at, started_at, updated_at)
SELECT m.tenant_id, uuid_v7(), $2, $3, m.id, 'WAITING', '{WAKE_WAIT_STEP}', 1, 1, $4, $5, $5
FROM members AS m WHERE m.tenant_id = $1 AND m.merged_into_id IS NULL
ORDER BY m.id LIMIT $6
"""
_RETIRE = """
UPDATE journey_runs
SET status = 'EXITED', next_wake_at = NULL, ended_at = now(), updated_at = now(),
    exit_reason = 'bench: the worker was stopped before it woke this run'
WHERE tenant_id = $1 AND journey_id = $2 AND started_at = $3 AND status IN ('ACTIVE', 'WAITING')
"""
_REMAINING = """
SELECT count(*) FROM journey_runs
WHERE tenant_id = $1 AND journey_id = $2 AND next_wake_at IS NOT NULL
  AND status IN ('ACTIVE', 'WAITING')
"""
_UNPUBLISHED = "SELECT EXISTS (SELECT 1 FROM outbox WHERE tenant_id = $1 AND published_at IS NULL)"


async def measure_wake(
    *,
    admin_url: str,
    database: str,
    tenant_id: uuid.UUID,
    journey_id: uuid.UUID,
    worker_env: dict[str, str],
    logs: Path,
    timeout: float,
    engine_runs: int,
    console: Console,
) -> dict[str, Any]:
    """The wake drain three ways (worker, engine alone on ``engine_runs`` runs when > 0, floor),
    each on a fresh set of runs."""
    target = replace(parse_postgres_url(admin_url), database=database)
    url = target.dsn()
    out: dict[str, Any] = {
        "config": {
            "cron_seconds": CRON_SECONDS,
            "max_jobs": WorkerSettings.max_jobs,
            "claim_batch": CLAIM_BATCH,
            "max_pages_per_pass": MAX_PAGES,
            "db_pool_max": get_settings().db_pool_max,
            "timeout_s": timeout,
        }
    }

    started_at, runs = await _new_set(url, tenant_id, journey_id, None, console)
    out["runs"] = runs
    before = await balances(url, tenant_id)
    console.print(
        f"[bold]wake[/bold]: {runs:,} runs due at the same instant; launching the worker …"
    )
    worker = await launch_worker(worker_env, logs, "worker-wake")
    try:
        probe = WorkerProbe(
            url,
            worker.server.pid,
            worker_env["REDIS_URL"],
            f"{worker_env['MEMBERSHIP_REDIS_PREFIX']}:queue",
        )
        out["worker"] = await _watch(
            worker, probe, url, tenant_id, journey_id, runs, timeout, console
        )
    finally:
        worker.stop()
    w = out["worker"]
    w["startup"] = worker.startup()
    run_ids = await sql.fetch(
        url,
        "SELECT id FROM journey_runs WHERE journey_id = $1 AND started_at = $2",
        journey_id,
        started_at,
    )
    w["arq_keys_deleted"] = await forget_run_jobs(
        worker_env["REDIS_URL"], {r["id"] for r in run_ids}
    )
    w["left_when_stopped"] = await _retire(url, tenant_id, journey_id, started_at)
    w["check"] = await check_runs(url, tenant_id, journey_id, started_at, before, ledger=True)
    done = w["check"]["completed"]
    w["runs_per_s"] = _rate(done, w["completed_after_connect_s"])
    if done < runs and w["runs_per_s"]:
        w["projected_s_for_all"] = round(runs / w["runs_per_s"], 1)
    w["timeline"] = await action_timeline(
        url, tenant_id, journey_id, started_at, worker.connected, CRON_SECONDS
    )
    _say_worker(w, runs, console)

    if engine_runs > 0:
        started_at, n = await _new_set(url, tenant_id, journey_id, engine_runs, console)
        before = await balances(url, tenant_id)
        console.print(
            f"[bold]engine alone[/bold]: {n:,} runs, claim_due + wake_run in this process, "
            f"{WorkerSettings.max_jobs} at once …"
        )
        e = await _engine_alone(admin_url, database, url, tenant_id, WorkerSettings.max_jobs)
        e["runs"] = n
        e["check"] = await check_runs(url, tenant_id, journey_id, started_at, before, ledger=False)
        out["engine_alone"] = e
        _say("engine alone", e, console)

    started_at, n = await _new_set(url, tenant_id, journey_id, None, console)
    before = await balances(url, tenant_id)
    console.print(f"[bold]wake floor[/bold]: {n:,} runs, one statement …")
    floor = await wake_floor(role_target(target, "app", get_settings()), url, tenant_id, journey_id)
    floor["runs"] = n
    floor["check"] = await check_runs(url, tenant_id, journey_id, started_at, before, ledger=False)
    out["floor"] = floor
    _say("floor", floor, console)
    return out


async def _new_set(
    url: str, tenant_id: uuid.UUID, journey_id: uuid.UUID, limit: int | None, console: Console
) -> tuple[datetime, int]:
    """One WAITING run per member (the first ``limit`` members, or all), due a minute ago: the
    set's ``started_at`` and size."""
    now = datetime.now(UTC).replace(microsecond=0)
    due, started_at = now - timedelta(minutes=1), now - timedelta(hours=1)
    with console.status("writing the runs, VACUUM (ANALYZE), CHECKPOINT …"):
        status = await sql.execute(
            url, _INSERT_RUNS, tenant_id, journey_id, 1, due, started_at, limit
        )
        await sql.prepare_tables(url, TABLES)
    return started_at, int(status.split()[-1])


async def _retire(
    url: str, tenant_id: uuid.UUID, journey_id: uuid.UUID, started_at: datetime
) -> int:
    """Runs of the set the stopped worker did not reach: EXITED, so that no later waker of
    the benchmark counts them."""
    status = await sql.execute(url, _RETIRE, tenant_id, journey_id, started_at)
    return int(status.split()[-1])


async def _watch(
    worker: LaunchedWorker,
    probe: WorkerProbe,
    url: str,
    tenant_id: uuid.UUID,
    journey_id: uuid.UUID,
    runs: int,
    timeout: float,
    console: Console,
) -> dict[str, Any]:
    """Poll until no run is due any more, then until the relay has published every event."""
    deadline = time.monotonic() + timeout
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    out: dict[str, Any] = {"timed_out": False}
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("runs moved on", total=runs)
        while True:
            remaining = await sql.fetchval(url, _REMAINING, tenant_id, journey_id)
            progress.update(task, completed=runs - remaining)
            if remaining == 0:
                break
            if time.monotonic() > deadline:
                out["timed_out"] = True
                out["remaining"] = remaining
                break
            await worker.used_since_connected()  # fails at once if the worker died
            await probe.sample()
            await asyncio.sleep(1.0)
    used = await worker.used_since_connected()
    out["probe"] = probe.summary()
    out["completed_after_connect_s"] = round(used["wall_s"], 2)
    out["worker_cpu_s"] = round(used["process_cpu_s"], 3)
    out["worker_db_cpu_s"] = round(used["db_cpu_s"], 3)
    # the grants' points.changed events: the relay publishes them after the runs' commits
    while True:
        pending = await sql.fetchval(url, _UNPUBLISHED, tenant_id)
        if not pending or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    relayed = await worker.used_since_connected()
    out["relayed_after_connect_s"] = round(relayed["wall_s"], 2)
    out["relay_tail"] = {
        "seconds": round(relayed["wall_s"] - used["wall_s"], 2),
        "worker_cpu_s": round(relayed["process_cpu_s"] - used["process_cpu_s"], 3),
        "worker_db_cpu_s": round(relayed["db_cpu_s"] - used["db_cpu_s"], 3),
    }
    return out


async def _engine_alone(
    admin_url: str, database: str, url: str, tenant_id: uuid.UUID, concurrency: int
) -> dict[str, Any]:
    """claim_due in batches, each batch's runs woken by ``concurrency`` tasks (wake_run)."""
    async with app_role(admin_url, database):
        tenant = await get_tenant(tenant_id)
        assert tenant is not None
        ctx = RequestContext.system(tenant)
        meter = await ProcessMeter(os.getpid(), url).astart()
        started = time.perf_counter()
        woken = 0
        while True:
            due = await _claimed(ctx)
            woken += await _wake_all(ctx, due, concurrency)
            if len(due) < CLAIM_BATCH:
                break
        wall = time.perf_counter() - started
        used = await meter.aread()
    return {
        "woken": woken,
        "seconds": round(wall, 3),
        "process_cpu_s": round(used["process_cpu_s"], 3),
        "db_cpu_s": round(used["db_cpu_s"], 3),
    }


async def _claimed(ctx: RequestContext) -> list[tuple[uuid.UUID, int]]:
    due: list[tuple[uuid.UUID, int]] = []

    async def collect(wake: list[tuple[uuid.UUID, int]]) -> None:
        due.extend(wake)

    await claim_due(ctx, collect)
    return due


async def _wake_all(ctx: RequestContext, due: list[tuple[uuid.UUID, int]], concurrency: int) -> int:
    pending = iter(due)

    async def wake() -> int:
        moved = 0
        for run_id, state in pending:
            moved += int(await wake_run(ctx, run_id, state))
        return moved

    return sum(await asyncio.gather(*(wake() for _ in range(concurrency))))


def _rate(runs: int, seconds: float | None) -> float | None:
    return round(runs / seconds, 1) if seconds else None


def _verdict(c: dict[str, Any]) -> str:
    if not c["ok"]:
        return f"[red]MISMATCH {c}[/red]"
    if not c["all_completed"]:
        return f"[yellow]checked, but only {c['runs_by_status']}[/yellow]"
    return "[green]checked[/green]"


def _say_worker(r: dict[str, Any], runs: int, console: Console) -> None:
    t, c = r["timeline"], r["check"]
    done = c["completed"] or 1
    console.print(
        f"  worker: connected {r['startup']['connected_after_launch_s']} s after launch; "
        f"first action {t.get('first_after_connect_s')} s later; {c['completed']:,} of "
        f"{runs:,} runs done {r['completed_after_connect_s']} s after connecting "
        f"({r['runs_per_s']} runs/s), {1000 * r['worker_cpu_s'] / done:.3f} + "
        f"{1000 * r['worker_db_cpu_s'] / done:.3f} db CPU ms/run; {_verdict(c)}"
    )
    if "projected_s_for_all" in r:
        console.print(
            f"  [yellow]timed out: at that rate all {runs:,} would take "
            f"{r['projected_s_for_all']:,.0f} s[/yellow]"
        )
    p = r["probe"]
    console.print(
        f"  worker's backends on average: {p['backends_by_state']}; arq queue "
        f"{p['queued_jobs_mean']} jobs on average (max {p['queued_jobs_max']}, empty "
        f"{100 * p['queue_empty_share']:.0f} % of the time)"
    )
    if t.get("actions"):
        console.print(
            f"  timeline: {t['actions_per_s']} actions/s from first to last, "
            f"{t['pauses_over_1s']} pauses ≥ 1 s ({t['paused_s']} s, longest "
            f"{t['longest_pause_s']} s); per {t['window_s']} s: {t['per_window'][:24]}"
        )


def _say(name: str, r: dict[str, Any], console: Console) -> None:
    runs = r["runs"] or 1
    console.print(
        f"  {name}: {r['runs']:,} runs in {r['seconds']:.2f} s "
        f"({_rate(r['runs'], r['seconds'])} runs/s), {1000 * r['process_cpu_s'] / runs:.3f} + "
        f"{1000 * r['db_cpu_s'] / runs:.3f} db CPU ms/run; {_verdict(r['check'])}"
    )
