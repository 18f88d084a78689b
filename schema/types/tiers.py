"""Tier types."""

from __future__ import annotations

from enum import Enum

import strawberry

from membership.tiers.models import Tier as TierModel
from schema.scalars import Long

__all__ = ["Tier", "TierMetric"]


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
    points_multiplier: float

    @classmethod
    def of(cls, row: TierModel) -> Tier:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            rank=row.rank,
            metric=TierMetric(row.metric),
            threshold=Long(row.threshold),
            points_multiplier=float(row.points_multiplier),
        )
