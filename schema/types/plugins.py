"""Plugins as a tenant sees them: installed, compatible or not, enabled, configured."""

from __future__ import annotations

from typing import cast

import strawberry

from membership.activation.service import PluginState
from schema.context import Info
from schema.errors import UserError
from schema.scalars import JSON

__all__ = ["Plugin", "PluginAdminPage", "PluginPayload"]


@strawberry.type(description="A page a plugin adds to the admin; the admin imports moduleUrl.")
class PluginAdminPage:
    path: str
    module_url: str
    title: str
    permission: str | None


@strawberry.type(description="An installed plugin: an industry preset, a partner's extension.")
class Plugin:
    state: strawberry.Private[PluginState]

    @strawberry.field(description='The entry-point name; the presets are "retail", "gym", "mall".')
    def name(self) -> str:
        return self.state.name

    @strawberry.field
    def version(self) -> str:
        return self.state.version

    @strawberry.field
    def title(self) -> str:
        return self.state.title

    @strawberry.field
    def description(self) -> str | None:
        return self.state.description or None

    @strawberry.field(description="The platform versions the plugin works with (PEP 440).")
    def core_range(self) -> str:
        return self.state.core

    @strawberry.field(description="False: the plugin is installed but cannot be used; see problem.")
    def compatible(self) -> bool:
        return self.state.compatible

    @strawberry.field(description="Why the plugin cannot be used, when it cannot.")
    def problem(self) -> str | None:
        return self.state.problem

    @strawberry.field(description="The platform's own plugin: always enabled.")
    def always_on(self) -> bool:
        return self.state.always_on

    @strawberry.field(description="For the caller's tenant.")
    def enabled(self) -> bool:
        return self.state.enabled

    @strawberry.field(description="The tenant's configuration, when enabled.")
    def config(self) -> JSON | None:
        return cast(JSON, self.state.config)

    @strawberry.field(description="JSON Schema of the configuration.")
    def config_schema(self) -> JSON:
        return cast(JSON, self.state.config_schema)

    @strawberry.field(
        description="The pages the plugin adds to the admin, titled in the caller's language."
    )
    def admin_pages(self, info: Info) -> list[PluginAdminPage]:
        language = info.context.language
        return [
            PluginAdminPage(
                path=page.path,
                module_url=f"/plugin-files/{self.state.name}/{page.module}",
                title=page.title.get(language) or page.title.get("en") or page.path,
                permission=page.permission,
            )
            for page in self.state.admin_pages
        ]


@strawberry.type
class PluginPayload:
    plugin: Plugin | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
