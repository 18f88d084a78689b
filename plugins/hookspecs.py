"""The plugin contract: the hooks a plugin may implement.

A plugin is a module with a ``MANIFEST`` (:class:`PluginManifest`) and functions marked
``@hookimpl``, published under the ``membership.plugins`` entry-point group of its distribution::

    [project.entry-points."membership.plugins"]
    stamp-card = "stamp_card.plugin"

Hooks make decisions and declare what a plugin brings; the platform's services and jobs do the
I/O. The platform's own features are registered through these same hooks (``plugins.builtin``),
and the industry presets (``retail``, ``gym``, ``mall``) are plugins like a partner's.

A tenant enables a plugin with a configuration (``enablePlugin(name, config)``); everything a
plugin brings acts only for the tenants that enabled it: its rule kinds, schema fields, jobs,
event handlers, journey triggers and steps, and its admin pages. The platform's own plugin
(``membership-core``) is always on. The functions a plugin may call are in :mod:`plugins.api`;
anything else in the platform may change without notice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pluggy
from pydantic import BaseModel

from plugins.admin_pages import AdminPage
from plugins.channels import ChannelProvider
from plugins.earning import EarningRuleKind
from plugins.event_handlers import EventHandler
from plugins.http_routes import PluginRoute
from plugins.jobs import PluginCron, PluginJob
from plugins.journey_steps import JourneyAction, JourneyTrigger
from plugins.schema_additions import GraphQLAdditions
from plugins.tables import PluginMigration
from tenants.context import RequestContext

__all__ = ["PROJECT", "PluginManifest", "hookimpl", "hookspec"]

PROJECT = "membership"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class NoConfig(BaseModel):
    """The configuration of a plugin that takes none."""


@dataclass(frozen=True)
class PluginManifest:
    """Who a plugin is.

    ``core`` is the range of platform versions it works with (PEP 440, ``">=0.1,<0.2"``); a
    plugin whose range does not hold is not loaded, with a message naming it, and the platform
    starts without it. ``config`` is the pydantic model of a tenant's configuration: its JSON
    Schema is what the admin's form is generated from, and ``enablePlugin`` validates against it.
    ``messages`` translates the English templates of the plugin's ``DomainError``s: callers
    asking for zh-CN read them in Chinese, like the platform's own.
    """

    name: str
    version: str
    core: str
    description: str
    title: str = ""  # shown to staff; the name when empty
    config: type[BaseModel] = NoConfig
    # translations of the plugin's own error templates, by language: {"zh-CN": {template: text}}
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        """What the plugin's tables, event types and step types start with."""
        return self.name.replace("-", "_")


@hookspec
def membership_earning_rule_kinds() -> Sequence[EarningRuleKind]:  # type: ignore[empty-body]
    """Earning-rule kinds this plugin adds (:mod:`plugins.earning`); names are unique across
    plugins. A tenant may create rules of a kind while it has the plugin enabled; while it is
    disabled, such rules earn nothing."""


@hookspec
def membership_channel_providers() -> Sequence[ChannelProvider]:  # type: ignore[empty-body]
    """Message-channel providers this plugin adds (:mod:`plugins.channels`); their names must be
    unique across plugins. A tenant picks one provider per channel and gives its credentials."""


@hookspec
def membership_graphql() -> GraphQLAdditions:  # type: ignore[empty-body]
    """Queries, mutations and types this plugin adds to the API (:mod:`plugins.schema_additions`)."""


@hookspec
def membership_migrations() -> Sequence[PluginMigration]:  # type: ignore[empty-body]
    """The plugin's own tables, as ordered migrations (:mod:`plugins.tables`)."""


@hookspec
def membership_jobs() -> Sequence[PluginJob]:  # type: ignore[empty-body]
    """Worker jobs the plugin enqueues (:mod:`plugins.jobs`)."""


@hookspec
def membership_crons() -> Sequence[PluginCron]:  # type: ignore[empty-body]
    """Jobs the worker runs on a schedule for each tenant with the plugin enabled."""


@hookspec
def membership_event_handlers() -> Sequence[EventHandler]:  # type: ignore[empty-body]
    """Handlers of the platform's events (:mod:`plugins.event_handlers`)."""


@hookspec
def membership_journey_triggers() -> Sequence[JourneyTrigger]:  # type: ignore[empty-body]
    """Events of this plugin's that journeys may start on (:mod:`plugins.journey_steps`)."""


@hookspec
def membership_journey_actions() -> Sequence[JourneyAction]:  # type: ignore[empty-body]
    """Journey step types this plugin adds (:mod:`plugins.journey_steps`)."""


@hookspec
def membership_admin_pages() -> Sequence[AdminPage]:  # type: ignore[empty-body]
    """Pages the admin SPA shows for this plugin (:mod:`plugins.admin_pages`)."""


@hookspec
def membership_http_routes() -> Sequence[PluginRoute]:  # type: ignore[empty-body]
    """HTTP routes beside GraphQL: downloads, and providers' notifications
    (:mod:`plugins.http_routes`)."""


@hookspec
async def membership_preset(ctx: RequestContext, config: BaseModel) -> None:
    """Set the tenant up when it first enables the plugin: tiers, rules, coupon templates,
    message templates, journeys… through :mod:`plugins.api`, in ``ctx``'s tenant.

    It runs once per tenant, in the ``enablePlugin`` request, with the validated configuration:
    enabling again after disabling does not run it again, so nothing is duplicated, and what it
    set up is the tenant's to edit (and survives disabling). If it raises, enabling fails and
    nothing it wrote is kept.
    """
