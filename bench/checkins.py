"""Gym check-ins: the gym preset's ``checkIn`` through the real GraphQL API against the member
lookup, in the same run.

    .venv/bin/python -m bench.checkins [--members 100000] [--concurrency 8] [--duration 15]

A gym's front desk checks a member in at every visit: the member's best card is locked, a visit
is used, the check-in is written and points (and now and then a streak bonus) are granted through
the ledger, all in one transaction. The run

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL``, migrates it (the
   installed plugins' migrations included) and makes a tenant with ``--members`` members
   (bulk-loaded with server-side SQL), enables the gym preset for it with a system context, makes
   a ``points:write`` + ``members:read`` secret key and a lookup key for the baseline
   (``bench.checkin_dataset``);
2. gives every member one never-ending VISITS card of 1,000 visits (bulk SQL), analyses the gym's
   tables and starts the API (``membership.app:create_app``, one uvicorn process with uvloop and
   httptools);
3. **baseline**: the member lookup by phone (the request of ``bench.loadgen``), then **checkIn**
   of random members, each with an idempotency key never used before, both by
   ``bench.checkin_loadgen`` in a process of its own (the raw HTTP client and loops of
   ``bench.loadgen``): each a closed loop at ``--concurrency`` for the maximum throughput, then
   an open loop at half of it for the latency. Afterwards the check-in rows, the visits used (summed
   over the cards) and the points granted are compared with the answers that said checked in;
4. prints the table, writes ``bench/results/checkins-<timestamp>.json`` and drops the database
   and the run's Redis keys, also when something failed.

The exit status is non-zero only when the run itself failed.

The load generator runs on its own too, against a dataset this module loaded
(``python -m bench.checkins loadgen …`` passes its arguments on to it):

    .venv/bin/python -m bench.checkin_loadgen --kind checkin|lookup \\
        --url http://127.0.0.1:8000/graphql --header "Authorization: Bearer sk_…" \\
        --tenant-id <uuid> --members N [--rate R]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import redis
from rich.console import Console

from bench import checkin_loadgen, procstat
from bench.checkin_dataset import (
    VISITS,
    CheckinDataset,
    analyze_gym,
    build_checkin_dataset,
    issue_cards,
)
from bench.checkin_report import build_report, print_report, write_report
from bench.dataset import create_database, drop_database, new_database_name
from bench.member_lookup import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    NOISY_PCT,
    SETTLE_SECONDS,
    CpuMeter,
    _background_busy_pct,
    _delete_redis_keys,
    _require_loopback,
)
from bench.record_order import code_revision, db_counters
from bench.servers import REPO, Server, add_app_options, check_app_options, start_server
from membership.db import close_db, parse_postgres_url

__all__ = ["main", "visits_check"]

_NAMES = {"lookup": "member(phone:)", "checkin": "checkIn"}
_GRANT_REASONS = ("健身签到", "连续签到奖励")  # the gym's ledger reasons (plugins/gym/checkins.py)


class Runner:
    """Runs the check-in load generator (``bench.checkin_loadgen``) against the API and prices
    each run."""

    def __init__(
        self, server: Server, dataset: CheckinDataset, args: argparse.Namespace, console: Console
    ) -> None:
        self.server, self.dataset, self.args, self.console = server, dataset, args, console
        self.seed = 0
        self.tag = secrets.token_hex(4)
        self.checked_in = 0

    def run(self, kind: str, *, rate: float | None = None) -> dict[str, Any]:
        args, dataset = self.args, self.dataset
        self.seed += 1
        key = dataset.lookup_key if kind == "lookup" else dataset.checkin_key
        command = [
            sys.executable,
            "-m",
            "bench.checkin_loadgen",
            "--kind",
            kind,
            "--url",
            self.server.url("/graphql"),
            "--header",
            f"Authorization: Bearer {key}",
            "--tenant-id",
            str(dataset.tenant_id),
            "--members",
            str(dataset.members),
            "--concurrency",
            str(args.concurrency),
            "--duration",
            str(args.duration),
            "--warmup",
            str(args.warmup),
            "--client",
            args.client,
            "--seed",
            str(self.seed),
            "--tag",
            f"{self.tag}-{self.seed}",
        ]
        if rate is not None:
            command += ["--rate", f"{rate:.1f}"]
        before = db_counters(dataset.database_url)
        meter = CpuMeter(self.server.pid, dataset.database_url)
        loadgen = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        try:
            stdout, _ = loadgen.communicate(timeout=args.warmup + args.duration + 120)
        finally:
            if loadgen.poll() is None:
                loadgen.kill()
        if loadgen.returncode != 0:
            raise RuntimeError(f"check-in load generator failed ({loadgen.returncode})")
        summary: dict[str, Any] = json.loads(stdout)
        summary.update(meter.read(summary["answered_total"]))
        after = db_counters(dataset.database_url)
        answered = summary["answered_total"]
        summary["wal_kib_per_req"] = (
            round((after["wal"] - before["wal"]) / 1024 / answered, 2) if answered else None
        )
        summary["commits_per_req"] = (
            round((after["xact_commit"] - before["xact_commit"]) / answered, 2)
            if answered
            else None
        )
        if kind == "checkin":
            self.checked_in += summary["succeeded_total"]
        time.sleep(SETTLE_SECONDS)
        return summary

    def say(self, r: dict[str, Any]) -> None:
        self.console.print(
            f"  {r['rps']:,.0f} req/s, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
            f"p99 {r['p99_ms']} ms, errors {r['errors']}, server {r['server_cpu_ms_per_req']} "
            f"+ db {r['db_cpu_ms_per_req']} CPU ms/req"
        )
        if r["errors"]:
            self.console.print(f"  [yellow]{r['error_kinds']} {r['error_examples'][:2]}[/yellow]")

    def measure(self, kind: str) -> dict[str, Any]:
        """Maximum throughput (closed loop), then latency at half of it (open loop)."""
        args = self.args
        name = _NAMES[kind]
        self.console.print(
            f"[bold]{name}[/bold]: closed loop, concurrency {args.concurrency}, "
            f"{args.warmup:g}s warm-up + {args.duration:g}s …"
        )
        peak = self.run(kind)
        self.say(peak)
        half_rate = peak["rps"] / 2
        if half_rate <= 0:
            raise RuntimeError(
                f"{name} served no successful request: {peak['error_examples']}\n"
                f"{self.server.log_tail()}"
            )
        self.console.print(f"[bold]{name}[/bold]: open loop at {half_rate:,.0f} req/s …")
        half = self.run(kind, rate=half_rate)
        self.say(half)
        return {
            "max_rps": peak["rps"],
            "p50_ms": peak["p50_ms"],
            "p95_ms": peak["p95_ms"],
            "p99_ms": peak["p99_ms"],
            "errors": peak["errors"],
            "error_kinds": peak["error_kinds"],
            "server_cpu_pct": peak["server_cpu_pct"],
            "server_cpu_ms_per_req": peak["server_cpu_ms_per_req"],
            "db_cpu_pct": peak["db_cpu_pct"],
            "db_cpu_ms_per_req": peak["db_cpu_ms_per_req"],
            "wal_kib_per_req": peak["wal_kib_per_req"],
            "commits_per_req": peak["commits_per_req"],
            "client_cpu_pct": peak["client_cpu_pct"],
            "machine_busy_pct": peak["machine_busy_pct"],
            "half_load": {
                "target_rps": round(half_rate, 1),
                "rps": half["rps"],
                "p50_ms": half["p50_ms"],
                "p95_ms": half["p95_ms"],
                "p99_ms": half["p99_ms"],
                "errors": half["errors"],
                "error_kinds": half["error_kinds"],
                "server_cpu_ms_per_req": half["server_cpu_ms_per_req"],
                "db_cpu_ms_per_req": half["db_cpu_ms_per_req"],
            },
            "runs": {"max": peak, "half_load": half},
        }


async def visits_check(dataset: CheckinDataset, succeeded: int) -> dict[str, Any]:
    """Check-in rows, visits used (summed over the cards) and points granted against the answers
    that said checked in."""
    conn = await asyncpg.connect(dataset.database_url)
    try:
        checks = await conn.fetchrow(
            "SELECT count(*) AS n, coalesce(sum(points), 0) AS points, "
            "count(*) FILTER (WHERE streak_bonus) AS bonuses "
            "FROM gym_check_ins WHERE tenant_id = $1",
            dataset.tenant_id,
        )
        cards = await conn.fetchrow(
            "SELECT coalesce(sum($2::integer - visits_left), 0) AS used, "
            "count(*) FILTER (WHERE visits_left < $2::integer) AS touched "
            "FROM gym_cards WHERE tenant_id = $1",
            dataset.tenant_id,
            VISITS,
        )
        granted = await conn.fetchval(
            "SELECT coalesce(sum(points), 0) FROM points_entries "
            "WHERE tenant_id = $1 AND reason = ANY($2::text[])",
            dataset.tenant_id,
            list(_GRANT_REASONS),
        )
    finally:
        await conn.close()
    assert checks is not None and cards is not None
    rows, used = int(checks["n"]), int(cards["used"])
    points, granted_points = int(checks["points"]), int(granted)
    return {
        "answered_checked_in": succeeded,
        "check_in_rows": rows,
        "visits_used": used,
        "cards_used": int(cards["touched"]),
        "streak_bonuses": int(checks["bonuses"]),
        "points_in_check_ins": points,
        "points_granted": granted_points,
        "consistent": rows == used == succeeded and points == granted_points,
    }


# ---------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.checkins",
        description="The gym's checkIn vs the member lookup, through the API.",
    )
    p.add_argument("--members", type=int, default=100_000, help="members of the tenant")
    p.add_argument("--concurrency", type=int, default=8, help="closed-loop clients")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds per run")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    add_app_options(p)
    args = p.parse_args(argv)
    if args.members < 1 or args.concurrency < 1 or args.duration <= 0 or args.warmup < 0:
        p.error("--members and --concurrency must be ≥ 1, --duration > 0, --warmup ≥ 0")
    check_app_options(p, args)
    return args


def run_benchmark(argv: list[str] | None = None) -> None:
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
    servers: list[Server] = []
    created = False
    lookup = checkin = consistency = None
    steps: list[dict[str, Any]] = []
    revision: dict[str, Any] = {}
    background: float | None = None
    peak_rss: float | None = None

    console.print(f"database [bold]{database}[/bold], redis prefix {redis_prefix}")
    try:
        asyncio.run(create_database(admin, database))
        created = True
        dataset = asyncio.run(
            build_checkin_dataset(admin_url, database, members=args.members, console=console)
        )
        steps.append(asyncio.run(issue_cards(dataset, console)))
        analyse_s = asyncio.run(analyze_gym(dataset.database_url))
        steps.append({"step": "VACUUM ANALYZE gym tables", "seconds": round(analyse_s, 2)})
        env = {
            "DATABASE_URL": dataset.database_url,
            "REDIS_URL": redis_url,
            "MEMBERSHIP_REDIS_PREFIX": redis_prefix,
        }
        app_env = dict(item.split("=", 1) for item in args.app_env)
        with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
            revision = code_revision()
            api = start_server("graphql", args.app_factory, {**env, **app_env}, Path(logs))
            servers.append(api)
            api.wait_ready("/readyz")
            background = _background_busy_pct()
            console.print(f"machine busy before load: {background}% of {os.cpu_count()} cores")
            if background > NOISY_PCT:
                console.print(
                    "[yellow]other work is using the machine: req/s and latencies will be "
                    "noisy; CPU ms per request is the steadier figure[/yellow]"
                )
            runner = Runner(api, dataset, args, console)
            lookup = runner.measure("lookup")
            checkin = runner.measure("checkin")
            rss = procstat.peak_rss_mib(api.pid)
            peak_rss = None if rss is None else round(rss, 1)
            consistency = asyncio.run(visits_check(dataset, runner.checked_in))
            colour = "green" if consistency["consistent"] else "red"
            console.print(
                f"check-ins: [{colour}]{consistency['answered_checked_in']:,} answered, "
                f"{consistency['check_in_rows']:,} rows, {consistency['visits_used']:,} visits "
                f"used[/{colour}]"
            )
            if api.process.poll() is not None:
                raise RuntimeError(f"the API exited:\n{api.log_tail()}")
            errors_logged = [
                line for line in api.log_tail(200).splitlines() if "error" in line.lower()
            ]
            if errors_logged:
                console.print(f"[yellow]API log: {errors_logged[-3:]}[/yellow]")
            for server in servers:
                server.stop()
    finally:
        for server in servers:
            server.stop()
        with contextlib.suppress(Exception):
            asyncio.run(close_db())
        if created:
            asyncio.run(drop_database(admin, database))
        with contextlib.suppress(redis.RedisError):
            _delete_redis_keys(redis_url, redis_prefix)
        console.print(f"dropped {database if created else 'nothing'}")

    config = {
        "members": args.members,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "client": args.client,
        "app_factory": args.app_factory,
        "app_env": dict(item.split("=", 1) for item in args.app_env),
        "cpu_count": os.cpu_count(),
        "machine_busy_before_load_pct": background,
        "python": sys.version.split()[0],
        "code": revision or code_revision(),
    }
    summary = dataset.summary()
    summary["card_steps"] = steps
    report = build_report(
        started=started,
        elapsed_s=time.monotonic() - clock,
        config=config,
        dataset=summary,
        api_peak_rss_mib=peak_rss,
        lookup=lookup,
        checkin=checkin,
        visits_check=consistency,
    )
    out = Console()
    print_report(report, out if out.is_terminal else Console(width=200))
    path = write_report(report, stamp)
    console.print(f"wrote {path.relative_to(REPO)}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["loadgen"]:
        checkin_loadgen.main(argv[1:])
    else:
        run_benchmark(argv)


if __name__ == "__main__":
    main()
