"""Benchmark: the mall's store settlement (积分结算) over a large ledger.

``python -m bench.settlement [--entries 1000000] [--days 365] [--repeat 15]``

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL`` (a superuser), migrates
   it, makes one tenant with the mall plugin and 50 stores and bulk-loads ``--entries`` points
   entries over ``--days`` days (``bench/settlement_dataset.py``);
2. **service**: ``plugins.mall.settlement.store_settlement`` in this process, as the app role
   through Tortoise with row-level security, for the last month, quarter and year (``--repeat``
   calls each after two discarded): latency p50/p95 and the CPU per call of the PostgreSQL
   backends, with the parallel workers they start (as the postmaster reaps them), and of this
   process;
3. **floor**: the same figures as one hand-written statement (the stores left-joined to the
   aggregate of their orders' entries) on the superuser connection, no row-level security and no
   application code, same periods; its rows must equal the service's;
4. ``EXPLAIN (ANALYZE, BUFFERS)`` of the service's statement (``points_by_store``) for each
   period, as the app role, and whether it reads ``points_entries_order_time_idx`` (the year's
   plan is printed);
5. **GraphQL**: ``storeSettlement`` for the year through one uvicorn API process
   (``--graphql-calls`` calls after one discarded), with a secret key holding programme:manage and
   members:read (the points by store under the settlement check the latter);
6. drops the database (also when the run fails), prints a table and writes
   ``bench/results/settlement-<UTC timestamp>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
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
from bench.dataset import create_database, drop_database, new_database_name, url_for_database
from bench.loadgen import percentile
from bench.member_lookup import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    _background_busy_pct,
    _delete_redis_keys,
    _require_loopback,
)
from bench.report import RESULTS_DIR
from bench.servers import start_server
from bench.settlement_dataset import SettlementDataset, build_settlement_dataset
from membership.db import close_db, init_db, parse_postgres_url, role_target
from membership.points.by_store import _SQL as SERVICE_SQL
from membership.settings import get_settings
from plugins.mall.settlement import period_of, store_settlement
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tenants.tx import tenant_tx

__all__ = ["FLOOR_SQL", "main"]

PERIODS = {"month": 30, "quarter": 91, "year": 366}  # days, ending today (inclusive)
INDEX = "points_entries_order_time_idx"
_TICKS = os.sysconf("SC_CLK_TCK")

# The floor: the mall's stores by code with what their orders' entries issued and redeemed.
FLOOR_SQL = """
SELECT s.code, coalesce(a.issued, 0) AS issued, coalesce(a.redeemed, 0) AS redeemed
FROM mall_stores s
LEFT JOIN (
    SELECT o.store_code,
           sum(e.points) FILTER (
               WHERE e.kind = 'EARN' OR (e.kind = 'REVERSE' AND e.points < 0)) AS issued,
           -sum(e.points) FILTER (
               WHERE e.kind = 'SPEND' OR (e.kind = 'REVERSE' AND e.points > 0)) AS redeemed
    FROM points_entries e
    JOIN orders o ON o.tenant_id = e.tenant_id AND o.id = e.order_id
    WHERE e.tenant_id = $1 AND e.order_id IS NOT NULL
      AND e.created_at >= $2 AND e.created_at < $3
      AND e.kind IN ('EARN', 'SPEND', 'REVERSE') AND e.corrects_id IS NULL
    GROUP BY o.store_code
) AS a ON a.store_code = s.code
WHERE s.tenant_id = $1
ORDER BY s.code
"""

GRAPHQL = """query($from: Date!, $until: Date!) {
  storeSettlement(from: $from, until: $until) {
    storeCode storeName pointsIssued pointsRedeemed pointsIssuedValue pointsRedeemedValue net } }"""

Rows = list[tuple[str, int, int]]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.settlement", description=__doc__)
    p.add_argument("--entries", type=int, default=1_000_000, help="points entries (×100)")
    p.add_argument("--days", type=int, default=365, help="days the ledger spans")
    p.add_argument("--repeat", type=int, default=15, help="measured calls per period and side")
    p.add_argument("--graphql-calls", type=int, default=5, help="measured storeSettlement calls")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = p.parse_args(argv)
    if args.repeat < 1 or args.graphql_calls < 0:
        p.error("--repeat ≥ 1 and --graphql-calls ≥ 0")
    return args


def _latency(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "calls": len(samples),
        "p50_ms": round(percentile(ordered, 50) or 0.0, 2),
        "p95_ms": round(percentile(ordered, 95) or 0.0, 2),
        "mean_ms": round(statistics.fmean(samples), 2),
        "max_ms": round(ordered[-1], 2),
    }


async def _client_pids(monitor: asyncpg.Connection, exclude_user: str | None) -> list[int]:
    """Client backends of this database, less the monitor and (optionally) one role's."""
    rows = await monitor.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
        "AND ($1::text IS NULL OR usename <> $1)",
        exclude_user,
    )
    return [r["pid"] for r in rows]


