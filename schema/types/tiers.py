"""Tier types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from membership.tiers.models import Tier as TierModel
from schema.errors import UserError
from schema.scalars import Long

__all__ = ["CreateTierInput", "Tier", "TierMetric", "TierPayload", "UpdateTierInput"]


@strawberry.enum
class TierMetric(Enum):
    POINTS_EARNED = "POINTS_EARNED"
    SPEND = "SPEND"
    ORDER_COUNT = "ORDER_COUNT"


@strawberry.type
class Tier:
    id: strawberry.ID
    name: str
    rank: int
    metric: TierMetric
    threshold: Long
    window_days: int | None = strawberry.field(description="Rolling window; null = lifetime.")
    points_multiplier: float

    @classmethod
    def of(cls, row: TierModel) -> Tier:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            rank=row.rank,
            metric=TierMetric(row.metric),
            threshold=Long(row.threshold),
            window_days=row.window_days,
            points_multiplier=float(row.points_multiplier),
        )


@strawberry.type
class TierChange:
    id: strawberry.ID
    from_tier_id: strawberry.ID | None
    to_tier_id: strawberry.ID | None
    reason: str
    metric_value: Long | None = strawberry.field(description="What the member had reached.")
    created_at: datetime


@strawberry.enum
class TierDowngradePolicy(Enum):
    ONE_TIER = "ONE_TIER"  # drop one tier
    TO_QUALIFIED = "TO_QUALIFIED"  # drop to the highest lower tier the member qualifies for


@strawberry.type
class TierSettings:
    downgrade_policy: TierDowngradePolicy
    grace_days: int = strawberry.field(description="Days below a tier before the downgrade.")


@strawberry.input
class UpdateTierSettingsInput:
    downgrade_policy: TierDowngradePolicy
    grace_days: int


@strawberry.type
class TierSettingsPayload:
    settings: TierSettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CreateTierInput:
    name: str
    rank: int = strawberry.field(description="0 = entry tier; higher is better.")
    metric: TierMetric
    threshold: Long = strawberry.field(description="Reach this within the window to qualify.")
    window_days: int | None = strawberry.field(
        default=None, description="Rolling window; null = lifetime."
    )
    points_multiplier: float | None = strawberry.field(default=None, description="Default 1.0.")


@strawberry.input
class UpdateTierInput:
    name: str | None = None
    rank: int | None = None
    metric: TierMetric | None = None
    threshold: Long | None = None
    window_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="null makes the window lifetime."
    )
    points_multiplier: float | None = None


@strawberry.type
class TierPayload:
    tier: Tier | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
