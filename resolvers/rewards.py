"""The points mall: rewards, redemptions and cancellations."""

from __future__ import annotations

import strawberry

from membership.rewards import service as rewards
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.coupons import Coupon
from schema.types.points import PointsTransaction
from schema.types.rewards import (
    CancelRewardRedemptionPayload,
    CreateRewardInput,
    RedeemRewardInput,
    RedeemRewardPayload,
    Reward,
    RewardPayload,
)

__all__ = ["RewardMutations", "RewardQueries"]


@strawberry.type
class RewardQueries:
    @strawberry.field(description="The points mall's rewards, oldest first.")
    async def rewards(self, info: Info) -> list[Reward]:
        return [Reward.of(r) for r in await rewards.list_rewards(info.context.auth)]


@strawberry.type
class RewardMutations:
    @strawberry.mutation
    @returns_errors(RewardPayload)
    async def create_reward(self, info: Info, input: CreateRewardInput) -> RewardPayload:
        draft = rewards.RewardDraft(
            name=input.name,
            points_cost=int(input.points_cost),
            stock=input.stock,
            coupon_template_id=parse_id(input.coupon_template_id, ["input", "couponTemplateId"])
            if input.coupon_template_id
            else None,
            per_member_limit=input.per_member_limit,
        )
        return RewardPayload(
            reward=Reward.of(await rewards.create_reward(info.context.auth, draft))
        )

    @strawberry.mutation(
        description="Spend a member's points on a reward and issue its coupon, in one "
        "transaction; a replayed key redeems once."
    )
    @returns_errors(RedeemRewardPayload)
    async def redeem_reward(self, info: Info, input: RedeemRewardInput) -> RedeemRewardPayload:
        result = await rewards.redeem_reward(
            info.context.auth,
            reward_id=parse_id(input.reward_id, ["input", "rewardId"]),
            member_id=parse_id(input.member_id, ["input", "memberId"]),
            idempotency_key=input.idempotency_key,
        )
        return RedeemRewardPayload(
            coupon=Coupon.of(result.coupon) if result.coupon else None,
            transaction=PointsTransaction.of(result.entry),
            redemption_id=strawberry.ID(str(result.redemption.id)),
        )

    @strawberry.mutation(description="Give a redemption's points and stock back; voids its coupon.")
    @returns_errors(CancelRewardRedemptionPayload)
    async def cancel_reward_redemption(
        self, info: Info, id: strawberry.ID
    ) -> CancelRewardRedemptionPayload:
        row = await rewards.cancel_redemption(info.context.auth, parse_id(id, ["id"]))
        return CancelRewardRedemptionPayload(
            redemption_id=strawberry.ID(str(row.id)), status=row.status
        )
