"""The mall settlement benchmark's data: one mall tenant with 50 stores and a large ledger.

The schema, the tenant, the mall plugin (enabled through ``enable_plugin`` with a system
context, so its preset makes the stores ``S01`` … ``S50`` and the points settings) and an API
key are made the way the product makes them. Members, orders and points entries are then
bulk-loaded with server-side SQL (``INSERT … SELECT … FROM generate_series``) on the superuser
connection, past row-level security and with foreign-key checks skipped
(``session_replication_role = replica``): the rows are consistent by construction.

Entry ``k`` (0 … entries-1) is written ``(entries - 1 - k) / entries`` of ``days`` before the
load, so the ledger is appended in time order as a live one is. By ``k % 100``:

* 0–79 (80 %): ``EARN`` of its own order ``q`` (one order per earn; the order's store is
  ``q * 7919 mod 50``, every store about as many orders);
* 80–94 (15 %): ``SPEND``, points paid on another order of the same hundred (so at another
  store than most of what the member earned);
* 95–97 (3 %): a refund's negative ``REVERSE``, taking back an order's whole earn;
* 98 (1 %): a refund's positive ``REVERSE``, giving back spent points;
* 99 (1 %): an ``ADJUST`` without an order, which settlement leaves out.

Points lots and member balances are not loaded: the settlement reads only entries and orders.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import asyncpg
from rich.console import Console

from membership.activation.service import enable_plugin
from membership.db import close_db, init_db, migrate, parse_postgres_url, role_target
from membership.settings import get_settings
from tenants.api_keys import create_api_key
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.registry import create_tenant

__all__ = ["STORES", "SettlementDataset", "build_settlement_dataset", "store_code"]

STORES = 50
LOADED_TABLES = ("members", "orders", "points_entries")
_CHUNK = 100_000  # entries per load statement


def store_code(index: int) -> str:
    """Code of store ``index`` (0 … 49): S01 … S50."""
    return f"S{index + 1:02d}"


@dataclass
class SettlementDataset:
    database: str
    tenant_id: uuid.UUID
    timezone: str
    api_key: str  # secret key with programme:manage and members:read
    entries: int
    orders: int
    members: int
    days: int
    setup_s: float = 0.0
    load_s: float = 0.0
    steps: list[dict[str, Any]] = field(default_factory=list)
    table_mib: dict[str, float] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "tenant_id": str(self.tenant_id),
            "timezone": self.timezone,
            "entries": self.entries,
            "orders": self.orders,
            "members": self.members,
            "stores": STORES,
            "days": self.days,
            "setup_s": round(self.setup_s, 1),
            "load_s": round(self.load_s, 1),
            "steps": self.steps,
            "table_mib": self.table_mib,
            "entries_by_kind": self.kinds,
        }


# ------------------------------------------------------------------------------------- SQL

# $1 tenant, $2/$3 member ordinals [lo, hi), $4 now
_INSERT_MEMBERS = """
INSERT INTO members (tenant_id, id, phone, name, created_at, updated_at)
SELECT $1::uuid, md5($1::uuid::text || ':m:' || i)::uuid, '+86175' || lpad(i::text, 8, '0'),
       '会员' || i, $4::timestamptz - interval '400 days', $4::timestamptz - interval '400 days'
FROM generate_series($2::bigint, $3::bigint - 1) AS i
"""

# The instant of entry k: $4 now, $5 entries, $6 seconds the ledger spans.
_AT = "$4::timestamptz - make_interval(secs => (($5::bigint - 1 - {k}) * $6::float8) / $5::bigint)"
_EARN = "(10 + ({q} * 31) % 500)"  # points order q earned: one per yuan of its amount

# Order q (0 … orders-1) belongs to hundred q / 80, whose EARN entry is k = q / 80 * 100 + q % 80.
# $1 tenant, $2/$3 order ordinals [lo, hi), $4 now, $5 entries, $6 span, $7 members
_INSERT_ORDERS = f"""
INSERT INTO orders (
    tenant_id, id, external_id, member_id, amount, points_earned, status, store_code, items,
    earning, request_hash, paid_at, created_at)
