"""Events of the points mall."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from membership.outbox import DomainEvent, event_type

__all__ = ["RewardRedeemed", "RewardRedemptionCancelled"]


@event_type("reward.redeemed")
@dataclass(frozen=True)
class RewardRedeemed(DomainEvent):
    """A member spent points on a reward of the points mall."""

    member_id: Annotated[uuid.UUID, "the member"]
    redemption_id: Annotated[uuid.UUID, "the redemption"]
    reward_id: Annotated[uuid.UUID, "the reward"]
    reward: Annotated[str, "the reward's name"]
    points: Annotated[int, "points spent"]
    coupon_id: Annotated[uuid.UUID | None, "the coupon it issued, if any"]


@event_type("reward.cancelled")
@dataclass(frozen=True)
class RewardRedemptionCancelled(DomainEvent):
    """A redemption was cancelled: points and stock given back, its coupon voided."""

    member_id: Annotated[uuid.UUID, "the member"]
    redemption_id: Annotated[uuid.UUID, "the redemption"]
    reward_id: Annotated[uuid.UUID, "the reward"]
    points: Annotated[int, "points given back"]
