"""The analytics benchmark's data: one tenant with many members, orders and coupons.

The schema, the tenant, three spend tiers and a coupon template are made the way the product
makes them. Members, orders and coupons are then bulk-loaded with server-side SQL
(``INSERT … SELECT … FROM generate_series``) on the superuser connection, past row-level
security and with foreign-key checks skipped (``session_replication_role = replica``).

* Member ``i`` joins ``(M - 1 - i) / M`` of 900 days before the load, from one of four channels
  (one in four recorded none), in tier ``i % 10`` → 普卡 (0–5), 银卡 (6–8), 金卡 (9).
* Order ``q`` is paid ``(N - 1 - q) / N`` of ``--days`` before the load (appended in time order,
  as a live table is), by a member drawn with a skew (a few members buy often, most rarely),
  for ¥10 … ¥500; every other order lists 1–3 items; 3 % are refunded in full and 2 % in part.
* Coupon ``c`` (one per 20 orders) is issued over the same days to member ``7c mod M``; 40 % are
  redeemed 0–4 days later.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import asyncpg
from rich.console import Console

from membership.coupons.templates import TemplateDraft, create_template
from membership.db import close_db, init_db, migrate, parse_postgres_url, role_target
from membership.settings import get_settings
from membership.tiers.service import TierChanges, create_tier
from tenants.api_keys import create_api_key
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.registry import create_tenant

__all__ = ["AnalyticsDataset", "build_analytics_dataset", "reuse_analytics_dataset"]

LOADED_TABLES = ("members", "orders", "coupons")
_CHUNK = 250_000

# $1 tenant, $2/$3 member ordinals [lo, hi), $4 now, $5 members, $6 tier ids (3)
_INSERT_MEMBERS = """
INSERT INTO members (tenant_id, id, phone, name, source_channel, tier_id, created_at, updated_at)
SELECT $1::uuid, md5($1::uuid::text || ':m:' || i)::uuid, '+86176' || lpad(i::text, 8, '0'),
       '会员' || i, (ARRAY['pos', 'mini-program', 'wecom', NULL])[1 + i % 4],
       ($6::uuid[])[CASE WHEN i % 10 < 6 THEN 1 WHEN i % 10 < 9 THEN 2 ELSE 3 END],
       at, at
FROM generate_series($2::bigint, $3::bigint - 1) AS i
CROSS JOIN LATERAL (
    SELECT $4::timestamptz - make_interval(secs => (($5::bigint - 1 - i) * 900 * 86400.0)
                                                   / $5::bigint) AS at
) AS t
"""

# $1 tenant, $2/$3 order ordinals [lo, hi), $4 now, $5 orders, $6 seconds spanned, $7 members
_INSERT_ORDERS = """
INSERT INTO orders (
    tenant_id, id, external_id, member_id, amount, refunded_amount, status, items,
    item_quantity, request_hash, paid_at, created_at)
SELECT $1::uuid, md5($1::uuid::text || ':o:' || q)::uuid, 'bench-' || q,
       md5($1::uuid::text || ':m:' || floor($7 * power(u, 1.6))::bigint)::uuid,
       amount,
       CASE WHEN q % 100 < 3 THEN amount WHEN q % 100 < 5 THEN amount / 3 ELSE 0 END,
       CASE WHEN q % 100 < 3 THEN 'REFUNDED' WHEN q % 100 < 5 THEN 'PARTIALLY_REFUNDED'
            ELSE 'COMPLETED' END,
       CASE WHEN q % 2 = 0 THEN jsonb_build_array(jsonb_build_object(
                'sku', 'SKU-' || q % 97, 'quantity', 1 + q % 3, 'unitPrice', amount))
            ELSE '[]'::jsonb END,
       CASE WHEN q % 2 = 0 THEN 1 + q % 3 END,
       'bench', at, at
FROM generate_series($2::bigint, $3::bigint - 1) AS q
CROSS JOIN LATERAL (
    SELECT ((q * 2654435761) % 4294967296) / 4294967296.0 AS u,
           1000 + (q * 31) % 49000 AS amount,
           $4::timestamptz - make_interval(secs => (($5::bigint - 1 - q) * $6::float8)
                                                  / $5::bigint) AS at
) AS t
"""

# $1 tenant, $2/$3 coupon ordinals [lo, hi), $4 now, $5 coupons, $6 span, $7 members,
# $8 template
_INSERT_COUPONS = """
INSERT INTO coupons (tenant_id, id, template_id, code, member_id, status, valid_from,
                     valid_until, issued_at, redeemed_at, discount_amount)
SELECT $1::uuid, md5($1::uuid::text || ':c:' || c)::uuid, $8::uuid, 'BENCH' || c,
       md5($1::uuid::text || ':m:' || (c * 7) % $7)::uuid,
       CASE WHEN c % 5 < 2 THEN 'REDEEMED' ELSE 'ISSUED' END,
       at, at + interval '30 days', at,
       CASE WHEN c % 5 < 2 THEN at + make_interval(days => (c % 5)::int) END,
       CASE WHEN c % 5 < 2 THEN 1000 END
