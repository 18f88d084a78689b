"""Points mall types."""

from __future__ import annotations

import strawberry

from membership.rewards.models import Reward as RewardModel
from schema.context import Info
from schema.errors import UserError
from schema.scalars import Long
from schema.types.coupons import Coupon, CouponTemplate
from schema.types.points import PointsTransaction

__all__ = [
    "CancelRewardRedemptionPayload",
    "CreateRewardInput",
    "RedeemRewardInput",
    "RedeemRewardPayload",
    "Reward",
    "RewardPayload",
    "UpdateRewardInput",
]


@strawberry.type
class Reward:
    _row: strawberry.Private[RewardModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def name(self) -> str:
        return self._row.name

    @strawberry.field
    def points_cost(self) -> Long:
        return Long(self._row.points_cost)

    @strawberry.field(description="Left to redeem; null: unlimited.")
    def stock(self) -> int | None:
        return self._row.stock

    @strawberry.field
    def per_member_limit(self) -> int | None:
        return self._row.per_member_limit

    @strawberry.field
    def redeemed_count(self) -> int:
        return self._row.redeemed_count

    @strawberry.field(description="False: taken off the mall; listed, but redeemReward refuses it.")
    def active(self) -> bool:
        return self._row.active

    @strawberry.field(description="The coupon a redemption issues; null: a physical item.")
    async def coupon_template(self, info: Info) -> CouponTemplate | None:
        if self._row.coupon_template_id is None:
            return None
        row = await info.context.coupon_template_loader.load(self._row.coupon_template_id)
        return CouponTemplate.of(row)

    @classmethod
    def of(cls, row: RewardModel) -> Reward:
        return cls(_row=row)


@strawberry.input
class CreateRewardInput:
    name: str
    points_cost: Long
    stock: int | None = None
    coupon_template_id: strawberry.ID | None = None
    per_member_limit: int | None = None


@strawberry.input
class UpdateRewardInput:
    name: str | None = None
    points_cost: Long | None = None
    per_member_limit: int | None = strawberry.field(
        default=strawberry.UNSET, description="null removes the limit."
    )
    add_stock: int | None = strawberry.field(
        default=None,
        description="Added to the stock (negative: taken off); refused below zero or when the "
        "stock is unlimited.",
    )
    active: bool | None = strawberry.field(
        default=None, description="false takes the reward off the mall."
    )


@strawberry.input
class RedeemRewardInput:
    reward_id: strawberry.ID
    member_id: strawberry.ID
    idempotency_key: str


@strawberry.type
class RewardPayload:
    reward: Reward | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RedeemRewardPayload:
    coupon: Coupon | None = None
    transaction: PointsTransaction | None = None
    redemption_id: strawberry.ID | None = strawberry.field(
        default=None, description="To cancel the redemption with cancelRewardRedemption."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CancelRewardRedemptionPayload:
    redemption_id: strawberry.ID | None = None
    status: str | None = strawberry.field(default=None, description="CANCELLED.")
    errors: list[UserError] = strawberry.field(default_factory=list)
