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
    UpdateRewardInput,
)

__all__ = ["RewardMutations", "RewardQueries"]


@strawberry.type
class RewardQueries:
    @strawberry.field(
        description="The points mall's rewards, oldest first; inactive ones too unless "
        "active is given (a storefront asks for active: true)."
    )
    async def rewards(self, info: Info, active: bool | None = None) -> list[Reward]:
        rows = await rewards.list_rewards(info.context.auth, active=active)
        return [Reward.of(r) for r in rows]


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
        description="Rename, reprice, restock (addStock) or take a reward off the mall; "
        "bad input changes nothing."
    )
    @returns_errors(RewardPayload)
    async def update_reward(
        self, info: Info, id: strawberry.ID, input: UpdateRewardInput
    ) -> RewardPayload:
        limit = input.per_member_limit
        patch = rewards.RewardPatch(
            name=input.name,
            points_cost=int(input.points_cost) if input.points_cost is not None else None,
            per_member_limit=limit if limit not in (None, strawberry.UNSET) else None,
            clear_per_member_limit=limit is None,
            add_stock=input.add_stock,
            active=input.active,
        )
        row = await rewards.update_reward(info.context.auth, parse_id(id, ["id"]), patch)
        return RewardPayload(reward=Reward.of(row))

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
