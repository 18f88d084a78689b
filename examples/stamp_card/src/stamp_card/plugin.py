"""The stamp card's entry point: its manifest and the hooks that say what it brings.

Published in ``pyproject.toml`` as::

    [project.entry-points."membership.plugins"]
    stamp-card = "stamp_card.plugin"

Every hook only declares; the modules beside this one do the work.
"""

from __future__ import annotations

from collections.abc import Sequence

from plugins.admin_pages import AdminPage
from plugins.earning import EarningRuleKind
from plugins.event_handlers import EventHandler
from plugins.hookspecs import PluginManifest, hookimpl
from plugins.jobs import PluginCron
from plugins.journey_steps import JourneyAction, JourneyTrigger
from plugins.schema_additions import GraphQLAdditions
from plugins.tables import PluginMigration
from stamp_card import __version__, reactions
from stamp_card.config import NAME, StampCardConfig
from stamp_card.earning import StampCardBonus
from stamp_card.schema import StampCardMutations, StampCardQueries
from stamp_card.tables import MIGRATIONS

__all__ = [
    "MANIFEST",
    "membership_admin_pages",
    "membership_crons",
    "membership_earning_rule_kinds",
    "membership_event_handlers",
    "membership_graphql",
    "membership_journey_actions",
    "membership_journey_triggers",
    "membership_migrations",
]

MANIFEST = PluginManifest(
    name=NAME,
    version=__version__,
    core=">=0.1,<0.2",
    title="集点卡",
    description="A stamp per order; a full card grants points and starts over.",
    config=StampCardConfig,
)


@hookimpl
def membership_migrations() -> Sequence[PluginMigration]:
    return MIGRATIONS


@hookimpl
def membership_graphql() -> GraphQLAdditions:
    return GraphQLAdditions(query=(StampCardQueries,), mutation=(StampCardMutations,))


@hookimpl
def membership_earning_rule_kinds() -> Sequence[EarningRuleKind]:
    return [StampCardBonus()]


@hookimpl
def membership_event_handlers() -> Sequence[EventHandler]:
    return reactions.HANDLERS


@hookimpl
def membership_crons() -> Sequence[PluginCron]:
    return reactions.CRONS


@hookimpl
def membership_journey_triggers() -> Sequence[JourneyTrigger]:
    return reactions.TRIGGERS


@hookimpl
def membership_journey_actions() -> Sequence[JourneyAction]:
    return reactions.ACTIONS


@hookimpl
def membership_admin_pages() -> Sequence[AdminPage]:
    return [
        AdminPage(
            path="cards",
            module="pages/stamp-card.js",
            title={"zh-CN": "集点卡", "en": "Stamp cards"},
            permission="members:read",
        )
    ]