def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def reaped_children_cpu_seconds(pid: int) -> float:
    """CPU of the children ``pid`` has waited for (``cutime`` + ``cstime``): for the
    postmaster, the parallel workers that helped the watched backends, once they exited."""
    fields = _stat_fields(pid)
    return (int(fields[13]) + int(fields[14])) / _TICKS


async def _measure(
    call: Callable[[], Awaitable[Rows]], pids: Callable[[], Awaitable[list[int]]], repeat: int
) -> tuple[dict[str, Any], Rows]:
    """Two discarded calls, then ``repeat`` timed ones; CPU per call of the watched backends,
    of the parallel workers they started (reaped by the postmaster; any other backend of the
    cluster that exits meanwhile counts too) and of this process."""
    rows: Rows = []
    for _ in range(2):
        rows = await call()
    watched = await pids()
    postmaster = int(_stat_fields(watched[0])[1])
    backends_before = procstat.processes_cpu(watched)
    workers_before = reaped_children_cpu_seconds(postmaster)
    machine_before = procstat.cpu_snapshot()
    own_before = time.process_time()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows = await call()
        samples.append((time.perf_counter() - t0) * 1000)
    own = time.process_time() - own_before
    busy = procstat.cpu_snapshot().busy_fraction_since(machine_before)
    after = procstat.processes_cpu(watched)
    workers = reaped_children_cpu_seconds(postmaster) - workers_before
    backend = sum(after[p] - backends_before[p] for p in after if p in backends_before)
    result = _latency(samples)
    result["db_cpu_ms_per_call"] = round(1000 * (backend + workers) / repeat, 2)
    result["leader_cpu_ms_per_call"] = round(1000 * backend / repeat, 2)
    result["workers_cpu_ms_per_call"] = round(1000 * workers / repeat, 2)
    result["process_cpu_ms_per_call"] = round(1000 * own / repeat, 2)
    result["backends_watched"] = len(watched)
    result["machine_busy_pct"] = round(100 * busy, 1)
    return result, rows


def _periods(zone: str) -> dict[str, tuple[date, date]]:
    today = datetime.now(ZoneInfo(zone)).date()
    return {name: (today - timedelta(days=days - 1), today) for name, days in PERIODS.items()}


