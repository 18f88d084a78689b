"""The API's hot operations against their bare floors: ad-hoc documents, persisted documents run
by strawberry, persisted documents run from compiled plans.

    .venv/bin/python -m bench.hot_paths [--members 1000000] [--concurrency 8] [--duration 15]

1. creates a database ``bench_<random>``, bulk-loads a big tenant (``--members``) and a small
   one (``--small-members``) with ``bench.order_dataset`` (one EARN entry and lot and one past
   order per member), makes the coupon keys and template of each (``bench.coupon_dataset``),
   issues the coupons validateCoupon and redeemCoupon use to the big tenant's members, and
   registers the operations' documents in ``persisted_operations``;
2. starts, each one uvicorn process: the API (compiled plans on), the API with
   ``MEMBERSHIP_GRAPHQL_COMPILED=false``, and the floors (``bench.hot_floor_app``) of both tenants;
3. for each operation (lookup, earning order, spending order, validateCoupon, redeemCoupon) and
   variant (``adhoc`` documents, ``strawberry``: persisted with compiled plans off, ``compiled``:
   persisted with them on, and the ``floor``) runs ``bench.hot_loadgen`` against the big tenant:
   a closed loop at ``--concurrency`` for the maximum, then an open loop at half of it, with the
   server's and its PostgreSQL backends' CPU per request (``bench.member_lookup.CpuMeter``);
4. flatness: the lookup and the earning order once more, closed loop, against the small tenant
   and then the big one (both servers warm by then);
5. drops the database (also on failure, unless ``--keep``), prints the tables and writes
   ``bench/results/hot_paths-<UTC timestamp>.json``.

The exit status is 1 when any request failed (the table says so in red), else 0; the targets
do not change it.
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
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import redis
from rich.console import Console

from bench import hot_loadgen
from bench.coupon_dataset import (
    REDEEM_PREFIX,
    VALIDATE_PREFIX,
    CouponDataset,
    analyze_coupons,
    coupon_setup,
    issue_coupons,
)
from bench.dataset import create_database, drop_database, new_database_name
from bench.hot_report import FLOOR, build_ratios, flatness, print_report, write_report
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
from bench.order_dataset import OrderDataset, TenantData, build_order_dataset
from bench.record_order import code_revision
from bench.servers import REPO, Server, add_app_options, check_app_options, start_server
from membership.db import parse_postgres_url
from membership.gateway.persisted import document_id

__all__ = ["main"]

OPERATIONS = hot_loadgen.KINDS
VARIANTS = ("adhoc", "strawberry", "compiled", FLOOR)
FLAT_OPERATIONS = ("lookup", "earn")
SPEND_MAX = 50  # every member holds at least 100 points (one loaded EARN entry)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.hot_paths",
        description="The API's hot operations (ad hoc, persisted, compiled) against their floors.",
    )
    p.add_argument("--members", type=int, default=1_000_000, help="members of the big tenant")
    p.add_argument("--small-members", type=int, default=1_000, help="members of the small one")
    p.add_argument("--concurrency", type=int, default=8, help="closed-loop connections")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds per run")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    p.add_argument("--only", default=",".join(OPERATIONS), help="operations, comma-separated")
    p.add_argument("--variants", default=",".join(VARIANTS), help="variants, comma-separated")
    p.add_argument("--validate-coupons", type=int, default=100_000, help="coupons validated")
    p.add_argument("--redeem-coupons", type=int, default=300_000, help="coupons to redeem")
    p.add_argument("--no-flatness", action="store_true", help="skip the small-tenant runs")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    add_app_options(p)
    args = p.parse_args(argv)
    args.only = [o.strip() for o in args.only.split(",") if o.strip()]
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if not args.only or any(o not in OPERATIONS for o in args.only):
        p.error(f"--only takes some of {', '.join(OPERATIONS)}")
    if not args.variants or any(v not in VARIANTS for v in args.variants):
        p.error(f"--variants takes some of {', '.join(VARIANTS)}")
    if min(args.members, args.small_members, args.concurrency) < 1 or args.duration <= 0:
        p.error("--members, --small-members, --concurrency ≥ 1 and --duration > 0 needed")
    if args.warmup < 0 or args.validate_coupons < 1 or args.redeem_coupons < 1:
        p.error("--warmup ≥ 0 and at least one coupon of each set needed")
    check_app_options(p, args)
    return args


@dataclass
class Tenant:
    data: TenantData
    coupons: CouponDataset

    def key(self, op: str) -> str:
        if op == "lookup":
            return self.coupons.lookup_key
        if op in ("validate", "redeem"):
            return self.coupons.coupon_key
        return self.data.api_key


class Runner:
    """Runs ``bench.hot_loadgen`` against one server and prices the run."""

    def __init__(self, args: argparse.Namespace, database_url: str, console: Console) -> None:
        self.args, self.database_url, self.console = args, database_url, console
        self.seed = 0
        self.tag = secrets.token_hex(4)
        self.redeem_next = 0
        self.redeem_end = args.redeem_coupons

    def run(
        self, server: Server, path: str, op: str, style: str, tenant: Tenant, rate: float | None
    ) -> dict[str, Any]:
        args = self.args
        self.seed += 1
        first, end = (
            (self.redeem_next, self.redeem_end) if op == "redeem" else (0, args.validate_coupons)
        )
        command = [
            sys.executable,
            "-m",
            "bench.hot_loadgen",
            "--kind",
            op,
            "--style",
            style,
            "--url",
            server.url(path),
            "--header",
            f"Authorization: Bearer {tenant.key(op)}",
            "--tenant-id",
            str(tenant.data.tenant_id),
            "--members",
            str(tenant.data.members),
            "--pool-first",
            str(min(first, end - 1)),
            "--pool-end",
            str(end),
            "--spend-max",
            str(SPEND_MAX),
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
        meter = CpuMeter(server.pid, self.database_url)
        loadgen = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        try:
            stdout, _ = loadgen.communicate(timeout=args.warmup + args.duration + 120)
        finally:
            if loadgen.poll() is None:
                loadgen.kill()
        if loadgen.returncode != 0:
            raise RuntimeError(f"hot load generator failed ({loadgen.returncode}): {op} {style}")
        summary: dict[str, Any] = json.loads(stdout)
        summary.update(meter.read(summary["answered_total"]))
        if op == "redeem" and summary["next_ordinal"] is not None:
            self.redeem_next = summary["next_ordinal"]
        time.sleep(SETTLE_SECONDS)
        return summary

    def say(self, r: dict[str, Any]) -> None:
        self.console.print(
            f"  {r['rps']:,.0f} req/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
            f"API {r['server_cpu_ms_per_req']} + db {r['db_cpu_ms_per_req']} CPU ms/req, "
            f"errors {r['errors']}"
        )
        if r["errors"]:
            self.console.print(f"  [bold red]{r['error_kinds']} {r['error_examples'][:2]}[/]")

    def measure(
        self, server: Server, path: str, op: str, style: str, tenant: Tenant, label: str
    ) -> dict[str, Any]:
        """Maximum throughput (closed loop), then latency at half of it (open loop)."""
        self.console.print(f"[bold]{op} · {label}[/bold]: closed loop …")
        peak = self.run(server, path, op, style, tenant, None)
        self.say(peak)
        if peak["rps"] <= 0:
            raise RuntimeError(
                f"{op} {label} served no successful request: {peak['error_examples']}\n"
                f"{server.log_tail()}"
            )
        half_rate = peak["rps"] / 2
        self.console.print(f"[bold]{op} · {label}[/bold]: open loop at {half_rate:,.0f} req/s …")
        half = self.run(server, path, op, style, tenant, half_rate)
        self.say(half)
        keys = ("rps", "p50_ms", "p95_ms", "p99_ms", "errors", "error_kinds")
        return {
            "max_rps": peak["rps"],
            **{k: peak[k] for k in keys[1:]},
            "server_cpu_pct": peak["server_cpu_pct"],
            "server_cpu_ms_per_req": peak["server_cpu_ms_per_req"],
            "db_cpu_ms_per_req": peak["db_cpu_ms_per_req"],
            "client_cpu_pct": peak["client_cpu_pct"],
            "machine_busy_pct": peak["machine_busy_pct"],
            "half_load": {"target_rps": round(half_rate, 1), **{k: half[k] for k in keys}}
            | {
                "server_cpu_ms_per_req": half["server_cpu_ms_per_req"],
                "db_cpu_ms_per_req": half["db_cpu_ms_per_req"],
            },
            "runs": {"max": peak, "half_load": half},
        }


async def _register_documents(database_url: str) -> dict[str, str]:
    documents = {document_id(d): d for d in set(hot_loadgen.DOCUMENTS.values())}
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "INSERT INTO persisted_operations (id, document, source) "
            "SELECT id, document, 'cli' FROM unnest($1::text[], $2::text[]) AS d (id, document) "
            "ON CONFLICT (id) DO NOTHING",
            list(documents),
            list(documents.values()),
        )
    finally:
        await conn.close()
    return {op: document_id(d) for op, d in hot_loadgen.DOCUMENTS.items()}


async def _prepare(
    args: argparse.Namespace, admin_url: str, database: str, console: Console
) -> tuple[OrderDataset, dict[str, Tenant], list[dict[str, Any]]]:
    loaded = await build_order_dataset(
        admin_url,
        database,
        small_members=args.small_members,
        small_entries=args.small_members,
        big_members=args.members,
        big_entries=args.members,
        orders_per_member=1,
        console=console,
    )
    tenants = {
        t.role: Tenant(t, await coupon_setup(admin_url, database, loaded, t))
        for t in loaded.tenants()
    }
    steps = []
    big = tenants["big"].coupons
    if "validate" in args.only:
        steps.append(await issue_coupons(big, VALIDATE_PREFIX, args.validate_coupons, console))
    if "redeem" in args.only:
        steps.append(await issue_coupons(big, REDEEM_PREFIX, args.redeem_coupons, console))
    if steps:
        seconds = await analyze_coupons(loaded.database_url)
        steps.append({"step": "VACUUM ANALYZE coupon tables", "seconds": round(seconds, 2)})
    return loaded, tenants, steps


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
    servers: list[Server] = []
    created = False
    results: dict[str, dict[str, dict[str, Any]]] = {}
    flat: dict[str, dict[str, Any]] = {}
    dataset: dict[str, Any] = {}
    documents: dict[str, str] = {}
    revision: dict[str, Any] = {}
    background: float | None = None

    console.print(f"database [bold]{database}[/bold], redis prefix {redis_prefix}")
    try:
        asyncio.run(create_database(admin, database))
        created = True
        loaded, tenants, coupon_steps = asyncio.run(_prepare(args, admin_url, database, console))
        dataset = loaded.summary() | {"coupon_steps": coupon_steps}
        documents = asyncio.run(_register_documents(loaded.database_url))
        env = {
            "DATABASE_URL": loaded.database_url,
            "REDIS_URL": redis_url,
            "MEMBERSHIP_REDIS_PREFIX": redis_prefix,
        }
        app_env = dict(item.split("=", 1) for item in args.app_env)
        with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
            revision = code_revision()
            wanted = set(args.variants)
            api = strawberry = None
            floors: dict[str, Server] = {}
            if wanted & {"adhoc", "compiled"}:
                api = start_server(
                    "api",
                    args.app_factory,
                    {**env, **app_env, "MEMBERSHIP_GRAPHQL_COMPILED": "true"},
                    Path(logs),
                )
                servers.append(api)
            if "strawberry" in wanted:
                strawberry = start_server(
                    "api-strawberry",
                    args.app_factory,
                    {**env, **app_env, "MEMBERSHIP_GRAPHQL_COMPILED": "false"},
                    Path(logs),
                )
                servers.append(strawberry)
            if FLOOR in wanted:
                for role, tenant in tenants.items():
                    floors[role] = start_server(
                        f"floor-{role}",
                        "bench.hot_floor_app:create_app",
                        {**env, "BENCH_TENANT_ID": str(tenant.data.tenant_id)},
                        Path(logs),
                    )
                    servers.append(floors[role])
            for server in servers:
                server.wait_ready("/readyz")
            background = _background_busy_pct()
            console.print(f"machine busy before load: {background}% of {os.cpu_count()} cores")
            if background > NOISY_PCT:
                console.print(
                    "[yellow]other work is using the machine: req/s and latencies will be "
                    "noisy; CPU ms per request is the steadier figure[/yellow]"
                )

            def target(variant: str, op: str, role: str) -> tuple[Server, str, str]:
                if variant == FLOOR:
                    return floors[role], f"/{op}", "adhoc"
                if variant == "strawberry":
                    assert strawberry is not None
                    return strawberry, "/graphql", "persisted"
                assert api is not None
                return api, "/graphql", "persisted" if variant == "compiled" else "adhoc"

            runner = Runner(args, loaded.database_url, console)
            big, small = tenants["big"], tenants["small"]
            for op in [o for o in OPERATIONS if o in args.only]:
                for variant in [v for v in VARIANTS if v in wanted]:
                    server, path, style = target(variant, op, "big")
                    results.setdefault(op, {})[variant] = runner.measure(
                        server, path, op, style, big, variant
                    )
            if not args.no_flatness:
                for op in [o for o in FLAT_OPERATIONS if o in args.only]:
                    for variant in [v for v in VARIANTS if v in wanted]:
                        server, path, style = target(variant, op, "small")
                        console.print(f"[bold]{op} · {variant}[/bold]: small tenant, closed loop …")
                        small_run = runner.run(server, path, op, style, small, None)
                        runner.say(small_run)
                        console.print(f"[bold]{op} · {variant}[/bold]: big tenant, closed loop …")
                        server, path, style = target(variant, op, "big")
                        big_run = runner.run(server, path, op, style, big, None)
                        runner.say(big_run)
                        flat.setdefault(op, {})[variant] = flatness(big_run, small_run)
            for server in servers:
                if server.process.poll() is not None:
                    raise RuntimeError(f"{server.name} exited:\n{server.log_tail()}")
                logged = [
                    line for line in server.log_tail(200).splitlines() if "error" in line.lower()
                ]
                if logged:
                    console.print(f"[yellow]{server.name} log: {logged[-3:]}[/yellow]")
            for server in servers:
                server.stop()
    finally:
        for server in servers:
            server.stop()
        if created and not args.keep:
            asyncio.run(drop_database(admin, database))
        with contextlib.suppress(redis.RedisError):
            _delete_redis_keys(redis_url, redis_prefix)
        if created and args.keep:
            console.print(f"kept {database}")
        else:
            console.print(f"dropped {database if created else 'nothing'}")

    kinds: Counter[str] = Counter()
    for variants in results.values():
        for r in variants.values():
            for run in r["runs"].values():
                kinds.update(run["error_kinds"])
    for variants in flat.values():
        for f in variants.values():
            kinds.update(f["small"]["error_kinds"])
            kinds.update(f["big"]["error_kinds"])
    report = {
        "benchmark": "hot_paths",
        "started_at": started.isoformat(),
        "elapsed_s": round(time.monotonic() - clock, 1),
        "config": {
            "members": args.members,
            "small_members": args.small_members,
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "operations": args.only,
            "variants": args.variants,
            "spend_points": f"1…{SPEND_MAX}",
            "client": args.client,
            "app_factory": args.app_factory,
            "app_env": dict(item.split("=", 1) for item in args.app_env),
            "cpu_count": os.cpu_count(),
            "machine_busy_before_load_pct": background,
            "python": sys.version.split()[0],
            "code": revision or code_revision(),
        },
        "documents": documents,
        "dataset": dataset,
        "operations": results,
        "ratios": build_ratios(results),
        "flatness": flat,
        "errors_total": sum(kinds.values()),
        "error_kinds": dict(kinds),
    }
    out = Console()
    print_report(report, out if out.is_terminal else Console(width=200))
    written = write_report(report, stamp)
    console.print(f"wrote {written.relative_to(REPO)}")
    if report["errors_total"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
