"""The ``membership`` command. Every command that creates something prints one JSON object."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from membership.cli_analytics import analytics_app
from membership.cli_coupons import coupons_app
from membership.cli_operations import operations_app
from membership.cli_plugins import plugin_app
from membership.cli_support import err, print_json, require_migrated, run_command, tenant_context
from membership.db import (
    migrate as run_migrations,
)
from membership.db import (
    resolve_postgres,
    resolve_redis_url,
    role_target,
)
from membership.errors import DomainError, ErrorCode
from membership.settings import get_settings
from membership.storable_text import is_storable
from tenants.context import TenantInfo

__all__ = ["app", "main"]

app = typer.Typer(
    help="Membership and loyalty platform.", no_args_is_help=True, pretty_exceptions_enable=False
)
tenant_app = typer.Typer(help="Tenants (merchants).", no_args_is_help=True)
user_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(demo_app, name="demo")
app.add_typer(coupons_app, name="coupons")
app.add_typer(plugin_app, name="plugin")
app.add_typer(analytics_app, name="analytics")
app.add_typer(operations_app, name="operations")


@app.callback()
def _embedded_servers(ctx: typer.Context) -> None:
    """With DATABASE_URL / REDIS_URL unset, make sure the embedded servers under ./var/ run."""
    settings = get_settings()
    if ctx.invoked_subcommand in ("stop", "schema") or not settings.embedded:
        return
    if settings.database_url is None:
        resolve_postgres(settings)
    if settings.redis_url is None:
        resolve_redis_url(settings)


DEMO_PASSWORD = "demo-pass-2026"


# ---------------------------------------------------------------- servers


@app.command()
def migrate() -> None:
    """Create database roles and apply migrations (as the owner role). Safe to run twice."""
    settings = get_settings()
    asyncio.run(run_migrations(resolve_postgres(settings), settings))
    err.print("[green]migrations applied[/green]")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="TCP port."),
    with_worker: bool = typer.Option(False, "--with-worker", help="Also run a worker."),
    workers: int = typer.Option(1, min=1, help="API processes, each on a socket of its own."),
) -> None:
    """Run the API (GraphQL at /graphql, admin SPA at /admin/).

    With ``--workers N`` above 1, N API processes share the port through SO_REUSEPORT sockets,
    so the kernel spreads connections evenly over them (see docs/deployment.md); one that dies
    is started again, and repeated deaths end the command with status 1.

    SIGTERM (a service manager's stop) and SIGINT shut the API down and then the worker, which
    this command waits for.
    """
    import uvicorn

    settings = get_settings()
    # Start embedded servers once here, so the API processes and the worker find them running.
    resolve_postgres(settings)
    resolve_redis_url(settings)
    require_migrated()
    if workers > 1:
        from membership.serving import serve_processes

        worker_proc = None
        try:
            if with_worker:
                worker_proc = subprocess.Popen([sys.executable, "-m", "membership.cli", "worker"])
            status = serve_processes(host, port, workers)
        finally:
            if worker_proc is not None:
                _stop_worker(worker_proc)
        raise typer.Exit(status)
    # uvicorn handles these signals while it serves, then raises them again once it has shut
    # down; with the default SIGTERM action that would end this process before its worker.
    signal.signal(signal.SIGTERM, _stop_serving)
    signal.signal(signal.SIGINT, _stop_serving)
    worker_proc = None
    try:
        if with_worker:
            worker_proc = subprocess.Popen([sys.executable, "-m", "membership.cli", "worker"])
        uvicorn.run(
            "membership.app:create_app",
            factory=True,
            host=host,
            port=port,
            loop="uvloop",
            http="httptools",
            access_log=False,
            log_level="warning",
        )
    finally:
        if worker_proc is not None:
            _stop_worker(worker_proc)


def _stop_serving(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _stop_worker(worker_proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the worker (arq finishes gracefully) and wait for it; kill it after 10 seconds."""
    # A second signal must not cut the wait short and leave the worker behind.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_proc.send_signal(signal.SIGTERM)
    try:
        worker_proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker_proc.kill()
        worker_proc.wait()


@app.command()
def worker() -> None:
    """Run the worker: the event relay, handlers, webhook deliveries, bulk codes and cron."""
    from workers.main import run

    require_migrated()
    asyncio.run(run())


@app.command()
def stop() -> None:
    """Stop the embedded PostgreSQL and Redis of this working directory."""
    settings = get_settings()
    if not settings.embedded:
        err.print("DATABASE_URL and REDIS_URL are set: nothing embedded to stop.")
        return
    from membership.embedded import stop_all

    stopped = stop_all(settings.var_dir)
    err.print(f"stopped: {', '.join(stopped) or 'nothing was running'}")


# ---------------------------------------------------------------- tenants, staff, keys


def _tenant_json(tenant: TenantInfo) -> dict[str, Any]:
    sandbox = tenant.sandbox
    return {
        "id": str(tenant.id),
        "slug": tenant.slug,
        "name": tenant.name,
        "timezone": tenant.timezone,
        "currency": tenant.currency,
        "testClock": {"frozenTime": sandbox.frozen_time.isoformat(), "status": sandbox.status}
        if sandbox
        else None,
    }


def _test_time(value: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.INVALID,
            "Give the time in ISO 8601, e.g. 2026-01-01T09:00:00+08:00.",
            [field],
        ) from exc


@tenant_app.command("create")
def tenant_create(
    slug: str = typer.Option(..., help="URL-safe id, e.g. acme"),
    name: str = typer.Option(..., help="Display name"),
    timezone: str = typer.Option("Asia/Shanghai", help="IANA time zone"),
    currency: str = typer.Option("CNY", help="ISO 4217 currency"),
    test_clock: str | None = typer.Option(
        None,
        "--test-clock",
        help="Make a sandbox tenant whose time stands still at this ISO 8601 time (without an "
        "offset: in --timezone) until its clock is advanced",
    ),
) -> None:
    """Register a tenant (a sandbox tenant with --test-clock)."""
    from tenants.registry import create_tenant

    async def run() -> TenantInfo:
        frozen = _test_time(test_clock, "testClock") if test_clock is not None else None
        settings = get_settings()
        owner = role_target(resolve_postgres(settings), "owner", settings)
        conn = await asyncpg.connect(**owner.connect_kwargs())
        try:
            return await create_tenant(
                conn,
                slug=slug,
                name=name,
                timezone=timezone,
                currency=currency,
                test_clock=frozen,
            )
        finally:
            await conn.close()

    print_json(_tenant_json(run_command(run, database=False)))


@tenant_app.command("advance-clock")
def tenant_advance_clock(
    slug: str = typer.Option(..., help="A sandbox tenant's slug"),
    to: str = typer.Option(..., help="ISO 8601 time (without an offset: the tenant's time zone)"),
) -> None:
    """Advance a sandbox tenant's test clock to --to, running what falls due on the way."""
    import structlog

    from membership.testclock.service import advance_test_clock

    # what the advance logs goes to stderr: stdout carries the one JSON object
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=sys.stderr))

    async def run() -> TenantInfo:
        from tenants.registry import get_tenant

        ctx = await tenant_context(slug)
        await advance_test_clock(ctx, _test_time(to, "to"), inline_seconds=None)
        return await get_tenant(ctx.tenant.id) or ctx.tenant

    print_json(_tenant_json(run_command(run)))