FROM generate_series($2::bigint, $3::bigint - 1) AS c
CROSS JOIN LATERAL (
    SELECT $4::timestamptz - make_interval(secs => (($5::bigint - 1 - c) * $6::float8)
                                                  / $5::bigint) AS at
) AS t
"""

_SECONDARY_INDEXES = """
SELECT c.relname AS index_name, pg_get_indexdef(i.indexrelid) AS def
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relnamespace = 'public'::regnamespace AND t.relname = ANY($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
"""


@dataclass
class AnalyticsDataset:
    database: str
    tenant_id: uuid.UUID
    timezone: str
    api_key: str  # secret key with analytics:read
    members: int
    orders: int
    coupons: int
    days: int
    load_s: float = 0.0
    table_mib: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "tenant_id": str(self.tenant_id),
            "timezone": self.timezone,
            "members": self.members,
            "orders": self.orders,
            "coupons": self.coupons,
            "days": self.days,
            "load_s": round(self.load_s, 1),
            "table_mib": self.table_mib,
        }


async def _setup(admin_url: str, database: str) -> tuple[Any, list[uuid.UUID], uuid.UUID, str]:
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=database)
    await migrate(target, settings)
    owner = await asyncpg.connect(**role_target(target, "owner", settings).connect_kwargs())
    try:
        tenant = await create_tenant(owner, slug="bench-analytics", name="Bench analytics")
    finally:
        await owner.close()
    await init_db(role_target(target, "app", settings), settings)
    try:
        ctx = RequestContext.system(tenant)
        tiers = [
            (
                await create_tier(
                    ctx, TierChanges(name=name, rank=rank, metric="SPEND", threshold=t)
                )
            ).id
            for rank, (name, t) in enumerate([("普卡", 0), ("银卡", 100_000), ("金卡", 500_000)])
        ]
        template = await create_template(
            ctx, TemplateDraft(name="满100减10", kind="AMOUNT_OFF", amount_off=1000, valid_days=30)
        )
        key = await create_api_key(
            ctx, name="bench analytics", kind="secret", scopes=[Permission.ANALYTICS_READ.value]
        )
    finally:
        await close_db()
    return tenant, tiers, template.id, key.key


async def build_analytics_dataset(
    admin_url: str, database: str, *, members: int, orders: int, days: int, console: Console
) -> AnalyticsDataset:
    """Migrate ``database`` (already created), make the tenant and bulk-load its history."""
    with console.status("migrating, creating the tenant …"):
        tenant, tiers, template_id, api_key = await _setup(admin_url, database)
    coupons = orders // 20
    data = AnalyticsDataset(
        database, tenant.id, tenant.timezone, api_key, members, orders, coupons, days
    )
    target = replace(parse_postgres_url(admin_url), database=database)
    conn = await asyncpg.connect(**target.connect_kwargs())
    started = time.monotonic()
    try:
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
            await conn.execute(_INSERT_MEMBERS, tenant.id, lo, hi, now, members, tiers)
        console.print(f"{members:,} members  {time.monotonic() - started:.0f}s")
        for lo in range(0, orders, _CHUNK):
            hi = min(orders, lo + _CHUNK)
            await conn.execute(_INSERT_ORDERS, tenant.id, lo, hi, now, orders, span, members)
            console.print(f"orders {hi:,}/{orders:,}  {time.monotonic() - started:.0f}s")
        for lo in range(0, coupons, _CHUNK):
            hi = min(coupons, lo + _CHUNK)
            await conn.execute(
                _INSERT_COUPONS, tenant.id, lo, hi, now, coupons, span, members, template_id
            )
        console.print(f"{coupons:,} coupons  {time.monotonic() - started:.0f}s")
        for index in indexes:
            await conn.execute(index["def"])
        console.print(
            f"{len(indexes)} secondary indexes rebuilt  {time.monotonic() - started:.0f}s"
        )
        await conn.execute("RESET session_replication_role")
        # member balances, so that the liability has something to value
        await conn.execute(
            "UPDATE members SET points_balance = (hashtext(id::text) & 4095) WHERE tenant_id = $1",
            tenant.id,
        )
        for table in LOADED_TABLES:
            await conn.execute(f'VACUUM (ANALYZE) "{table}"')
        data.load_s = time.monotonic() - started
        for table in LOADED_TABLES:
            size = await conn.fetchval("SELECT pg_total_relation_size($1::regclass)", table)
            data.table_mib[table] = round(size / 2**20, 1)
    finally:
        await conn.close()
    console.print(f"loaded in {data.load_s:.0f}s: {data.table_mib}")
    return data


async def reuse_analytics_dataset(admin_url: str, database: str, *, days: int) -> AnalyticsDataset:
    """A database an earlier run kept (``--keep``): its tenant, counts, and a new key."""
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=database)
    conn = await asyncpg.connect(**target.connect_kwargs())
    try:
        tenant_id = await conn.fetchval("SELECT id FROM tenants WHERE slug = 'bench-analytics'")
        members = await conn.fetchval(
            "SELECT count(*) FROM members WHERE tenant_id = $1", tenant_id
        )
        orders = await conn.fetchval(
            "SELECT count(*) FROM orders WHERE tenant_id = $1 AND external_id NOT LIKE 'bench-new-%'",
            tenant_id,
        )
        coupons = await conn.fetchval(
            "SELECT count(*) FROM coupons WHERE tenant_id = $1", tenant_id
        )
        # the orders an earlier incremental step added go, so that the step can run again
        await conn.execute(
            "DELETE FROM orders WHERE tenant_id = $1 AND external_id LIKE 'bench-new-%'", tenant_id
        )
    finally:
        await conn.close()
    from tenants.registry import get_tenant

    await init_db(role_target(target, "app", settings), settings)
    try:
        tenant = await get_tenant(tenant_id)
        assert tenant is not None
        key = await create_api_key(
            RequestContext.system(tenant),
            name="bench analytics",
            kind="secret",
            scopes=[Permission.ANALYTICS_READ.value],
        )
    finally:
        await close_db()
    return AnalyticsDataset(
        database, tenant_id, tenant.timezone, key.key, members, orders, coupons, days
    )
