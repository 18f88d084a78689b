"""Applying the installed plugins' migrations, under the platform's tenancy rules.

Run by ``membership migrate`` after the platform's own migrations, as the owner role. Each step
runs once, in its own transaction with its record in ``plugin_migrations``. The tables a step
names as tenant tables get the platform's row-level security policy; then every table with a
``tenant_id`` column must have row-level security enabled and forced, or the step is rolled back:
a plugin cannot leave a tenant's rows readable by another tenant.
"""

from __future__ import annotations

import asyncpg
import structlog

from membership.migrations._rls import tenant_policy
from plugins.manager import loaded_plugins
from plugins.tables import PluginMigration

__all__ = ["PluginMigrationError", "migrate_plugins"]

log = structlog.get_logger("membership.plugins")

_UNGUARDED = """
SELECT c.relname AS name FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
  AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
ORDER BY 1
"""


class PluginMigrationError(RuntimeError):
    """A plugin's migration failed or broke the tenancy rules; it was rolled back."""


async def migrate_plugins(conn: asyncpg.Connection) -> list[str]:
    """Apply every installed plugin's pending migrations on ``conn`` (the owner's); returns
    ``plugin:id`` of each applied. A failing plugin stops at its failing step; the others go on,
    and the failures are raised together at the end."""
    applied: list[str] = []
    failures: list[str] = []
    for plugin, steps in loaded_plugins().migrations.items():
        done = {
            r["id"]
            for r in await conn.fetch("SELECT id FROM plugin_migrations WHERE plugin = $1", plugin)
        }
        for step in steps:
            if step.id in done:
                continue
            try:
                await _apply(conn, plugin, step)
            except (asyncpg.PostgresError, PluginMigrationError) as exc:
                failures.append(f"plugin {plugin!r} migration {step.id}: {exc}")
                log.error(
                    "plugin_migration_failed", plugin=plugin, migration=step.id, error=str(exc)
                )
                break
            applied.append(f"{plugin}:{step.id}")
            log.info("plugin_migration_applied", plugin=plugin, migration=step.id)
    if failures:
        raise PluginMigrationError("; ".join(failures))
    return applied


async def _apply(conn: asyncpg.Connection, plugin: str, step: PluginMigration) -> None:
    async with conn.transaction():
        await conn.execute(step.sql)
        for table in step.tenant_tables:
            column = await conn.fetchval(
                "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                "WHERE a.attrelid = to_regclass($1) AND a.attname = 'tenant_id' "
                "AND a.attnotnull AND NOT a.attisdropped",
                f"public.{table}",
            )
            if column != "uuid":
                raise PluginMigrationError(
                    f"tenant table {table} needs a column tenant_id uuid NOT NULL"
                )
            await conn.execute(tenant_policy(table))
        unguarded = [r["name"] for r in await conn.fetch(_UNGUARDED)]
        if unguarded:
            raise PluginMigrationError(
                f"tables with tenant_id but without forced row-level security: "
                f"{', '.join(unguarded)} (list them in tenant_tables)"
            )
        await conn.execute(
            "INSERT INTO plugin_migrations (plugin, id) VALUES ($1, $2)", plugin, step.id
        )