async def _in_process(
    admin_url: str, data: SettlementDataset, repeat: int, console: Console
) -> dict[str, Any]:
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=data.database)
    floor = await asyncpg.connect(**target.connect_kwargs())
    monitor = await asyncpg.connect(**target.connect_kwargs())
    await init_db(role_target(target, "app", settings), settings)
    try:
        await floor.execute("SET jit = off")  # as the app's connections (see membership.db)
        tenant = await get_tenant(data.tenant_id)
        if tenant is None:
            raise RuntimeError("the bench tenant is gone")
        ctx = RequestContext.system(tenant)
        superuser = target.user
        floor_pid = floor.get_server_pid()
        periods: dict[str, Any] = {}
        for name, (start, until) in _periods(data.timezone).items():
            begin, end = period_of(ctx, start, until)

            async def service(start: date = start, until: date = until) -> Rows:
                found = await store_settlement(ctx, start, until)
                return [(r.store_code, r.points_issued, r.points_redeemed) for r in found]

            async def bare(begin: datetime = begin, end: datetime = end) -> Rows:
                found = await floor.fetch(FLOOR_SQL, data.tenant_id, begin, end)
                return [(r["code"], int(r["issued"]), int(r["redeemed"])) for r in found]

            async def app_pids() -> list[int]:
                return await _client_pids(monitor, superuser)

            async def floor_pids() -> list[int]:
                return [floor_pid]

            with console.status(f"service, {name} …"):
                svc, svc_rows = await _measure(service, app_pids, repeat)
            with console.status(f"floor, {name} …"):
                bare_result, bare_rows = await _measure(bare, floor_pids, repeat)
            # The same statement planned for its own parameters at every call: asyncpg prepares
            # statements, and PostgreSQL may switch a prepared statement to a generic plan from
            # its sixth execution on.
            await floor.execute("SET plan_cache_mode = force_custom_plan")
            with console.status(f"floor, custom plans, {name} …"):
                custom, _ = await _measure(bare, floor_pids, repeat)
            await floor.execute("RESET plan_cache_mode")
            entries = await floor.fetchval(
                "SELECT count(*) FROM points_entries WHERE tenant_id = $1 AND order_id IS NOT "
                "NULL AND created_at >= $2 AND created_at < $3",
                data.tenant_id,
                begin,
                end,
            )
            periods[name] = {
                "from": start.isoformat(),
                "until": until.isoformat(),
                "order_entries": entries,
                "service": svc,
                "floor": bare_result,
                "floor_custom_plan": custom,
                "ratio_p50_custom": _ratio(svc["p50_ms"], custom["p50_ms"]),
                "ratio_p50": _ratio(svc["p50_ms"], bare_result["p50_ms"]),
                "ratio_db_cpu": _ratio(
                    svc["db_cpu_ms_per_call"], bare_result["db_cpu_ms_per_call"]
                ),
                "same_rows": svc_rows == bare_rows,
                "stores": len(svc_rows),
                "issued": sum(r[1] for r in svc_rows),
                "redeemed": sum(r[2] for r in svc_rows),
            }
            console.print(
                f"{name}: service p50 {svc['p50_ms']} ms, floor p50 {bare_result['p50_ms']} ms"
            )
        plans: dict[str, list[str]] = {}
        for name, (start, until) in _periods(data.timezone).items():
            begin, end = period_of(ctx, start, until)
            async with tenant_tx(ctx) as conn:
                _, plan_rows = await conn.execute_query(
                    "EXPLAIN (ANALYZE, BUFFERS) " + SERVICE_SQL, [ctx.tenant.id, begin, end]
                )
            plans[name] = [str(next(iter(r.values()))) for r in plan_rows]
            generic = await _generic_plan(ctx, begin, end)
            periods[name]["generic_plan"] = {
                "uses_partial_index": any(INDEX in x for x in generic),
                "plan": generic,
            }
            periods[name]["service_uses_partial_index"] = any(INDEX in x for x in plans[name])
        year = plans["year"]
        return {
            "periods": periods,
            "explain_year": {"uses_partial_index": any(INDEX in x for x in year), "plan": year},
            "explain_month_plan": plans["month"],
        }
    finally:
        await close_db()
        await monitor.close()
        await floor.close()


