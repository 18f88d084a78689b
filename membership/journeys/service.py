"""Journeys as merchants manage them: save a draft version, activate it, pause, read the runs.

Saving never changes what members live through: it makes a new draft version. Activating
publishes the latest version; members who entered before keep the version they entered with.
Pausing stops new entries and holds every run where it is; activating again resumes them (a
wait that ended during the pause moves on at once).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

import membership.journeys.schedule  # noqa: F401  (registers the journeys' scheduled work)
from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from membership.journeys.cel import Vocabulary
from membership.journeys.definition import Definition, parse_definition
from membership.journeys.facts import vocabulary_of
from membership.journeys.models import Journey, JourneyRun, JourneyVersion
from membership.journeys.triggers import trigger_names
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "Funnel",
    "activate_journey",
    "check_definition",
    "get_journey",
    "journey_funnel",
    "journey_runs",
    "journeys_by_ids",
    "list_journeys",
    "member_runs",
    "pause_journey",
    "run_cursor",
    "save_journey",
    "versions_of",
]

MAX_JOURNEYS = 200


async def check_definition(ctx: RequestContext, raw: object) -> Definition:
    """Parse ``raw`` and check what it names in the tenant's data; every problem at once."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    definition = parse_definition(raw, Vocabulary(await vocabulary_of(ctx.tenant.id)))
    problems = await _reference_problems(ctx, definition)
    if problems:
        raise DomainErrors(problems)
    return definition


async def _reference_problems(ctx: RequestContext, definition: Definition) -> list[DomainError]:
    from membership.tasks.service import unknown_staff

    refs = definition.references
    problems: list[DomainError] = []

    def at(step: str, name: str) -> list[str]:
        if step.startswith("trigger."):
            return ["input", "definition", "trigger", step.split(".", 1)[1]]
        return ["input", "definition", "steps", step, name]

    async with tenant_tx(ctx) as conn:
        if refs.coupon_templates:
            _, rows = await conn.execute_query(
                "SELECT id FROM coupon_templates WHERE id = ANY($1::uuid[])",
                [list(refs.coupon_templates)],
            )
            found = {r["id"] for r in rows}
            for template_id, steps in refs.coupon_templates.items():
                if template_id not in found:
                    problems += [
                        DomainError(
                            ErrorCode.INVALID, "No such coupon template.", at(s, "templateId")
                        )
                        for s in steps
                    ]
        if refs.staff:
            for staff_id in await unknown_staff(ctx, list(refs.staff)):
                problems += [
                    DomainError(
                        ErrorCode.INVALID,
                        "No such active staff member in this tenant.",
                        at(s, "assignTo"),
                    )
                    for s in refs.staff[staff_id]
                ]
        if refs.message_templates:
            _, rows = await conn.execute_query(
                "SELECT name FROM message_templates WHERE name = ANY($1::text[])",
                [list(refs.message_templates)],
            )
            found_names = {r["name"] for r in rows}
            for name, steps in refs.message_templates.items():
                if name not in found_names:
                    problems += [
                        DomainError(
                            ErrorCode.INVALID,
                            "No template named {name}.",
                            at(s, "template"),
                            name=name,
                        )
                        for s in steps
                    ]
        if refs.webhook_endpoints:
            _, rows = await conn.execute_query(
                "SELECT id FROM webhook_endpoints WHERE id = ANY($1::uuid[])",
                [list(refs.webhook_endpoints)],
            )
            found = {r["id"] for r in rows}
            for endpoint_id, steps in refs.webhook_endpoints.items():
                if endpoint_id not in found:
                    problems += [
                        DomainError(
                            ErrorCode.INVALID, "No such webhook endpoint.", at(s, "endpointId")
                        )
                        for s in steps
                    ]
        if refs.segments:
            _, rows = await conn.execute_query(
                "SELECT name FROM segments WHERE name = ANY($1::text[])", [list(refs.segments)]
            )
            found_names = {r["name"] for r in rows}
            for name in refs.segments:
                if name not in found_names:
                    problems.append(
                        DomainError(
                            ErrorCode.INVALID,
                            "No segment named {name}.",
                            ["input", "definition", "trigger", "segment"],
                            name=name,
                        )
                    )
    return problems


def _check_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise DomainError(
            ErrorCode.INVALID, "Give a name of 1 to 100 characters.", ["input", "name"]
        )
    return name


