"""Which plugins a tenant has enabled, with what configuration, and the preset they set up.

A tenant enables an installed plugin with a configuration the plugin's model accepts. The first
time it does, the plugin's preset (if it has one) sets the tenant up in the same transaction: a
failure leaves nothing behind. Enabling again with the same configuration changes nothing; with
another one it only stores it. Disabling stops what the plugin does for the tenant and keeps
what its preset made, which is the tenant's own from then on; enabling again does not make it a
second time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from pydantic import BaseModel, ValidationError

from membership.activation.secrets import (
    keep_stored_secrets,
    open_config,
    seal_config,
    shown_config,
)
from membership.errors import DomainError, DomainErrors, ErrorCode
from plugins.admin_pages import AdminPage
from plugins.manager import CORE_PLUGIN, LoadedPlugins, core_version, loaded_plugins
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import ROLE_PERMISSIONS, Permission, Role
from tenants.tx import tenant_tx

__all__ = [
    "PluginState",
    "disable_plugin",
    "enable_plugin",
    "enabled_plugins",
    "forget_enabled_plugins",
    "installed_plugins",
    "is_enabled",
    "list_plugins",
    "plugin_config",
    "require_enabled",
]

log = structlog.get_logger("membership.plugins")

MAX_CONFIG_BYTES = 64_000


@dataclass(frozen=True)
class PluginState:
    """An installed plugin as one tenant sees it."""

    name: str
    version: str
    title: str
    description: str
    core: str  # the platform versions it accepts
    compatible: bool
    problem: str | None  # why it cannot be used, when it cannot
    always_on: bool
    enabled: bool
    config: dict[str, Any] | None
    config_schema: dict[str, Any]
    admin_pages: tuple[AdminPage, ...]


async def enabled_plugins(ctx: RequestContext) -> frozenset[str]:
    """The plugins on for the caller's tenant (the platform's own always), read once a request:
    fields resolved at the same time share one read."""
    if ctx.enabled_plugins is not None:
        return ctx.enabled_plugins
    reading = ctx.enabled_plugins_read
    if reading is None or (reading.done() and reading.exception() is not None):
        reading = ctx.enabled_plugins_read = asyncio.ensure_future(_read_enabled(ctx))
    enabled = await asyncio.shield(reading)
    ctx.enabled_plugins = enabled
    return enabled


def forget_enabled_plugins(ctx: RequestContext) -> None:
    """Read the tenant's plugins afresh on next use (they may have changed)."""
    ctx.enabled_plugins = None
    ctx.enabled_plugins_read = None


async def _read_enabled(ctx: RequestContext) -> frozenset[str]:
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query("SELECT name FROM tenant_plugins WHERE enabled", [])
    return frozenset([CORE_PLUGIN, *(r["name"] for r in rows)])


async def is_enabled(ctx: RequestContext, plugin: str) -> bool:
    return plugin == CORE_PLUGIN or plugin in await enabled_plugins(ctx)


async def require_enabled(ctx: RequestContext, plugin: str) -> None:
    """Refuse, naming the plugin, unless the caller's tenant has it enabled."""
    if not await is_enabled(ctx, plugin):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "The plugin {plugin} is not enabled for this tenant; an administrator enables it "
            "on the plugins page.",
            plugin=plugin,
        )


async def plugin_config(ctx: RequestContext, plugin: str) -> BaseModel:
    """The tenant's configuration of an enabled plugin, as the plugin's model."""
    await require_enabled(ctx, plugin)
    manifest = loaded_plugins().manifests[plugin]
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT config FROM tenant_plugins WHERE name = $1", [plugin]
        )
    raw = _json(rows[0]["config"]) if rows else {}
    return manifest.config.model_validate(open_config(ctx.tenant.id, plugin, raw))


def installed_plugins() -> list[PluginState]:
    """Every installed plugin, usable or not, as no tenant in particular sees it."""
    loaded = loaded_plugins()
    states = [_state(loaded, name, None) for name in loaded.manifests]
    states.extend(_refused(name, reason) for name, reason in sorted(loaded.refused.items()))
    return states


async def list_plugins(ctx: RequestContext) -> list[PluginState]:
    """Every installed plugin, usable or not, with the tenant's choice; the platform's own first."""
    loaded = loaded_plugins()
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query("SELECT name, enabled, config FROM tenant_plugins", [])
    chosen = {r["name"]: r for r in rows}
    states = [_state(loaded, name, chosen.get(name)) for name in loaded.manifests]
    states.extend(_refused(name, reason) for name, reason in sorted(loaded.refused.items()))
    return states


def _state(loaded: LoadedPlugins, name: str, row: Mapping[str, Any] | None) -> PluginState:
    manifest = loaded.manifests[name]
    always_on = name == CORE_PLUGIN
    enabled = always_on or bool(row and row["enabled"])
    return PluginState(
        name=name,
        version=manifest.version,
        title=loaded.title(name),
        description=manifest.description,
        core=manifest.core,
        compatible=True,
        problem=None,
        always_on=always_on,
        enabled=enabled,
        config=shown_config(_json(row["config"]))
        if row and enabled
        else ({} if always_on else None),
        config_schema=manifest.config.model_json_schema(),
        admin_pages=loaded.admin_pages.get(name, ()),
    )


