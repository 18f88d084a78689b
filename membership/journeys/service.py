"""Journeys as merchants manage them: save a draft version, activate it, pause, read the runs.

Saving never changes what members live through: it makes a new draft version. Activating
publishes the latest version; members who entered before keep the version they entered with.
Pausing stops new entries and holds every run where it is; activating again resumes them (a
wait that ended during the pause moves on at once).
"""

from __future__ import annotations

import uuid
from typing import Any

import membership.journeys.schedule  # noqa: F401  (registers the journeys' scheduled work)
from membership.activation.service import enabled_plugins
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from membership.journeys.cel import Vocabulary
from membership.journeys.definition import Definition, parse_definition
from membership.journeys.facts import vocabulary_of
from membership.journeys.models import Journey, JourneyVersion
from membership.journeys.plugin_steps import plugin_of_event
from membership.journeys.triggers import trigger_names
from membership.tasks.service import unknown_staff
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "activate_journey",
    "check_definition",
    "pause_journey",
    "save_journey",
]

MAX_JOURNEYS = 200


async def check_definition(ctx: RequestContext, raw: object) -> Definition:
    """Parse ``raw`` and check what it names in the tenant's data; every problem at once.

    A plugin's step types and trigger events need the plugin enabled for the tenant.
    """
    ctx.require(Permission.JOURNEYS_MANAGE)
    definition = parse_definition(
        raw,
        Vocabulary(await vocabulary_of(ctx.tenant.id)),
        enabled_plugins=await enabled_plugins(ctx),
    )
    problems = await _reference_problems(ctx, definition)
    if problems:
        raise DomainErrors(problems)
    return definition


async def _reference_problems(ctx: RequestContext, definition: Definition) -> list[DomainError]:
    refs = definition.references
    problems: list[DomainError] = []

    def at(step: str, name: str) -> list[str]:
        if step.startswith("trigger."):
            return ["input", "definition", "trigger", step.split(".", 1)[1]]
        return ["input", "definition", "steps", step, name]

    # What each kind of reference is looked up in, the field that names it, and the message.
    lookups: list[tuple[dict[Any, list[str]], str, str, str]] = [
        (
            refs.coupon_templates,
            "SELECT id AS key FROM coupon_templates WHERE id = ANY($1::uuid[])",
            "templateId",
            "No such coupon template.",
        ),
        (
            refs.message_templates,
            "SELECT name AS key FROM message_templates WHERE name = ANY($1::text[])",
            "template",
            "No template named {name}.",
        ),
        (
            refs.webhook_endpoints,
            "SELECT id AS key FROM webhook_endpoints WHERE id = ANY($1::uuid[])",
            "endpointId",
            "No such webhook endpoint.",
        ),
        (
            refs.segments,
            "SELECT name AS key FROM segments WHERE name = ANY($1::text[])",
            "segment",
            "No segment named {name}.",
        ),
    ]
    async with tenant_tx(ctx) as conn:
        for wanted, sql, field, message in lookups:
            if not wanted:
                continue
            _, rows = await conn.execute_query(sql, [list(wanted)])
            found = {r["key"] for r in rows}
            for key, steps in wanted.items():
                if key not in found:
                    problems += [
                        DomainError(ErrorCode.INVALID, message, at(s, field), name=str(key))
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
    """A definition's event name, as the outbox may carry it (tracked types as event.<type>;
    a plugin's events as they are)."""
    names = {name}
    if plugin_of_event(name) is not None:
        return names
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
