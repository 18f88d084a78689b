"""The recordOrder benchmark's data: two tenants of one database, a small one and a big one.

The schema, the tenants, their tiers and API keys are made the way the product makes them (the
real migrations, ``create_tenant``, ``seed_reference_data``, ``create_api_key``). Members, points
entries and lots are then bulk-loaded with server-side SQL (``INSERT … SELECT … FROM
generate_series``) on the superuser connection, which row-level security does not apply to:
millions of rows load in minutes instead of hours through the ORM.

Every member ``i`` of a tenant with ``n`` members has a points history of ``entries / n`` EARN
entries (the first ``entries % n`` members one more), each with one lot, so the ledger invariant
holds: ``points_balance`` = sum of the member's entries = sum of its lots' ``remaining``. It also
has ``orders_per_member`` past orders inside the tiers' one-year window (below the next tier), so
the tier metric reads real rows and the planner never sees an empty ``orders`` table: a server
that first plans its queries on an empty table keeps those plans on its connections until the
table is analysed again, and with autovacuum off that is never.

Ids look like ``uuid4`` (an md5 of the tenant, the kind and the ordinal), except that their first
byte is ``i * 256 // n``: the rows of a load chunk are inserted in primary-key order after those
of the chunks before, so the primary keys grow at their right edge instead of splitting pages all
over, and still spread over the whole key space as the app's random ids do. The load generator
computes the same member ids (``member_id``) without asking the database.

Secondary indexes of the loaded tables are dropped before the load and recreated after it from
their own definitions (``pg_get_indexdef``); foreign keys stay, their checks are skipped during
the load (``session_replication_role = replica``, superuser only) because the generated rows are
consistent by construction. The tables are vacuumed and analysed at the end, as a long-running
database would be.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import asyncpg
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from bench.dataset import url_for_database
from membership.db import close_db, init_db, migrate, parse_postgres_url, role_target
from membership.demo import seed_reference_data
from membership.settings import get_settings
from membership.tiers.models import Tier
from tenants.api_keys import create_api_key
from tenants.context import RequestContext, TenantInfo
from tenants.permissions import Permission
from tenants.registry import create_tenant
from tenants.tx import tenant_tx

__all__ = [
    "LOADED_TABLES",
    "OrderDataset",
    "TenantData",
    "build_order_dataset",
    "member_id",
]

LOADED_TABLES = ("members", "points_entries", "points_lots", "orders")
MAX_MEMBERS = 10_000_000  # phones are demo_phone(i): seven digits
_CHUNK_BYTES = 256  # ids' first byte: chunks are ranges of it


def member_id(tenant_id: uuid.UUID | str, index: int, members: int) -> uuid.UUID:
    """Id of member ``index`` (0 … members-1) of a tenant loaded by this module."""
    digest = hashlib.md5(f"{tenant_id}:m:{index}".encode()).hexdigest()
    return uuid.UUID(hex=f"{index * _CHUNK_BYTES // members:02x}{digest[2:]}")


@dataclass(frozen=True)
class TenantData:
    role: str  # "small" or "big"
    tenant_id: uuid.UUID
    slug: str
    api_key: str  # secret key with the orders:write scope only
    members: int
    entries: int  # EARN entries, one lot each
    min_entries_per_member: int  # members with fewer points than a spend would fail
    orders: int  # past orders, ``orders_per_member`` each

    @property
    def min_balance(self) -> int:
        """Every member holds at least this many points when the load starts."""
        return self.min_entries_per_member * _POINTS_MIN


@dataclass
class OrderDataset:
    database_url: str  # superuser URL of the benchmark database
    small: TenantData
    big: TenantData
    load_s: float = 0.0  # bulk load, index builds and VACUUM ANALYZE (not migrations)
    setup_s: float = 0.0  # migrations, tenants, tiers and API keys
    steps: list[dict[str, Any]] = field(default_factory=list)
    table_mib: dict[str, float] = field(default_factory=dict)
    invariant: dict[str, Any] = field(default_factory=dict)

    def tenants(self) -> list[TenantData]:
        return [self.small, self.big]

    def summary(self) -> dict[str, Any]:
        return {
            "small": {k: v for k, v in asdict(self.small).items() if k != "api_key"},
            "big": {k: v for k, v in asdict(self.big).items() if k != "api_key"},
            "setup_s": round(self.setup_s, 1),
            "load_s": round(self.load_s, 1),
            "steps": self.steps,
            "table_mib": self.table_mib,
            "invariant": self.invariant,
        }


# ------------------------------------------------------------------------------------- SQL

_POINTS_MIN = 100  # member i earns 100 + i % 50 points per entry
_MEMBER_ID = (
    "(lpad(to_hex((i * 256) / $4), 2, '0') || substr(md5($1::uuid::text || ':m:' || i), 3))::uuid"
)

# $1 tenant, $2/$3 member ordinals [lo, hi), $4 members, $5 entries per member, $6 members with
# one more, $7 now, $8 tier ids by rank
_INSERT_MEMBERS = f"""
INSERT INTO members (
    tenant_id, id, phone, name, gender, birthday, external_id, source_channel, tags,
    custom_fields, tier_id, points_balance, total_spent, order_count, created_at, updated_at)