@tenant_app.command("list")
def tenant_list() -> None:
    """List tenants, one JSON object per line."""
    from tenants.registry import list_tenants

    for t in run_command(list_tenants):
        print_json(_tenant_json(t))


@user_app.command("create")
def user_create(
    tenant: str = typer.Option(..., help="Tenant slug"),
    email: str = typer.Option(...),
    password: str = typer.Option(...),
    role: str = typer.Option("owner", help="owner, admin, marketer, clerk or analyst"),
    name: str | None = typer.Option(None),
) -> None:
    """Create a staff account."""
    from tenants.staff import create_staff

    async def run() -> Any:
        ctx = await tenant_context(tenant)
        return await create_staff(ctx, email=email, password=password, role=role, name=name)

    staff = run_command(run)
    print_json({"id": str(staff.id), "email": staff.email, "role": staff.role})


@apikey_app.command("create")
def apikey_create(
    tenant: str = typer.Option(..., help="Tenant slug"),
    name: str = typer.Option(..., help="What uses the key, e.g. 'POS'"),
    kind: str = typer.Option("secret", help="secret or publishable"),
    scope: list[str] = typer.Option(
        None,
        help="Repeat for each scope (docs/permissions.md); default: the default scopes. "
        "programme:manage and webhooks:manage only when named.",
    ),
    expires_in_days: int | None = typer.Option(
        None, help="The key is refused after this many days (at most 3 years); default: never."
    ),
) -> None:
    """Create an API key; the key is printed once."""
    from datetime import timedelta

    from tenants.api_keys import create_api_key

    async def run() -> Any:
        ctx = await tenant_context(tenant)
        expires_at = (
            None if expires_in_days is None else ctx.clock.now() + timedelta(days=expires_in_days)
        )
        return await create_api_key(
            ctx, name=name, kind=kind, scopes=scope or None, expires_at=expires_at
        )

    created = run_command(run)
    expires_at = created.api_key.expires_at
    print_json(
        {
            "id": str(created.api_key.id),
            "key": created.key,
            "kind": created.api_key.kind,
            "scopes": created.api_key.scopes,
            "expiresAt": expires_at.isoformat() if expires_at else None,
        }
    )


@apikey_app.command("list")
def apikey_list(tenant: str = typer.Option(..., help="Tenant slug")) -> None:
    """List a tenant's API keys (never the keys themselves)."""
    from tenants.api_keys import list_api_keys

    async def run() -> Any:
        return await list_api_keys(await tenant_context(tenant))

    for k in run_command(run):
        print_json(
            {
                "id": str(k.id),
                "name": k.name,
                "kind": k.kind,
                "prefix": k.prefix,
                "scopes": k.scopes,
                "lastUsedAt": k.last_used_at,
                "expiresAt": k.expires_at,
                "revokedAt": k.revoked_at,
            }
        )


