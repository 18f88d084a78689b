"""The inactivity sweep over the sweep tenant's members, in this process, against one statement.

``measure_sweep`` activates ``DORMANT`` (30 days, one ``addTag``) with a system context whose
clock stands at 08:00 local time on the sweep day, then calls
``membership.journeys.sweeps.sweep_journeys`` on the platform's Tortoise pool as the app role
(the benchmark's process holds it open), its clock frozen at 10:00 local time that day, after
the day's sweep hour:

1. **sweep**: wall clock, this process's CPU and its backends' CPU, members entered, checked
   against the members whose last activity falls on the day 30 days back (counted with SQL) and
   against the runs it wrote;
2. **again**: the same call a second time: the day is marked swept, nobody enters;
3. **re-sweep by keys**: the day's mark removed from ``journey_sweeps``, the same call again: it
   reads every candidate again and the entry keys (trigger, member, day) let nobody in twice,
   what a second worker sweeping beside the first pays;
4. **floor**: one ``INSERT … SELECT`` of the same members' runs (``bench.journey_floor``).

The plan PostgreSQL chooses for the sweep's first page of candidates is kept
(``EXPLAIN (ANALYZE, BUFFERS)`` as the app role, the tenant set). Afterwards the journey is
paused and the tenant's runs deleted, so that no worker wakes them later in the run.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from rich.console import Console

from bench import journey_sql as sql
from bench.journey_definitions import DORMANT, install, pause
from bench.journey_floor import sweep_floor
from bench.journey_members import SweepTenant
from bench.webhook_backlog import app_role
from bench.webhook_worker import ProcessMeter
from membership.clock import FrozenClock
from membership.db import parse_postgres_url, role_target
from membership.journeys.definition import Trigger
from membership.journeys.sweeps import SWEEP_HOUR, _candidates, sweep_journeys
from membership.settings import get_settings
from tenants.context import RequestContext
from tenants.registry import get_tenant

__all__ = ["SWEEP_LOCAL_HOUR", "measure_sweep", "sweep_instant"]

SWEEP_LOCAL_HOUR = 10
DAYS = int(DORMANT["trigger"]["days"])

_RUNS = """
SELECT count(*) AS runs, count(DISTINCT r.member_id) AS members,
       count(*) FILTER (WHERE coalesce(m.last_order_at, m.created_at) >= $3
                          AND coalesce(m.last_order_at, m.created_at) < $4) AS on_the_line
FROM journey_runs r JOIN members m ON m.tenant_id = r.tenant_id AND m.id = r.member_id
WHERE r.tenant_id = $1 AND r.journey_id = $2
"""
_EXPECTED = """
SELECT count(*) FROM members WHERE tenant_id = $1 AND merged_into_id IS NULL
  AND coalesce(last_order_at, created_at) >= $2 AND coalesce(last_order_at, created_at) < $3
"""


def sweep_instant(day: date, zone: ZoneInfo) -> datetime:
    """10:00 local time on ``day``: after the platform's daily sweep hour."""
    return datetime.combine(day, clock_time(SWEEP_LOCAL_HOUR), zone)


