"""How every ``membership`` command runs: one JSON object on stdout, errors as JSON with exit
status 1, the app-role database pool open around the work, and a tenant's context by its slug.

A command that needs the database first checks that ``membership migrate`` has made it (the roles,
every migration), and otherwise says so in one line instead of failing in the middle of its work.
"""

from __future__ import annotations

import asyncio
import json
import pkgutil
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

import asyncpg
import typer
from rich.console import Console

from membership.db import close_db, init_db, resolve_postgres, role_target
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.settings import Settings, get_settings
from tenants.context import RequestContext

__all__ = ["err", "fail", "print_json", "require_migrated", "run_command", "tenant_context"]

T = TypeVar("T")

err = Console(stderr=True)  # progress and messages; stdout carries only the JSON


def print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=str))


def fail(exc: DomainError) -> NoReturn:
    """Print the failures as JSON and stop with exit status 1."""
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    print_json(
        {"errors": [{"code": e.code.value, "field": e.field, "message": e.message} for e in errors]}
    )
    raise typer.Exit(1)


NOT_MIGRATED = "The database is not migrated: run `membership migrate` first."


def _migration_names() -> set[str]:
    """The migrations this version has, named as tortoise records them once applied."""
    import membership.migrations as package

    return {
        name
        for _, name, is_package in pkgutil.iter_modules(package.__path__)
        if not is_package and name[0] not in "_~"
    }


async def _is_migrated(settings: Settings) -> bool:
    """Whether the roles exist and every migration of this version is applied (asked as admin)."""
    conn = await asyncpg.connect(**resolve_postgres(settings).connect_kwargs())
    try:
        roles = await conn.fetchval(
            "SELECT count(*) FROM pg_roles WHERE rolname = ANY($1::text[])",
            [settings.db_owner_role, settings.db_app_role],
        )
        if roles != 2 or await conn.fetchval("SELECT to_regclass('tortoise_migrations')") is None:
            return False
        applied = await conn.fetch("SELECT name FROM tortoise_migrations WHERE app = 'membership'")
    finally:
        await conn.close()
    return _migration_names() <= {row["name"] for row in applied}


async def _require_migrated(settings: Settings) -> None:
    if not await _is_migrated(settings):
        typer.echo(NOT_MIGRATED, err=True)
        raise typer.Exit(1)


def require_migrated() -> None:
    """Stop with one line on stderr, and exit status 1, unless the database is migrated."""
    asyncio.run(_require_migrated(get_settings()))


def run_command(coro_fn: Callable[[], Awaitable[T]], *, database: bool = True) -> T:
    """Run an async command with the app-role pool open; expected failures end it via ``fail``.

    The database must be migrated either way; ``database=False`` only leaves the pool closed, for
    commands that connect as another role.
    """

    async def runner() -> T:
        settings = get_settings()
        await _require_migrated(settings)
        if database:
            await init_db(role_target(resolve_postgres(settings), "app", settings), settings)
        try:
            return await coro_fn()
        finally:
            if database:
                await close_db()

    try:
        return asyncio.run(runner())
    except DomainError as exc:
        fail(exc)
        raise  # unreachable


async def tenant_context(slug: str) -> RequestContext:
    """The platform's own context in the tenant with this slug."""
    from tenants.registry import get_tenant_by_slug

    tenant = await get_tenant_by_slug(slug)
    if tenant is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No tenant '{slug}'.", ["tenant"], slug=slug)
    return RequestContext.system(tenant)
