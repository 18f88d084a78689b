"""Coupons: 1M-code generation against PostgreSQL's own bulk insert, and validateCoupon and
redeemCoupon through the real GraphQL API against the member lookup.

    .venv/bin/python -m bench.coupons [--codes 1000000] [--members 100000] [--concurrency 8]
        [--duration 15]

A merchant generates codes by the million for a campaign (printed on receipts, sent by SMS), and
a till checks and spends a coupon at every sale that carries one. The run

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL``, migrates it and makes a
   tenant with ``--members`` members (bulk-loaded with server-side SQL), a ``coupons:write``
   secret key, a ``members:read`` key for the baseline and an AMOUNT_OFF template
   (``bench.coupon_dataset``);
2. **generation** (``bench.coupon_generation``): ``start_batch`` then ``generate_batch`` for
   ``--codes`` codes, in this process as the worker runs them (Tortoise connected as the app
   role, so every chunk's ``INSERT … SELECT unnest(…)`` runs under row-level security), timing
   the wall clock, codes/s, this process's peak RSS, its CPU and its PostgreSQL backends' CPU,
   the WAL written and the growth of the ``coupons`` table and its indexes; then the batch's CSV
   export (``batch_csv``) into ``/dev/null``. **Baseline**: the same number of rows written by
   PostgreSQL alone, one ``INSERT INTO … SELECT … FROM generate_series`` (codes from ``md5`` of
   ``random()``) as the owner role into a copy of ``coupons`` with the same indexes
   (``LIKE coupons INCLUDING ALL``). A checkpoint precedes each of the two;
3. issues one coupon per member for validation and ``--redeem-pool`` coupons to spend (bulk SQL,
   ``bench.coupon_dataset.issue_coupons``), analyses the coupon tables and starts the API
   (``membership.app:create_app``, one uvicorn process with uvloop and httptools);
4. **baseline**: the member lookup by phone (the request of ``bench.loadgen``), then
   **validateCoupon** and **redeemCoupon**, all three by ``bench.coupon_loadgen`` in a process
   of its own (the raw HTTP client and loops of ``bench.loadgen``): each a closed loop at
   ``--concurrency`` for the maximum throughput, then an open loop at half of it for the
   latency. Every redemption spends a coupon never spent before, with its own idempotency key;
   afterwards the coupons, the template's counters and the answers are checked against each
   other;
5. prints the tables, writes ``bench/results/coupons-<timestamp>.json`` and drops the database
   and the run's Redis keys, also when something failed.

The exit status is 0 whether or not the target (1M codes in under 60 s, ``bench.coupon_report``)
was met; it is non-zero only when the run itself failed.

The load generator runs on its own too, against a dataset this module loaded
(``python -m bench.coupons loadgen …`` passes its arguments on to it):

    .venv/bin/python -m bench.coupon_loadgen --kind validate|redeem|lookup \\
        --url http://127.0.0.1:8000/graphql --header "Authorization: Bearer sk_…" \\
        --tenant-id <uuid> --members N --pool-end N [--pool-first N] [--rate R]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
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

from bench import coupon_loadgen, procstat
from bench.coupon_dataset import (
    AMOUNT_OFF,
    REDEEM_PREFIX,
    VALIDATE_PREFIX,
    CouponDataset,
    analyze_coupons,
    build_coupon_dataset,
    issue_coupons,
)
from bench.coupon_generation import index_count, measure_bulk_baseline, measure_generation
from bench.coupon_report import build_report, print_report, write_report
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

__all__ = ["main"]


# ------------------------------------------------------------------------------- API runs


_NAMES = {"lookup": "member(phone:)", "validate": "validateCoupon", "redeem": "redeemCoupon"}


class Runner:
    """Runs the coupon load generator (``bench.coupon_loadgen``) against the API and prices each
    run."""

    def __init__(
        self, server: Server, dataset: CouponDataset, args: argparse.Namespace, console: Console
    ) -> None:
        self.server, self.dataset, self.args, self.console = server, dataset, args, console
        self.seed = 0
        self.tag = secrets.token_hex(4)
        self.next_redeem = 0
        self.redeemed_ok = 0

    def run(self, kind: str, *, rate: float | None = None) -> dict[str, Any]:
        args, dataset = self.args, self.dataset
        self.seed += 1
        first = self.next_redeem if kind == "redeem" else 0
        end = {
            "lookup": dataset.members,
            "validate": dataset.issued.get(VALIDATE_PREFIX, 0),
            "redeem": dataset.issued.get(REDEEM_PREFIX, 0),
        }[kind]
        key = dataset.lookup_key if kind == "lookup" else dataset.coupon_key
        command = [
            sys.executable,
            "-m",
            "bench.coupon_loadgen",
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
            "--pool-first",
            str(first),
            "--pool-end",
            str(end),
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
            raise RuntimeError(f"coupon load generator failed ({loadgen.returncode})")
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
        if kind == "redeem":
            self.next_redeem = summary["next_ordinal"]
            self.redeemed_ok += summary["succeeded_total"]
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

    def ensure_redeem_pool(self, needed: int) -> dict[str, Any] | None:
        """Issue more coupons to spend when fewer than ``needed`` (and a margin) are left."""
        left = self.dataset.issued[REDEEM_PREFIX] - self.next_redeem
        want = math.ceil(needed * 1.2) + 1000
        if left >= want:
            return None
        return asyncio.run(issue_coupons(self.dataset, REDEEM_PREFIX, want - left, self.console))

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
        top_up = None
        if kind == "redeem":
            top_up = self.ensure_redeem_pool(math.ceil(half_rate * (args.warmup + args.duration)))
        self.console.print(f"[bold]{name}[/bold]: open loop at {half_rate:,.0f} req/s …")
        half = self.run(kind, rate=half_rate)
        self.say(half)
        result = {
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
        if top_up is not None:
            result["pool_top_up"] = top_up
        return result


async def redemption_check(dataset: CouponDataset, succeeded: int) -> dict[str, Any]:
    """The redemption set's rows and the template's counters against the successful answers."""
    conn = await asyncpg.connect(dataset.database_url)
    try:
        rows = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE status = 'REDEEMED') AS redeemed, "
            "count(*) FILTER (WHERE status = 'REDEEMED' AND discount_amount <> $3) AS wrong "
            "FROM coupons WHERE tenant_id = $1 AND template_id = $2 AND batch_id IS NULL",
            dataset.tenant_id,
            dataset.template_id,
            AMOUNT_OFF,
        )
        template = await conn.fetchrow(
            "SELECT redeemed_count, discount_given FROM coupon_templates "
            "WHERE tenant_id = $1 AND id = $2",
            dataset.tenant_id,
            dataset.template_id,
        )
    finally:
        await conn.close()
    assert rows is not None and template is not None
    redeemed = int(rows["redeemed"])
    return {
        "answered_redeemed": succeeded,
        "coupons_redeemed": redeemed,
        "coupons_wrong_discount": int(rows["wrong"]),
        "template_redeemed_count": int(template["redeemed_count"]),
        "template_discount_given": int(template["discount_given"]),
        "consistent": (
            redeemed == succeeded == template["redeemed_count"]
            and template["discount_given"] == AMOUNT_OFF * redeemed
            and rows["wrong"] == 0
        ),
    }


# ---------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.coupons",
        description="Coupon codes in bulk vs PostgreSQL's bulk insert; validateCoupon and "
        "redeemCoupon vs the member lookup.",
    )
    p.add_argument("--codes", type=int, default=1_000_000, help="codes of the generated batch")
    p.add_argument("--members", type=int, default=100_000, help="members of the tenant")
    p.add_argument(
        "--redeem-pool",
        type=int,
        default=None,
        metavar="N",
        help="coupons issued to spend before the redeem runs (default: max(members, 100000)); "
        "more are issued before the open loop if the closed loop left too few",
    )
    p.add_argument("--concurrency", type=int, default=8, help="closed-loop clients")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds per run")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    p.add_argument("--no-generation", action="store_true", help="skip the generation phase")
    p.add_argument("--no-api", action="store_true", help="skip the API runs")
    add_app_options(p)
    args = p.parse_args(argv)
    if (
        not 1 <= args.codes <= 1_000_000
        or args.members < 1
        or args.concurrency < 1
        or args.duration <= 0
        or args.warmup < 0
    ):
        p.error(
            "--codes must be 1…1,000,000, --members and --concurrency ≥ 1, --duration > 0, "
            "--warmup ≥ 0"
        )
    if args.redeem_pool is None:
        args.redeem_pool = max(args.members, 100_000)
    if args.redeem_pool < 1:
        p.error("--redeem-pool must be ≥ 1")
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
    generation: dict[str, Any] | None = None
    bulk: dict[str, Any] | None = None
    lookup = validate = redeem = consistency = None
    issue_steps: list[dict[str, Any]] = []
    revision: dict[str, Any] = {}
    background: float | None = None
    peak_rss: float | None = None

    console.print(f"database [bold]{database}[/bold], redis prefix {redis_prefix}")
    try:
        asyncio.run(create_database(admin, database))
        created = True
        dataset = asyncio.run(
            build_coupon_dataset(admin_url, database, members=args.members, console=console)
        )
        coupon_indexes = asyncio.run(index_count(dataset.database_url))
        if not args.no_generation:
            console.print(
                f"[bold]generation[/bold]: start_batch + generate_batch, {args.codes:,} codes, "
                f"as the app role ({coupon_indexes} indexes on coupons) …"
            )
            generation = asyncio.run(measure_generation(dataset, admin, args.codes, console))
            console.print(
                f"[bold]baseline[/bold]: PostgreSQL alone, {args.codes:,} rows into a copy of "
                "coupons with the same indexes, as the owner role …"
            )
            bulk = asyncio.run(measure_bulk_baseline(dataset, admin, args.codes, console))
        if not args.no_api:
            issue_steps.append(
                asyncio.run(issue_coupons(dataset, VALIDATE_PREFIX, args.members, console))
            )
            issue_steps.append(
                asyncio.run(issue_coupons(dataset, REDEEM_PREFIX, args.redeem_pool, console))
            )
            analyse_s = asyncio.run(analyze_coupons(dataset.database_url))
            issue_steps.append(
                {"step": "VACUUM ANALYZE coupon tables", "seconds": round(analyse_s, 2)}
            )
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
                validate = runner.measure("validate")
                redeem = runner.measure("redeem")
                rss = procstat.peak_rss_mib(api.pid)
                peak_rss = None if rss is None else round(rss, 1)
                consistency = asyncio.run(redemption_check(dataset, runner.redeemed_ok))
                colour = "green" if consistency["consistent"] else "red"
                console.print(
                    f"redemptions: [{colour}]{consistency['answered_redeemed']:,} answered, "
                    f"{consistency['coupons_redeemed']:,} coupons REDEEMED, template counts "
                    f"{consistency['template_redeemed_count']:,}[/{colour}]"
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
        "codes": args.codes,
        "members": args.members,
        "redeem_pool": args.redeem_pool,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "client": args.client,
        "app_factory": args.app_factory,
        "app_env": dict(item.split("=", 1) for item in args.app_env),
        "coupon_indexes": coupon_indexes,
        "cpu_count": os.cpu_count(),
        "machine_busy_before_load_pct": background,
        "python": sys.version.split()[0],
        "code": revision or code_revision(),
    }
    summary = dataset.summary()
    summary["issue_steps"] = issue_steps
    report = build_report(
        started=started,
        elapsed_s=time.monotonic() - clock,
        config=config,
        dataset=summary,
        api_peak_rss_mib=peak_rss,
        generation=generation,
        bulk_baseline=bulk,
        lookup=lookup,
        validate=validate,
        redeem=redeem,
        redemption_check=consistency,
    )
    out = Console()
    print_report(report, out if out.is_terminal else Console(width=200))
    path = write_report(report, stamp)
    console.print(f"wrote {path.relative_to(REPO)}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["loadgen"]:
        coupon_loadgen.main(argv[1:])
    else:
        run_benchmark(argv)


if __name__ == "__main__":
    main()
