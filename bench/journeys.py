"""Journeys: event → action under load, the daily inactivity sweep over a million members, and
runs waking at the same instant, each against the least SQL that changes the same state.

    .venv/bin/python -m bench.journeys [--smoke] [--rate R] [--sweep-members N] [--wake-runs N]

The run

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL`` with three tenants:
   **orders** (``--members`` members with points and past orders, ``bench.order_dataset``),
   **wake** (``--wake-runs`` members, one point each) and **sweep** (``--sweep-members`` members
   loaded by bulk SQL as the owner role, their last activity spread over two years,
   ``bench.journey_members``); activates ``WAKE`` in the wake tenant
   (``bench.journey_definitions``) and starts the API (one uvicorn process, as in
   ``bench.record_order``);
2. **event → action** (``bench.journey_events``): ONE worker (``membership worker``) beside
   recordOrder, closed loop without and with a journey entered on ``order.recorded`` that grants
   1 point, then an open loop at half the maximum (or ``--rate``): per event, the action's time
   against the relay's and the handling's, all from ``outbox.created_at``; the worker stopped,
   the SQL floor of the same work;
3. **sweep** (``bench.journey_sweep``): an inactivity journey (30 days) activated, then
   ``sweep_journeys`` timed in this process with the clock at 10:00 local time, again the same
   day, again with the day's mark removed, and the one-statement floor;
4. **wake** (``bench.journey_wake``): a WAITING run per wake member, all due at the same instant;
   a fresh worker is timed until every run is COMPLETED; then (optionally) the platform's
   ``claim_due`` + ``wake_run`` alone in this process, and the one-statement floor;
5. prints the tables, writes ``bench/results/journeys-<timestamp>.json`` and drops the database
   and the run's Redis keys, also when something failed.

Nothing is asserted: the checks (exactly one run per event, one action per run, balances + 1)
are reported with the measurements, and the exit status is non-zero only if the run failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import redis
from rich.console import Console

from bench.dataset import create_database, drop_database, new_database_name
from bench.journey_definitions import WAKE, install
from bench.journey_events import measure_events
from bench.journey_members import SweepTenant, load_sweep_tenant
from bench.journey_report import build_report, print_report, write_report
from bench.journey_sweep import measure_sweep
from bench.journey_wake import measure_wake
from bench.member_lookup import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    NOISY_PCT,
    _background_busy_pct,
    _delete_redis_keys,
    _require_loopback,
)
from bench.order_dataset import OrderDataset, build_order_dataset
from bench.record_order import Runner, code_revision
from bench.servers import REPO, add_app_options, check_app_options, start_server
from bench.webhook_backlog import app_role
from membership.db import parse_postgres_url
from tenants.context import RequestContext
from tenants.registry import get_tenant

__all__ = ["main"]

PHASES = ("events", "sweep", "wake")
FULL = {
    "members": 10_000,
    "sweep_members": 1_000_000,
    "wake_runs": 100_000,
    "duration": 15.0,
    "warmup": 3.0,
}
SMOKE = {
    "members": 2_000,
    "sweep_members": 20_000,
    "wake_runs": 5_000,
    "duration": 5.0,
    "warmup": 2.0,
}
ENGINE_RUNS = 20_000
TENANT_ZONE = "Asia/Shanghai"  # the registry's default, which the benchmark's tenants keep


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.journeys",
        description="Journeys: event → action under load, the inactivity sweep, runs waking "
        "at once, each against the SQL floor.",
    )
    p.add_argument(
        "--smoke",
        action="store_true",
        help="small sizes, for a check in a few minutes: "
        + ", ".join(f"--{k.replace('_', '-')} {v:g}" for k, v in SMOKE.items()),
    )
    p.add_argument(
        "--members", type=int, help=f"members of the orders' tenant ({FULL['members']:,})"
    )
    p.add_argument(
        "--sweep-members",
        type=int,
        help=f"members of the sweep's tenant ({FULL['sweep_members']:,})",
    )
    p.add_argument(
        "--wake-runs",
        type=int,
        help=f"runs waking at the same instant, one per member ({FULL['wake_runs']:,})",
    )
    p.add_argument("--duration", type=float, help="measured seconds of each load run (15)")
    p.add_argument("--warmup", type=float, help="unmeasured seconds before each load run (3)")
    p.add_argument("--concurrency", type=int, default=8, help="closed-loop clients (8)")
    p.add_argument(
        "--rate", type=float, help="orders/s of the latency run (default: half the max with it)"
    )
    p.add_argument("--spend-share", type=float, default=0.2, help="share of orders that spend")
    p.add_argument("--spend-max", type=int, default=50, help="most points an order spends")
    p.add_argument(
        "--drain-timeout",
        type=float,
        default=600.0,
        metavar="S",
        help="stop waiting for the worker after S seconds (what is left is reported)",
    )
    p.add_argument(
        "--engine-runs",
        type=int,
        help="runs woken by claim_due + wake_run in this process, without the worker "
        f"(min(--wake-runs, {ENGINE_RUNS:,}); 0 skips it)",
    )
    p.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=PHASES,
        help="leave a phase out (repeatable)",
    )
    p.add_argument(
        "--worker-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the worker, e.g. MEMBERSHIP_LOG_LEVEL=WARNING",
    )
    add_app_options(p)
    args = p.parse_args(argv)
    for key, value in (SMOKE if args.smoke else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if (
        min(args.members, args.sweep_members, args.wake_runs, args.concurrency) < 1
        or args.duration <= 0
        or args.warmup < 0
        or (args.rate is not None and args.rate <= 0)
        or not 0 <= args.spend_share <= 1
    ):
        p.error(
            "members, runs and --concurrency must be ≥ 1, --warmup ≥ 0, --duration and --rate "
            "> 0, --spend-share in 0…1"
        )
    if any("=" not in item for item in args.worker_env):
        p.error("--worker-env takes NAME=VALUE")
    if args.engine_runs is None:
        args.engine_runs = min(args.wake_runs, ENGINE_RUNS)
    if not 0 <= args.engine_runs <= args.wake_runs:
        p.error("--engine-runs must be in 0 … --wake-runs")
    check_app_options(p, args)
    args.stats_wait = 0.0  # bench.record_order.Runner: a 1 s pause after each run
    return args


async def _install_wake(admin_url: str, database: str, dataset: OrderDataset) -> uuid.UUID:
    async with app_role(admin_url, database):
        info = await get_tenant(dataset.small.tenant_id)
        if info is None:
            raise RuntimeError("the wake tenant is missing")
        return await install(RequestContext.system(info), "Wake and give a point", WAKE)


def run_phases(
    args: argparse.Namespace,
    console: Console,
    *,
    admin_url: str,
    database: str,
    dataset: OrderDataset,
    sweep_tenant: SweepTenant | None,
    sweep_day: date,
    wake_journey: uuid.UUID,
    env: dict[str, str],
    logs: Path,
) -> dict[str, Any]:
    """The phases not skipped, in order: events (with the API), sweep, wake."""
    worker_env = {**env, **dict(item.split("=", 1) for item in args.worker_env)}
    out: dict[str, Any] = {}
    if "events" not in args.skip:
        app_env = dict(item.split("=", 1) for item in args.app_env)
        api = start_server("graphql", args.app_factory, {**env, **app_env}, logs)
        try:
            api.wait_ready("/readyz")
            out["events"] = measure_events(
                args=args,
                admin_url=admin_url,
                database=database,
                tenant=dataset.big,
                runner=Runner(api, dataset, args, console),
                worker_env=worker_env,
                logs=logs,
                console=console,
            )
        finally:
            api.stop()
    if sweep_tenant is not None:
        out["sweep"] = asyncio.run(
            measure_sweep(
                admin_url=admin_url,
                database=database,
                tenant=sweep_tenant,
                day=sweep_day,
                console=console,
            )
        )
    if "wake" not in args.skip:
        out["wake"] = asyncio.run(
            measure_wake(
                admin_url=admin_url,
                database=database,
                tenant_id=dataset.small.tenant_id,
                journey_id=wake_journey,
                worker_env=worker_env,
                logs=logs,
                timeout=args.drain_timeout,
                engine_runs=args.engine_runs,
                console=console,
            )
        )
    return out


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    console = Console(stderr=True)
    admin_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    _require_loopback(admin_url, "DATABASE_URL")
    _require_loopback(redis_url, "REDIS_URL")
    admin = parse_postgres_url(admin_url)
    database = new_database_name()
    redis_prefix = f"bench-{secrets.token_hex(4)}"
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    clock = time.monotonic()
    sweep_day = datetime.now(ZoneInfo(TENANT_ZONE)).date()
    created = False
    console.print(f"database [bold]{database}[/bold], redis prefix {redis_prefix}")
    try:
        asyncio.run(create_database(admin, database))
        created = True
        dataset = asyncio.run(
            build_order_dataset(
                admin_url,
                database,
                small_members=args.wake_runs,
                small_entries=args.wake_runs,
                big_members=args.members,
                big_entries=args.members * 10,
                orders_per_member=2,
                console=console,
            )
        )
        sweep_tenant = (
            None
            if "sweep" in args.skip
            else asyncio.run(
                load_sweep_tenant(
                    admin_url, database, members=args.sweep_members, day=sweep_day, console=console
                )
            )
        )
        wake_journey = asyncio.run(_install_wake(admin_url, database, dataset))
        env = {
            "DATABASE_URL": dataset.database_url,
            "REDIS_URL": redis_url,
            "MEMBERSHIP_REDIS_PREFIX": redis_prefix,
        }
        background = _background_busy_pct()
        console.print(f"machine busy before load: {background}% of {os.cpu_count()} cores")
        if background > NOISY_PCT:
            console.print(
                "[yellow]other work is using the machine: rates and latencies will be noisy; "
                "CPU per operation is the steadier figure[/yellow]"
            )
        revision = code_revision()
        with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
            phases = run_phases(
                args,
                console,
                admin_url=admin_url,
                database=database,
                dataset=dataset,
                sweep_tenant=sweep_tenant,
                sweep_day=sweep_day,
                wake_journey=wake_journey,
                env=env,
                logs=Path(logs),
            )
    finally:
        if created and not os.environ.get("BENCH_KEEP_DB"):
            asyncio.run(drop_database(admin, database))
        with contextlib.suppress(redis.RedisError):
            _delete_redis_keys(redis_url, redis_prefix)
        console.print(f"dropped {database if created else 'nothing'}")

    config = {
        "members": args.members,
        "sweep_members": args.sweep_members,
        "wake_runs": args.wake_runs,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "rate": args.rate,
        "spend_share": args.spend_share,
        "spend_max": args.spend_max,
        "engine_runs": args.engine_runs,
        "skipped": args.skip,
        "smoke": args.smoke,
        "client": args.client,
        "app_factory": args.app_factory,
        "worker_env": dict(item.split("=", 1) for item in args.worker_env),
        "sweep_day": sweep_day.isoformat(),
        "cpu_count": os.cpu_count(),
        "machine_busy_before_load_pct": background,
        "python": sys.version.split()[0],
        "code": revision,
    }
    dataset_summary = {
        "orders_and_wake": dataset.summary(),
        "sweep": None
        if sweep_tenant is None
        else {
            "members": sweep_tenant.members,
            "load_s": round(sweep_tenant.load_s, 1),
            "vacuum_s": round(sweep_tenant.vacuum_s, 1),
            "members_table_mib": sweep_tenant.members_mib,
        },
    }
    report = build_report(
        started=started,
        elapsed_s=time.monotonic() - clock,
        config=config,
        dataset=dataset_summary,
        phases=phases,
    )
    out = Console()
    print_report(report, out if out.is_terminal else Console(width=180))
    path = write_report(report, stamp)
    console.print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
