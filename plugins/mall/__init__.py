"""The mall preset (商场会员方案): one programme over many stores, each known by its store code,
and receipt points (小票积分): members or clerks submit photographed receipts, staff review them,
and an approved receipt is recorded as an order at its store, so it earns by the tenant's rules.

A plugin like a partner's, found through the ``membership.plugins`` entry point ``mall`` and
written against the public contract only. Its configuration is
:class:`~plugins.mall.config.MallConfig`; docs/presets.md describes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from plugins.admin_pages import AdminPage
from plugins.hookspecs import PluginManifest, hookimpl
from plugins.http_routes import PluginRoute
from plugins.mall.config import NAME, MallConfig
from plugins.mall.messages import ZH_CN
from plugins.mall.preset import set_up
from plugins.mall.schema import MallMutations, MallQueries
from plugins.mall.settlement_xlsx import ROUTE as SETTLEMENT_XLSX
from plugins.mall.tables import MIGRATIONS
from plugins.mall.wechat_pay_notify import NOTIFY
from plugins.schema_additions import GraphQLAdditions
from plugins.tables import PluginMigration
from tenants.context import RequestContext

__all__ = [
    "MANIFEST",
    "membership_admin_pages",
    "membership_graphql",
    "membership_http_routes",
    "membership_migrations",
    "membership_preset",
]

MANIFEST = PluginManifest(
    name=NAME,
    version="1.0.0",
    core=">=0.1,<0.2",
    title="商场会员方案",
    description=(
        "一个积分计划覆盖全场商户（商户编码），各商户通积通兑；会员或店员上传小票照片，"
        "审核通过后按商户规则积分，同一商户的小票号只受理一次，每位会员每天有张数和金额上限。"
    ),
    config=MallConfig,
    messages={"zh-CN": ZH_CN},
)


@hookimpl
def membership_migrations() -> Sequence[PluginMigration]:
    return MIGRATIONS


@hookimpl
def membership_graphql() -> GraphQLAdditions:
    return GraphQLAdditions(query=(MallQueries,), mutation=(MallMutations,))


@hookimpl
def membership_admin_pages() -> Sequence[AdminPage]:
    """The receipt review queue with the photos, the stores, and the settlement report."""
    return [
        AdminPage(
            path="receipts",
            module="pages/receipts.js",
            title={"zh-CN": "小票审核", "en": "Receipt review"},
            permission="orders:write",
        ),
        AdminPage(
            path="stores",
            module="pages/stores.js",
            title={"zh-CN": "商户", "en": "Stores"},
            permission="programme:manage",
        ),
        AdminPage(
            path="settlement",
            module="pages/settlement.js",
            title={"zh-CN": "结算", "en": "Settlement"},
            permission="programme:manage",
        ),
    ]


@hookimpl
def membership_http_routes() -> Sequence[PluginRoute]:
    return [NOTIFY, SETTLEMENT_XLSX]  # WeChat Pay 智慧商圈 notices; the settlement report


@hookimpl
async def membership_preset(ctx: RequestContext, config: BaseModel) -> None:
    """Set the tenant up as a mall, once, when it first enables the plugin."""
    if not isinstance(config, MallConfig):  # the platform validates with MANIFEST.config
        config = MallConfig.model_validate(config.model_dump())
    await set_up(ctx, config)
