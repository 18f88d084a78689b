"""Tiers (reading; the tier engine adds its mutations)."""

from __future__ import annotations

import strawberry

from membership.tiers.service import list_tiers
from schema.context import Info
from schema.types.tiers import Tier
from tenants.permissions import Permission

__all__ = ["TierQueries"]


@strawberry.type
class TierQueries:
    @strawberry.field
    async def tiers(self, info: Info) -> list[Tier]:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)
        return [Tier.of(t) for t in await list_tiers(ctx)]
