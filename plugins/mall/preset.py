"""Setting a tenant up as a mall: points per yuan, the stores of its configuration, and a
``STORE_MULTIPLIER`` earning rule for each store given its own multiplier.

Written against the public plugin API only, as a partner's preset would be. It runs once per
tenant, inside ``enablePlugin``; stores and rules the tenant already has are kept as they are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from plugins.api import setup
from plugins.api.data import fetch, tenant_transaction
from plugins.mall.config import MallConfig, StoreConfig

if TYPE_CHECKING:
    from tenants.context import RequestContext

__all__ = ["set_up", "store_rule_name"]


def store_rule_name(store: StoreConfig) -> str:
    return f"商户积分倍数 {store.code}"


async def set_up(ctx: RequestContext, config: MallConfig) -> None:
    """Everything the mall programme needs, in the caller's transaction."""
    await setup.set_points_earning(ctx, points_per_yuan=Decimal(str(config.points_per_yuan)))
    now = ctx.clock.now()
    async with tenant_transaction(ctx) as conn:
        for store in config.stores:
            await fetch(
                conn,
                "INSERT INTO mall_stores (tenant_id, code, name, active, created_at, updated_at) "
                "VALUES ($1, $2, $3, true, $4, $4) ON CONFLICT (tenant_id, code) DO NOTHING",
                ctx.tenant.id,
                store.code,
                store.name,
                now,
            )
    for store in config.stores:
        if store.points_multiplier is not None:
            await setup.ensure_earning_rule(
                ctx,
                setup.EarningRuleSpec(
                    name=store_rule_name(store),
                    kind="STORE_MULTIPLIER",
                    params={"stores": [store.code], "multiplier": store.points_multiplier},
                ),
            )