SELECT $1::uuid, m.id, '+861740' || lpad(i::text, 7, '0'), '会员' || i,
       (ARRAY['MALE', 'FEMALE', 'FEMALE', 'UNKNOWN'])[1 + i % 4],
       date '1960-01-01' + (i % 16000)::int,
       'CRM' || lpad(i::text, 8, '0'),
       (ARRAY['mini_program', 'store', 'tmall', 'jd', 'wecom', 'referral'])[1 + i % 6],
       CASE WHEN i % 3 = 0 THEN '{{}}'::text[]
            ELSE ARRAY[(ARRAY['新客', '复购', '高价值', '母婴', '美妆', '运动', '线上', '门店',
                              '企业客户', '沉睡'])[1 + (i / 3) % 10]] END,
       CASE WHEN i % 5 < 2
            THEN jsonb_build_object('skin_type', (ARRAY['干性', '油性', '混合', '敏感'])[1 + (i / 5) % 4])
            ELSE '{{}}'::jsonb END,
       ($8::uuid[])[CASE WHEN (i * 7919) % 100 < 60 THEN 1 WHEN (i * 7919) % 100 < 85 THEN 2
                        WHEN (i * 7919) % 100 < 97 THEN 3 ELSE 4 END],
       ($5 + (i < $6)::int) * ({_POINTS_MIN} + i % 50),
       (i * 7919) % 3000000, (i % 40)::int,
       m.created, m.created
FROM (SELECT i, {_MEMBER_ID} AS id,
             $7::timestamptz - make_interval(days => (($5 + 2) * 30 + i % 300)::int) AS created
      FROM generate_series($2::bigint, $3::bigint - 1) AS i) AS m
ORDER BY m.id
"""

# Entry k of member i earns p = 100 + i % 50 points, 30 days after the one before; each entry
# has one lot, whose id is derived from the entry's. Entries and lots are two statements over the
# same generated rows, run side by side on two connections.
_LEDGER_ROWS = f"""
SELECT lpad(to_hex(m.b), 2, '0') || substr(md5($1::uuid::text || ':e:' || m.i || ':' || k), 3)
           AS entry_hex,
       m.id AS member_id, m.p AS points, m.p * (k + 1) AS balance_after,
       $7::timestamptz - make_interval(days => ((m.n - k) * 30 + m.i % 30)::int) AS at
FROM (SELECT i, (i * 256) / $4 AS b, {_MEMBER_ID} AS id, {_POINTS_MIN} + i % 50 AS p,
             $5 + (i < $6)::int AS n
      FROM generate_series($2::bigint, $3::bigint - 1) AS i) AS m
CROSS JOIN LATERAL generate_series(0, m.n - 1) AS k
"""
_INSERT_ENTRIES = f"""
INSERT INTO points_entries (
    tenant_id, id, member_id, kind, points, balance_after, reason, available_at,
    actor_type, created_at)
SELECT $1::uuid, r.entry_hex::uuid, r.member_id, 'EARN', r.points, r.balance_after, 'order',
       r.at, 'system', r.at
FROM ({_LEDGER_ROWS}) AS r
ORDER BY 2
"""
_INSERT_LOTS = f"""
INSERT INTO points_lots (
    tenant_id, id, member_id, entry_id, amount, remaining, available_at, created_at)
SELECT $1::uuid, (substr(r.entry_hex, 1, 2) || substr(md5(r.entry_hex || ':l'), 3))::uuid,
       r.member_id, r.entry_hex::uuid, r.points, r.points, r.at, r.at
FROM ({_LEDGER_ROWS}) AS r
ORDER BY 2
"""

# Order j of member i: 50 to 200 yuan, 20 to 320 days ago (inside the tiers' one-year window,
# far below the next tier's threshold). Past orders make the tier metric read real rows, and give
# the planner a table that is not empty when the API first plans its queries.
_INSERT_ORDERS = f"""
INSERT INTO orders (
    tenant_id, id, external_id, member_id, amount, points_earned, status, store_code, items,
    earning, request_hash, paid_at, created_at)