SELECT $1::uuid, md5($1::uuid::text || ':o:' || q)::uuid, 'bench-' || q,
       md5($1::uuid::text || ':m:' || (q * 7) % $7)::uuid,
       {_EARN.format(q="q")} * 100, {_EARN.format(q="q")}, 'COMPLETED',
       'S' || lpad((1 + (q * 7919) % {STORES})::text, 2, '0'), '[]'::jsonb, '{{}}'::jsonb,
       'bench', o.at, o.at
FROM generate_series($2::bigint, $3::bigint - 1) AS q
CROSS JOIN LATERAL (SELECT {_AT.format(k="(q / 80 * 100 + q % 80)")} AS at) AS o
"""

# $1 tenant, $2/$3 entry ordinals [lo, hi), $4 now, $5 entries, $6 span, $7 members
_INSERT_ENTRIES = f"""
INSERT INTO points_entries (
    tenant_id, id, member_id, kind, points, balance_after, reason, order_id, available_at,
    actor_type, created_at)
SELECT $1::uuid, md5($1::uuid::text || ':e:' || k)::uuid,
       md5($1::uuid::text || ':m:' || (coalesce(e.q, k) * 7) % $7)::uuid,
       e.kind, e.points, 1000, e.reason,
       CASE WHEN e.q IS NULL THEN NULL ELSE md5($1::uuid::text || ':o:' || e.q)::uuid END,
       e.at, 'system', e.at
