"""Behaviour events from front ends, the event-type catalogue, and dead letters."""

from __future__ import annotations

import strawberry

from membership.events import handlers, tracking
from resolvers.conventions import named_member, parse_id, returns_errors
from schema.context import Info
from schema.types.common import page_info
from schema.types.events import (
    DeadLetter,
    DeadLetterConnection,
    DeadLetterEdge,
    DeadLetterPayload,
    EventType,
    TrackEventInput,
    TrackEventPayload,
    event_type_list,
)

__all__ = ["EventMutations", "EventQueries"]


@strawberry.type
class EventQueries:
    @strawberry.field(description="Every event type the platform writes, with its payload version.")
    def event_types(self) -> list[EventType]:
        return event_type_list()

    @strawberry.field(
        description="Handlings that used up their attempts, the most recent first; replay them "
        "with replayDeadLetter."
    )
    async def dead_letters(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> DeadLetterConnection:
        page = await handlers.list_dead_letters(info.context.auth, first=first or 50, after=after)
        edges = [DeadLetterEdge.of(row) for row in page.rows]
        return DeadLetterConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )


@strawberry.type
class EventMutations:
    @strawberry.mutation(
        description="Record what a member did (browsed, joined a campaign…); idempotent by key. "
        "Delivered to webhooks and automations as event.<type>."
    )
    @returns_errors(TrackEventPayload)
    async def track_event(self, info: Info, input: TrackEventInput) -> TrackEventPayload:
        member_id = await named_member(
            info.context.auth, input.member_id, input.member_phone, input.member_identity
        )
        tracked = await tracking.track_event(
            info.context.auth,
            tracking.TrackedEvent(
                member_id=member_id,
                type=input.type,
                properties=input.properties,
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            ),
        )
        return TrackEventPayload(event_id=strawberry.ID(str(tracked.event.id)))

    @strawberry.mutation(description="Give a dead letter a fresh set of attempts, due now.")
    @returns_errors(DeadLetterPayload)
    async def replay_dead_letter(self, info: Info, id: strawberry.ID) -> DeadLetterPayload:
        row = await handlers.replay_dead_letter(info.context.auth, parse_id(id, ["id"]))
        return DeadLetterPayload(dead_letter=DeadLetter.of(row))