SELECT $1::uuid,
       (lpad(to_hex(m.b), 2, '0') || substr(md5($1::uuid::text || ':o:' || m.i || ':' || j), 3))::uuid,
       'seed-' || m.i || '-' || j, m.id, a.amount, a.amount / 100, 'COMPLETED',
       'S' || lpad((1 + (m.i + j) % 50)::text, 3, '0'),
       jsonb_build_array(jsonb_build_object(
           'sku', 'SKU-' || lpad(((m.i * 31 + j) % 10000)::text, 5, '0'), 'category', '食品',
           'quantity', 1, 'unitPrice', a.amount)),
       '{{}}'::jsonb, 'seed', a.at, a.at
FROM (SELECT i, (i * 256) / $4 AS b, {_MEMBER_ID} AS id
      FROM generate_series($2::bigint, $3::bigint - 1) AS i) AS m
CROSS JOIN LATERAL generate_series(0, $5 - 1) AS j
CROSS JOIN LATERAL (
    SELECT 5000 + (m.i * 7919 + j * 104729) % 15000 AS amount,
           $6::timestamptz - make_interval(days => (20 + (m.i + j * 97) % 300)::int) AS at
) AS a
ORDER BY 2
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

_INDEX_PROGRESS = """
SELECT coalesce(nullif(blocks_total, 0), tuples_total) AS total,
       CASE WHEN blocks_total > 0 THEN blocks_done ELSE tuples_done END AS done, phase
FROM pg_stat_progress_create_index WHERE pid = $1
"""
_VACUUM_PROGRESS = """
SELECT heap_blks_total AS total, heap_blks_scanned AS done, phase
FROM pg_stat_progress_vacuum WHERE pid = $1
UNION ALL
SELECT sample_blks_total, sample_blks_scanned, phase
FROM pg_stat_progress_analyze WHERE pid = $1
"""

# Per member: balance = sum of entries = sum of open lots (sampled for the big tenant).
_INVARIANT = """
SELECT count(*) AS members,
       count(*) FILTER (WHERE m.points_balance <> coalesce(e.points, 0)
                           OR m.points_balance <> coalesce(l.points, 0)) AS broken
FROM (SELECT * FROM members WHERE tenant_id = $1 ORDER BY id LIMIT $2) AS m
LEFT JOIN LATERAL (SELECT sum(points) AS points FROM points_entries
                   WHERE tenant_id = $1 AND member_id = m.id) AS e ON true
LEFT JOIN LATERAL (SELECT sum(remaining) AS points FROM points_lots
                   WHERE tenant_id = $1 AND member_id = m.id AND remaining > 0
                     AND NOT pending) AS l ON true
"""


