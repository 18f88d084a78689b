"""Reading tiers. Creating and evaluating them belongs to the tier engine."""

from __future__ import annotations

import time
import uuid

from membership.tiers.models import Tier
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["CATALOGUE_SECONDS", "forget_catalogue", "list_tiers", "tier_catalogue"]

# A tenant has a handful of tiers and almost every member read shows one, so their definitions
# are kept per process for a few seconds. Writes in this process drop the entry at once; other
# processes see a renamed tier within CATALOGUE_SECONDS. Decisions that depend on a tier (earning
# multipliers, upgrades) read it in their own transaction, never from here.
CATALOGUE_SECONDS = 10.0
_catalogues: dict[uuid.UUID, tuple[float, dict[uuid.UUID, Tier]]] = {}


async def list_tiers(ctx: RequestContext) -> list[Tier]:
    async with tenant_tx(ctx):
        return list(await Tier.all().order_by("rank"))


async def tier_catalogue(ctx: RequestContext) -> dict[uuid.UUID, Tier]:
    """The tenant's tiers by id, for display: one query per tenant every few seconds at most."""
    hit = _catalogues.get(ctx.tenant.id)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    catalogue = {t.id: t for t in await list_tiers(ctx)}
    _catalogues[ctx.tenant.id] = (time.monotonic() + CATALOGUE_SECONDS, catalogue)
    return catalogue


def forget_catalogue(tenant_id: uuid.UUID) -> None:
    """Call after changing a tenant's tiers."""
    _catalogues.pop(tenant_id, None)
