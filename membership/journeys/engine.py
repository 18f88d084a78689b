"""The journey engine: members enter runs, and runs move from step to step.

PostgreSQL holds every run's state: its current step, a ``state`` counter and ``next_wake_at``.
Whatever moves a run locks its row and checks the counter it expects, so of a wait-for-event
and its timeout (or two workers given the same wake-up) the first to move the counter wins and
the other does nothing. A run moves inside one transaction from where it is to its next wait or
its end; each action step is recorded under (run, step, visit) in that transaction (see
``journeys.actions``). Nothing is kept elsewhere: a worker killed at any point leaves the run
where its last commit put it, due again.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from tortoise.backends.base.client import BaseDBAsyncClient

from membership.analytics.scores import journey_facts
from membership.errors import DomainError
from membership.ids import new_id
from membership.journeys.actions import record_step, run_action
from membership.journeys.cel import CelError, Condition
from membership.journeys.definition import END, WAITS, Definition, Step
from membership.journeys.facts import activation
from membership.journeys.models import Journey, JourneyRun
from membership.journeys.versions import load_version
from membership.members.models import Member
from membership.tiers.models import Tier
from tenants.context import RequestContext

__all__ = ["MAX_MOVES", "Entry", "advance", "enter", "receive_event"]

log = structlog.get_logger("membership.journeys")
MAX_MOVES = 50  # steps one advance takes at most; a definition's loops always wait


@dataclass(frozen=True)
class Entry:
    """Why a member enters: a key that enters them once, and the event conditions may read."""

    key: str
    event: dict[str, Any] | None = None


async def enter(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    journey: Journey,
    member: Member,
    entry: Entry,
    *,
    move_now: bool = True,
) -> JourneyRun | None:
    """Enter ``member`` into the active version of ``journey`` and run it to its first wait
    (with ``move_now`` False, leave the new run due for the dispatcher: sweeps do).

    Returns None when nobody enters: the key entered once already, the re-entry rule says no,
    or the trigger's condition is false. Runs in the caller's transaction.
    """
    if journey.status != "ACTIVE" or journey.active_version is None:
        return None
    definition, fields = await load_version(ctx, journey.id, journey.active_version)
    now = ctx.clock.now()
    # One member's entries into one journey happen one at a time (re-entry rules read runs).
    await conn.execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        [f"journey:{journey.id}:{member.id}"],
    )
    if definition.trigger.condition is not None:
        facts = await _facts(ctx, member, fields, entry.event)
        if not _holds(definition.trigger.condition, facts):
            return None
    if not await _may_enter(conn, journey, definition, member.id, now):
        return None
    _, fresh = await conn.execute_query(
        "WITH fresh AS (INSERT INTO journey_entries (tenant_id, journey_id, entry_key, at) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1) SELECT 1 FROM fresh",
        [ctx.tenant.id, journey.id, entry.key, now],
    )
    if not fresh:
        return None
    run = await JourneyRun.create(
        id=new_id(),
        tenant_id=ctx.tenant.id,
        journey_id=journey.id,
        version=journey.active_version,
        member_id=member.id,
        status="ACTIVE",
        current_step=definition.entry,
        state=0,
        visit=1,
        next_wake_at=now,
        event=entry.event,
        started_at=now,
        updated_at=now,
    )
    await conn.execute_query(
        "UPDATE journey_entries SET run_id = $1 WHERE journey_id = $2 AND entry_key = $3",
        [run.id, journey.id, entry.key],
    )
    if move_now:
        await _move(ctx, conn, run, definition, fields, member)
    return run


async def _may_enter(
    conn: BaseDBAsyncClient,
    journey: Journey,
    definition: Definition,
    member_id: uuid.UUID,
    now: datetime,
) -> bool:
    if definition.reentry == "always":
        return True
    _, rows = await conn.execute_query(
        "SELECT max(started_at) AS last FROM journey_runs WHERE journey_id = $1 AND member_id = $2",
        [journey.id, member_id],
    )
    last = rows[0]["last"]
    if last is None:
        return True
    if definition.reentry == "once":
        return False
    assert definition.cooldown is not None
    return bool(last + definition.cooldown <= now)


async def advance(
    ctx: RequestContext, conn: BaseDBAsyncClient, run_id: uuid.UUID, state: int
) -> bool:
    """Move a due run on, if it is still in ``state``; False when someone moved it first."""
    run = await JourneyRun.filter(id=run_id).select_for_update().first()
    if run is None or run.state != state or run.status not in ("ACTIVE", "WAITING"):
        return False
    now = ctx.clock.now()
    if run.next_wake_at is None or run.next_wake_at > now:
        return False
    journey = await Journey.get(id=run.journey_id)
    if journey.status != "ACTIVE":
        return False  # paused: the run holds where it is until the journey is activated again
    try:
        definition, fields = await load_version(ctx, journey.id, run.version)
    except DomainError as exc:
        await _finish(ctx, run, "FAILED", f"the definition no longer compiles: {exc.message}")
        return True
    if run.status == "WAITING":
        step = definition.step(run.current_step or definition.entry)
        # The wait is over (a duration, a time of day) or timed out (waitForEvent).
        target = step.links["onTimeout"] if step.type == "waitForEvent" else step.next
        _goto(run, target, now)
    member = await Member.get(id=run.member_id)
    await _move(ctx, conn, run, definition, fields, member)
    return True


async def receive_event(
    ctx: RequestContext, conn: BaseDBAsyncClient, event: dict[str, Any], member_id: uuid.UUID
) -> int:
    """Resume the member's runs waiting for this event type; returns how many moved."""
    _, rows = await conn.execute_query(
        "SELECT r.id FROM journey_runs r JOIN journeys j ON j.id = r.journey_id "
        "WHERE r.member_id = $1 AND r.status = 'WAITING' AND r.waiting_for = $2 "
        "AND j.status = 'ACTIVE' ORDER BY r.started_at, r.id",
        [member_id, event["type"]],
    )
    moved = 0
    for row in rows:
        run = await JourneyRun.filter(id=row["id"]).select_for_update().first()
        if run is None or run.status != "WAITING" or run.waiting_for != event["type"]:
            continue
        if not _meant_for(run, event):
            continue
        definition, fields = await load_version(ctx, run.journey_id, run.version)
        step = definition.step(run.current_step or definition.entry)
        member = await Member.get(id=run.member_id)
        if step.condition is not None:
            facts = await _facts(ctx, member, fields, event)
            if not _holds(step.condition, facts):
                continue
        run.event = event
        _goto(run, step.links["onEvent"], ctx.clock.now())
        await _move(ctx, conn, run, definition, fields, member)
        moved += 1
    return moved


