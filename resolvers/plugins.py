"""Plugins: what is installed, and enabling, configuring and disabling them per tenant."""

from __future__ import annotations

import strawberry

from membership.activation import service
from resolvers.conventions import returns_errors
from schema.context import Info
from schema.scalars import JSON
from schema.types.plugins import Plugin, PluginPayload

__all__ = ["PluginMutations", "PluginQueries"]


@strawberry.type
class PluginQueries:
    @strawberry.field(
        description="Every installed plugin, with whether the caller's tenant enabled it."
    )
    async def plugins(self, info: Info) -> list[Plugin]:
        return [Plugin(state=s) for s in await service.list_plugins(info.context.auth)]


@strawberry.type
class PluginMutations:
    @strawberry.mutation(
        description="Enable a plugin for the tenant with a configuration its configSchema "
        "accepts (or change the configuration). The first time, the plugin's preset sets the "
        "tenant up. Needs programme:manage."
    )
    @returns_errors(PluginPayload)
    async def enable_plugin(
        self, info: Info, name: str, config: JSON | None = None
    ) -> PluginPayload:
        state = await service.enable_plugin(info.context.auth, name, config)
        return PluginPayload(plugin=Plugin(state=state))

    @strawberry.mutation(
        description="Disable a plugin for the tenant; what its preset set up stays. Needs "
        "programme:manage."
    )
    @returns_errors(PluginPayload)
    async def disable_plugin(self, info: Info, name: str) -> PluginPayload:
        state = await service.disable_plugin(info.context.auth, name)
        return PluginPayload(plugin=Plugin(state=state))
