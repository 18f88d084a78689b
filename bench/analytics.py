"""Benchmark: the analytics roll-up and the overview over a large programme.

``python -m bench.analytics [--members 1000000] [--orders 10000000] [--days 730]``

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL`` (a superuser), migrates
   it, and bulk-loads one tenant's members, orders and coupons (``bench/analytics_dataset.py``);
2. **floor**: one hand-written SQL pass over the same orders, on the superuser connection with
   no row-level security, free to use parallel workers, with the rebuild's ``work_mem``: each member's RFM inputs (orders, purchase days, first and last order
   day, monetary, a merged profile counted for its survivor) into an unlogged table, run twice
   (the first also warms the cache) and timed the second time;
3. **rebuild**: ``membership.analytics.rollup.rebuild`` in this process as the app role through
   Tortoise with row-level security: the same member inputs, plus every day's facts and buyer
   bitmap; its member rows must equal the floor's;
4. **incremental**: 10,000 new orders paid today by as many members, marked as the event
   handler marks them, then ``refresh``;
5. **overview**: ``analyticsOverview`` for the last 365 days, in this process (``--repeat``
   calls after two discarded) and through one uvicorn API process: p50/p99 and CPU per call;
6. drops the database (also when the run fails), prints a table and writes
   ``bench/results/analytics-<UTC timestamp>.json``.

Times are wall-clock; CPU is the PostgreSQL backends' (with the parallel workers they started)
and this process's, read from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from rich.console import Console
from rich.table import Table

from bench import procstat
from bench.analytics_dataset import (
    AnalyticsDataset,
    build_analytics_dataset,
    reuse_analytics_dataset,
)
from bench.dataset import create_database, drop_database, new_database_name, url_for_database
from bench.loadgen import percentile
from bench.member_lookup import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    _background_busy_pct,
    _require_loopback,
)
from bench.report import RESULTS_DIR
from bench.servers import start_server
from bench.settlement import _client_pids, _stat_fields, reaped_children_cpu_seconds
from membership.analytics.metrics import overview
from membership.analytics.rollup import rebuild, refresh
from membership.db import close_db, init_db, parse_postgres_url, role_target
from membership.settings import get_settings
from tenants.context import RequestContext
from tenants.registry import get_tenant

__all__ = ["FLOOR_SQL", "main"]

FLOOR_SQL = """
CREATE UNLOGGED TABLE bench_floor AS
SELECT coalesce(m.merged_into_id, m.id) AS member_id, count(*)::int AS orders,
       count(DISTINCT (o.paid_at AT TIME ZONE $2)::date)::int AS purchase_days,
       min((o.paid_at AT TIME ZONE $2)::date) AS first_order_on,
       max((o.paid_at AT TIME ZONE $2)::date) AS last_order_on,
       sum(o.amount - o.refunded_amount)::bigint AS monetary
