"""Where the data lives: server resolution, database roles, the Tortoise config and migrations.

Three roles touch the database:

* the *admin* credential of ``DATABASE_URL`` (or the embedded server's superuser) creates the two
  roles below and the database; nothing else runs as it;
* the *owner* role runs migrations and owns every table;
* the *app* role serves requests: not a superuser, no BYPASSRLS, owns nothing, so PostgreSQL's
  row-level security always applies to it;
* the *sweep* role cannot log in; it owns the SECURITY DEFINER functions that answer "which
  tenants have work due" across tenants (and nothing else), so a worker's relay and cron
  sweeps cost nothing for a tenant with nothing pending. The app role may only call them.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import asyncpg
from tortoise import Tortoise

from membership.settings import Settings, get_settings

__all__ = [
    "MODEL_MODULES",
    "PgTarget",
    "bootstrap_database",
    "close_db",
    "init_db",
    "migrate",
    "resolve_postgres",
    "resolve_redis_url",
    "tortoise_config",
]

MODEL_MODULES = [
    "tenants.models",
    "tenants.audit",
    "membership.tiers.models",
    "membership.members.models",
    "membership.idempotency.models",
    "membership.programme.models",
    "membership.points.models",
    "membership.orders.models",
    "membership.tiering.models",
    "membership.earning.models",
    "membership.coupons.models",
    "membership.rewards.models",
    "membership.outbox",
    "membership.events.models",
    "membership.webhooks.models",
    "membership.messaging.models",
    "membership.tasks.models",
    "membership.journeys.models",
    "membership.analytics.models",
]


@dataclass(frozen=True)
class PgTarget:
    host: str
    port: int
    user: str
    password: str | None
    database: str

    def connect_kwargs(self) -> dict[str, Any]:
        """asyncpg's connection arguments (behind PgBouncer too: see ``db_statement_cache_size``)."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "database": self.database,
            "statement_cache_size": get_settings().db_statement_cache_size,
        }

    def dsn(self) -> str:
        auth = self.user if not self.password else f"{self.user}:{self.password}"
        if self.host.startswith("/"):
            return f"postgresql://{auth}@/{self.database}?host={self.host}&port={self.port}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{self.database}"


def parse_postgres_url(url: str) -> PgTarget:
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    host = parsed.hostname or query.get("host", ["127.0.0.1"])[0]
    port = parsed.port or int(query.get("port", ["5432"])[0])
    return PgTarget(
        host=unquote(host),
        port=port,
        user=unquote(parsed.username or "postgres"),
        password=unquote(parsed.password) if parsed.password else None,
        database=(parsed.path or "/postgres").lstrip("/") or "postgres",
    )


def resolve_postgres(settings: Settings | None = None) -> PgTarget:
    """The admin target: ``DATABASE_URL``, or the embedded server (started if needed)."""
    settings = settings or get_settings()
    if settings.database_url:
        return parse_postgres_url(settings.database_url)
    from membership.embedded import start_postgres

    embedded = start_postgres(settings.var_dir)
    return parse_postgres_url(embedded.url)