FROM generate_series($2::bigint, $3::bigint - 1) AS k
CROSS JOIN LATERAL (SELECT k / 100 AS b, k % 100 AS r, {_AT.format(k="k")} AS at) AS p
CROSS JOIN LATERAL (
    SELECT CASE WHEN p.r < 80 THEN p.b * 80 + p.r
                WHEN p.r < 95 THEN p.b * 80 + ((p.r - 80) * 5 + 3) % 80
                WHEN p.r < 98 THEN p.b * 80 + ((p.r - 95) * 23 + 11) % 80
                WHEN p.r = 98 THEN p.b * 80 + 3
           END AS q,
           CASE WHEN p.r < 80 THEN 'EARN' WHEN p.r < 95 THEN 'SPEND'
                WHEN p.r < 99 THEN 'REVERSE' ELSE 'ADJUST' END AS kind,
           CASE WHEN p.r < 80 THEN 'order' WHEN p.r < 95 THEN 'order'
                WHEN p.r < 99 THEN 'refund' ELSE 'adjustment' END AS reason,
           p.at
) AS o
CROSS JOIN LATERAL (
    SELECT o.q, o.kind, o.reason, o.at,
           CASE WHEN p.r < 80 THEN {_EARN.format(q="o.q")}
                WHEN p.r < 95 THEN -(100 + k % 400)
                WHEN p.r < 98 THEN -{_EARN.format(q="o.q")}
                WHEN p.r = 98 THEN 50
                ELSE 20 END AS points
) AS e
"""

_SECONDARY_INDEXES = """
SELECT t.relname AS table_name, c.relname AS index_name, pg_get_indexdef(i.indexrelid) AS def
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relnamespace = 'public'::regnamespace AND t.relname = ANY($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY t.relname, c.relname
"""


# ---------------------------------------------------------------------------------- building


async def _setup(admin_url: str, database: str) -> tuple[uuid.UUID, str, str]:
    """Migrations, the tenant (owner role), the mall plugin and a key (app role, services)."""
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=database)
    await migrate(target, settings)
    owner = await asyncpg.connect(**role_target(target, "owner", settings).connect_kwargs())
    try:
        tenant = await create_tenant(owner, slug="bench-mall", name="Bench mall")
    finally:
        await owner.close()
    await init_db(role_target(target, "app", settings), settings)
    try:
        ctx = RequestContext.system(tenant)
        stores = [{"code": store_code(i), "name": f"商户 {i + 1:02d}"} for i in range(STORES)]
        await enable_plugin(ctx, "mall", {"stores": stores})
        key = await create_api_key(
            ctx,
            name="bench settlement",
            kind="secret",
            # storeSettlement checks programme:manage, and the points by store under it
            # members:read: a key without both is refused.
            scopes=[Permission.PROGRAMME_MANAGE.value, Permission.MEMBERS_READ.value],
        )
    finally:
        await close_db()
    return tenant.id, tenant.timezone, key.key


async def _timed(
    conn: asyncpg.Connection, steps: list[dict[str, Any]], name: str, sql: str, *args: object
) -> None:
    started = time.monotonic()
    await conn.execute(sql, *args)
    steps.append({"step": name, "seconds": round(time.monotonic() - started, 2)})


async def build_settlement_dataset(
    admin_url: str, database: str, *, entries: int, days: int, console: Console
) -> SettlementDataset:
    """Migrate ``database`` (already created), make the mall tenant and bulk-load its ledger."""
    if entries < 100 or entries % 100:
        raise ValueError("--entries must be a positive multiple of 100")
    if not 1 <= days <= 3650:
        raise ValueError("--days must be 1 … 3650")
    started = time.monotonic()
    with console.status("migrating, creating the tenant, enabling the mall …"):
        tenant_id, timezone, api_key = await _setup(admin_url, database)
    orders = entries // 100 * 80
    members = max(1, entries // 20)
    data = SettlementDataset(
        database=database,
        tenant_id=tenant_id,
        timezone=timezone,
        api_key=api_key,
        entries=entries,
        orders=orders,
        members=members,
        days=days,
        setup_s=time.monotonic() - started,
    )
    console.print(f"schema, tenant, mall with {STORES} stores, key ready in {data.setup_s:.1f}s")
    target = replace(parse_postgres_url(admin_url), database=database)
    conn = await asyncpg.connect(**target.connect_kwargs())
    load_started = time.monotonic()
    try:
        if not await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            raise RuntimeError("the bulk load needs a superuser DATABASE_URL (it bypasses RLS)")
        await conn.execute(
            "SET session_replication_role = replica; SET synchronous_commit = off; "
            "SET jit = off; SET work_mem = '64MB'; SET maintenance_work_mem = '512MB'"
        )
        indexes = await conn.fetch(_SECONDARY_INDEXES, list(LOADED_TABLES))
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["index_name"]}"')
        now = await conn.fetchval("SELECT now()")
        span = days * 86400.0
        for lo in range(0, members, _CHUNK):
            hi = min(members, lo + _CHUNK)
            await _timed(
                conn, data.steps, f"members {lo}-{hi}", _INSERT_MEMBERS, tenant_id, lo, hi, now
            )
        console.print(f"{members:,} members")
        for lo in range(0, orders, _CHUNK):
            hi = min(orders, lo + _CHUNK)
            await _timed(
                conn,
                data.steps,
                f"orders {lo}-{hi}",
                _INSERT_ORDERS,
                tenant_id,
                lo,
                hi,
                now,
                entries,
                span,
                members,
            )
            console.print(f"orders {hi:,}/{orders:,}  {time.monotonic() - load_started:.0f}s")
        for lo in range(0, entries, _CHUNK):
            hi = min(entries, lo + _CHUNK)
            await _timed(
                conn,
                data.steps,
                f"entries {lo}-{hi}",
                _INSERT_ENTRIES,
                tenant_id,
                lo,
                hi,
                now,
                entries,
                span,
                members,
            )
            console.print(f"entries {hi:,}/{entries:,}  {time.monotonic() - load_started:.0f}s")
        for index in indexes:
            await _timed(conn, data.steps, f"index {index['index_name']}", index["def"])
        console.print(f"{len(indexes)} secondary indexes rebuilt")
        await conn.execute("RESET session_replication_role")
        for table in LOADED_TABLES:
            await _timed(conn, data.steps, f"VACUUM ANALYZE {table}", f'VACUUM (ANALYZE) "{table}"')
        data.load_s = time.monotonic() - load_started
        for table in LOADED_TABLES:
            size = await conn.fetchval("SELECT pg_total_relation_size($1::regclass)", table)
            data.table_mib[table] = round(size / 2**20, 1)
        rows = await conn.fetch(
            "SELECT kind, count(*) AS n FROM points_entries WHERE tenant_id = $1 GROUP BY kind "
            "ORDER BY kind",
            tenant_id,
        )
        data.kinds = {r["kind"]: r["n"] for r in rows}
    finally:
        await conn.close()
    console.print(
        f"loaded in {data.load_s:.1f}s: "
        + ", ".join(f"{k} {v:,.0f} MiB" for k, v in data.table_mib.items())
    )
    return data
