"""Member lookup by phone through the real GraphQL API, against a bare-endpoint baseline.

    .venv/bin/python -m bench.member_lookup [--members 100000] [--concurrency 32] [--duration 15]

What is measured, and why: looking a member up by phone is what a till or a mini-program does
for every customer, so it is the request the platform must serve fastest. The run

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL``, migrates it, creates ten
   tenants and loads ``--members`` members into one of them (a few thousand into each of the
   other nine), plus a secret API key of the large tenant;
2. starts the API (``membership.app:create_app``) and the baseline (``bench.baseline_app``), each
   one uvicorn process with uvloop and httptools;
3. for each target, runs the load generator (a separate process) in a closed loop at
   ``--concurrency`` to find its maximum throughput, then in an open loop at half that rate to
   find the latency a lightly loaded server gives;
4. prints a table and writes ``bench/results/member_lookup-<timestamp>.json``;
5. drops the database and the run's Redis keys, also when something failed.

The exit status is 0 whether or not the targets were met (see ``bench.report``); it is non-zero
only when the run itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis
from rich.console import Console

from bench import procstat
from bench.dataset import (
    TENANTS,
    Dataset,
    backend_pids,
    build_dataset,
    create_database,
    drop_database,
    new_database_name,
)
from bench.report import RESULTS_DIR, build_report, print_report, write_report
from bench.servers import REPO, Server, add_app_options, check_app_options, start_server
from membership.db import parse_postgres_url

__all__ = ["main"]

DEFAULT_DATABASE_URL = "postgresql://root@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
NOISY_PCT = 20.0  # machine busy (all cores) above which a warning says results are noisy
SETTLE_SECONDS = 1.0  # pause between runs, so one run's stragglers do not count in the next


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.member_lookup",
        description="Member lookup: GraphQL API vs a bare baseline.",
    )
    p.add_argument("--members", type=int, default=100_000, help="members of the large tenant")
    p.add_argument(
        "--other-members",
        type=int,
        default=None,
        help="members of each of the other nine tenants "
        "(default: members/20, between 100 and 3000)",
    )
    p.add_argument("--concurrency", type=int, default=32, help="closed-loop workers")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds per run")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    add_app_options(p)
    p.add_argument(
        "--profile",
        action="store_true",
        help="record the API process with py-spy during its max-throughput run "
        "(flame graph SVG next to the JSON)",
    )
    args = p.parse_args(argv)
    if args.members < 1 or args.concurrency < 1 or args.duration <= 0 or args.warmup < 0:
        p.error("--members and --concurrency must be ≥ 1, --duration > 0, --warmup ≥ 0")
    if args.other_members is None:
        args.other_members = min(3000, max(100, args.members // 20))
    check_app_options(p, args)
    return args


def _require_loopback(url: str, what: str) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "unix" or (not host and "host=/" in parts.query):
        return
    if host != "127.0.0.1":
        raise SystemExit(f"{what} must point at 127.0.0.1 (or a unix socket), not {host!r}")


def _py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


class CpuMeter:
    """Where the CPU went during a run: the server process, its database backends, the machine.

    Percentages are of one core (the machine's: of all cores) over the run's wall time, warm-up
    included. Backends that appeared during the run count in full. CPU milliseconds per request
    hold up better than req/s when other work shares the machine: they are the figure to compare
    between runs on a busy host.
    """

    def __init__(self, server_pid: int, database_url: str) -> None:
        self.server_pid, self.database_url = server_pid, database_url
        self.server = procstat.process_cpu_seconds(server_pid)
        self.backends = procstat.processes_cpu(asyncio.run(backend_pids(database_url)))
        self.machine = procstat.cpu_snapshot()
        self.started = time.monotonic()

    def read(self, requests: int) -> dict[str, float | None]:
        """Usage since construction; ``requests`` is how many the server answered meanwhile."""
        wall = time.monotonic() - self.started
        server = procstat.process_cpu_seconds(self.server_pid) - self.server
        backends = procstat.processes_cpu(asyncio.run(backend_pids(self.database_url)))
        db = sum(cpu - self.backends.get(pid, 0.0) for pid, cpu in backends.items())
        busy = procstat.cpu_snapshot().busy_fraction_since(self.machine)
        per_request = 1000 / requests if requests else None

        def ms(seconds: float) -> float | None:
            return None if per_request is None else round(seconds * per_request, 3)

        return {
            "server_cpu_pct": round(100 * server / wall, 1),
            "server_cpu_ms_per_req": ms(server),
            "db_cpu_pct": round(100 * db / wall, 1) if backends else None,
            "db_cpu_ms_per_req": ms(db) if backends else None,
            "machine_busy_pct": round(100 * busy, 1),
        }


def run_load(
    server: Server,
    path: str,
    headers: list[str],
    args: argparse.Namespace,
    dataset: Dataset,
    *,
    rate: float | None = None,
    profile_to: Path | None = None,
) -> dict[str, Any]:
    """One load-generator run against ``server``; adds the server's and the machine's CPU use."""
    command = [
        sys.executable,
        "-m",
        "bench.loadgen",
        "--url",
        server.url(path),
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
    ]
    for header in headers:
        command += ["--header", header]
    if rate is not None:
        command += ["--rate", f"{rate:.1f}"]
    meter = CpuMeter(server.pid, dataset.database_url)
    loadgen = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    spy = None
    try:
        py_spy = _py_spy() if profile_to else None
        if profile_to is not None and py_spy is None:
            print("py-spy not found; --profile ignored", file=sys.stderr)
        if profile_to is not None and py_spy is not None:
            time.sleep(args.warmup)
            spy = subprocess.Popen(
                [
                    py_spy,
                    "record",
                    "--pid",
                    str(server.pid),
                    "--duration",
                    str(int(args.duration)),
                    "--rate",
                    "200",
                    "--nonblocking",
                    "--format",
                    "flamegraph",
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
        raise RuntimeError(f"load generator failed ({loadgen.returncode}) against {server.name}")
    summary: dict[str, Any] = json.loads(stdout)
    summary.update(meter.read(summary["answered_total"]))
    time.sleep(SETTLE_SECONDS)
    return summary


def measure(
    server: Server,
    path: str,
    headers: list[str],
    args: argparse.Namespace,
    dataset: Dataset,
    console: Console,
    profile_to: Path | None = None,
) -> dict[str, Any]:
    """Maximum throughput (closed loop), then latency at half of it (open loop)."""
    console.print(
        f"[bold]{server.name}[/bold]: closed loop, concurrency {args.concurrency}, "
        f"{args.warmup:g}s warm-up + {args.duration:g}s …"
    )
    peak = run_load(server, path, headers, args, dataset, profile_to=profile_to)
    console.print(
        f"  {peak['rps']:,.0f} req/s, p50 {peak['p50_ms']} ms, p99 {peak['p99_ms']} ms,"
        f" errors {peak['errors']}"
    )
    half_rate = peak["rps"] / 2
    if half_rate <= 0:
        raise RuntimeError(
            f"{server.name} served no successful request: "
            f"{peak['error_examples']}\n{server.log_tail()}"
        )
    console.print(f"[bold]{server.name}[/bold]: open loop at {half_rate:,.0f} req/s …")
    half = run_load(server, path, headers, args, dataset, rate=half_rate)
    console.print(
        f"  {half['rps']:,.0f} req/s, p50 {half['p50_ms']} ms, p99 {half['p99_ms']} ms,"
        f" errors {half['errors']}"
    )
    return {
        "max_rps": peak["rps"],
        "p50_ms": peak["p50_ms"],
        "p99_ms": peak["p99_ms"],
        "errors": peak["errors"],
        "server_cpu_pct": peak["server_cpu_pct"],
        "server_cpu_ms_per_req": peak["server_cpu_ms_per_req"],
        "db_cpu_pct": peak["db_cpu_pct"],
        "db_cpu_ms_per_req": peak["db_cpu_ms_per_req"],
        "client_cpu_pct": peak["client_cpu_pct"],
        "machine_busy_pct": peak["machine_busy_pct"],
        "half_load": {
            "target_rps": round(half_rate, 1),
            "rps": half["rps"],
            "p50_ms": half["p50_ms"],
            "p99_ms": half["p99_ms"],
            "errors": half["errors"],
        },
        "runs": {"max": peak, "half_load": half},
    }


def _background_busy_pct(seconds: float = 3.0) -> float:
    """How busy the machine is while the servers idle: other work there skews every number."""
    before = procstat.cpu_snapshot()
    time.sleep(seconds)
    return round(100 * procstat.cpu_snapshot().busy_fraction_since(before), 1)


def _delete_redis_keys(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


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

    console.print(f"database [bold]{database}[/bold], redis prefix {redis_prefix}")
    asyncio.run(create_database(admin, database))
    try:
        dataset = asyncio.run(
            build_dataset(
                admin_url,
                database,
                members=args.members,
                other_members=args.other_members,
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
            api = start_server("graphql", args.app_factory, {**env, **app_env}, Path(logs))
            servers.append(api)
            base = start_server(
                "baseline",
                "bench.baseline_app:create_app",
                {**env, "BENCH_TENANT_ID": str(dataset.tenant_id)},
                Path(logs),
            )
            servers.append(base)
            base_rls = start_server(
                "baseline_rls",
                "bench.baseline_app:create_app",
                {**env, "BENCH_TENANT_ID": str(dataset.tenant_id), "BENCH_BASELINE_RLS": "1"},
                Path(logs),
            )
            servers.append(base_rls)
            api.wait_ready("/readyz")
            base.wait_ready("/readyz")
            base_rls.wait_ready("/readyz")
            background = _background_busy_pct()
            console.print(f"machine busy before load: {background}% of {os.cpu_count()} cores")
            if background > NOISY_PCT:
                console.print(
                    "[yellow]other work is using the machine: req/s and latencies will be "
                    "noisy; CPU ms per request is the steadier figure[/yellow]"
                )

            profile_to = (
                RESULTS_DIR / f"member_lookup-{stamp}-graphql.svg" if args.profile else None
            )
            if profile_to is not None:
                RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            graphql = measure(
                api,
                "/graphql",
                [f"Authorization: Bearer {dataset.api_key}"],
                args,
                dataset,
                console,
                profile_to,
            )
            graphql["peak_rss_mib"] = procstat.peak_rss_mib(api.pid)
            baseline = measure(base, "/lookup", [], args, dataset, console)
            baseline["peak_rss_mib"] = procstat.peak_rss_mib(base.pid)
            baseline_rls = measure(base_rls, "/lookup", [], args, dataset, console)
            baseline_rls["peak_rss_mib"] = procstat.peak_rss_mib(base_rls.pid)
            for server in servers:
                server.stop()
    finally:
        for server in servers:
            server.stop()
        asyncio.run(drop_database(admin, database))
        with contextlib.suppress(redis.RedisError):
            _delete_redis_keys(redis_url, redis_prefix)
        console.print(f"dropped {database}")

    config = {
        "members": args.members,
        "other_members": args.other_members,
        "tenants": TENANTS,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "client": args.client,
        "app_factory": args.app_factory,
        "app_env": app_env,
        "cpu_count": os.cpu_count(),
        "machine_busy_before_load_pct": background,
        "python": sys.version.split()[0],
    }
    report = build_report(
        started=started,
        elapsed_s=time.monotonic() - clock,
        config=config,
        graphql=graphql,
        baseline=baseline,
        baseline_rls=baseline_rls,
    )
    out = Console()
    print_report(report, out if out.is_terminal else Console(width=140))
    path = write_report(report, stamp)
    console.print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
