"""Points: adjust and spend (the ledger's writes), the expiry policy, expiring points."""

from __future__ import annotations

import strawberry

from membership.points import expiry, liability
from membership.points import service as points
from membership.programme import settings
from membership.programme.expiry import set_policy
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.scalars import Long
from schema.types.members import Member
from schema.types.points import (
    AdjustPointsInput,
    PointsExpiryPolicy,
    PointsLiability,
    PointsPayload,
    PointsSettings,
    PointsSettingsPayload,
    PointsTransaction,
    SpendPointsInput,
    StoreLiability,
    UpdateEarningSettingsInput,
    UpdatePointsSettingsInput,
)
from tenants.context import RequestContext
from tenants.permissions import Permission

__all__ = ["PointsMutations", "PointsQueries", "PointsSettingsMutations"]


def _payload(result: points.PointsResult) -> PointsPayload:
    return PointsPayload(
        transaction=PointsTransaction.of(result.entry), member=Member.of(result.member)
    )


@strawberry.type
class PointsMutations:
    @strawberry.mutation(description="Grant (+) or deduct (-) points; idempotent by key.")
    @returns_errors(PointsPayload)
    async def adjust_points(self, info: Info, input: AdjustPointsInput) -> PointsPayload:
        result = await points.adjust(
            info.context.auth,
            member_id=parse_id(input.member_id, ["input", "memberId"]),
            points=int(input.points),
            reason=input.reason,
            idempotency_key=input.idempotency_key,
        )
        return _payload(result)

    @strawberry.mutation(description="Spend points; idempotent by key.")
    @returns_errors(PointsPayload)
    async def spend_points(self, info: Info, input: SpendPointsInput) -> PointsPayload:
        result = await points.spend(
            info.context.auth,
            member_id=parse_id(input.member_id, ["input", "memberId"]),
            points=int(input.points),
            reason=input.reason,
            idempotency_key=input.idempotency_key,
        )
        return _payload(result)


async def _settings(ctx: RequestContext) -> PointsSettings:
    row = await settings.load_settings(ctx)
    return PointsSettings(
        expiry_policy=PointsExpiryPolicy(row.expiry_policy),
        expiry_period=row.expiry_period,
        earn_points_per_yuan=float(row.earn_points_per_yuan),
        point_value_fen=float(row.point_value_fen),
        return_window_days=row.return_window_days,
        points_payment_cap_percent=row.points_payment_cap_percent,
    )


@strawberry.type
class PointsQueries:
    @strawberry.field(description="The tenant's points policy.")
    async def points_settings(self, info: Info) -> PointsSettings:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)
        return await _settings(ctx)

    @strawberry.field(description="What the outstanding points are worth, in all and per store.")
    async def points_liability(self, info: Info) -> PointsLiability:
        result = await liability.points_liability(info.context.auth)
        return PointsLiability(
            points=Long(result.points),
            pending_points=Long(result.pending_points),
            amount=Long(result.amount),
            point_value_fen=float(result.point_value_fen),
            stores=[
                StoreLiability(
                    store_code=s.store_code,
                    points=Long(s.points),
                    pending_points=Long(s.pending_points),
                    amount=Long(s.amount),
                )
                for s in result.stores
            ],
        )

    @strawberry.field(description="Points of the whole tenant that expire within `days`.")
    async def points_expiring(self, info: Info, days: int) -> Long:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)
        return Long(await expiry.expiring_points(ctx, days=days))


@strawberry.type
class PointsSettingsMutations:
    @strawberry.mutation(description="Set when points expire; applies to points earned from now.")
    @returns_errors(PointsSettingsPayload)
    async def update_points_settings(
        self, info: Info, input: UpdatePointsSettingsInput
    ) -> PointsSettingsPayload:
        await set_policy(info.context.auth, input.expiry_policy.value, input.expiry_period)
        return PointsSettingsPayload(settings=await _settings(info.context.auth))

    @strawberry.mutation(description="Set how orders earn; applies to orders recorded from now.")
    @returns_errors(PointsSettingsPayload)
    async def update_earning_settings(
        self, info: Info, input: UpdateEarningSettingsInput
    ) -> PointsSettingsPayload:
        await settings.update_earning(
            info.context.auth,
            earn_points_per_yuan=input.earn_points_per_yuan,
            point_value_fen=input.point_value_fen,
            return_window_days=input.return_window_days,
            points_payment_cap_percent=input.points_payment_cap_percent,
        )
        return PointsSettingsPayload(settings=await _settings(info.context.auth))
