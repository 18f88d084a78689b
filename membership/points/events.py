"""Events of the points ledger."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from membership.outbox import DomainEvent, event_type
from membership.points.models import PointsEntry

__all__ = ["PointsChanged", "points_changed"]


@event_type("points.changed")
@dataclass(frozen=True)
class PointsChanged(DomainEvent):
    """A member's available points changed through a ledger entry (an order's earn has its own
    event, ``order.recorded``, and spends inside an order are part of it)."""

    member_id: Annotated[uuid.UUID, "the member"]
    entry_id: Annotated[uuid.UUID, "the ledger entry"]
    kind: Annotated[str, "EARN, SPEND, EXPIRE, REVERSE or ADJUST"]
    points: Annotated[int, "the change: positive adds, negative takes"]
    balance: Annotated[int, "the member's available points after it"]
    reason: Annotated[str | None, "why, as recorded on the entry"]


def points_changed(entry: PointsEntry) -> PointsChanged:
    """The event of one ledger entry."""
    return PointsChanged(
        member_id=entry.member_id,
        entry_id=entry.id,
        kind=entry.kind,
        points=entry.points,
        balance=entry.balance_after,
        reason=entry.reason,
    )
