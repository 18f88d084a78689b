"""Points: adjust and spend (the ledger's writes)."""

from __future__ import annotations

import strawberry

from membership.points import service as points
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.members import Member
from schema.types.points import (
    AdjustPointsInput,
    PointsPayload,
    PointsTransaction,
    SpendPointsInput,
)

__all__ = ["PointsMutations"]


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
