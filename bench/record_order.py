"""recordOrder through the real GraphQL API, against pgbench on the same PostgreSQL, and flatness.

    .venv/bin/python -m bench.record_order [--big-members 1000000] [--big-entries 10000000]
        [--concurrency 8] [--duration 15]

Recording an order is the platform's hot write: a till sends one per sale, and the order's
points are earned (and ``pointsToSpend`` spent) in the order's own transaction, with the member's
row locked. The run

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL``, migrates it and makes two
   tenants with tiers and an ``orders:write`` secret key each: a small one (``--small-members``,
   ``--small-entries``) and a big one (``--big-members`` members, ``--big-entries`` points entries
   with their lots), every member with ``--orders-per-member`` past orders, bulk-loaded with
   server-side SQL (``bench.order_dataset``);
2. fills a second throw-away database with ``pgbench -i -s --pgbench-scale``;
3. starts the API (``membership.app:create_app``, one uvicorn process with uvloop and httptools)
   and, for step 7, the same app with its SQL counted (``bench.sql_census_app``): both from the
   code on disk at that moment (``config.code``);
4. recordOrder against the big tenant (``--main-tenant``): closed loop at ``--concurrency`` for its
   maximum throughput, then open loop at half of it for latency (``bench.order_loadgen``);
5. pgbench's TPC-B-like transaction, ``-c --concurrency -j --pgbench-threads``, closed loop, then
   ``-R`` at half its maximum (``bench.pgbench``);
6. flatness: the same closed-loop load against the small tenant and the big one, one after the
   other (``--flatness-rounds`` times), to compare what one order costs in each;
7. a SQL census: ``--sql-census`` orders one at a time through ``bench.sql_census_app``, which
   counts and times every statement the API sends;
8. prints the tables, writes ``bench/results/record_order-<timestamp>.json`` and drops both
   databases and the run's Redis keys, also when something failed.

The exit status is 0 whether or not the targets were met (``bench.order_report``); it is non-zero
only when the run itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import redis
from rich.console import Console

from bench import pgbench, procstat
from bench.dataset import create_database, drop_database, new_database_name
from bench.member_lookup import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    NOISY_PCT,
    SETTLE_SECONDS,
    CpuMeter,
    _background_busy_pct,
    _delete_redis_keys,
    _py_spy,
    _require_loopback,
)
from bench.order_dataset import OrderDataset, TenantData, build_order_dataset
from bench.order_loadgen import order_request
from bench.order_report import build_report, flatness_ratios, print_report, write_report
from bench.report import RESULTS_DIR
from bench.servers import REPO, Server, add_app_options, check_app_options, start_server
from bench.sql_census_app import PATH as CENSUS_PATH
from membership.db import PgTarget, parse_postgres_url

__all__ = ["main"]

# An idle backend publishes its last second of statistics after 10 s (PGSTAT_IDLE_INTERVAL);
# an exiting one at once.
STATS_WAIT_SECONDS = 10.5
_TX_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.record_order",
        description="recordOrder: GraphQL API vs pgbench, and flatness small vs big tenant.",
    )
    p.add_argument("--small-members", type=int, default=1000, help="members of the small tenant")
    p.add_argument(
        "--small-entries", type=int, default=10_000, help="points entries of the small tenant"
    )
    p.add_argument("--big-members", type=int, default=1_000_000, help="members of the big tenant")
    p.add_argument(
        "--big-entries", type=int, default=10_000_000, help="points entries of the big tenant"
    )
    p.add_argument(
        "--orders-per-member",
        type=int,
        default=2,
        help="past orders of every member of both tenants (inside the tiers' window)",
    )
    p.add_argument(
        "--main-tenant",
        choices=("big", "small"),
        default="big",
        help="tenant of the recordOrder max / half-load runs",
    )
    p.add_argument("--concurrency", type=int, default=8, help="closed-loop clients (both sides)")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds per run")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    p.add_argument(
        "--spend-share", type=float, default=0.2, help="share of orders that spend points"
    )
    p.add_argument(
        "--spend-max",
        type=int,
        default=50,
        help="most points an order spends (capped by the smallest balance of the dataset)",
    )
    p.add_argument("--pgbench-scale", type=int, default=10, help="pgbench -i -s")
    p.add_argument("--pgbench-threads", type=int, default=2, help="pgbench -j")
    p.add_argument("--no-pgbench", action="store_true", help="skip the pgbench runs")
    p.add_argument("--no-flatness", action="store_true", help="skip the small/big comparison")
    p.add_argument(
        "--flatness-rounds",
        type=int,
        default=2,
        help="small, big run pairs; more average out other work on a shared machine",
    )
    p.add_argument(
        "--sql-census",
        type=int,
        default=200,
        metavar="N",
        help="orders sent one at a time through bench.sql_census_app to count SQL (0: skip)",
    )
    p.add_argument(
        "--stats-wait",
        type=float,
        default=STATS_WAIT_SECONDS,
        metavar="S",
        help="pause after each API run until its idle backends have published their buffer "
        "statistics (blks read/req); 0: pause 1 s and take those numbers as approximate",
    )
    add_app_options(p)
    p.add_argument(
        "--profile",
        action="store_true",
        help="record the API process with py-spy during its max-throughput run",
    )
    p.add_argument(
        "--profile-format",
        choices=("flamegraph", "raw", "speedscope"),
        default="flamegraph",
        help="py-spy output: flamegraph SVG, raw collapsed stacks (top functions then go into "
        "the JSON) or speedscope",
    )
    args = p.parse_args(argv)
    if (
        min(args.small_members, args.big_members, args.concurrency, args.flatness_rounds) < 1
        or args.duration <= 0
        or args.warmup < 0
        or min(
            args.small_entries,
            args.big_entries,
            args.sql_census,
            args.spend_max,
            args.orders_per_member,
        )
        < 0
        or not 0 <= args.spend_share <= 1
    ):
        p.error(
            "members, --concurrency and --flatness-rounds must be ≥ 1, --duration > 0, "
            "entries, --orders-per-member, --warmup, --sql-census and --spend-max ≥ 0, "
            "--spend-share in 0…1"
        )
    check_app_options(p, args)
    return args


# ------------------------------------------------------------------------- database counters


async def _counters(database_url: str) -> dict[str, float]:
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS wal, "
            "(SELECT wal_fpi FROM pg_stat_wal) AS fpi, blks_read, blks_hit, xact_commit "
            "FROM pg_stat_database WHERE datname = current_database()"
        )
    finally:
        await conn.close()
    return {k: float(v) for k, v in dict(row).items()}


def db_counters(database_url: str) -> dict[str, float]:
    """Cluster-wide WAL position and full-page images; this database's buffers and commits."""
    return asyncio.run(_counters(database_url))


