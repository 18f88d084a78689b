"""Journeys: save a draft version, activate, pause; read them with their runs and funnel."""

from __future__ import annotations

import strawberry

from membership.errors import DomainError
from membership.journeys import plugin_steps, reads, segments, service
from membership.journeys.simulation import simulate_journey
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.errors import UserError, user_errors
from schema.scalars import JSON
from schema.types.common import DeletePayload
from schema.types.journeys import (
    Journey,
    JourneyPayload,
    JourneyPluginStep,
    JourneyPluginTrigger,
    JourneySimulation,
    SaveJourneyInput,
    SaveSegmentInput,
    Segment,
    SegmentPayload,
)

__all__ = ["JourneyMutations", "JourneyQueries"]


@strawberry.type
class JourneyQueries:
    @strawberry.field(description="The tenant's journeys, the most recently changed first.")
    async def journeys(self, info: Info) -> list[Journey]:
        return [Journey(_row=r) for r in await reads.list_journeys(info.context.auth)]

    @strawberry.field(
        description="Check a definition without saving it: every problem, each with its place "
        "in the definition (the builder's inline errors). Empty: it would save."
    )
    async def check_journey_definition(self, info: Info, definition: JSON) -> list[UserError]:
        try:
            await service.check_definition(info.context.auth, definition)
        except DomainError as exc:
            return user_errors(exc, info.context.language)
        return []

    @strawberry.field(
        description="The step types of the plugins the tenant has enabled, for the journey "
        "builder's palette; a step's parameters are checked by checkJourneyDefinition."
    )
    async def journey_plugin_steps(self, info: Info) -> list[JourneyPluginStep]:
        language = info.context.language
        return [
            JourneyPluginStep.of(step, language)
            for step in await plugin_steps.plugin_step_types(info.context.auth)
        ]

    @strawberry.field(
        description="The events the plugins the tenant has enabled let journeys start on."
    )
    async def journey_plugin_triggers(self, info: Info) -> list[JourneyPluginTrigger]:
        language = info.context.language
        return [
            JourneyPluginTrigger.of(trigger, language)
            for trigger in await plugin_steps.plugin_trigger_events(info.context.auth)
        ]

    @strawberry.field(description="The tenant's segments, by name.")
    async def segments(self, info: Info) -> list[Segment]:
        return [Segment(_row=r) for r in await segments.list_segments(info.context.auth)]

    @strawberry.field
    async def segment(self, info: Info, id: strawberry.ID) -> Segment | None:
        row = await segments.get_segment(info.context.auth, parse_id(id, ["id"]))
        return Segment(_row=row) if row else None

    @strawberry.field(
        description="How many members a segment condition names now, without saving it."
    )
    async def count_segment_matches(self, info: Info, condition: str) -> int:
        return await segments.count_matching(info.context.auth, condition)

    @strawberry.field(
        description="The path a member would take through a journey now (its active version, "
        "or the one given), and why, without doing anything."
    )
    async def simulate_journey(
        self, info: Info, id: strawberry.ID, member_id: strawberry.ID, version: int | None = None
    ) -> JourneySimulation:
        simulation = await simulate_journey(
            info.context.auth,
            parse_id(id, ["id"]),
            parse_id(member_id, ["memberId"]),
            version,
        )
        return JourneySimulation.of(simulation)

    @strawberry.field
    async def journey(self, info: Info, id: strawberry.ID) -> Journey | None:
        row = await reads.get_journey(info.context.auth, parse_id(id, ["id"]))
        return Journey(_row=row) if row else None


@strawberry.type
class JourneyMutations:
    @strawberry.mutation(
        description="Check a definition and save it: a new journey, or a new draft version. "
        "Every problem is reported at once, with its place in the definition."
    )
    @returns_errors(JourneyPayload)
    async def save_journey(self, info: Info, input: SaveJourneyInput) -> JourneyPayload:
        row = await service.save_journey(
            info.context.auth,
            journey_id=parse_id(input.id, ["input", "id"]) if input.id else None,
            name=input.name,
            definition=input.definition,
        )
        return JourneyPayload(journey=Journey(_row=row))

    @strawberry.mutation(
        description="Publish the latest version: members enter it from now on; members in a "
        "run keep theirs. Resumes a paused journey."
    )
    @returns_errors(JourneyPayload)
    async def activate_journey(self, info: Info, id: strawberry.ID) -> JourneyPayload:
        row = await service.activate_journey(info.context.auth, parse_id(id, ["id"]))
        return JourneyPayload(journey=Journey(_row=row))

    @strawberry.mutation(description="Stop new entries and hold every run where it is.")
    @returns_errors(JourneyPayload)
    async def pause_journey(self, info: Info, id: strawberry.ID) -> JourneyPayload:
        row = await service.pause_journey(info.context.auth, parse_id(id, ["id"]))
        return JourneyPayload(journey=Journey(_row=row))

    @strawberry.mutation(
        description="Create or change a segment; it is evaluated over every member at once."
    )
    @returns_errors(SegmentPayload)
    async def save_segment(self, info: Info, input: SaveSegmentInput) -> SegmentPayload:
        row = await segments.save_segment(
            info.context.auth,
            parse_id(input.id, ["input", "id"]) if input.id else None,
            segments.SegmentChanges(
                name=input.name,
                condition=input.condition,
                description=input.description,
                tag=input.tag,
            ),
        )
        return SegmentPayload(segment=Segment(_row=row))

    @strawberry.mutation(description="Delete a segment no active journey starts on.")
    @returns_errors(DeletePayload)
    async def delete_segment(self, info: Info, id: strawberry.ID) -> DeletePayload:
        await segments.delete_segment(info.context.auth, parse_id(id, ["id"]))
        return DeletePayload(deleted_id=id)