def resolve_redis_url(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    if settings.redis_url:
        return settings.redis_url
    from membership.embedded import start_redis

    return start_redis(settings.var_dir).url


def role_target(admin: PgTarget, role: str, settings: Settings | None = None) -> PgTarget:
    settings = settings or get_settings()
    if role == "owner":
        return replace(admin, user=settings.db_owner_role, password=settings.db_owner_password)
    if role == "app":
        return replace(admin, user=settings.db_app_role, password=settings.db_app_password)
    return admin


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def bootstrap_database(admin: PgTarget, settings: Settings | None = None) -> None:
    """Create the owner and app roles and hand the schema to the owner. Safe to run twice."""
    settings = settings or get_settings()
    owner, app = settings.db_owner_role, settings.db_app_role
    conn = await asyncpg.connect(**admin.connect_kwargs())
    try:
        for role, password in (
            (owner, settings.db_owner_password),
            (app, settings.db_app_password),
        ):
            pw = f" PASSWORD {_quote_literal(password)}" if password else ""
            # Roles are cluster-wide and several databases may bootstrap at once: tolerate a race.
            with contextlib.suppress(asyncpg.UniqueViolationError, asyncpg.DuplicateObjectError):
                await conn.execute(
                    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                    f"{_quote_literal(role)}) THEN CREATE ROLE {_quote_ident(role)} LOGIN "
                    f"NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE{pw}; END IF; END $$;"
                )
        sweep = settings.db_sweep_role
        with contextlib.suppress(asyncpg.UniqueViolationError, asyncpg.DuplicateObjectError):
            await conn.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                f"{_quote_literal(sweep)}) THEN CREATE ROLE {_quote_ident(sweep)} NOLOGIN "
                f"NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF; END $$;"
            )
        # The owner hands the sweep functions to the sweep role (ALTER FUNCTION ... OWNER).
        with contextlib.suppress(asyncpg.UniqueViolationError, asyncpg.DuplicateObjectError):
            await conn.execute(f"GRANT {_quote_ident(sweep)} TO {_quote_ident(owner)}")
        db = _quote_ident(admin.database)
        await conn.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {_quote_ident(owner)}")
        await conn.execute(f"GRANT CONNECT ON DATABASE {db} TO {_quote_ident(app)}")
        await conn.execute(f"ALTER SCHEMA public OWNER TO {_quote_ident(owner)}")
        await conn.execute(f"GRANT USAGE ON SCHEMA public TO {_quote_ident(app)}")
        await conn.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {_quote_ident(sweep)}")
        await conn.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {_quote_ident(owner)} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {_quote_ident(app)}"
        )
        await conn.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {_quote_ident(owner)} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {_quote_ident(app)}"
        )
    finally:
        await conn.close()


async def reset_connection(connection: asyncpg.Connection) -> None:
    """Make a connection going back to the pool clean, without a round trip when it is.

    The platform keeps no session state: the tenant is set per transaction
    (``set_config(..., true)``), and nothing listens, locks advisorily or keeps cursors. So only
    a connection returned inside a transaction (a cancelled request) needs the full reset.
    """
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")
        await connection.execute(connection.get_reset_query())


def tortoise_config(
    target: PgTarget, *, with_migrations: bool = False, settings: Settings | None = None
) -> dict[str, Any]:
    settings = settings or get_settings()
    app: dict[str, Any] = {"models": MODEL_MODULES, "default_connection": "default"}
    if with_migrations:
        app["migrations"] = "membership.migrations"
    return {
        "connections": {
            "default": {
                "engine": "tortoise.backends.asyncpg",
                "credentials": {
                    **target.connect_kwargs(),
                    "minsize": settings.db_pool_min,
                    "maxsize": settings.db_pool_max,
                    "server_settings": {"jit": "off", "application_name": "membership"},
                    "reset": reset_connection,
                },
            }
        },
        "apps": {"membership": app},
        "use_tz": True,
        "timezone": "UTC",
    }


async def migrate(admin: PgTarget, settings: Settings | None = None) -> None:
    """Bootstrap roles, then apply pending migrations as the owner role: the platform's, then
    the installed plugins' (:mod:`membership.activation.migrations`)."""
    from tortoise.migrations.api import migrate as tortoise_migrate

    settings = settings or get_settings()
    await bootstrap_database(admin, settings)
    owner = role_target(admin, "owner", settings)
    try:
        await tortoise_migrate(
            config=tortoise_config(owner, with_migrations=True, settings=settings)
        )
    finally:
        await Tortoise.close_connections()
    # The installed plugins' own tables, under the same rules, after the platform's.
    from membership.activation.migrations import migrate_plugins

    conn = await asyncpg.connect(**owner.connect_kwargs())
    try:
        await migrate_plugins(conn)
    finally:
        await conn.close()


async def init_db(target: PgTarget, settings: Settings | None = None) -> None:
    """Open the request pool as the app role."""
    # Global fallback: the pool is opened in the lifespan task and used by request tasks.
    await Tortoise.init(
        config=tortoise_config(target, settings=settings), _enable_global_fallback=True
    )


async def close_db() -> None:
    await Tortoise.close_connections()
