"""Events of members' profiles."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from membership.outbox import DomainEvent, event_type

__all__ = ["BehaviourTracked", "MemberCreated", "MemberMerged", "MemberUpdated"]


@event_type("member.created")
@dataclass(frozen=True)
class MemberCreated(DomainEvent):
    """A member joined the programme."""

    member_id: Annotated[uuid.UUID, "the new member"]
    tier_id: Annotated[uuid.UUID | None, "the entry tier, when the programme has tiers"]
    source_channel: Annotated[str | None, "where the member joined (pos, mini-program, import…)"]
    referrer_id: Annotated[uuid.UUID | None, "the member who referred them"]


@event_type("member.updated")
@dataclass(frozen=True)
class MemberUpdated(DomainEvent):
    """A member's profile changed."""

    member_id: Annotated[uuid.UUID, "the member"]
    changed: Annotated[list[str], "the profile fields that changed (API names)"]


@event_type("member.merged")
@dataclass(frozen=True)
class MemberMerged(DomainEvent):
    """Two profiles of one person became one: the source now points at the survivor."""

    member_id: Annotated[uuid.UUID, "the surviving member"]
    source_id: Annotated[uuid.UUID, "the profile merged into it"]
    points_moved: Annotated[int, "points moved from the source"]


@event_type("event.*")
@dataclass(frozen=True)
class BehaviourTracked(DomainEvent):
    """A front end reported what a member did (``trackEvent``): delivered as ``event.<type>``,
    e.g. ``event.product.viewed``; tenants name their own types."""

    member_id: Annotated[uuid.UUID, "the member"]
    event_id: Annotated[uuid.UUID, "the behaviour event"]
    name: Annotated[str, "its type as reported, e.g. product.viewed"]
    properties: Annotated[dict[str, Any], "its properties: a flat object"]
    occurred_at: Annotated[str, "when it happened (ISO 8601)"]

    @property
    def event_type(self) -> str:
        return f"event.{self.name}"
