"""The benchmark's data: a throw-away database with ten tenants, one of them large.

The data is loaded the way the product loads it: the real migrations (roles, row-level security),
tenants created through the registry, members through ``membership.demo.seed_members`` (bulk
inserts inside a tenant transaction as the app role) and the API key through ``create_api_key``.
Every tenant gets the same phone numbers, so each phone the load asks for exists ten times and
the ``(tenant_id, phone)`` index (and row-level security) must pick the caller's tenant's row, as
in production where one shopper is a member of several merchants.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from urllib.parse import urlparse, urlunparse

import asyncpg
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from membership.db import PgTarget, close_db, init_db, migrate, parse_postgres_url, role_target
from membership.demo import seed_members, seed_reference_data
from membership.settings import get_settings
from tenants.api_keys import create_api_key
from tenants.context import RequestContext, TenantInfo
from tenants.registry import create_tenant

__all__ = [
    "TENANTS",
    "Dataset",
    "build_dataset",
    "create_database",
    "drop_database",
    "new_database_name",
    "url_for_database",
]

TENANTS = 10


@dataclass(frozen=True)
class Dataset:
    database_url: str  # superuser URL of the benchmark database
    tenant_id: uuid.UUID  # the large tenant
    api_key: str  # a secret key of the large tenant (all scopes, so phones come back unmasked)
    members: int  # members of the large tenant: phones demo_phone(0 … members-1)


def new_database_name() -> str:
    return f"bench_{secrets.token_hex(4)}"


def url_for_database(admin_url: str, database: str) -> str:
    """``admin_url`` with its database swapped (host, port, user and query string kept)."""
    return urlunparse(urlparse(admin_url)._replace(path=f"/{database}"))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def create_database(admin: PgTarget, database: str) -> None:
    conn = await asyncpg.connect(**admin.connect_kwargs())
    try:
        await conn.execute(f"CREATE DATABASE {_ident(database)}")
    finally:
        await conn.close()


async def drop_database(admin: PgTarget, database: str) -> None:
    """Drop ``database``, closing whatever sessions are still connected to it."""
    conn = await asyncpg.connect(**admin.connect_kwargs())
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_ident(database)} WITH (FORCE)")
    finally:
        await conn.close()


async def backend_pids(database_url: str) -> list[int]:
    """Process ids of the PostgreSQL backends serving ``database_url``'s database (not this one)."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return [int(r["pid"]) for r in rows]


async def build_dataset(
    admin_url: str, database: str, *, members: int, other_members: int, console: Console
) -> Dataset:
    """Migrate ``database`` (already created) and fill it; returns what the load needs."""
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=database)
    await migrate(target, settings)

    owner = await asyncpg.connect(**role_target(target, "owner", settings).connect_kwargs())
    try:
        tenants: list[TenantInfo] = [
            await create_tenant(owner, slug=f"bench-{i}", name=f"Bench tenant {i}")
            for i in range(TENANTS)
        ]
    finally:
        await owner.close()

    sizes = [members] + [other_members] * (TENANTS - 1)
    await init_db(role_target(target, "app", settings), settings)
    try:
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console) as progress:
            overall = progress.add_task("members", total=sum(sizes))
            for i, (tenant, size) in enumerate(zip(tenants, sizes, strict=True)):
                ctx = RequestContext.system(tenant)
                await seed_reference_data(ctx)  # tiers, so `tier { name }` resolves
                task = progress.add_task(tenant.slug, total=size)

                def advance(n: int, task: TaskID = task) -> None:
                    progress.advance(task, n)
                    progress.advance(overall, n)

                await seed_members(ctx, size, seed=7 + i, progress=advance)
                progress.remove_task(task)
        key = await create_api_key(RequestContext.system(tenants[0]), name="bench", kind="secret")
    finally:
        await close_db()

    # Fresh statistics and visibility map, as a long-running database would have.
    conn = await asyncpg.connect(**target.connect_kwargs())
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    return Dataset(url_for_database(admin_url, database), tenants[0].id, key.key, members)