async def measure_sweep(
    *, admin_url: str, database: str, tenant: SweepTenant, day: date, console: Console
) -> dict[str, Any]:
    """Activate the inactivity journey, then time the sweep, its repeats and the floor."""
    target = replace(parse_postgres_url(admin_url), database=database)
    database_url = target.dsn()
    app = role_target(target, "app", get_settings())
    out: dict[str, Any] = {"members": tenant.members, "days": DAYS}
    async with app_role(admin_url, database):
        info = await get_tenant(tenant.tenant_id)
        if info is None:
            raise RuntimeError(f"no tenant {tenant.tenant_id}")
        zone = ZoneInfo(info.timezone)
        at = sweep_instant(day, zone)
        since = datetime.combine(day - timedelta(days=DAYS), clock_time(0), zone)
        until = datetime.combine(day - timedelta(days=DAYS - 1), clock_time(0), zone)
        morning = RequestContext.system(info, clock=FrozenClock(at.replace(hour=8)))
        journey_id = await install(morning, "Dormant for 30 days", DORMANT)
        expected = await sql.fetchval(database_url, _EXPECTED, tenant.tenant_id, since, until)
        out |= {
            "sweep_at": at.isoformat(),
            "line": [since.isoformat(), until.isoformat()],
            "expected": expected,
            "plan": await _plan(app, tenant.tenant_id, day),
        }
        await sql.execute(database_url, "CHECKPOINT")
        ctx = RequestContext.system(info, clock=FrozenClock(at))
        console.print(
            f"[bold]inactivity sweep[/bold]: {tenant.members:,} members, {DAYS} days, "
            f"{expected:,} on the line, clock at {at.isoformat()} …"
        )
        out["sweep"] = await _timed(database_url, lambda: sweep_journeys(ctx))
        runs = await sql.fetchrow(database_url, _RUNS, tenant.tenant_id, journey_id, since, until)
        out["sweep"]["check"] = runs | {
            "ok": out["sweep"]["entered"]
            == expected
            == runs["runs"]
            == runs["members"]
            == runs["on_the_line"]
        }
        _say("sweep", out["sweep"], console)
        out["again"] = await _timed(database_url, lambda: sweep_journeys(ctx))
        _say("again, same day", out["again"], console)
        await sql.execute(
            database_url, "DELETE FROM journey_sweeps WHERE journey_id = $1", journey_id
        )
        out["resweep_by_keys"] = await _timed(database_url, lambda: sweep_journeys(ctx))
        _say("re-sweep, day's mark removed", out["resweep_by_keys"], console)

        await sql.execute(database_url, "CHECKPOINT")
        event = {
            "type": "journey.inactivity",
            "properties": {"day": day.isoformat()},
            "occurredAt": datetime.combine(day, clock_time(SWEEP_HOUR), zone).isoformat(),
        }
        out["floor"] = await sweep_floor(
            app,
            database_url,
            tenant.tenant_id,
            journey_id,
            1,
            at=at,
            event=event,
            since=since,
            until=until,
        )
        floor = out["floor"]
        console.print(
            f"  floor: {floor['rows']:,} runs in {floor['seconds']:.3f} s, "
            f"{floor['process_cpu_s']:.2f} s process + {floor['db_cpu_s']:.2f} s db CPU"
        )
        await pause(ctx, journey_id)
    await sql.execute(
        database_url, "DELETE FROM journey_runs WHERE tenant_id = $1", tenant.tenant_id
    )
    out["journey_id"] = str(journey_id)
    return out


async def _timed(database_url: str, sweep: Any) -> dict[str, Any]:
    meter = await ProcessMeter(os.getpid(), database_url).astart()
    started = time.perf_counter()
    entered = await sweep()
    wall = time.perf_counter() - started
    used = await meter.aread()
    return {
        "entered": entered,
        "seconds": round(wall, 3),
        "process_cpu_s": round(used["process_cpu_s"], 3),
        "db_cpu_s": round(used["db_cpu_s"], 3),
    }


def _say(name: str, r: dict[str, Any], console: Console) -> None:
    check = r.get("check")
    verdict = ""
    if check is not None:
        verdict = " [green]as expected[/green]" if check["ok"] else f" [red]MISMATCH {check}[/red]"
    console.print(
        f"  {name}: {r['entered']:,} entered in {r['seconds']:.3f} s, "
        f"{r['process_cpu_s']:.2f} s process + {r['db_cpu_s']:.2f} s db CPU{verdict}"
    )


async def _plan(app: Any, tenant_id: uuid.UUID, day: date) -> dict[str, Any]:
    """The plan of the sweep's first page of candidates, as the app role sees it."""
    info = await get_tenant(tenant_id)
    assert info is not None
    ctx = RequestContext.system(info)
    query, params = _candidates(ctx, Trigger("inactivity", days=DAYS), day)
    conn = await asyncpg.connect(**app.connect_kwargs(), server_settings={"jit": "off"})
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant_id))
            raw = await conn.fetchval(
                f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {query}", *params, uuid.UUID(int=0), 500
            )
    finally:
        await conn.close()
    top = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    nodes: list[str] = []
    node: dict[str, Any] | None = top["Plan"]
    while node is not None:
        label = node["Node Type"]
        if node.get("Index Name"):
            label += f" using {node['Index Name']}"
        if node.get("Rows Removed by Filter"):
            label += f" ({node['Rows Removed by Filter']:,} rows removed by filter)"
        nodes.append(label)
        node = (node.get("Plans") or [None])[0]
    plan = top["Plan"]
    return {
        "nodes": nodes,
        "execution_ms": round(top["Execution Time"], 2),
        "rows": plan["Actual Rows"],
        "shared_hit": plan.get("Shared Hit Blocks", 0),
        "shared_read": plan.get("Shared Read Blocks", 0),
    }
