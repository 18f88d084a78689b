"""Reading journeys: the list, versions, runs (a member's, a journey's) and the funnel, each
batched for the GraphQL face's DataLoaders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tortoise.expressions import Q

from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, ErrorCode
from membership.journeys.models import Journey, JourneyRun, JourneyVersion
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "MAX_PAGE",
    "Funnel",
    "RunPage",
    "funnels",
    "get_journey",
    "journey_runs",
    "journeys_by_ids",
    "list_journeys",
    "member_runs",
    "run_cursor",
    "versions_of",
]


async def list_journeys(ctx: RequestContext) -> list[Journey]:
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx):
        return list(await Journey.all().order_by("-updated_at", "id"))


async def get_journey(ctx: RequestContext, journey_id: uuid.UUID) -> Journey | None:
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx):
        return await Journey.get_or_none(id=journey_id)


async def journeys_by_ids(
    ctx: RequestContext, journey_ids: list[uuid.UUID]
) -> dict[uuid.UUID, Journey]:
    async with tenant_tx(ctx):
        return {j.id: j for j in await Journey.filter(id__in=journey_ids)}


async def versions_of(
    ctx: RequestContext, journey_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[JourneyVersion]]:
    """Every version of these journeys, newest first (one query, for a DataLoader)."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx):
        rows = await JourneyVersion.filter(journey_id__in=journey_ids).order_by("-version")
    grouped: dict[uuid.UUID, list[JourneyVersion]] = {i: [] for i in journey_ids}
    for row in rows:
        grouped[row.journey_id].append(row)
    return grouped


async def member_runs(
    ctx: RequestContext, member_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[JourneyRun]]:
    """The members' runs, newest first (one query, for a DataLoader)."""
    if not ctx.has(Permission.MEMBERS_READ):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    async with tenant_tx(ctx):
        rows = (
            await JourneyRun.filter(member_id__in=member_ids)
            .order_by("-started_at", "-id")
            .limit(100 * len(member_ids))
        )
    grouped: dict[uuid.UUID, list[JourneyRun]] = {i: [] for i in member_ids}
    for row in rows:
        grouped[row.member_id].append(row)
    return grouped


@dataclass(frozen=True)
class RunPage:
    rows: list[JourneyRun]
    total: int
    has_next: bool


MAX_PAGE = 100


async def journey_runs(
    ctx: RequestContext,
    journey_id: uuid.UUID,
    *,
    first: int,
    after: str | None,
    status: str | None = None,
    step: str | None = None,
) -> RunPage:
    """A journey's runs, the latest first, keyset-paginated; only ``status`` or ``step`` when
    given (the runs now at a step, for the funnel's drill-down)."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(
            ErrorCode.INVALID,
            "first must be between 0 and {MAX_PAGE}.",
            ["first"],
            MAX_PAGE=MAX_PAGE,
        )
    async with tenant_tx(ctx):
        query = JourneyRun.filter(journey_id=journey_id)
        if status:
            query = query.filter(status=status)
        if step:
            query = query.filter(current_step=step, status__in=["ACTIVE", "WAITING"])
        total = await query.count()
        if after:
            started_at, last_id = decode_cursor(after)
            query = query.filter(
                Q(started_at__lt=started_at) | Q(started_at=started_at, id__lt=last_id)
            )
        rows = list(await query.order_by("-started_at", "-id").limit(first + 1))
    return RunPage(rows[:first], total, has_next=len(rows) > first)


def run_cursor(run: JourneyRun) -> str:
    return encode_cursor(run.started_at, run.id)


@dataclass(frozen=True)
class Funnel:
    entered: int
    active: int
    waiting: int
    completed: int
    exited: int
    failed: int
    at_step: dict[str, int]  # runs now at each step (active or waiting)
    reached: dict[str, int]  # runs that went through each step


async def funnels(ctx: RequestContext, journey_ids: list[uuid.UUID]) -> dict[uuid.UUID, Funnel]:
    """How many entered each journey, where they are, how many went through each step and how
    many ended how: three queries for any number of journeys (a DataLoader's batch)."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx) as conn:
        _, counts = await conn.execute_query(
            "SELECT journey_id, status, count(*) AS n FROM journey_runs "
            "WHERE journey_id = ANY($1::uuid[]) GROUP BY journey_id, status",
            [journey_ids],
        )
        _, at_step = await conn.execute_query(
            "SELECT journey_id, current_step, count(*) AS n FROM journey_runs "
            "WHERE journey_id = ANY($1::uuid[]) AND status IN ('ACTIVE', 'WAITING') "
            "GROUP BY journey_id, current_step",
            [journey_ids],
        )
        _, reached = await conn.execute_query(
            "SELECT r.journey_id, a.step, count(DISTINCT a.run_id) AS n FROM journey_actions a "
            "JOIN journey_runs r ON r.id = a.run_id WHERE r.journey_id = ANY($1::uuid[]) "
            "GROUP BY r.journey_id, a.step",
            [journey_ids],
        )
    result = {}
    for journey_id in journey_ids:
        by_status = {r["status"]: int(r["n"]) for r in counts if r["journey_id"] == journey_id}
        result[journey_id] = Funnel(
            entered=sum(by_status.values()),
            active=by_status.get("ACTIVE", 0),
            waiting=by_status.get("WAITING", 0),
            completed=by_status.get("COMPLETED", 0),
            exited=by_status.get("EXITED", 0),
            failed=by_status.get("FAILED", 0),
            at_step={
                r["current_step"]: int(r["n"])
                for r in at_step
                if r["journey_id"] == journey_id and r["current_step"]
            },
            reached={r["step"]: int(r["n"]) for r in reached if r["journey_id"] == journey_id},
        )
    return result
