"""Journeys, their versions, runs and funnel."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from membership.journeys.models import Journey as JourneyModel
from membership.journeys.models import JourneyRun as RunModel
from membership.journeys.models import JourneyVersion as VersionModel
from membership.journeys.models import Segment as SegmentModel
from membership.journeys.plugin_steps import PluginStepType, PluginTriggerEvent, titled
from membership.journeys.reads import Funnel
from membership.journeys.simulation import Simulation
from schema.context import Info
from schema.errors import UserError
from schema.scalars import JSON
from schema.types.common import PageInfo, page_info

if TYPE_CHECKING:
    from schema.types.members import Member, MemberConnection

__all__ = [
    "Journey",
    "JourneyFunnel",
    "JourneyPayload",
    "JourneyPluginStep",
    "JourneyPluginTrigger",
    "JourneyRun",
    "JourneyRunConnection",
    "JourneyRunEdge",
    "JourneyRunStatus",
    "JourneySimulation",
    "JourneyStatus",
    "JourneyStepCount",
    "JourneyVersion",
    "SaveJourneyInput",
    "SaveSegmentInput",
    "Segment",
    "SegmentPayload",
    "SimulatedStep",
]


@strawberry.enum
class JourneyStatus(Enum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    ARCHIVED = "ARCHIVED"


@strawberry.enum
class JourneyRunStatus(Enum):
    ACTIVE = "ACTIVE"
    WAITING = "WAITING"
    COMPLETED = "COMPLETED"
    EXITED = "EXITED"
    FAILED = "FAILED"


@strawberry.type(description="One saved definition of a journey.")
class JourneyVersion:
    _row: strawberry.Private[VersionModel]

    @strawberry.field
    def version(self) -> int:
        return self._row.version

    @strawberry.field
    def definition(self) -> JSON:
        return self._row.definition  # type: ignore[no-any-return]

    @strawberry.field
    def created_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field
    def created_by(self) -> str:
        return self._row.created_by

    @strawberry.field(description="When it was activated; null for a draft never published.")
    def published_at(self) -> datetime | None:
        return self._row.published_at


@strawberry.type
class JourneyStepCount:
    step: str
    count: int


@strawberry.type(description="Where a journey's members are and how many ended how.")
class JourneyFunnel:
    entered: int
    active: int
    waiting: int
    completed: int
    exited: int
    failed: int
    at_step: list[JourneyStepCount] = strawberry.field(
        description="Runs now at each step (active or waiting)."
    )
    reached: list[JourneyStepCount] = strawberry.field(
        description="Runs that went through each step."
    )

    @classmethod
    def of(cls, funnel: Funnel) -> JourneyFunnel:
        return cls(
            entered=funnel.entered,
            active=funnel.active,
            waiting=funnel.waiting,
            completed=funnel.completed,
            exited=funnel.exited,
            failed=funnel.failed,
            at_step=[JourneyStepCount(step=s, count=n) for s, n in sorted(funnel.at_step.items())],
            reached=[JourneyStepCount(step=s, count=n) for s, n in sorted(funnel.reached.items())],
        )


@strawberry.type
class Journey:
    _row: strawberry.Private[JourneyModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def name(self) -> str:
        return self._row.name

    @strawberry.field
    def status(self) -> JourneyStatus:
        return JourneyStatus(self._row.status)

    @strawberry.field(description="The latest version (a draft until it is activated).")
    def version(self) -> int:
        return self._row.latest_version

    @strawberry.field(description="The version members enter now; null until activated.")
    def active_version(self) -> int | None:
        return self._row.active_version

    @strawberry.field(description="The latest version's definition.")
    async def definition(self, info: Info) -> JSON:
        versions = await info.context.journey_versions_loader.load(self._row.id)
        return versions[0].definition if versions else {}  # type: ignore[no-any-return]

    @strawberry.field(description="Every version, the latest first.")
    async def versions(self, info: Info) -> list[JourneyVersion]:
        return [
            JourneyVersion(_row=v)
            for v in await info.context.journey_versions_loader.load(self._row.id)
        ]

    @strawberry.field(description="The journey's runs, the latest first; status or step filter.")
    async def runs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: JourneyRunStatus | None = None,
        step: str | None = None,
    ) -> JourneyRunConnection:
        from membership.journeys.reads import journey_runs, run_cursor

        page = await journey_runs(
            info.context.auth,
            self._row.id,
            first=20 if first is None else first,
            after=after,
            status=status.value if status else None,
            step=step,
        )
        edges = [JourneyRunEdge(node=JourneyRun(_row=r), cursor=run_cursor(r)) for r in page.rows]
        return JourneyRunConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )

    @strawberry.field
    async def funnel(self, info: Info) -> JourneyFunnel:
        return JourneyFunnel.of(await info.context.journey_funnel_loader.load(self._row.id))

    @strawberry.field
    def created_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self._row.updated_at


@strawberry.type
class JourneyRun:
    _row: strawberry.Private[RunModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    async def member(
        self, info: Info
    ) -> Annotated[Member, strawberry.lazy("schema.types.members")] | None:
        from schema.types.members import Member

        row = await info.context.member_loader.load(self._row.member_id)
        return Member.of(row) if row else None

    @strawberry.field
    async def journey(self, info: Info) -> Journey:
        return Journey(_row=await info.context.journey_loader.load(self._row.journey_id))

    @strawberry.field(description="The version the member entered with.")
    def version(self) -> int:
        return self._row.version

    @strawberry.field
    def status(self) -> JourneyRunStatus:
        return JourneyRunStatus(self._row.status)

    @strawberry.field(description="The step id of the definition where the run is.")
    def current_step(self) -> str | None:
        return self._row.current_step

    @strawberry.field(description="When a wait ends or times out.")
    def next_wake_at(self) -> datetime | None:
        return self._row.next_wake_at if self._row.status == "WAITING" else None

    @strawberry.field(description="Why a run ended early or failed.")
    def exit_reason(self) -> str | None:
        return self._row.exit_reason

    @strawberry.field
    def started_at(self) -> datetime:
        return self._row.started_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self._row.updated_at


@strawberry.type
class JourneyRunEdge:
    node: JourneyRun
    cursor: str


@strawberry.type
class JourneyRunConnection:
    edges: list[JourneyRunEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input(description="No id: a new journey. With id: a new draft version of it.")
class SaveJourneyInput:
    id: strawberry.ID | None = None
    name: str
    definition: JSON


@strawberry.type
class JourneyPayload:
    journey: Journey | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="A saved filter over members, kept up to date; optionally a tag.")
class Segment:
    _row: strawberry.Private[SegmentModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def name(self) -> str:
        return self._row.name

    @strawberry.field
    def description(self) -> str | None:
        return self._row.description

    @strawberry.field(description="A CEL expression over member, e.g. member.orderCount >= 3.")
    def condition(self) -> str:
        return self._row.condition

    @strawberry.field(description="Members inside carry the segment's name as a tag.")
    def tag(self) -> bool:
        return self._row.tag

    @strawberry.field(description="Members inside now.")
    def member_count(self) -> int:
        return self._row.member_count

    @strawberry.field
    def evaluated_at(self) -> datetime | None:
        return self._row.evaluated_at

    @strawberry.field(description="The members inside, by id; the cursor is the last member's id.")
    async def members(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[MemberConnection, strawberry.lazy("schema.types.members")]:
        from membership.journeys.segments import segment_members
        from schema.types.members import Member, MemberConnection, MemberEdge

        page = await segment_members(
            info.context.auth, self._row.id, first=20 if first is None else first, after=after
        )
        edges = [MemberEdge(node=Member.of(m), cursor=str(m.id)) for m in page.members]
        return MemberConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )


@strawberry.input
class SaveSegmentInput:
    id: strawberry.ID | None = None
    name: str
    condition: str
    description: str | None = None
    tag: bool = False


@strawberry.type
class SegmentPayload:
    segment: Segment | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="One step of a simulated path.")
class SimulatedStep:
    step: str
    type: str
    outcome: str
    detail: JSON
    at: datetime | None


@strawberry.type(description="The path a member would take now, and why; nothing is done.")
class JourneySimulation:
    version: int
    enters: bool
    reason: str | None
    steps: list[SimulatedStep]

    @classmethod
    def of(cls, simulation: Simulation) -> JourneySimulation:
        return cls(
            version=simulation.version,
            enters=simulation.enters,
            reason=simulation.reason,
            steps=[
                SimulatedStep(
                    step=s.step,
                    type=s.type,
                    outcome=s.outcome,
                    detail=cast(JSON, s.detail),
                    at=s.at,
                )
                for s in simulation.steps
            ],
        )


@strawberry.type(
    description="A step type an enabled plugin adds to journeys: a step "
    '{"type": <type>, "next": …, <parameters>}, the parameters checked by paramsSchema.'
)
class JourneyPluginStep:
    type: str = strawberry.field(
        description='Named "<plugin prefix>.<action>", e.g. stamp_card.addStamp.'
    )
    plugin: str = strawberry.field(description="The plugin's name.")
    title: str = strawberry.field(description="In the caller's language.")
    params_schema: JSON = strawberry.field(description="JSON Schema of the step's parameters.")

    @classmethod
    def of(cls, step: PluginStepType, language: str) -> JourneyPluginStep:
        return cls(
            type=step.type,
            plugin=step.plugin,
            title=titled(step.title, language, step.type),
            params_schema=cast(JSON, step.params_schema),
        )


@strawberry.type(
    description='An event an enabled plugin lets journeys start on: {"type": "event", '
    '"event": <event>}.'
)
class JourneyPluginTrigger:
    event: str
    plugin: str = strawberry.field(description="The plugin's name.")
    title: str = strawberry.field(description="In the caller's language.")
    description: str | None

    @classmethod
    def of(cls, trigger: PluginTriggerEvent, language: str) -> JourneyPluginTrigger:
        return cls(
            event=trigger.event,
            plugin=trigger.plugin,
            title=titled(trigger.title, language, trigger.event),
            description=trigger.description or None,
        )
