"""Setting a tenant up as a retailer: points per yuan, spend-based tiers with their multipliers,
benefits and downgrade policy, the member day, and the three journeys.

Written against the public plugin API only (:mod:`plugins.api.setup`), as a partner's preset
would be. It runs once per tenant, inside ``enablePlugin``; what it makes is then the tenant's,
edited through the API like anything else. Tiers, rules, templates and journeys the tenant already
has under the preset's names are kept as they are.
"""

from __future__ import annotations

from decimal import Decimal

from plugins.api import setup
from plugins.retail.config import RetailConfig
from plugins.retail.journeys import set_up_journeys
from plugins.retail.texts import member_day_name, tier_benefits
from tenants.context import RequestContext

__all__ = ["set_up"]

FEN_PER_YUAN = 100


async def set_up(ctx: RequestContext, config: RetailConfig) -> None:
    """Everything the retail programme needs, in the caller's transaction."""
    await setup.set_points_earning(ctx, points_per_yuan=Decimal(str(config.points_per_yuan)))
    await _tiers(ctx, config)
    await setup.set_tier_downgrade(
        ctx, policy=config.downgrade_policy, grace_days=config.downgrade_grace_days
    )
    await _member_day(ctx, config)
    await set_up_journeys(ctx, config)


async def _tiers(ctx: RequestContext, config: RetailConfig) -> None:
    rolling = config.tier_window == "ROLLING_DAYS"
    for rank, tier in enumerate(config.tiers):
        await setup.ensure_tier(
            ctx,
            setup.TierSpec(
                name=tier.name,
                rank=rank,
                threshold=tier.threshold_yuan * FEN_PER_YUAN,
                metric="SPEND",
                window=config.tier_window,
                window_days=config.tier_window_days if rolling else None,
                points_multiplier=Decimal(str(tier.points_multiplier)),
                benefits=tier_benefits(config, tier),
            ),
            field=("config", "tiers", str(rank), "name"),
        )


async def _member_day(ctx: RequestContext, config: RetailConfig) -> None:
    day = config.member_day
    if not day.enabled:
        return
    params: dict[str, object] = {"multiplier": day.multiplier}
    if day.weekdays:
        params["weekdays"] = day.weekdays
    if day.month_days:
        params["monthDays"] = day.month_days
    await setup.ensure_earning_rule(
        ctx, setup.EarningRuleSpec(name=member_day_name(day), kind="MEMBER_DAY", params=params)
    )