async def save_journey(
    ctx: RequestContext, *, journey_id: uuid.UUID | None, name: str, definition: Any
) -> Journey:
    """A new journey (no id), or a new draft version of an existing one."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    errors: list[DomainError] = []
    try:
        name = _check_name(name)
    except DomainError as exc:
        errors.append(exc)
    try:
        await check_definition(ctx, definition)
    except DomainErrors as exc:
        errors.extend(exc.errors)
    if errors:
        raise DomainErrors(errors)
    now = ctx.clock.now()
    async with tenant_tx(ctx):
        if journey_id is None:
            if await Journey.all().count() >= MAX_JOURNEYS:
                raise DomainError(
                    ErrorCode.INVALID,
                    "A tenant has at most {max} journeys.",
                    ["input"],
                    max=MAX_JOURNEYS,
                )
            journey = await Journey.create(
                id=new_id(),
                tenant_id=ctx.tenant.id,
                name=name,
                status="DRAFT",
                latest_version=1,
                created_at=now,
                updated_at=now,
            )
        else:
            found = await Journey.filter(id=journey_id).select_for_update().first()
            if found is None:
                raise DomainError(ErrorCode.NOT_FOUND, "No such journey.", ["input", "id"])
            journey = found
            if journey.status == "ARCHIVED":
                raise DomainError(
                    ErrorCode.INVALID, "An archived journey cannot be changed.", ["input", "id"]
                )
            journey.latest_version += 1
            journey.name = name
            journey.updated_at = now
            await journey.save(update_fields=["latest_version", "name", "updated_at"])
        await JourneyVersion.create(
            tenant_id=ctx.tenant.id,
            journey_id=journey.id,
            version=journey.latest_version,
            definition=definition,
            created_at=now,
            created_by=ctx.actor.label,
        )
        await audit.record(
            ctx,
            "journey.save",
            "journey",
            journey.id,
            after={"name": name, "version": journey.latest_version},
        )
    return journey


async def activate_journey(ctx: RequestContext, journey_id: uuid.UUID) -> Journey:
    """Publish the latest version (members enter it from now on) and resume a paused journey."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx) as conn:
        journey = await _locked(journey_id)
        if journey.status == "ARCHIVED":
            raise DomainError(ErrorCode.INVALID, "An archived journey cannot be changed.", ["id"])
        version = await JourneyVersion.get(journey_id=journey.id, version=journey.latest_version)
        # Checked again: a coupon template or staff member it names may have gone since.
        definition = await check_definition(ctx, version.definition)
        now = ctx.clock.now()
        if version.published_at is None:
            await conn.execute_query(
                "UPDATE journey_versions SET published_at = $1 "
                "WHERE journey_id = $2 AND version = $3",
                [now, journey.id, version.version],
            )
        before = {"status": journey.status, "version": journey.active_version}
        journey.status = "ACTIVE"
        journey.active_version = version.version
        journey.trigger_type = definition.trigger.type
        journey.trigger_event = definition.trigger.event
        journey.listens = sorted(await _listens(journey.id, definition))
        journey.updated_at = now
        await journey.save(
            update_fields=[
                "status",
                "active_version",
                "trigger_type",
                "trigger_event",
                "listens",
                "updated_at",
            ]
        )
        await audit.record(
            ctx,
            "journey.activate",
            "journey",
            journey.id,
            before=before,
            after={"status": "ACTIVE", "version": version.version},
        )
    return journey


async def _listens(journey_id: uuid.UUID, active: Definition) -> set[str]:
    """The event types the journey enters members on or its runs (of any version) wait for."""
    types: set[str] = set()
    published = await JourneyVersion.filter(journey_id=journey_id, published_at__not_isnull=True)
    definitions = [active] + [
        parse_definition(v.definition, Vocabulary(await vocabulary_of(v.tenant_id)))
        for v in published
    ]
    for definition in definitions[:1]:
        if definition.trigger.event:
            types.update(_expand(definition.trigger.event))
    for definition in definitions:
        for step in definition.steps.values():
            if step.type == "waitForEvent":
                types.update(_expand(str(step.params["event"])))
    return types


def _expand(name: str) -> set[str]:
    """A definition's event name, as the outbox may carry it (tracked types as event.<type>)."""
    names = {name}
    if not name.startswith("event.") and name.split(".", 1)[0] not in _DOMAINS:
        names.add(f"event.{name}")
    return names | set(trigger_names(name))


_DOMAINS = {
    "member",
    "order",
    "points",
    "tier",
    "coupon",
    "reward",
    "task",
    "message",
    "consent",
    "journey",
    "segment",
    "coupon_batch",
    "webhook",
}


async def pause_journey(ctx: RequestContext, journey_id: uuid.UUID) -> Journey:
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx):
        journey = await _locked(journey_id)
        if journey.status != "ACTIVE":
            raise DomainError(ErrorCode.INVALID, "Only an active journey can be paused.", ["id"])
        journey.status = "PAUSED"
        journey.updated_at = ctx.clock.now()
        await journey.save(update_fields=["status", "updated_at"])
        await audit.record(ctx, "journey.pause", "journey", journey.id, after={"status": "PAUSED"})
    return journey


async def _locked(journey_id: uuid.UUID) -> Journey:
    journey = await Journey.filter(id=journey_id).select_for_update().first()
    if journey is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such journey.", ["id"])
    return journey


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


async def journey_funnel(ctx: RequestContext, journey_id: uuid.UUID) -> Funnel:
    """How many entered, where they are, how many went through each step, how many ended how."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx) as conn:
        _, counts = await conn.execute_query(
            "SELECT status, count(*) AS n FROM journey_runs WHERE journey_id = $1 GROUP BY status",
            [journey_id],
        )
        _, at_step = await conn.execute_query(
            "SELECT current_step, count(*) AS n FROM journey_runs "
            "WHERE journey_id = $1 AND status IN ('ACTIVE', 'WAITING') GROUP BY current_step",
            [journey_id],
        )
        _, reached = await conn.execute_query(
            "SELECT a.step, count(DISTINCT a.run_id) AS n FROM journey_actions a "
            "JOIN journey_runs r ON r.id = a.run_id WHERE r.journey_id = $1 GROUP BY a.step",
            [journey_id],
        )
    by_status = {r["status"]: int(r["n"]) for r in counts}
    return Funnel(
        entered=sum(by_status.values()),
        active=by_status.get("ACTIVE", 0),
        waiting=by_status.get("WAITING", 0),
        completed=by_status.get("COMPLETED", 0),
        exited=by_status.get("EXITED", 0),
        failed=by_status.get("FAILED", 0),
        at_step={r["current_step"]: int(r["n"]) for r in at_step if r["current_step"]},
        reached={r["step"]: int(r["n"]) for r in reached},
    )
