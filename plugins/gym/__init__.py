"""The gym preset (健身房会员方案): card products by days (月卡/年卡) and by visits (次卡), selling
them as orders that earn points, freezes within the tenant's limits, check-ins on the best usable
card with points and a streak bonus, and renewal reminders as journeys on the gym's own events.

A plugin like a partner's, found through the ``membership.plugins`` entry point ``gym`` and
written against the plugin contract only. Its configuration is
:class:`~plugins.gym.config.GymConfig`; docs/presets.md describes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from plugins.admin_pages import AdminPage
from plugins.gym.config import NAME, GymConfig
from plugins.gym.messages import ZH_CN
from plugins.gym.preset import set_up
from plugins.gym.reminders import CRONS, TRIGGERS
from plugins.gym.schema import GymMemberFields, GymMutations, GymQueries
from plugins.gym.tables import MIGRATIONS
from plugins.hookspecs import PluginManifest, hookimpl
from plugins.jobs import PluginCron
from plugins.journey_steps import JourneyTrigger
from plugins.schema_additions import GraphQLAdditions
from plugins.tables import PluginMigration
from tenants.context import RequestContext

__all__ = [
    "MANIFEST",
    "membership_admin_pages",
    "membership_crons",
    "membership_graphql",
    "membership_journey_triggers",
    "membership_migrations",
    "membership_preset",
]

MANIFEST = PluginManifest(
    name=NAME,
    version="1.0.0",
    core=">=0.1,<0.2",
    title="健身房会员方案",
    description=(
        "月卡、年卡、次卡的卡种与售卡（售卡记为订单并获得积分），按租户限制的冻结，"
        "签到积分与连续签到奖励，以及到期前 7 天和次数剩 2 次时的续卡提醒短信。"
    ),
    config=GymConfig,
    messages={"zh-CN": ZH_CN},
)


@hookimpl
def membership_migrations() -> Sequence[PluginMigration]:
    return MIGRATIONS


@hookimpl
def membership_graphql() -> GraphQLAdditions:
    return GraphQLAdditions(
        query=(GymQueries,), mutation=(GymMutations,), extend={"Member": (GymMemberFields,)}
    )


@hookimpl
def membership_admin_pages() -> Sequence[AdminPage]:
    """The front desk (check-ins, cards, freezes, sales), the card products and the stats."""
    return [
        AdminPage(
            path="front-desk",
            module="pages/front-desk.js",
            title={"zh-CN": "前台签到", "en": "Front desk"},
            permission="points:write",
        ),
        AdminPage(
            path="products",
            module="pages/products.js",
            title={"zh-CN": "卡种", "en": "Card products"},
            permission="members:read",
        ),
        AdminPage(
            path="stats",
            module="pages/stats.js",
            title={"zh-CN": "数据", "en": "Stats"},
            permission="members:read",
        ),
    ]


@hookimpl
def membership_crons() -> Sequence[PluginCron]:
    return CRONS


@hookimpl
def membership_journey_triggers() -> Sequence[JourneyTrigger]:
    return TRIGGERS


@hookimpl
async def membership_preset(ctx: RequestContext, config: BaseModel) -> None:
    """Set the tenant up as a gym, once, when it first enables the plugin."""
    if not isinstance(config, GymConfig):  # the platform validates with MANIFEST.config
        config = GymConfig.model_validate(config.model_dump())
    await set_up(ctx, config)
