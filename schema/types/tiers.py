"""Tier types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from membership.tiering.progress import TierProgress as ProgressValue
from membership.tiers.models import Tier as TierModel
from membership.tiers.service import window_of
from schema.errors import UserError
from schema.scalars import Long

__all__ = [
    "CreateTierInput",
    "Tier",
    "TierMetric",
    "TierPayload",
    "TierProgress",
    "TierWindow",
    "UpdateTierInput",
]


@strawberry.enum
class TierMetric(Enum):
    POINTS_EARNED = "POINTS_EARNED"
    SPEND = "SPEND"
    ORDER_COUNT = "ORDER_COUNT"


@strawberry.enum(description="What a tier's metric is measured over.")
class TierWindow(Enum):
    ROLLING_DAYS = "ROLLING_DAYS"
    CALENDAR_YEAR = "CALENDAR_YEAR"
    LIFETIME = "LIFETIME"


@strawberry.type
class Tier:
    id: strawberry.ID
    name: str
    rank: int
    metric: TierMetric
    threshold: Long
    window_days: int | None = strawberry.field(description="Rolling window; null = lifetime.")
    window: TierWindow = strawberry.field(
        description="CALENDAR_YEAR counts the year in the tenant's time zone; a tier reached in "
        "a year is kept through the next."
    )
    points_multiplier: float
    benefits: str | None = strawberry.field(
        description="What the tier gives its members (会员权益), as shown to them."
    )

    @classmethod
    def of(cls, row: TierModel) -> Tier:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            rank=row.rank,
            metric=TierMetric(row.metric),
            threshold=Long(row.threshold),
            window_days=row.window_days,
            window=TierWindow(window_of(row)),
            points_multiplier=float(row.points_multiplier),
            benefits=row.benefits,
        )

    @classmethod
    def of_catalogued(cls, row: TierModel) -> Tier:
        """``of`` for a row of the tenant's kept tier catalogue (``tier_catalogue``), which is
        never changed once read: made once per row, not once per member shown."""
        kept = _catalogued.get(id(row))
        if kept is not None and kept[0] is row:  # the same row, not one that took its place
            return kept[1]
        if len(_catalogued) >= _CATALOGUED_KEPT:
            _catalogued.clear()
        made = cls.of(row)
        _catalogued[id(row)] = (row, made)
        return made


_catalogued: dict[int, tuple[TierModel, Tier]] = {}
_CATALOGUED_KEPT = 10_000


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
    window: TierWindow | None = strawberry.field(
        default=None, description="Default: ROLLING_DAYS with windowDays, else LIFETIME."
    )
    benefits: str | None = strawberry.field(
        default=None, description="What the tier gives its members; at most 2000 characters."
    )


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
    window: TierWindow | None = None
    benefits: str | None = strawberry.field(
        default=None, description="What the tier gives its members; empty text clears it."
    )


@strawberry.type
class TierPayload:
    tier: Tier | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="Where a member stands against its tiers.")
class TierProgress:
    next_tier: Tier | None = strawberry.field(description="The tier above; null at the top.")
    next_tier_value: Long = strawberry.field(
        description="The next tier's metric for this member, over the next tier's window."
    )
    remaining: Long = strawberry.field(description="What is still missing to reach the next tier.")
    keep_value: Long | None = strawberry.field(
        description="The member's own tier's metric as the downgrade check counts it; null for "
        "the entry tier."
    )
    below_since: datetime | None = strawberry.field(
        description="Since when the member is below its own tier's threshold (grace period)."
    )
    review_at: datetime | None = strawberry.field(
        description="When the member would leave its tier if nothing else happened: the end of "
        "the grace period, of the calendar years that count, or of the rolling window holding "
        "its purchases; null for a lifetime or entry tier."
    )

    @classmethod
    def of(cls, value: ProgressValue) -> TierProgress:
        next_tier = value.next_tier
        return cls(
            next_tier=Tier.of(next_tier) if next_tier else None,
            next_tier_value=Long(value.next_value),
            remaining=Long(max(0, next_tier.threshold - value.next_value) if next_tier else 0),
            keep_value=Long(value.keep_value) if value.keep_value is not None else None,
            below_since=value.below_since,
            review_at=value.review_at,
        )
