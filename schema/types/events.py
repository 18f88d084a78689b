"""Behaviour events, the member's timeline, event types and dead letters."""

from __future__ import annotations

from datetime import datetime

import strawberry

from membership.event_types import described_types
from membership.events.handlers import dead_letter_cursor
from membership.events.models import EventHandling
from membership.outbox import OutboxEvent as OutboxModel
from schema.errors import UserError
from schema.scalars import JSON
from schema.types.common import PageInfo
from schema.types.messaging import IdentityInput

__all__ = [
    "DeadLetter",
    "DeadLetterConnection",
    "DeadLetterEdge",
    "DeadLetterPayload",
    "EventType",
    "TimelineConnection",
    "TimelineEdge",
    "TimelineEvent",
    "TrackEventInput",
    "TrackEventPayload",
    "event_type_list",
]


@strawberry.input
class TrackEventInput:
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Or name the member by memberPhone or memberIdentity."
    )
    member_phone: str | None = None
    member_identity: IdentityInput | None = None
    type: str = strawberry.field(
        description='A dotted name, e.g. "product.viewed", "campaign.joined"; tenants add '
        "their own. Delivered to webhooks as event.<type>."
    )
    properties: JSON | None = strawberry.field(
        default=None, description="A flat JSON object of at most 8 KB."
    )
    occurred_at: datetime | None = strawberry.field(
        default=None, description="Default: now; at most one day ahead."
    )
    idempotency_key: str = strawberry.field(description="A replay records nothing new.")


@strawberry.type
class TrackEventPayload:
    event_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="One event about a member: a state change or a reported behaviour.")
class TimelineEvent:
    _row: strawberry.Private[OutboxModel]

    @strawberry.field(description="The event's id (the webhook-id of its deliveries).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field(description="e.g. order.recorded, or event.product.viewed for behaviour.")
    def type(self) -> str:
        return self._row.type

    @strawberry.field(description="When it was recorded.")
    def created_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field(description="When it happened: reported by the front end for behaviour.")
    def occurred_at(self) -> datetime:
        reported = (
            self._row.payload.get("occurredAt") if self._row.type.startswith("event.") else None
        )
        return datetime.fromisoformat(reported) if reported else self._row.created_at

    @strawberry.field(description="True for behaviour events reported with trackEvent.")
    def behaviour(self) -> bool:
        return self._row.type.startswith("event.")

    @strawberry.field(description="The payload, as webhooks deliver it in data.")
    def data(self) -> JSON:
        return self._row.payload  # type: ignore[no-any-return]

    @classmethod
    def of(cls, row: OutboxModel) -> TimelineEvent:
        return cls(_row=row)


@strawberry.type
class TimelineEdge:
    node: TimelineEvent
    cursor: str


@strawberry.type
class TimelineConnection:
    edges: list[TimelineEdge]
    page_info: PageInfo


@strawberry.type(description="An event type the platform writes (see docs/events.md).")
class EventType:
    type: str
    version: int
    description: str


def event_type_list() -> list[EventType]:
    return [EventType(type=t, version=v, description=d) for t, v, d in described_types()]


@strawberry.type(description="A handler's work on an event that used up its attempts.")
class DeadLetter:
    _row: strawberry.Private[EventHandling]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def event_id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.event_id))

    @strawberry.field
    def event_type(self) -> str:
        return self._row.event_type

    @strawberry.field(description="The handler that failed, e.g. coupons.generate_batch.")
    def handler(self) -> str:
        return self._row.handler

    @strawberry.field
    def member_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self._row.member_id)) if self._row.member_id else None

    @strawberry.field
    def attempts(self) -> int:
        return self._row.attempts

    @strawberry.field(description="The last attempt's error.")
    def last_error(self) -> str | None:
        return self._row.last_error

    @strawberry.field(description="PENDING after a replay, DONE once handled, DEAD otherwise.")
    def status(self) -> str:
        return self._row.status

    @strawberry.field(description="When the event happened.")
    def event_at(self) -> datetime:
        return self._row.event_at

    @strawberry.field(description="When it last changed (went dead, or was replayed).")
    def updated_at(self) -> datetime:
        return self._row.updated_at

    @classmethod
    def of(cls, row: EventHandling) -> DeadLetter:
        return cls(_row=row)


@strawberry.type
class DeadLetterEdge:
    node: DeadLetter
    cursor: str

    @classmethod
    def of(cls, row: EventHandling) -> DeadLetterEdge:
        return cls(node=DeadLetter.of(row), cursor=dead_letter_cursor(row))


@strawberry.type
class DeadLetterConnection:
    edges: list[DeadLetterEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class DeadLetterPayload:
    dead_letter: DeadLetter | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
