"""How every ``membership`` command runs: one JSON object on stdout, errors as JSON with exit
status 1, the app-role database pool open around the work, and a tenant's context by its slug."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from membership.db import close_db, init_db, resolve_postgres, role_target
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.settings import get_settings
from tenants.context import RequestContext

__all__ = ["err", "fail", "print_json", "run_command", "tenant_context"]

T = TypeVar("T")

err = Console(stderr=True)  # progress and messages; stdout carries only the JSON


def print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=str))


def fail(exc: DomainError) -> None:
    """Print the failures as JSON and stop with exit status 1."""
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    print_json(
        {"errors": [{"code": e.code.value, "field": e.field, "message": e.message} for e in errors]}
    )
    raise typer.Exit(1)


def run_command(coro_fn: Callable[[], Awaitable[T]], *, database: bool = True) -> T:
    """Run an async command with the app-role pool open; expected failures end it via ``fail``."""

    async def runner() -> T:
        if database:
            settings = get_settings()
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