FROM orders o JOIN members m ON m.tenant_id = o.tenant_id AND m.id = o.member_id
WHERE o.tenant_id = $1 AND o.status <> 'REFUNDED'
GROUP BY 1
"""

_DIFFERENT = """
SELECT count(*) FROM (
    (SELECT member_id, orders, purchase_days, first_order_on, last_order_on, monetary
     FROM analytics_members WHERE tenant_id = $1
     EXCEPT SELECT * FROM bench_floor)
    UNION ALL
    (SELECT * FROM bench_floor
     EXCEPT SELECT member_id, orders, purchase_days, first_order_on, last_order_on, monetary
     FROM analytics_members WHERE tenant_id = $1)
) d
"""

# 10,000 orders paid in the last hours by members 0, 97, 194, …: $1 tenant, $2 now, $3 count,
# $4 members
_NEW_ORDERS = """
WITH made AS (
    INSERT INTO orders (tenant_id, id, external_id, member_id, amount, status, items,
                        request_hash, paid_at, created_at)
    SELECT $1::uuid, md5($1::uuid::text || ':n:' || n)::uuid, 'bench-new-' || n,
           md5($1::uuid::text || ':m:' || (n * 97) % $4)::uuid, 5000 + n % 3000, 'COMPLETED',
           '[]'::jsonb, 'bench', $2::timestamptz - make_interval(secs => n % 3600), $2
    FROM generate_series(0, $3::int - 1) AS n
    RETURNING tenant_id, member_id, paid_at
)
INSERT INTO analytics_pending (tenant_id, member_id, day)
SELECT tenant_id, member_id, (paid_at AT TIME ZONE $5)::date FROM made
"""

GRAPHQL = """query($from: Date!, $until: Date!) { analyticsOverview(from: $from, until: $until) {
  newMembers activeMembers orders revenue averageOrderValue itemsPerOrder repurchaseRate
  churnRate pointsLiability couponRedemptionRate } }"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.analytics", description=__doc__)
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--orders", type=int, default=10_000_000)
    p.add_argument("--days", type=int, default=730, help="days the orders span")
    p.add_argument("--new-orders", type=int, default=10_000, help="orders of the incremental step")
    p.add_argument("--repeat", type=int, default=30, help="measured overview calls")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--database", help="measure a database an earlier --keep run left (no load)")
    return p.parse_args(argv)


