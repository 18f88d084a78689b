"""Reading tiers. Creating and evaluating them belongs to the tier engine."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from membership.tiers.models import Tier
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["list_tiers", "tiers_by_ids"]


async def list_tiers(ctx: RequestContext) -> list[Tier]:
    async with tenant_tx(ctx):
        return list(await Tier.all().order_by("rank"))


async def tiers_by_ids(ctx: RequestContext, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Tier]:
    """One query for any number of ids (the DataLoader's batch function)."""
    async with tenant_tx(ctx):
        rows = await Tier.filter(id__in=list(set(ids)))
    return {t.id: t for t in rows}