@apikey_app.command("revoke")
def apikey_revoke(
    tenant: str = typer.Option(..., help="Tenant slug"), id: str = typer.Option(..., help="Key id")
) -> None:
    """Revoke an API key."""

    from tenants.api_keys import revoke_api_key

    async def run() -> Any:
        return await revoke_api_key(await tenant_context(tenant), uuid.UUID(id))

    row = run_command(run)
    print_json({"id": str(row.id), "revokedAt": row.revoked_at})


# ---------------------------------------------------------------- schema


@app.command("schema")
def schema_export(
    check: bool = typer.Option(False, "--check", help="Fail if schema/schema.graphql is stale."),
) -> None:
    """Write the GraphQL SDL to schema/schema.graphql (or check that it is current)."""

    from membership.api_schema import build_schema

    sdl = str(build_schema(distribution="membership")) + "\n"
    path = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"
    if check:
        if path.read_text() != sdl:
            err.print("[red]schema/schema.graphql is stale: run `membership schema`[/red]")
            raise typer.Exit(1)
        return
    path.write_text(sdl)
    err.print(f"wrote {path}")


# ---------------------------------------------------------------- demo


@demo_app.command("seed")
def demo_seed(
    members: int = typer.Option(200, help="How many members to create"),
    slug: str = typer.Option("demo", help="Tenant slug"),
) -> None:
    """Create (or top up) the demo tenant with staff logins, keys and realistic members."""
    from membership.analytics.rollup import rebuild
    from membership.analytics.scores import fit_churn_model
    from membership.demo import (
        seed_behaviour,
        seed_members,
        seed_messaging,
        seed_orders,
        seed_reference_data,
    )
    from membership.members.models import Member
    from tenants.api_keys import create_api_key
    from tenants.models import Staff
    from tenants.registry import create_tenant, get_tenant_by_slug
    from tenants.staff import create_staff
    from tenants.tx import tenant_tx

    async def run() -> dict[str, Any]:
        settings = get_settings()
        if await get_tenant_by_slug(slug) is None:
            owner = role_target(resolve_postgres(settings), "owner", settings)
            conn = await asyncpg.connect(**owner.connect_kwargs())
            try:
                await create_tenant(conn, slug=slug, name="演示商户 Demo Retail")
            finally:
                await conn.close()
        ctx = await tenant_context(slug)
        logins = []
        for role in ("owner", "admin", "marketer", "clerk", "analyst"):
            email = f"{role}@{slug}.example.com"
            async with tenant_tx(ctx):
                exists = await Staff.filter(email=email).exists()
            if not exists:
                await create_staff(
                    ctx, email=email, password=DEMO_PASSWORD, role=role, name=role.title()
                )
            logins.append({"email": email, "password": DEMO_PASSWORD, "role": role})
        await seed_reference_data(ctx)
        async with tenant_tx(ctx):
            have = await Member.all().count()
        missing = max(0, members - have)
        with Progress(
            TextColumn("seeding members"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
        ) as bar:
            task = bar.add_task("members", total=missing)
            await seed_members(
                ctx, missing, start_index=have, progress=lambda n: bar.advance(task, n)
            )
        with Progress(
            TextColumn("recording their orders"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
        ) as bar:
            task = bar.add_task("orders", total=missing)
            orders = await seed_orders(
                ctx, start_index=have, count=missing, progress=lambda n: bar.advance(task, n)
            )
        await seed_behaviour(ctx)
        await seed_messaging(ctx)
        # the dashboard shows the history at once, not after the worker's first refresh
        with Progress(
            TextColumn("analytics: {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
        ) as bar:
            task = bar.add_task("orders", total=1)
            await rebuild(
                ctx,
                progress=lambda step, done, total: bar.update(
                    task, description=step, completed=done, total=total
                ),
            )
        await fit_churn_model(ctx)
        secret = await create_api_key(
            ctx, name=f"demo secret {secrets.token_hex(2)}", kind="secret"
        )
        publishable = await create_api_key(
            ctx, name=f"demo publishable {secrets.token_hex(2)}", kind="publishable"
        )
        return {
            "tenant": slug,
            "logins": logins,
            "secretKey": secret.key,
            "publishableKey": publishable.key,
            "members": have + missing,
            "ordersRecorded": orders,
        }

    print_json(run_command(run))


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    # Arguments that are not valid UTF-8 arrive as lone surrogates, which no database can store.
    for position, argument in enumerate(sys.argv[1:], start=1):
        if not is_storable(argument):
            typer.echo(
                f"membership: argument {position} {argument!a} is not valid UTF-8 text.",
                err=True,
            )
            raise SystemExit(2)
    app()


if __name__ == "__main__":
    main()
