"""Webhooks: commit → delivery latency under load, recordOrder with and without webhooks, and
the relay draining a backlog, against the same fan-out done by one SQL statement.

    .venv/bin/python -m bench.webhooks [--events 100000] [--duration 15] [--rate R] [--smoke]

Every recorded order commits an ``order.recorded`` event in its own transaction; the worker's
relay turns committed events into webhook deliveries and its jobs send them. The run

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL`` with two tenants
   (``bench.order_dataset``: ``--members`` members with points and past orders for the orders,
   ``--drain-members`` for the backlog), and starts the API (one uvicorn process, as in
   ``bench.record_order``) and the receiver (``bench.webhook_receiver``: one aiohttp process
   answering 200 at once and recording every arrival);
2. **throughput without webhooks**: recordOrder, closed loop at ``--concurrency`` (8), no
   endpoint and no worker (``bench.order_loadgen`` through ``bench.record_order.Runner``);
3. starts ONE worker (``python -m membership.cli worker``, ``bench.webhook_worker``), waits until
   it has relayed what the first run left, measures it idle, and gives the orders' tenant one
   endpoint for ``order.recorded`` at the receiver;
4. **throughput with webhooks**: the same closed loop while the worker relays and delivers, then
   how far behind it was when the load stopped and how long it took to catch up;
5. **latency**: recordOrder in an open loop at half the maximum of step 4 (or ``--rate``) for
   ``--duration``; once everything is delivered, arrival − the event's ``created_at`` of every
   ``order.recorded`` delivery, delivered against recorded, the worker's CPU per delivery;
6. **relay drain** (``bench.webhook_drain``, ``bench.webhook_backlog``): ``--idle-tenants`` quiet
   tenants appear and the worker is measured idle again; the second tenant gets an endpoint and
   ``--history`` past deliveries; then, worker stopped, ``--events`` unpublished events of that
   tenant are written with SQL, the worker is started and timed until (a) every event is relayed
   and (b) every delivery SUCCEEDED, and measured idle once more. The same backlog again, relayed
   by the worker's own relay loop in this process with nothing delivered, and once more by one
   SQL statement: the floor;
7. prints the tables, writes ``bench/results/webhooks-<timestamp>.json`` and drops the database,
   the run's Redis keys, also when something failed.

Targets (``bench.webhook_report``), reported and never enforced through the exit status: p99
commit → delivery under 1 s at half load; 100,000 events relayed in under 60 s.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from rich.console import Console

from bench.dataset import create_database, drop_database, new_database_name
from bench.member_lookup import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    NOISY_PCT,
    _background_busy_pct,
    _delete_redis_keys,
    _require_loopback,
)
from bench.order_dataset import build_order_dataset
from bench.record_order import Runner, code_revision
from bench.servers import REPO, Server, add_app_options, check_app_options, start_server
from bench.webhook_backlog import add_endpoint, add_idle_tenants
from bench.webhook_drain import measure_drain
from bench.webhook_load import Bench, idle, latency, throughput_with
from bench.webhook_receiver import HOOK_PATH, start_receiver
from bench.webhook_report import build_report, print_report, write_report
from bench.webhook_worker import ProcessMeter
from membership.db import parse_postgres_url
from membership.settings import get_settings

__all__ = ["main"]

FULL = {
    "members": 10_000,
    "drain_members": 1_000,
    "events": 100_000,
    "idle_tenants": 1_000,
    "duration": 15.0,
    "warmup": 3.0,
    "idle_seconds": 5.0,
}
SMOKE = {
    "members": 2_000,
    "drain_members": 1_000,
    "events": 5_000,
    "idle_tenants": 200,
    "duration": 5.0,
    "warmup": 2.0,
    "idle_seconds": 2.0,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.webhooks",
        description="Webhooks: commit → delivery latency, recordOrder with and without "
        "webhooks, and the relay's drain of a backlog against one SQL statement.",
    )
    p.add_argument(
        "--smoke",
        action="store_true",
        help="small sizes, for a check in about a minute: "
        + ", ".join(f"--{k.replace('_', '-')} {v:g}" for k, v in SMOKE.items()),
    )
    p.add_argument(
        "--members", type=int, help=f"members of the orders' tenant ({FULL['members']:,})"
    )
    p.add_argument(
        "--drain-members",
        type=int,
        help=f"members the backlog's events are spread over ({FULL['drain_members']:,})",
    )
    p.add_argument("--events", type=int, help=f"events of the backlog ({FULL['events']:,})")
    p.add_argument(
        "--idle-tenants",
        type=int,
        help=f"tenants with nothing pending, added before the drain ({FULL['idle_tenants']:,})",
    )
    p.add_argument(
        "--history",
        type=int,
        help="past events of the backlog's tenant, each delivered once (default: --events; "
        "0 makes the backlog the tenant's first deliveries)",
    )
    p.add_argument("--duration", type=float, help="measured seconds of each load run (15)")
    p.add_argument("--warmup", type=float, help="unmeasured seconds before each load run (3)")
    p.add_argument("--idle-seconds", type=float, help="seconds the idle worker is measured (5)")
    p.add_argument("--concurrency", type=int, default=8, help="closed-loop clients")
    p.add_argument(
        "--rate",
        type=float,
        help="orders/s of the latency run (default: half the max with webhooks)",
    )
    p.add_argument("--spend-share", type=float, default=0.2, help="share of orders that spend")
    p.add_argument("--spend-max", type=int, default=50, help="most points an order spends")
    p.add_argument(
        "--drain-timeout",
        type=float,
        default=900.0,
        metavar="S",
        help="give up waiting for a drain after S seconds (the shortfall is reported)",
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
        min(args.members, args.drain_members, args.events, args.concurrency) < 1
        or args.idle_tenants < 0
        or args.duration <= 0
        or args.warmup < 0
        or args.idle_seconds <= 0
        or (args.rate is not None and args.rate <= 0)
        or not 0 <= args.spend_share <= 1
    ):
        p.error(
            "members, --events and --concurrency must be ≥ 1, --idle-tenants and --warmup ≥ 0, "
            "--duration, --idle-seconds and --rate > 0, --spend-share in 0…1"
        )
    if any("=" not in item for item in args.worker_env):
        p.error("--worker-env takes NAME=VALUE")
    if args.history is None:
        args.history = args.events
    if args.history < 0:
        p.error("--history must be ≥ 0")
    check_app_options(p, args)
    args.stats_wait = 0.0  # bench.record_order.Runner: a 1 s pause after each run
    return args


def run_phases(bench: Bench) -> dict[str, Any]:
    """Steps 2 to 6, in order; the worker is stopped before the drain starts its own."""
    args, console = bench.args, bench.console
    out: dict[str, Any] = {}
    console.print(
        f"[bold]recordOrder without webhooks[/bold]: closed loop, concurrency "
        f"{args.concurrency}, no endpoint, no worker, {args.warmup:g}s + {args.duration:g}s …"
    )
    out["without"], _ = bench.load("  without webhooks")

    console.print("starting the worker; it relays what that run left (no endpoint yet) …")
    worker = bench.start_worker()
    meter = ProcessMeter(worker.pid, bench.url).start()
    out["first_relay"] = bench.catch_up(datetime.fromtimestamp(0, UTC), meter)
    tenants = 2
    out["idle"] = [idle(bench, tenants)]
    bench.endpoint_id = asyncio.run(
        add_endpoint(
            bench.admin_url, bench.database, bench.tenant.tenant_id, bench.receiver.url(HOOK_PATH)
        )
    )
    out["with"] = throughput_with(bench)
    rate = args.rate or out["with"]["rps"] / 2
    if rate <= 0:
        raise RuntimeError(f"recordOrder served nothing: {out['with']['error_examples']}")
    out["latency"] = latency(bench, rate)

    if args.idle_tenants:
        asyncio.run(add_idle_tenants(bench.url, args.idle_tenants, 10))
        tenants += args.idle_tenants
        out["idle"].append(idle(bench, tenants))
    bench.stop_worker()
    out["drain"] = measure_drain(
        admin_url=bench.admin_url,
        database=bench.database,
        database_url=bench.url,
        tenant=bench.dataset.small,
        events=args.events,
        history=args.history,
        receiver_url=bench.receiver_url,
        worker_env=bench.worker_env(),
        logs=bench.logs,
        timeout=args.drain_timeout,
        idle_seconds=args.idle_seconds,
        console=console,
    )
    return out


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # this process makes the endpoints, whose URL check must accept the receiver on 127.0.0.1
    os.environ["MEMBERSHIP_WEBHOOKS_ALLOW_PRIVATE_URLS"] = "true"
    get_settings.cache_clear()
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
    processes: list[Server] = []
    created = False
    bench: Bench | None = None
    console.print(f"database [bold]{database}[/bold], redis prefix {redis_prefix}")
    try:
        asyncio.run(create_database(admin, database))
        created = True
        dataset = asyncio.run(
            build_order_dataset(
                admin_url,
                database,
                small_members=args.drain_members,
                small_entries=args.drain_members * 10,
                big_members=args.members,
                big_entries=args.members * 10,
                orders_per_member=2,
                console=console,
            )
        )
        env = {
            "DATABASE_URL": dataset.database_url,
            "REDIS_URL": redis_url,
            "MEMBERSHIP_REDIS_PREFIX": redis_prefix,
        }
        app_env = dict(item.split("=", 1) for item in args.app_env)
        with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
            revision = code_revision()
            receiver = start_receiver(Path(logs))
            processes.append(receiver)
            api = start_server("graphql", args.app_factory, {**env, **app_env}, Path(logs))
            processes.append(api)
            api.wait_ready("/readyz")
            background = _background_busy_pct()
            console.print(f"machine busy before load: {background}% of {os.cpu_count()} cores")
            if background > NOISY_PCT:
                console.print(
                    "[yellow]other work is using the machine: rates and latencies will be "
                    "noisy; CPU ms per order or event is the steadier figure[/yellow]"
                )
            bench = Bench(
                args=args,
                console=console,
                admin_url=admin_url,
                database=database,
                dataset=dataset,
                env=env,
                logs=Path(logs),
                receiver=receiver,
                runner=Runner(api, dataset, args, console),
            )
            try:
                phases = run_phases(bench)
            finally:
                bench.stop_worker()
    finally:
        for process in processes:
            process.stop()
        if created and not os.environ.get("BENCH_KEEP_DB"):
            asyncio.run(drop_database(admin, database))
        with contextlib.suppress(redis.RedisError):
            _delete_redis_keys(redis_url, redis_prefix)
        console.print(f"dropped {database if created else 'nothing'}")

    config = {
        "members": args.members,
        "drain_members": args.drain_members,
        "events": args.events,
        "history": args.history,
        "idle_tenants": args.idle_tenants,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "rate": args.rate,
        "spend_share": args.spend_share,
        "spend_max": args.spend_max,
        "smoke": args.smoke,
        "client": args.client,
        "app_factory": args.app_factory,
        "app_env": app_env,
        "worker_env": dict(item.split("=", 1) for item in args.worker_env),
        "relay_interval_s": get_settings().relay_interval_seconds,
        "cpu_count": os.cpu_count(),
        "machine_busy_before_load_pct": background,
        "python": sys.version.split()[0],
        "code": revision,
    }
    report = build_report(
        started=started,
        elapsed_s=time.monotonic() - clock,
        config=config,
        dataset=dataset.summary(),
        phases=phases,
    )
    out = Console()
    print_report(report, out if out.is_terminal else Console(width=160))
    path = write_report(report, stamp)
    console.print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
