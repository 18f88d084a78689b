"""The gym's events: journeys (the renewal reminders), webhooks and other plugins receive them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from plugins.api.data import DomainEvent, event_type

__all__ = ["CardEnding", "CardVisitsLow"]


@event_type("gym.card.ending")
@dataclass(frozen=True)
class CardEnding(DomainEvent):
    """A member's card ends within the tenant's reminder window (once per card and end date)."""

    member_id: Annotated[uuid.UUID, "the member"]
    card_id: Annotated[uuid.UUID, "the card"]
    product_name: Annotated[str, "the card product's name"]
    ends_at: Annotated[datetime, "when the card ends"]


@event_type("gym.card.visits_low")
@dataclass(frozen=True)
class CardVisitsLow(DomainEvent):
    """A check-in brought a VISITS card down to the tenant's reminder count."""

    member_id: Annotated[uuid.UUID, "the member"]
    card_id: Annotated[uuid.UUID, "the card"]
    product_name: Annotated[str, "the card product's name"]
    visits_left: Annotated[int, "visits left on the card"]
