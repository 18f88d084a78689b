"""The event a full card emits: webhooks, journeys and other plugins' handlers receive it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from plugins.api.data import DomainEvent, event_type

__all__ = ["StampCardCompleted"]


@event_type("stamp_card.completed")
@dataclass(frozen=True)
class StampCardCompleted(DomainEvent):
    """A member's stamp card was filled and starts over."""

    member_id: Annotated[uuid.UUID, "the member"]
    card_name: Annotated[str, "the card's name, as the tenant set it"]
    stamps_needed: Annotated[int, "the stamps that filled it"]
    times_completed: Annotated[int, "how many cards the member has filled, this one included"]
    reward_points: Annotated[int, "points granted for it"]
    stamp_key: Annotated[str, "the idempotency key of the stamp that filled it"]