def _chunks(members: int) -> list[tuple[int, int]]:
    """Ranges [lo, hi) of member ordinals that each cover whole first-byte values of the ids;
    about 2,000 members a chunk, 256 chunks at most."""
    groups = 1
    while groups < _CHUNK_BYTES and members // (groups * 2) >= 2000:
        groups *= 2
    first_bytes = [g * _CHUNK_BYTES // groups for g in range(groups)]
    # member i's first byte is i * 256 // members, so byte b starts at ceil(b * members / 256)
    bounds = [(b * members + _CHUNK_BYTES - 1) // _CHUNK_BYTES for b in first_bytes]
    bounds.append(members)
    return [(lo, hi) for lo, hi in itertools.pairwise(bounds) if hi > lo]


def _entries_of(lo: int, hi: int, per_member: int, extra: int) -> int:
    return (hi - lo) * per_member + max(0, min(hi, extra) - lo)


# ---------------------------------------------------------------------------------- building


class _Steps:
    """Timed load steps shown as progress bars; each one also ends up in the JSON."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.done: list[dict[str, Any]] = []

    def start(self, name: str, total: float | None) -> tuple[TaskID, float]:
        return self.progress.add_task(name, total=total), time.monotonic()

    def finish(self, task: TaskID, started: float, name: str, rows: int | None = None) -> None:
        seconds = time.monotonic() - started
        total = self.progress.tasks[task].total or 1
        self.progress.update(task, total=total, completed=total)
        step: dict[str, Any] = {"step": name, "seconds": round(seconds, 2)}
        if rows is not None:
            step["rows"] = rows
            step["rows_per_s"] = round(rows / seconds) if seconds > 0 else None
        self.done.append(step)


async def _with_progress(
    conn: asyncpg.Connection,
    watcher: asyncpg.Connection,
    run: Callable[[], Awaitable[Any]],
    poll_sql: str,
    update: Callable[[int | None, int | None], None],
) -> None:
    """Run ``run`` on ``conn`` while ``watcher`` polls PostgreSQL's progress view for it."""
    pid = conn.get_server_pid()
    task = asyncio.ensure_future(run())
    try:
        while not task.done():
            with contextlib.suppress(asyncpg.PostgresError):
                row = await watcher.fetchrow(poll_sql, pid)
                if row is not None:
                    update(row["done"], row["total"])
            await asyncio.wait({task}, timeout=0.5)
    finally:
        if not task.done():
            task.cancel()
    await task


async def _setup(
    admin_url: str, database: str, roles: dict[str, int]
) -> dict[str, tuple[TenantInfo, str, list[uuid.UUID]]]:
    """Migrations, tenants (as the owner role), tiers and a key per tenant (as the app role)."""
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=database)
    await migrate(target, settings)
    owner = await asyncpg.connect(**role_target(target, "owner", settings).connect_kwargs())
    try:
        tenants = {
            role: await create_tenant(owner, slug=f"bench-{role}", name=f"Bench {role} tenant")
            for role in roles
        }
    finally:
        await owner.close()
    made: dict[str, tuple[TenantInfo, str, list[uuid.UUID]]] = {}
    await init_db(role_target(target, "app", settings), settings)
    try:
        for role, tenant in tenants.items():
            ctx = RequestContext.system(tenant)
            await seed_reference_data(ctx)
            key = await create_api_key(
                ctx, name="bench orders", kind="secret", scopes=[Permission.ORDERS_WRITE.value]
            )
            async with tenant_tx(ctx):
                tiers = [t.id for t in await Tier.all().order_by("rank")]
            made[role] = (tenant, key.key, tiers)
    finally:
        await close_db()
    return made


async def build_order_dataset(
    admin_url: str,
    database: str,
    *,
    small_members: int,
    small_entries: int,
    big_members: int,
    big_entries: int,
    orders_per_member: int = 2,
    console: Console,
) -> OrderDataset:
    """Migrate ``database`` (already created), make both tenants and bulk-load their ledgers."""
    sizes = {"small": (small_members, small_entries), "big": (big_members, big_entries)}
    for role, (members, entries) in sizes.items():
        if not 1 <= members <= MAX_MEMBERS or entries < 0:
            raise ValueError(f"{role}: 1 ≤ members ≤ {MAX_MEMBERS:,} and entries ≥ 0 needed")
    if orders_per_member < 0:
        raise ValueError("orders_per_member must be ≥ 0")
    started = time.monotonic()
    with console.status("migrating, creating tenants, tiers and API keys …"):
        made = await _setup(admin_url, database, {role: m for role, (m, _) in sizes.items()})
    setup_s = time.monotonic() - started
    console.print(f"schema, tenants, tiers and keys ready in {setup_s:.1f}s")

    tenants = {
        role: TenantData(
            role=role,
            tenant_id=made[role][0].id,
            slug=made[role][0].slug,
            api_key=made[role][1],
            members=members,
            entries=entries,
            min_entries_per_member=entries // members,
            orders=members * orders_per_member,
        )
        for role, (members, entries) in sizes.items()
    }
    dataset = OrderDataset(
        database_url=url_for_database(admin_url, database),
        small=tenants["small"],
        big=tenants["big"],
        setup_s=setup_s,
    )
    target = replace(parse_postgres_url(admin_url), database=database)
    conn = await asyncpg.connect(**target.connect_kwargs())
    watcher = await asyncpg.connect(**target.connect_kwargs())
    load_started = time.monotonic()
    try:
        if not await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            raise RuntimeError("the bulk load needs a superuser DATABASE_URL (it bypasses RLS)")
        for c in (conn, watcher):  # the watcher is the second loader while ledgers load
            await c.execute(
                "SET session_replication_role = replica; SET synchronous_commit = off; "
                "SET jit = off; SET work_mem = '64MB'; SET maintenance_work_mem = '1GB'"
            )
        await conn.execute(
            "INSERT INTO points_settings (tenant_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING",
            [t.tenant_id for t in dataset.tenants()],
        )
        columns = (
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console) as progress:
            steps = _Steps(progress)
            indexes = await conn.fetch(_SECONDARY_INDEXES, list(LOADED_TABLES))
            task, t0 = steps.start("drop secondary indexes", len(indexes))
            for index in indexes:
                await conn.execute(f'DROP INDEX "{index["index_name"]}"')
                progress.advance(task)
            steps.finish(task, t0, "drop secondary indexes")

            # Tenants in id order: each one's primary-key range is filled at the right edge.
            for tenant in sorted(dataset.tenants(), key=lambda t: t.tenant_id):
                await _load_tenant(conn, watcher, steps, tenant, made[tenant.role][2])

            for index in indexes:
                name = f"index {index['index_name']}"
                task, t0 = steps.start(name, None)

                def update(done: int | None, total: int | None, task: TaskID = task) -> None:
                    if total:
                        progress.update(task, total=total, completed=done or 0)

                await _with_progress(
                    conn, watcher, lambda d=index["def"]: conn.execute(d), _INDEX_PROGRESS, update
                )
                steps.finish(task, t0, name)

            await conn.execute("RESET session_replication_role")
            tables = [
                r["tablename"]
                for r in await conn.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            for table in [t for t in LOADED_TABLES if t in tables] + [
                t for t in tables if t not in LOADED_TABLES
            ]:
                name = f"VACUUM ANALYZE {table}"
                task, t0 = steps.start(name, None)

                def update_v(done: int | None, total: int | None, task: TaskID = task) -> None:
                    if total:
                        progress.update(task, total=total, completed=done or 0)

                await _with_progress(
                    conn,
                    watcher,
                    lambda t=table: conn.execute(f'VACUUM (ANALYZE) "{t}"'),
                    _VACUUM_PROGRESS,
                    update_v,
                )
                steps.finish(task, t0, name)
        dataset.steps = steps.done
        dataset.load_s = time.monotonic() - load_started
        for table in LOADED_TABLES:
            size = await conn.fetchval("SELECT pg_total_relation_size($1::regclass)", table)
            dataset.table_mib[table] = round(size / 2**20, 1)
        for tenant in dataset.tenants():
            sample = min(tenant.members, 1000)
            row = await conn.fetchrow(_INVARIANT, tenant.tenant_id, sample)
            dataset.invariant[tenant.role] = {
                "members_checked": row["members"],
                "broken": row["broken"],
            }
    finally:
        await watcher.close()
        await conn.close()
    _print_load(dataset, console)
    return dataset


async def _load_tenant(
    conn: asyncpg.Connection,
    second: asyncpg.Connection,
    steps: _Steps,
    tenant: TenantData,
    tiers: list[uuid.UUID],
) -> None:
    if len(tiers) < 4:
        raise RuntimeError("the bench tenants need the four demo tiers")
    progress = steps.progress
    now = datetime.now(UTC)
    per_member, extra = divmod(tenant.entries, tenant.members)
    chunks = _chunks(tenant.members)

    name = f"members {tenant.role}"
    task, t0 = steps.start(name, tenant.members)
    for lo, hi in chunks:
        await conn.execute(
            _INSERT_MEMBERS,
            tenant.tenant_id,
            lo,
            hi,
            tenant.members,
            per_member,
            extra,
            now,
            tiers[:4],
        )
        progress.advance(task, hi - lo)
    steps.finish(task, t0, name, tenant.members)

    if tenant.orders:
        name = f"orders {tenant.role}"
        task, t0 = steps.start(name, tenant.orders)
        each = tenant.orders // tenant.members
        for lo, hi in chunks:
            await conn.execute(_INSERT_ORDERS, tenant.tenant_id, lo, hi, tenant.members, each, now)
            progress.advance(task, (hi - lo) * each)
        steps.finish(task, t0, name, tenant.orders)

    if tenant.entries == 0:
        return
    name = f"entries + lots {tenant.role}"
    task, t0 = steps.start(name, tenant.entries)
    for lo, hi in chunks:
        values = (tenant.tenant_id, lo, hi, tenant.members, per_member, extra, now)
        await asyncio.gather(
            conn.execute(_INSERT_ENTRIES, *values), second.execute(_INSERT_LOTS, *values)
        )
        progress.advance(task, _entries_of(lo, hi, per_member, extra))
    steps.finish(task, t0, name, 2 * tenant.entries)


def _print_load(dataset: OrderDataset, console: Console) -> None:
    table = Table(title=f"dataset loaded in {dataset.load_s:.1f}s (+{dataset.setup_s:.1f}s setup)")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_column("rows/s", justify="right")
    for step in dataset.steps:
        rate = step.get("rows_per_s")
        table.add_row(step["step"], f"{step['seconds']:.1f}", "" if rate is None else f"{rate:,}")
    console.print(table)
    sizes = ", ".join(f"{k} {v:,.0f} MiB" for k, v in dataset.table_mib.items())
    console.print(f"sizes with indexes: {sizes}")
    for role, check in dataset.invariant.items():
        colour = "green" if check["broken"] == 0 else "red"
        console.print(
            f"ledger invariant, {role} tenant: [{colour}]{check['broken']} broken[/{colour}] "
            f"of {check['members_checked']:,} members checked"
        )