def _refused(name: str, reason: str) -> PluginState:
    return PluginState(
        name=name,
        version="",
        title=name,
        description="",
        core="",
        compatible=False,
        problem=reason,
        always_on=False,
        enabled=False,
        config=None,
        config_schema={},
        admin_pages=(),
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _usable(name: str) -> LoadedPlugins:
    loaded = loaded_plugins()
    if name in loaded.refused:
        raise DomainError(
            ErrorCode.INVALID,
            "The plugin {plugin} cannot be used on this platform ({version}): {reason}",
            ["name"],
            plugin=name,
            version=core_version(),
            reason=loaded.refused[name],
        )
    if name not in loaded.manifests:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "No plugin named {plugin} is installed; see plugins.",
            ["name"],
            plugin=name[:60],
        )
    if name == CORE_PLUGIN:
        raise DomainError(
            ErrorCode.INVALID, "The platform's own plugin is always enabled.", ["name"]
        )
    return loaded


def _validated(model: type[BaseModel], config: object) -> BaseModel:
    raw = {} if config is None else config
    if not isinstance(raw, Mapping):
        raise DomainError(ErrorCode.INVALID, "A configuration is a JSON object.", ["config"])
    if len(json.dumps(raw, ensure_ascii=False)) > MAX_CONFIG_BYTES:
        raise DomainError(
            ErrorCode.INVALID,
            "A configuration has at most {limit} characters.",
            ["config"],
            limit=MAX_CONFIG_BYTES,
        )
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DomainErrors(
            [
                DomainError(
                    ErrorCode.INVALID,
                    "Invalid value: {problem}",
                    ["config", *(str(part) for part in error["loc"])],
                    problem=error["msg"],
                )
                for error in exc.errors()
            ]
        ) from exc


async def enable_plugin(ctx: RequestContext, name: str, config: object) -> PluginState:
    """Enable (or reconfigure) a plugin for the caller's tenant; the first time, set it up."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    loaded = _usable(name)
    manifest = loaded.manifests[name]
    if config is not None and not isinstance(config, Mapping):
        raise DomainError(ErrorCode.INVALID, "A configuration is a JSON object.", ["config"])
    now = ctx.clock.now()
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            "INSERT INTO tenant_plugins (tenant_id, name, enabled, config, updated_at) "
            "VALUES ($1, $2, false, '{}'::jsonb, $3) ON CONFLICT DO NOTHING",
            [ctx.tenant.id, name, now],
        )
        _, rows = await conn.execute_query(
            "SELECT enabled, config, preset_at FROM tenant_plugins WHERE name = $1 FOR UPDATE",
            [name],
        )
        row = rows[0]
        held = _json(row["config"])
        # secrets sent back as their hint (or left out) stay as stored
        given = keep_stored_secrets(ctx.tenant.id, name, held, config or {})
        model = _validated(manifest.config, given)
        stored = seal_config(ctx.tenant.id, name, model)
        before = {"enabled": row["enabled"], "config": shown_config(held)}
        unchanged = open_config(ctx.tenant.id, name, held) == open_config(
            ctx.tenant.id, name, stored
        )
        if row["enabled"] and unchanged:
            return await _one(ctx, name)
        preset = loaded.presets.get(name)
        set_up = preset is not None and row["preset_at"] is None
        if set_up:
            await _run_preset(ctx, name, preset, model)
        await conn.execute_query(
            "UPDATE tenant_plugins SET enabled = true, config = $2::jsonb, updated_at = $3, "
            "enabled_at = CASE WHEN enabled THEN enabled_at ELSE $3 END, "
            "preset_at = CASE WHEN $4 THEN $3 ELSE preset_at END WHERE name = $1",
            [name, json.dumps(stored, ensure_ascii=False), now, set_up],
        )
        await audit.record(
            ctx,
            "plugin.configured" if row["enabled"] else "plugin.enabled",
            "plugin",
            name,
            before=before,
            after={"enabled": True, "config": shown_config(stored), "presetApplied": set_up},
        )
        forget_enabled_plugins(ctx)
        return await _one(ctx, name)


async def _run_preset(ctx: RequestContext, name: str, preset: Any, config: BaseModel) -> None:
    # The preset works for the tenant with every permission the platform's own set-up has, and
    # as if its plugin were enabled already (its journeys may start on the plugin's events); the
    # administrator who enabled the plugin stays the actor of what it records.
    enabled = await enabled_plugins(ctx)
    setup = dataclasses.replace(
        ctx,
        permissions=ROLE_PERMISSIONS[Role.OWNER],
        enabled_plugins=enabled | {name},
        enabled_plugins_read=None,
    )
    try:
        await preset(ctx=setup, config=config)
    except DomainError:
        raise
    except Exception as exc:
        log.exception("plugin_failed", plugin=name, hook="membership_preset")
        raise DomainError(
            ErrorCode.PLUGIN_FAILED,
            "The plugin {plugin} failed ({error}); nothing was changed.",
            plugin=name,
            error=type(exc).__name__,
        ) from exc


async def disable_plugin(ctx: RequestContext, name: str) -> PluginState:
    """Disable a plugin for the caller's tenant; what its preset set up stays."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    _usable(name)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "WITH off AS (UPDATE tenant_plugins SET enabled = false, updated_at = $2 "
            "WHERE name = $1 AND enabled RETURNING 1) SELECT count(*) AS n FROM off",
            [name, ctx.clock.now()],
        )
        if rows[0]["n"]:
            await audit.record(
                ctx,
                "plugin.disabled",
                "plugin",
                name,
                before={"enabled": True},
                after={"enabled": False},
            )
        forget_enabled_plugins(ctx)
        return await _one(ctx, name)


async def _one(ctx: RequestContext, name: str) -> PluginState:
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT name, enabled, config FROM tenant_plugins WHERE name = $1", [name]
        )
    return _state(loaded_plugins(), name, rows[0] if rows else None)
