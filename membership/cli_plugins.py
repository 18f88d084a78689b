"""``membership plugin``: what is installed, and enabling or disabling a plugin for a tenant."""

from __future__ import annotations

import json
from typing import Any

import typer

from membership.cli_support import err, print_json, run_command, tenant_context
from membership.errors import DomainError, ErrorCode

__all__ = ["plugin_app"]

plugin_app = typer.Typer(help="Plugins and industry presets.", no_args_is_help=True)


def _shown(state: Any) -> dict[str, Any]:
    return {
        "name": state.name,
        "version": state.version,
        "title": state.title,
        "core": state.core,
        "compatible": state.compatible,
        "problem": state.problem,
        "enabled": state.enabled,
        "config": state.config,
    }


@plugin_app.command("list")
def plugin_list(
    tenant: str | None = typer.Option(None, help="Also say which ones this tenant enabled"),
) -> None:
    """Every installed plugin with its version and compatibility, one JSON object per line;
    a plugin this platform refused says why."""
    from membership.activation.service import list_plugins
    from plugins.manager import core_version

    async def run() -> list[dict[str, Any]]:
        if tenant is None:
            from membership.activation.service import installed_plugins

            return [_shown(s) for s in installed_plugins()]
        return [_shown(s) for s in await list_plugins(await tenant_context(tenant))]

    for shown in run_command(run):
        print_json(shown)
    err.print(f"membership {core_version()}")


def _config(raw: str | None) -> object:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DomainError(
            ErrorCode.INVALID, "A configuration is a JSON object.", ["config"]
        ) from exc


@plugin_app.command("enable")
def plugin_enable(
    name: str = typer.Argument(..., help="The plugin's entry-point name, e.g. retail"),
    tenant: str = typer.Option(..., help="Tenant slug"),
    config: str | None = typer.Option(None, help="The configuration as JSON; default: defaults"),
) -> None:
    """Enable (or reconfigure) a plugin for a tenant; the first time, its preset sets it up."""
    from membership.activation.service import enable_plugin

    async def run() -> dict[str, Any]:
        ctx = await tenant_context(tenant)
        return _shown(await enable_plugin(ctx, name, _config(config)))

    print_json(run_command(run))


@plugin_app.command("disable")
def plugin_disable(
    name: str = typer.Argument(..., help="The plugin's entry-point name"),
    tenant: str = typer.Option(..., help="Tenant slug"),
) -> None:
    """Disable a plugin for a tenant; what its preset set up stays."""
    from membership.activation.service import disable_plugin

    async def run() -> dict[str, Any]:
        return _shown(await disable_plugin(await tenant_context(tenant), name))

    print_json(run_command(run))
