"""Events of tier changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from membership.outbox import DomainEvent, event_type

__all__ = ["TierChanged"]


@event_type("tier.changed")
@dataclass(frozen=True)
class TierChanged(DomainEvent):
    """A member moved up or down a tier."""

    member_id: Annotated[uuid.UUID, "the member"]
    from_tier_id: Annotated[uuid.UUID | None, "the tier before (null: none)"]
    to_tier_id: Annotated[uuid.UUID, "the tier now"]
    from_tier: Annotated[str | None, "the name of the tier before"]
    to_tier: Annotated[str, "the name of the tier now"]
    direction: Annotated[str, "UP or DOWN"]
    reason: Annotated[str, "why, as recorded"]