def _meant_for(run: JourneyRun, event: dict[str, Any]) -> bool:
    """A task's events resume only the run that made the task."""
    run_id = (event.get("properties") or {}).get("journeyRunId")
    return not (event["type"].startswith("task.") and run_id and run_id != str(run.id))


def _goto(run: JourneyRun, target: str, now: datetime) -> None:
    run.current_step = target
    run.visit += 1
    run.state += 1
    run.status = "ACTIVE"
    run.waiting_for = None
    run.next_wake_at = now


async def _move(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    run: JourneyRun,
    definition: Definition,
    fields: tuple[str, ...],
    member: Member,
) -> None:
    """Run from the current step to the next wait or the end, and save the run."""
    now = ctx.clock.now()
    for _ in range(MAX_MOVES):
        if run.current_step == END or run.current_step is None:
            await _finish(ctx, run, "COMPLETED", None)
            return
        step = definition.step(run.current_step)
        if step.type in WAITS:
            await record_step(ctx, conn, run, step, "waiting")
            _wait(ctx, run, step, now)
            break
        if step.type == "condition":
            assert step.condition is not None
            facts = await _facts(ctx, await Member.get(id=member.id), fields, run.event)
            branch = "then" if _holds(step.condition, facts) else "else"
            await record_step(ctx, conn, run, step, branch)
            _goto(run, step.links[branch], now)
            continue
        await run_action(ctx, conn, run, step)
        _goto(run, step.next, now)
    else:
        await _finish(ctx, run, "FAILED", "too many steps without a wait")
        return
    run.updated_at = now
    await run.save()


def _wait(ctx: RequestContext, run: JourneyRun, step: Step, now: datetime) -> None:
    run.status = "WAITING"
    run.state += 1
    if step.type == "waitForEvent":
        assert step.duration is not None and step.params.get("event") is not None
        run.waiting_for = str(step.params["event"])
        run.next_wake_at = now + step.duration
    elif step.duration is not None:
        run.next_wake_at = now + step.duration
    else:
        assert step.until is not None
        zone = ZoneInfo(ctx.tenant.timezone)
        local = now.astimezone(zone)
        at = local.replace(hour=step.until.hour, minute=step.until.minute, second=0, microsecond=0)
        if at <= local:
            at += timedelta(days=1)
        run.next_wake_at = at


async def _finish(ctx: RequestContext, run: JourneyRun, status: str, reason: str | None) -> None:
    now = ctx.clock.now()
    run.status = status
    run.state += 1
    run.exit_reason = reason
    run.next_wake_at = None
    run.waiting_for = None
    run.ended_at = now
    run.updated_at = now
    if status == "COMPLETED":
        run.current_step = END
    await run.save()
    if status == "FAILED":
        log.warning("journey_run_failed", tenant=ctx.tenant.slug, run=str(run.id), reason=reason)


async def _facts(
    ctx: RequestContext, member: Member, fields: tuple[str, ...], event: dict[str, Any] | None
) -> dict[str, Any]:
    tier = await Tier.get_or_none(id=member.tier_id) if member.tier_id else None
    analytics = (await journey_facts(ctx, [member.id]))[member.id]
    return activation(member, tier, fields, ctx.clock.now(), event, analytics)


def _holds(condition: Condition, facts: dict[str, Any]) -> bool:
    try:
        return condition.evaluate(facts)
    except CelError:
        # A missing property or a division by zero: the condition does not hold.
        return False


def event_of(
    event_type: str, event_id: uuid.UUID, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The event as conditions and runs keep it."""
    return {
        "id": str(event_id),
        "type": event_type,
        "properties": json.loads(json.dumps(payload)),
        "occurredAt": at.isoformat(),
    }