class Cpu:
    """CPU seconds of some PostgreSQL backends (with reaped parallel workers) and this process."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.postmaster = int(_stat_fields(pids[0])[1])
        self.backends = procstat.processes_cpu(pids)
        self.workers = reaped_children_cpu_seconds(self.postmaster)
        self.own = time.process_time()
        self.wall = time.perf_counter()

    def since(self) -> dict[str, float]:
        after = procstat.processes_cpu(self.pids)
        backend = sum(after[p] - self.backends[p] for p in after if p in self.backends)
        workers = reaped_children_cpu_seconds(self.postmaster) - self.workers
        return {
            "wall_s": round(time.perf_counter() - self.wall, 3),
            "db_cpu_s": round(backend + workers, 3),
            "process_cpu_s": round(time.process_time() - self.own, 3),
        }


def _year(zone: str) -> tuple[date, date]:
    today = datetime.now(ZoneInfo(zone)).date()
    return today - timedelta(days=364), today


async def _floor(target: Any, data: AnalyticsDataset) -> dict[str, Any]:
    conn = await asyncpg.connect(**target.connect_kwargs())
    try:
        # the settings the rebuild reads with: its joins in memory, no JIT compilation
        await conn.execute("SET jit = off; SET work_mem = '256MB'")
        pid = await conn.fetchval("SELECT pg_backend_pid()")
        runs = []
        for _ in range(2):
            await conn.execute("DROP TABLE IF EXISTS bench_floor")
            cpu = Cpu([pid])
            await conn.execute(FLOOR_SQL, data.tenant_id, data.timezone)
            runs.append(cpu.since())
        rows = await conn.fetchval("SELECT count(*) FROM bench_floor")
    finally:
        await conn.close()
    return {**runs[-1], "first_run": runs[0], "members": rows}


async def _in_process(
    admin_url: str, data: AnalyticsDataset, new_orders: int, repeat: int, console: Console
) -> dict[str, Any]:
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=data.database)
    result: dict[str, Any] = {}
    with console.status("floor: one SQL pass …"):
        result["floor"] = await _floor(target, data)
    console.print(f"floor {result['floor']}")
    app = role_target(target, "app", settings)
    await init_db(app, settings)
    monitor = await asyncpg.connect(**target.connect_kwargs())
    try:
        tenant = await get_tenant(data.tenant_id)
        assert tenant is not None
        ctx = RequestContext.system(tenant)
        # two at once: the pool opens the two connections the rebuild reads on, so that both
        # backends are watched
        await asyncio.gather(
            overview(ctx, date(2020, 1, 1), date(2020, 1, 1)),
            overview(ctx, date(2020, 1, 2), date(2020, 1, 2)),
        )
        pids = await _client_pids(monitor, exclude_user=target.user)
        steps: list[dict[str, Any]] = []

        def report(step: str, done: int, total: int) -> None:
            if not steps or steps[-1]["step"] != step:
                steps.append({"step": step, "at_s": round(time.perf_counter() - began, 2)})

        with console.status("rebuild …"):
            began = time.perf_counter()
            cpu = Cpu(pids)
            rebuilt = await rebuild(ctx, progress=report)
            result["rebuild"] = {**cpu.since(), "steps": steps, "days": rebuilt.days}
        result["rebuild"]["members"] = rebuilt.members
        result["rebuild"]["backends_watched"] = len(pids)
        result["rebuild"]["different_rows"] = await monitor.fetchval(_DIFFERENT, data.tenant_id)
        result["rebuild"]["ratio_wall"] = round(
            result["rebuild"]["wall_s"] / result["floor"]["wall_s"], 2
        )
        result["rebuild"]["ratio_db_cpu"] = round(
            result["rebuild"]["db_cpu_s"] / result["floor"]["db_cpu_s"], 2
        )
        console.print(f"rebuild {result['rebuild']}")

        now = await monitor.fetchval("SELECT now()")
        await monitor.execute(
            _NEW_ORDERS, data.tenant_id, now, new_orders, data.members, data.timezone
        )
        with console.status("incremental refresh …"):
            cpu = Cpu(pids)
            refreshed = await refresh(ctx)
            result["incremental"] = {
                **cpu.since(),
                "new_orders": new_orders,
                "members": refreshed.members,
                "days": refreshed.days,
            }
        console.print(f"incremental {result['incremental']}")

        start, until = _year(data.timezone)
        for _ in range(2):
            figures = await overview(ctx, start, until)
        cpu = Cpu(pids)
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            figures = await overview(ctx, start, until)
            samples.append((time.perf_counter() - t0) * 1000)
        spent = cpu.since()
        result["overview"] = {
            **_latency(samples),
            "db_cpu_ms_per_call": round(1000 * spent["db_cpu_s"] / repeat, 2),
            "process_cpu_ms_per_call": round(1000 * spent["process_cpu_s"] / repeat, 2),
            "from": start.isoformat(),
            "until": until.isoformat(),
            "figures": {
                "active_members": figures.active_members,
                "orders": figures.orders,
                "revenue": figures.revenue,
                "repurchase_rate": round(figures.repurchase_rate, 4),
                "churn_rate": round(figures.churn_rate, 4),
            },
        }
        console.print(f"overview {result['overview']}")
    finally:
        await monitor.close()
        await close_db()
    return result


def _latency(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "calls": len(samples),
        "p50_ms": round(percentile(ordered, 50) or 0.0, 2),
        "p99_ms": round(percentile(ordered, 99) or 0.0, 2),
        "max_ms": round(ordered[-1], 2),
    }


def _graphql(
    data: AnalyticsDataset, admin_url: str, redis_url: str, prefix: str, calls: int
) -> dict[str, Any]:
    start, until = _year(data.timezone)
    env = {
        "DATABASE_URL": url_for_database(admin_url, data.database),
        "REDIS_URL": redis_url,
        "MEMBERSHIP_REDIS_PREFIX": prefix,
    }
    body = {"query": GRAPHQL, "variables": {"from": start.isoformat(), "until": until.isoformat()}}
    headers = {"Authorization": f"Bearer {data.api_key}"}
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
        api = start_server("graphql", "membership.app:create_app", env, Path(logs))
        try:
            api.wait_ready("/readyz")
            samples: list[float] = []
            with httpx.Client(timeout=120.0) as client:
                for _ in range(2):
                    client.post(api.url("/graphql"), json=body, headers=headers)
                cpu_before = procstat.process_cpu_seconds(api.pid)
                for _ in range(calls):
                    t0 = time.perf_counter()
                    answer = client.post(api.url("/graphql"), json=body, headers=headers)
                    samples.append((time.perf_counter() - t0) * 1000)
                    if answer.status_code != 200 or answer.json().get("errors"):
                        raise RuntimeError(f"analyticsOverview failed: {answer.text[:500]}")
                api_cpu = procstat.process_cpu_seconds(api.pid) - cpu_before
        finally:
            api.stop()
    return {**_latency(samples), "api_cpu_ms_per_call": round(1000 * api_cpu / calls, 2)}


def _print(report: dict[str, Any], console: Console) -> None:
    d = report["dataset"]
    table = Table(
        title=f"analytics: {d['members']:,} members, {d['orders']:,} orders, {d['days']} days"
    )
    for column in ("step", "wall", "db CPU", "app CPU", "note"):
        table.add_column(column)
    f, r, i, o = report["floor"], report["rebuild"], report["incremental"], report["overview"]
    table.add_row("floor: one SQL pass", f"{f['wall_s']} s", f"{f['db_cpu_s']} s", "—", "")
    table.add_row(
        "rebuild",
        f"{r['wall_s']} s",
        f"{r['db_cpu_s']} s",
        f"{r['process_cpu_s']} s",
        f"× {r['ratio_wall']} wall, × {r['ratio_db_cpu']} db CPU; {r['different_rows']} rows differ",
    )
    table.add_row(
        f"refresh after {i['new_orders']:,} orders",
        f"{i['wall_s']} s",
        f"{i['db_cpu_s']} s",
        f"{i['process_cpu_s']} s",
        f"{i['members']:,} members, {i['days']} days",
    )
    table.add_row(
        "overview, a year (service)",
        f"p50 {o['p50_ms']} / p99 {o['p99_ms']} ms",
        f"{o['db_cpu_ms_per_call']} ms/call",
        f"{o['process_cpu_ms_per_call']} ms/call",
        "",
    )
    g = report.get("graphql")
    if g:
        table.add_row(
            "overview, a year (GraphQL)",
            f"p50 {g['p50_ms']} / p99 {g['p99_ms']} ms",
            "—",
            f"API {g['api_cpu_ms_per_call']} ms/call",
            "",
        )
    console.print(table)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    console = Console(stderr=True, width=160)
    admin_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    _require_loopback(admin_url, "DATABASE_URL")
    _require_loopback(redis_url, "REDIS_URL")
    admin = parse_postgres_url(admin_url)
    database = args.database or new_database_name()
    started = datetime.now(UTC)
    clock = time.monotonic()
    console.print(f"database [bold]{database}[/bold]")
    created = False
    try:
        if args.database:
            data = asyncio.run(reuse_analytics_dataset(admin_url, database, days=args.days))
        else:
            asyncio.run(create_database(admin, database))
            created = True
            data = asyncio.run(
                build_analytics_dataset(
                    admin_url,
                    database,
                    members=args.members,
                    orders=args.orders,
                    days=args.days,
                    console=console,
                )
            )
        busy = _background_busy_pct()
        measured = asyncio.run(_in_process(admin_url, data, args.new_orders, args.repeat, console))
        with console.status("GraphQL analyticsOverview …"):
            graphql = _graphql(
                data, admin_url, redis_url, f"bench-{secrets.token_hex(4)}", args.repeat
            )
        report: dict[str, Any] = {
            "benchmark": "analytics",
            "started": started.isoformat(),
            "elapsed_s": round(time.monotonic() - clock, 1),
            "config": vars(args) | {"cpus": os.cpu_count()},
            "machine_busy_before_pct": busy,
            "dataset": data.summary(),
            **measured,
            "graphql": graphql,
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"analytics-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        _print(report, console)
        console.print(f"written to {path}")
    finally:
        if created and not args.keep:
            asyncio.run(drop_database(admin, database))


if __name__ == "__main__":
    main()
