"""Tiers: list, create, change, delete."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import strawberry

from membership.errors import DomainError, ErrorCode
from membership.programme.settings import load_settings
from membership.tiering import engine as tiering
from membership.tiers import service as tiers
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.common import DeletePayload
from schema.types.tiers import (
    CreateTierInput,
    Tier,
    TierDowngradePolicy,
    TierPayload,
    TierSettings,
    TierSettingsPayload,
    UpdateTierInput,
    UpdateTierSettingsInput,
)
from tenants.context import RequestContext
from tenants.permissions import Permission

__all__ = ["TierMutations", "TierQueries"]


def _multiplier(value: float | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.001"))
    except InvalidOperation as exc:
        raise DomainError(
            ErrorCode.INVALID,
            "The points multiplier must be above 0 and at most 100.",
            ["input", "pointsMultiplier"],
        ) from exc


async def _tier_settings(ctx: RequestContext) -> TierSettings:
    row = await load_settings(ctx)
    return TierSettings(
        downgrade_policy=TierDowngradePolicy(row.tier_downgrade_policy),
        grace_days=row.tier_grace_days,
    )


@strawberry.type
class TierQueries:
    @strawberry.field(description="How members drop to a lower tier.")
    async def tier_settings(self, info: Info) -> TierSettings:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)
        return await _tier_settings(ctx)

    @strawberry.field
    async def tiers(self, info: Info) -> list[Tier]:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)
        return [Tier.of(t) for t in await tiers.list_tiers(ctx)]


@strawberry.type
class TierMutations:
    @strawberry.mutation
    @returns_errors(TierPayload)
    async def create_tier(self, info: Info, input: CreateTierInput) -> TierPayload:
        changes = tiers.TierChanges(
            name=input.name,
            rank=input.rank,
            metric=input.metric.value,
            threshold=int(input.threshold),
            window_days=input.window_days,
            window=input.window.value if input.window else None,
            points_multiplier=_multiplier(input.points_multiplier),
            benefits=input.benefits,
        )
        return TierPayload(tier=Tier.of(await tiers.create_tier(info.context.auth, changes)))

    @strawberry.mutation
    @returns_errors(TierPayload)
    async def update_tier(
        self, info: Info, id: strawberry.ID, input: UpdateTierInput
    ) -> TierPayload:
        window = input.window_days
        changes = tiers.TierChanges(
            name=input.name,
            rank=input.rank,
            metric=input.metric.value if input.metric else None,
            threshold=int(input.threshold) if input.threshold is not None else None,
            window_days=window if window not in (None, strawberry.UNSET) else None,
            clear_window=window is None,
            window=input.window.value if input.window else None,
            points_multiplier=_multiplier(input.points_multiplier),
            benefits=input.benefits,
        )
        row = await tiers.update_tier(info.context.auth, parse_id(id, ["id"]), changes)
        return TierPayload(tier=Tier.of(row))

    @strawberry.mutation(description="Set the downgrade policy and grace period.")
    @returns_errors(TierSettingsPayload)
    async def update_tier_settings(
        self, info: Info, input: UpdateTierSettingsInput
    ) -> TierSettingsPayload:
        await tiering.set_downgrade_policy(
            info.context.auth, policy=input.downgrade_policy.value, grace_days=input.grace_days
        )
        return TierSettingsPayload(settings=await _tier_settings(info.context.auth))

    @strawberry.mutation(description="Delete a tier that no member holds.")
    @returns_errors(DeletePayload)
    async def delete_tier(self, info: Info, id: strawberry.ID) -> DeletePayload:
        deleted = await tiers.delete_tier(info.context.auth, parse_id(id, ["id"]))
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)))
