"""The sweep's tenant: a tenant made by the registry and its members loaded by bulk SQL.

Members are written with ``INSERT … SELECT … FROM generate_series`` on an owner-role connection
with ``app.tenant_id`` set for the session, so row-level security checks every row as it would
for the platform's own writes (the owner role is subject to the forced policies too). Ids are
random (``gen_random_uuid()``), as the platform gives members random ids.

Member ``i``'s last activity, ``coalesce(last_order_at, created_at)``, lies
``(i * 7919) mod 730 days`` (in seconds) before midnight at the start of the sweep day, in the
tenant's time zone: spread evenly over the two years before it, so that about one member in 730
crossed any one day's line. Even members have ordered (``last_order_at`` is that instant,
``created_at`` up to a year earlier); odd ones never have (``created_at`` is the instant).
"""

from __future__ import annotations

import time as clock
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from membership.db import parse_postgres_url, role_target
from membership.settings import get_settings
from tenants.registry import create_tenant

__all__ = ["TWO_YEARS_S", "SweepTenant", "load_sweep_tenant"]

TWO_YEARS_S = 730 * 86_400
_CHUNK = 50_000

# $1 tenant, $2/$3 ordinals [lo, hi), $4 midnight at the start of the sweep day
_INSERT = f"""
INSERT INTO members (tenant_id, id, phone, name, gender, tags, custom_fields, total_spent,
                     order_count, last_order_at, created_at, updated_at)
SELECT $1::uuid, gen_random_uuid(), '+861760' || lpad(i::text, 7, '0'), '会员' || i,
       (ARRAY['MALE', 'FEMALE', 'FEMALE', 'UNKNOWN'])[1 + i % 4], '{{}}', '{{}}',
       CASE WHEN i % 2 = 0 THEN 5000 + (i * 7919) % 100000 ELSE 0 END,
       CASE WHEN i % 2 = 0 THEN 1 + i % 20 ELSE 0 END,
       CASE WHEN i % 2 = 0 THEN a.at END,
       CASE WHEN i % 2 = 0 THEN a.at - make_interval(days => (i % 365)::int) ELSE a.at END,
       a.at
FROM generate_series($2::bigint, $3::bigint - 1) AS i
CROSS JOIN LATERAL (
    SELECT $4::timestamptz - make_interval(secs => ((i * 7919) % {TWO_YEARS_S})::float8) AS at
) AS a
"""


@dataclass(frozen=True)
class SweepTenant:
    tenant_id: uuid.UUID
    members: int
    load_s: float  # the inserts, as the owner role under row-level security
    vacuum_s: float  # VACUUM (ANALYZE) members afterwards
    members_mib: float  # the members table with its indexes (every tenant's)


async def load_sweep_tenant(
    admin_url: str, database: str, *, members: int, day: date, console: Console
) -> SweepTenant:
    """Make the tenant ``bench-sweep`` and load ``members`` members whose last activity is
    spread over the two years before midnight at the start of ``day`` (the tenant's time)."""
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=database)
    owner = await asyncpg.connect(**role_target(target, "owner", settings).connect_kwargs())
    try:
        tenant = await create_tenant(owner, slug="bench-sweep", name="Bench sweep tenant")
        day_start = datetime.combine(day, time(0), ZoneInfo(tenant.timezone))
        await owner.execute("SELECT set_config('app.tenant_id', $1, false)", str(tenant.id))
        started = clock.monotonic()
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("members of the sweep tenant (owner role, RLS)", total=members)
            for lo in range(0, members, _CHUNK):
                hi = min(members, lo + _CHUNK)
                await owner.execute(_INSERT, tenant.id, lo, hi, day_start)
                progress.advance(task, hi - lo)
        load_s = clock.monotonic() - started
    finally:
        await owner.close()
    conn = await asyncpg.connect(**target.connect_kwargs())
    try:
        started = clock.monotonic()
        with console.status("VACUUM (ANALYZE) members …"):
            await conn.execute("VACUUM (ANALYZE) members")
        vacuum_s = clock.monotonic() - started
        size = await conn.fetchval("SELECT pg_total_relation_size('members')")
    finally:
        await conn.close()
    console.print(
        f"sweep tenant: {members:,} members loaded in {load_s:.1f}s, vacuumed and analysed in "
        f"{vacuum_s:.1f}s"
    )
    return SweepTenant(tenant.id, members, load_s, vacuum_s, round(size / 2**20, 1))
