"""The retail preset (零售会员方案): spend-based tiers 普卡/银卡/金卡/钻石 with points multipliers,
benefits and a downgrade policy; 1 point per yuan; a member day with double points; and the
welcome gift, birthday coupon and win-back journeys with their coupon and message templates.

A plugin like a partner's, found through the ``membership.plugins`` entry point ``retail``. Its
configuration is :class:`~plugins.retail.config.RetailConfig`; docs/presets.md describes it.
"""

from __future__ import annotations

from pydantic import BaseModel

from plugins.hookspecs import PluginManifest, hookimpl
from plugins.retail.config import RetailConfig
from plugins.retail.preset import set_up
from tenants.context import RequestContext

__all__ = ["MANIFEST", "membership_preset"]

MANIFEST = PluginManifest(
    name="retail",
    version="1.0.0",
    core=">=0.1,<0.2",
    title="零售会员方案",
    description=(
        "按消费升级的普卡/银卡/金卡/钻石等级（积分倍数、等级权益、降级规则），每元 1 积分，"
        "会员日双倍积分，以及新人礼、生日礼、沉睡唤醒三个自动旅程和它们的优惠券、短信模板。"
        "启用后可像手工创建的一样修改。"
    ),
    config=RetailConfig,
)


@hookimpl
async def membership_preset(ctx: RequestContext, config: BaseModel) -> None:
    """Set the tenant up as a retailer, once, when it first enables the plugin."""
    if not isinstance(config, RetailConfig):  # the platform validates with MANIFEST.config
        config = RetailConfig.model_validate(config.model_dump())
    await set_up(ctx, config)
