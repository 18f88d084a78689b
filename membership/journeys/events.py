"""Events of journeys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from membership.outbox import DomainEvent, event_type

__all__ = ["JourneyWebhook", "SegmentEntered", "SegmentExited"]


@event_type("journey.webhook")
@dataclass(frozen=True)
class JourneyWebhook(DomainEvent):
    """A journey's callWebhook step reached a member: delivered to the endpoint the step names."""

    member_id: Annotated[uuid.UUID, "the member"]
    journey_id: Annotated[uuid.UUID, "the journey"]
    run_id: Annotated[uuid.UUID, "the member's run"]
    step: Annotated[str, "the step id in the journey's definition"]
    endpoint_id: Annotated[uuid.UUID, "the endpoint the step delivers to"]


@event_type("segment.entered")
@dataclass(frozen=True)
class SegmentEntered(DomainEvent):
    """A member came to match a segment's filter (journeys with a segmentEntered trigger start)."""

    member_id: Annotated[uuid.UUID, "the member"]
    segment_id: Annotated[uuid.UUID, "the segment"]
    segment: Annotated[str, "the segment's name"]


@event_type("segment.exited")
@dataclass(frozen=True)
class SegmentExited(DomainEvent):
    """A member no longer matches a segment's filter."""

    member_id: Annotated[uuid.UUID, "the member"]
    segment_id: Annotated[uuid.UUID, "the segment"]
    segment: Annotated[str, "the segment's name"]