async def _generic_plan(ctx: RequestContext, begin: datetime, end: datetime) -> list[str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the service's statement as the generic plan a
    prepared statement may switch to after five executions (as the app role, same period)."""
    values = f"'{ctx.tenant.id}'::uuid, '{begin.isoformat()}'::timestamptz, "
    values += f"'{end.isoformat()}'::timestamptz"
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            "PREPARE bench_by_store(uuid, timestamptz, timestamptz) AS " + SERVICE_SQL
        )
        await conn.execute_query("SET LOCAL plan_cache_mode = force_generic_plan")
        _, rows = await conn.execute_query(
            f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_by_store({values})"
        )
        await conn.execute_query("DEALLOCATE bench_by_store")
    return [str(next(iter(r.values()))) for r in rows]


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def _graphql(
    data: SettlementDataset, admin_url: str, redis_url: str, prefix: str, calls: int
) -> dict[str, Any]:
    start, until = _periods(data.timezone)["year"]
    env = {
        "DATABASE_URL": url_for_database(admin_url, data.database),
        "REDIS_URL": redis_url,
        "MEMBERSHIP_REDIS_PREFIX": prefix,
    }
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
        api = start_server("graphql", "membership.app:create_app", env, Path(logs))
        try:
            api.wait_ready("/readyz")
            body = {
                "query": GRAPHQL,
                "variables": {"from": start.isoformat(), "until": until.isoformat()},
            }
            headers = {"Authorization": f"Bearer {data.api_key}"}
            samples: list[float] = []
            rows: list[dict[str, Any]] = []
            with httpx.Client(timeout=120.0) as client:
                cpu_before = 0.0
                for i in range(calls + 1):
                    if i == 1:
                        cpu_before = procstat.process_cpu_seconds(api.pid)
                    t0 = time.perf_counter()
                    answer = client.post(api.url("/graphql"), json=body, headers=headers)
                    elapsed = (time.perf_counter() - t0) * 1000
                    payload = answer.json()
                    if answer.status_code != 200 or payload.get("errors"):
                        raise RuntimeError(f"storeSettlement failed: {answer.text[:500]}")
                    rows = payload["data"]["storeSettlement"]
                    if i:
                        samples.append(elapsed)
                api_cpu = procstat.process_cpu_seconds(api.pid) - cpu_before
        finally:
            api.stop()
    result: dict[str, Any] = _latency(samples) if samples else {"calls": 0}
    result["api_cpu_ms_per_call"] = round(1000 * api_cpu / calls, 2) if calls else None
    result["stores"] = len(rows)
    result["issued"] = sum(int(r["pointsIssued"]) for r in rows)
    result["from"], result["until"] = start.isoformat(), until.isoformat()
    return result


def _print(report: dict[str, Any], console: Console) -> None:
    table = Table(title=f"mall settlement, {report['dataset']['entries']:,} entries, 50 stores")
    for column in (
        "period",
        "entries read",
        "service p50/p95 ms",
        "floor p50/p95 ms",
        "floor, custom plans",
    ):
        table.add_column(column, justify="right")
    for column in ("× p50", "db CPU ms/call svc / floor", "app CPU ms", "busy %", "same rows"):
        table.add_column(column, justify="right")
    for name, p in report["periods"].items():
        s, f = p["service"], p["floor"]
        table.add_row(
            name,
            f"{p['order_entries']:,}",
            f"{s['p50_ms']} / {s['p95_ms']}",
            f"{f['p50_ms']} / {f['p95_ms']}",
            f"{p['floor_custom_plan']['p50_ms']} / {p['floor_custom_plan']['p95_ms']}",
            str(p["ratio_p50"]),
            f"{s['db_cpu_ms_per_call']} / {f['db_cpu_ms_per_call']}",
            str(s["process_cpu_ms_per_call"]),
            f"{s['machine_busy_pct']} / {f['machine_busy_pct']}",
            "yes" if p["same_rows"] else "NO",
        )
    console.print(table)
    g = report.get("graphql")
    if g and g.get("calls"):
        console.print(
            f"GraphQL storeSettlement, year, {g['calls']} calls: p50 {g['p50_ms']} ms, "
            f"p95 {g['p95_ms']} ms, API CPU {g['api_cpu_ms_per_call']} ms/call"
        )
    explain = report["explain_year"]
    used = {name: p["service_uses_partial_index"] for name, p in report["periods"].items()}
    console.print(f"{INDEX} in the service's plan: {used}")
    for name, p in report["periods"].items():
        last = [x for x in p["generic_plan"]["plan"] if x.startswith("Execution Time")]
        console.print(
            f"generic plan, {name}: {INDEX} used {p['generic_plan']['uses_partial_index']}, "
            + (last[0] if last else "")
        )
    console.print("EXPLAIN (ANALYZE, BUFFERS) of the service's statement, year:")
    for line in explain["plan"][:16]:
        console.print("  " + line, markup=False, highlight=False)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    console = Console(stderr=True, width=160)
    admin_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    _require_loopback(admin_url, "DATABASE_URL")
    _require_loopback(redis_url, "REDIS_URL")
    admin = parse_postgres_url(admin_url)
    database = new_database_name()
    prefix = f"bench-{secrets.token_hex(4)}"
    started = datetime.now(UTC)
    clock = time.monotonic()
    console.print(f"database [bold]{database}[/bold]")
    created = False
    try:
        asyncio.run(create_database(admin, database))
        created = True
        data = asyncio.run(
            build_settlement_dataset(
                admin_url, database, entries=args.entries, days=args.days, console=console
            )
        )
        busy = _background_busy_pct()
        console.print(f"machine busy before measuring: {busy}% of {os.cpu_count()} cores")
        measured = asyncio.run(_in_process(admin_url, data, args.repeat, console))
        graphql = None
        if args.graphql_calls:
            with console.status("GraphQL storeSettlement …"):
                graphql = _graphql(data, admin_url, redis_url, prefix, args.graphql_calls)
        report: dict[str, Any] = {
            "benchmark": "settlement",
            "started": started.isoformat(),
            "elapsed_s": round(time.monotonic() - clock, 1),
            "config": {
                "entries": args.entries,
                "days": args.days,
                "repeat": args.repeat,
                "graphql_calls": args.graphql_calls,
                "cpus": os.cpu_count(),
            },
            "machine_busy_before_pct": busy,
            "dataset": data.summary(),
            **measured,
            "graphql": graphql,
        }
        if graphql and graphql.get("calls"):
            report["graphql"]["vs_service_p50"] = _ratio(
                graphql["p50_ms"], measured["periods"]["year"]["service"]["p50_ms"]
            )
            report["graphql"]["vs_floor_p50"] = _ratio(
                graphql["p50_ms"], measured["periods"]["year"]["floor"]["p50_ms"]
            )
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"settlement-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        _print(report, console)
        console.print(f"written to {path}")
    finally:
        if created and not args.keep:
            asyncio.run(drop_database(admin, database))
        _delete_redis_keys(redis_url, prefix)


if __name__ == "__main__":
    main()