def _per_request(
    before: dict[str, float], after: dict[str, float], requests: int
) -> dict[str, float | None]:
    if not requests:
        return {"wal_kib_per_req": None, "blks_read_per_req": None, "blks_hit_per_req": None}
    return {
        "wal_kib_per_req": round((after["wal"] - before["wal"]) / 1024 / requests, 2),
        "wal_fpi_per_req": round((after["fpi"] - before["fpi"]) / requests, 2),
        "blks_read_per_req": round((after["blks_read"] - before["blks_read"]) / requests, 2),
        "blks_hit_per_req": round((after["blks_hit"] - before["blks_hit"]) / requests, 2),
        "commits_per_req": round((after["xact_commit"] - before["xact_commit"]) / requests, 2),
    }


# ------------------------------------------------------------------------------ API runs


class Runner:
    """Runs the order load generator against the API and prices each run."""

    def __init__(
        self, server: Server, dataset: OrderDataset, args: argparse.Namespace, console: Console
    ) -> None:
        self.server, self.dataset, self.args, self.console = server, dataset, args, console
        self.seed = 0

    def spend(self, tenant: TenantData) -> tuple[float, int]:
        spend_max = min(self.args.spend_max, tenant.min_balance)
        return (self.args.spend_share if spend_max > 0 else 0.0), spend_max

    def run(
        self,
        tenant: TenantData,
        *,
        rate: float | None = None,
        profile_to: Path | None = None,
    ) -> dict[str, Any]:
        args = self.args
        self.seed += 1
        share, spend_max = self.spend(tenant)
        command = [
            sys.executable,
            "-m",
            "bench.order_loadgen",
            "--url",
            self.server.url("/graphql"),
            "--header",
            f"Authorization: Bearer {tenant.api_key}",
            "--tenant-id",
            str(tenant.tenant_id),
            "--members",
            str(tenant.members),
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
            "--spend-share",
            str(share),
            "--spend-max",
            str(spend_max),
        ]
        if rate is not None:
            command += ["--rate", f"{rate:.1f}"]
        before = db_counters(self.dataset.database_url)
        meter = CpuMeter(self.server.pid, self.dataset.database_url)
        loadgen = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        spy = None
        try:
            py_spy = _py_spy() if profile_to else None
            if profile_to is not None and py_spy is None:
                self.console.print("[yellow]py-spy not found; --profile ignored[/yellow]")
            if profile_to is not None and py_spy is not None:
                time.sleep(args.warmup)
                spy = subprocess.Popen(
                    [
                        py_spy,
                        "record",
                        "--pid",
                        str(self.server.pid),
                        "--duration",
                        str(int(args.duration)),
                        "--rate",
                        "200",
                        # Paused for each sample: coroutine stacks read while the API runs
                        # come out torn. On-CPU samples only: awaiting PostgreSQL is not work.
                        "--gil",
                        "--format",
                        args.profile_format,
                        "--output",
                        str(profile_to),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            stdout, _ = loadgen.communicate(timeout=args.warmup + args.duration + 120)
        finally:
            if loadgen.poll() is None:
                loadgen.kill()
            if spy is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    spy.wait(timeout=30)
                if spy.poll() is None:
                    spy.kill()
        if loadgen.returncode != 0:
            raise RuntimeError(f"order load generator failed ({loadgen.returncode})")
        summary: dict[str, Any] = json.loads(stdout)
        summary.update(meter.read(summary["answered_total"]))
        time.sleep(args.stats_wait or SETTLE_SECONDS)
        summary.update(
            _per_request(before, db_counters(self.dataset.database_url), summary["answered_total"])
        )
        server_ms, db_ms = summary["server_cpu_ms_per_req"], summary["db_cpu_ms_per_req"]
        summary["cpu_ms_per_req"] = (
            None if server_ms is None or db_ms is None else round(server_ms + db_ms, 3)
        )
        summary["tenant"] = tenant.role
        summary["spend_share"], summary["spend_max"] = share, spend_max
        return summary

    def say(self, label: str, r: dict[str, Any]) -> None:
        self.console.print(
            f"  {label}{r['rps']:,.0f} orders/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
            f"errors {r['errors']}, server {r['server_cpu_ms_per_req']} + db "
            f"{r['db_cpu_ms_per_req']} CPU ms/order"
        )
        if r["errors"]:
            self.console.print(f"  [yellow]{r['error_kinds']} {r['error_examples'][:2]}[/yellow]")

    def measure(self, tenant: TenantData, profile_to: Path | None) -> dict[str, Any]:
        """Maximum throughput (closed loop), then latency at half of it (open loop)."""
        args = self.args
        self.console.print(
            f"[bold]recordOrder[/bold] ({tenant.role} tenant): closed loop, concurrency "
            f"{args.concurrency}, {args.warmup:g}s warm-up + {args.duration:g}s …"
        )
        peak = self.run(tenant, profile_to=profile_to)
        self.say("", peak)
        half_rate = peak["rps"] / 2
        if half_rate <= 0:
            raise RuntimeError(
                f"recordOrder served no successful request: {peak['error_examples']}\n"
                f"{self.server.log_tail()}"
            )
        self.console.print(f"[bold]recordOrder[/bold]: open loop at {half_rate:,.0f} orders/s …")
        half = self.run(tenant, rate=half_rate)
        self.say("", half)
        return {
            "tenant": tenant.role,
            "members": tenant.members,
            "entries": tenant.entries,
            "max_rps": peak["rps"],
            "p50_ms": peak["p50_ms"],
            "p99_ms": peak["p99_ms"],
            "errors": peak["errors"],
            "server_cpu_pct": peak["server_cpu_pct"],
            "server_cpu_ms_per_req": peak["server_cpu_ms_per_req"],
            "db_cpu_pct": peak["db_cpu_pct"],
            "db_cpu_ms_per_req": peak["db_cpu_ms_per_req"],
            "cpu_ms_per_req": peak["cpu_ms_per_req"],
            "wal_kib_per_req": peak["wal_kib_per_req"],
            "blks_read_per_req": peak["blks_read_per_req"],
            "client_cpu_pct": peak["client_cpu_pct"],
            "machine_busy_pct": peak["machine_busy_pct"],
            "half_load": {
                "target_rps": round(half_rate, 1),
                "rps": half["rps"],
                "p50_ms": half["p50_ms"],
                "p99_ms": half["p99_ms"],
                "errors": half["errors"],
                "server_cpu_ms_per_req": half["server_cpu_ms_per_req"],
                "db_cpu_ms_per_req": half["db_cpu_ms_per_req"],
            },
            "runs": {"max": peak, "half_load": half},
        }

    def flatness(self) -> dict[str, Any]:
        """The same closed-loop load against each tenant, alternating, ``rounds`` times."""
        runs: dict[str, list[dict[str, Any]]] = {"small": [], "big": []}
        for round_ in range(self.args.flatness_rounds):
            for tenant in (self.dataset.small, self.dataset.big):
                self.console.print(
                    f"[bold]flatness[/bold] round {round_ + 1}: {tenant.role} tenant "
                    f"({tenant.members:,} members, {tenant.entries:,} entries) …"
                )
                result = self.run(tenant)
                self.say("", result)
                runs[tenant.role].append(result)
        small = _combine(runs["small"], self.dataset.small)
        big = _combine(runs["big"], self.dataset.big)
        return {
            "rounds": self.args.flatness_rounds,
            "small": small,
            "big": big,
            "ratios": flatness_ratios(small, big),
            "runs": runs,
        }


def _combine(runs: list[dict[str, Any]], tenant: TenantData) -> dict[str, Any]:
    """Several closed-loop runs of one tenant: mean tps, median latencies, pooled costs."""
    answered = sum(r["answered_total"] for r in runs)

    def pooled(key: str) -> float | None:
        if any(r.get(key) is None for r in runs) or not answered:
            return None
        return round(sum(r[key] * r["answered_total"] for r in runs) / answered, 3)

    def median(key: str) -> float | None:
        values = [r[key] for r in runs if r.get(key) is not None]
        return round(statistics.median(values), 3) if values else None

    return {
        "members": tenant.members,
        "entries": tenant.entries,
        "rps": round(statistics.mean(r["rps"] for r in runs), 1),
        "p50_ms": median("p50_ms"),
        "p99_ms": median("p99_ms"),
        "errors": sum(r["errors"] for r in runs),
        "server_cpu_ms_per_req": pooled("server_cpu_ms_per_req"),
        "db_cpu_ms_per_req": pooled("db_cpu_ms_per_req"),
        "cpu_ms_per_req": pooled("cpu_ms_per_req"),
        "wal_kib_per_req": pooled("wal_kib_per_req"),
        "wal_fpi_per_req": pooled("wal_fpi_per_req"),
        "blks_read_per_req": pooled("blks_read_per_req"),
        "blks_hit_per_req": pooled("blks_hit_per_req"),
        "server_cpu_pct": median("server_cpu_pct"),
        "machine_busy_pct": median("machine_busy_pct"),
    }


# ------------------------------------------------------------------------------- pgbench


def measure_pgbench(
    admin: PgTarget, database: str, args: argparse.Namespace, console: Console
) -> dict[str, Any]:
    def one(rate: float | None) -> dict[str, Any]:
        wal = db_counters(replace(admin, database=database).dsn())["wal"]
        result = asyncio.run(
            pgbench.run_pgbench(
                admin,
                database,
                clients=args.concurrency,
                threads=args.pgbench_threads,
                duration=args.duration,
                warmup=args.warmup,
                rate=rate,
                console=console,
            )
        )
        wal_after = db_counters(replace(admin, database=database).dsn())["wal"]
        total = result["transactions_total"]
        result["wal_kib_per_txn"] = round((wal_after - wal) / 1024 / total, 2) if total else None
        console.print(
            f"  {result['tps']:,.0f} tps, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
            f"errors {result['errors']}, db {result['db_cpu_ms_per_txn']} CPU ms/txn"
        )
        time.sleep(SETTLE_SECONDS)
        return result

    console.print(
        f"[bold]pgbench[/bold] tpcb-like: -c {args.concurrency} -j {args.pgbench_threads}, "
        f"{args.warmup:g}s warm-up + {args.duration:g}s …"
    )
    peak = one(None)
    if not peak.get("tps"):
        raise RuntimeError(f"pgbench committed nothing: {peak}")
    console.print(f"[bold]pgbench[/bold]: -R {peak['tps'] / 2:,.0f} …")
    half = one(peak["tps"] / 2)
    return {"scale": args.pgbench_scale, "max": peak, "half_load": half}


# ----------------------------------------------------------------------------- SQL census


_TABLE_STATS = """
SELECT relname, seq_scan, coalesce(idx_scan, 0) AS idx_scan, n_tup_ins, n_tup_upd,
       n_tup_hot_upd, n_tup_del
FROM pg_stat_user_tables
"""


async def _table_stats(database_url: str) -> dict[str, dict[str, int]]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(_TABLE_STATS)
    finally:
        await conn.close()
    return {r["relname"]: {k: int(v) for k, v in dict(r).items() if k != "relname"} for r in rows}


def table_stats(database_url: str) -> dict[str, dict[str, int]]:
    return asyncio.run(_table_stats(database_url))


def _table_deltas(
    before: dict[str, dict[str, int]], after: dict[str, dict[str, int]], requests: int
) -> dict[str, dict[str, float]]:
    """Per order: scans, inserts and updates (HOT or not) of each table the orders touched."""
    deltas: dict[str, dict[str, float]] = {}
    for table, counts in sorted(after.items()):
        old = before.get(table, {})
        diff = {k: round((v - old.get(k, 0)) / requests, 2) for k, v in counts.items()}
        if any(diff.values()):
            deltas[table] = diff
    return deltas


def sql_census(
    server: Server,
    tenant: TenantData,
    requests: int,
    spend: tuple[float, int],
    database_url: str,
) -> dict[str, Any]:
    """Send ``requests`` orders one at a time and read back what the API sent to PostgreSQL.

    The server is stopped at the end, so that its backends exit and publish their statistics.
    """
    make = order_request(
        tenant.tenant_id, tenant.members, spend_share=spend[0], spend_max=spend[1], tag="census"
    )
    rng = random.Random(99)
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    headers = {"Authorization": f"Bearer {tenant.api_key}", "Content-Type": "application/json"}
    with httpx.Client(timeout=30.0) as client:
        client.post(server.url(CENSUS_PATH)).raise_for_status()  # reset
        tables_before = table_stats(database_url)
        for _ in range(requests):
            body, check = make(rng)
            started = time.perf_counter()
            response = client.post(server.url("/graphql"), content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            failure = check(response.status_code, response.content)
            if failure:
                failures[failure] += 1
        statements = client.get(server.url(CENSUS_PATH)).json()["statements"]
    server.stop()
    time.sleep(SETTLE_SECONDS)
    tables = _table_deltas(tables_before, table_stats(database_url), requests)
    calls = sum(s["calls"] for s in statements)
    control = sum(s["calls"] for s in statements if s["sql"].upper().startswith(_TX_CONTROL))
    kinds: Counter[str] = Counter()
    for s in statements:
        kinds[s["sql"].split(" ", 1)[0].upper()] += s["calls"]
    db_seconds = sum(s["seconds"] for s in statements)
    latencies.sort()
    return {
        "requests": requests,
        "errors": sum(failures.values()),
        "error_kinds": dict(failures),
        "round_trips_per_request": round(calls / requests, 2),
        "statements_per_request": round((calls - control) / requests, 2),
        "by_kind_per_request": {k: round(v / requests, 2) for k, v in kinds.most_common()},
        "db_ms_per_request": round(1000 * db_seconds / requests, 3),
        "latency_ms_p50": round(1000 * statistics.median(latencies), 3),
        "latency_ms_mean": round(1000 * statistics.mean(latencies), 3),
        "top": [
            {
                "sql": s["sql"],
                "per_request": round(s["calls"] / requests, 2),
                "ms_per_request": round(1000 * s["seconds"] / requests, 3),
            }
            for s in statements[:25]
        ],
        "tables_per_request": tables,
    }


def code_revision() -> dict[str, Any]:
    """The commit the servers started from, the tracked files that differed from it, and a
    hash of that difference (two runs with the same commit and hash ran the same code)."""

    def git(*command: str) -> str:
        return subprocess.run(
            ["git", *command], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout

    try:
        commit = git("rev-parse", "HEAD").strip()
        status = git("status", "--porcelain", "--untracked-files=no").splitlines()
        diff = git("diff", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        return {}
    return {
        "commit": commit,
        "modified": [line[3:] for line in status],
        "diff_sha256": hashlib.sha256(diff.encode()).hexdigest() if diff else None,
    }


def profile_top(path: Path, limit: int = 25) -> dict[str, Any]:
    """Top functions of a py-spy raw (collapsed stacks) profile: inclusive and self shares."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
        packages[_package(frames[-1])] += count

    def share(counter: Counter[str]) -> list[dict[str, Any]]:
        return [
            {"frame": frame, "pct": round(100 * n / total, 1)}
            for frame, n in counter.most_common(limit)
        ]

    return {
        "samples": total,
        "self_by_package": share(packages),
        "inclusive": share(inclusive),
        "self": share(own),
    }


def _package(frame: str) -> str:
    """``name (path/to/module.py:12)`` → the top-level package of the module."""
    location = frame.rpartition("(")[2]
    module = location.split(":", 1)[0]
    if module.startswith("<"):
        return module
    return module.split("/", 1)[0] if "/" in module else module.removesuffix(".py")


# ---------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    console = Console(stderr=True)
    admin_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    _require_loopback(admin_url, "DATABASE_URL")
    _require_loopback(redis_url, "REDIS_URL")
    admin = parse_postgres_url(admin_url)
    database = new_database_name()
    pgbench_database = f"{database}_pgbench"
    redis_prefix = f"bench-{secrets.token_hex(4)}"
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    clock = time.monotonic()
    revision: dict[str, Any] = {}
    servers: list[Server] = []
    created: list[str] = []
    pgbench_result: dict[str, Any] | None = None
    flatness: dict[str, Any] | None = None
    census: dict[str, Any] | None = None
    pgbench_init_s: float | None = None

    console.print(
        f"databases [bold]{database}[/bold]"
        + ("" if args.no_pgbench else f", [bold]{pgbench_database}[/bold]")
        + f", redis prefix {redis_prefix}"
    )
    try:
        asyncio.run(create_database(admin, database))
        created.append(database)
        dataset = asyncio.run(
            build_order_dataset(
                admin_url,
                database,
                small_members=args.small_members,
                small_entries=args.small_entries,
                big_members=args.big_members,
                big_entries=args.big_entries,
                orders_per_member=args.orders_per_member,
                console=console,
            )
        )
        if not args.no_pgbench:
            asyncio.run(create_database(admin, pgbench_database))
            created.append(pgbench_database)
            with console.status(f"pgbench -i -s {args.pgbench_scale} …"):
                pgbench_init_s = asyncio.run(
                    pgbench.initialise(
                        replace(admin, database=pgbench_database), args.pgbench_scale
                    )
                )
            console.print(f"pgbench -i -s {args.pgbench_scale} in {pgbench_init_s:.1f}s")
        env = {
            "DATABASE_URL": dataset.database_url,
            "REDIS_URL": redis_url,
            "MEMBERSHIP_REDIS_PREFIX": redis_prefix,
        }
        app_env = dict(item.split("=", 1) for item in args.app_env)
        main_tenant = dataset.big if args.main_tenant == "big" else dataset.small
        with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
            # Both servers start now, from the same code, whatever changes on disk meanwhile.
            revision = code_revision()
            api = start_server("graphql", args.app_factory, {**env, **app_env}, Path(logs))
            servers.append(api)
            counting = None
            if args.sql_census:
                counting = start_server(
                    "sql_census",
                    "bench.sql_census_app:create_app",
                    {**env, **app_env},
                    Path(logs),
                )
                servers.append(counting)
                counting.wait_ready("/readyz")
            api.wait_ready("/readyz")
            background = _background_busy_pct()
            console.print(f"machine busy before load: {background}% of {os.cpu_count()} cores")
            if background > NOISY_PCT:
                console.print(
                    "[yellow]other work is using the machine: req/s and latencies will be "
                    "noisy; CPU ms per request is the steadier figure[/yellow]"
                )
            runner = Runner(api, dataset, args, console)
            profile_to = None
            if args.profile:
                RESULTS_DIR.mkdir(parents=True, exist_ok=True)
                suffix = {"flamegraph": "svg", "raw": "txt", "speedscope": "json"}
                profile_to = RESULTS_DIR / f"record_order-{stamp}-api.{suffix[args.profile_format]}"
            record_order = runner.measure(main_tenant, profile_to)
            record_order["peak_rss_mib"] = procstat.peak_rss_mib(api.pid)
            if profile_to is not None and profile_to.exists():
                record_order["profile"] = str(profile_to.relative_to(REPO))
                if args.profile_format == "raw":
                    record_order["profile_top"] = profile_top(profile_to)
            if not args.no_pgbench:
                pgbench_result = measure_pgbench(admin, pgbench_database, args, console)
                pgbench_result["init_s"] = round(pgbench_init_s or 0.0, 1)
            if not args.no_flatness:
                flatness = runner.flatness()
            if counting is not None:
                console.print(
                    f"[bold]SQL census[/bold]: {args.sql_census} orders one at a time "
                    "through bench.sql_census_app …"
                )
                census = sql_census(
                    counting,
                    main_tenant,
                    args.sql_census,
                    runner.spend(main_tenant),
                    dataset.database_url,
                )
            for server in servers:
                server.stop()
    finally:
        for server in servers:
            server.stop()
        for name in reversed(created):
            asyncio.run(drop_database(admin, name))
        with contextlib.suppress(redis.RedisError):
            _delete_redis_keys(redis_url, redis_prefix)
        console.print(f"dropped {', '.join(created) or 'nothing'}")

    config = {
        "small_members": args.small_members,
        "small_entries": args.small_entries,
        "big_members": args.big_members,
        "big_entries": args.big_entries,
        "orders_per_member": args.orders_per_member,
        "main_tenant": args.main_tenant,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "spend_share": args.spend_share,
        "spend_max": args.spend_max,
        "pgbench_scale": None if args.no_pgbench else args.pgbench_scale,
        "pgbench_threads": args.pgbench_threads,
        "flatness_rounds": None if args.no_flatness else args.flatness_rounds,
        "client": args.client,
        "app_factory": args.app_factory,
        "app_env": app_env,
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
        record_order=record_order,
        pgbench=pgbench_result,
        flatness=flatness,
        sql_census=census,
    )
    out = Console()
    print_report(report, out if out.is_terminal else Console(width=160))
    path = write_report(report, stamp)
    console.print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
