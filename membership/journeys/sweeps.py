"""Triggers that time, not an event, sets off: birthdays, inactivity, points about to expire and
cron schedules.

Daily triggers are swept once per local day of the tenant, at ``SWEEP_HOUR`` local time (a
birthday coupon arrives in the morning, not at midnight). Each member enters under a fixed key,
the trigger, the member and the day (or the schedule's fire time), so a sweep that runs twice, or
beside another worker, enters nobody twice. ``journey_sweeps`` remembers the last day swept per
journey: a worker that was down catches up on the days it missed (at most ``MAX_CATCH_UP``),
and the first sweep of a newly activated journey starts on the day it is activated.

Sweeps only enter members: a run starts ACTIVE and due, and the dispatcher wakes it like any
other (``journeys.dispatch``), so a sweep over a million members commits in batches and never
holds a member's actions inside one long transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter
from tortoise import Tortoise

from membership.journeys.definition import Definition, Trigger
from membership.journeys.engine import Entry, enter
from membership.journeys.models import Journey
from membership.journeys.versions import load_version
from membership.members.models import Member
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = [
    "MAX_CATCH_UP",
    "SWEEP_HOUR",
    "SWEPT",
    "next_sweep",
    "sweep_journeys",
    "tenants_with_segments",
    "tenants_with_swept_journeys",
]

SWEEP_HOUR = 9
MAX_CATCH_UP = 7  # days (or schedule fire times) a late sweep makes up for
BATCH = 500
DAILY = ("birthday", "inactivity", "pointsExpiring")
SWEPT = (*DAILY, "schedule")


async def tenants_with_swept_journeys() -> list[uuid.UUID]:
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query("SELECT t AS id FROM tenants_with_swept_journeys() t")
    return [row["id"] for row in rows]


async def tenants_with_segments() -> list[uuid.UUID]:
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query("SELECT t AS id FROM tenants_with_segments() t")
    return [row["id"] for row in rows]


async def sweep_journeys(ctx: RequestContext) -> int:
    """Enter the members every due daily or scheduled trigger names; returns how many entered."""
    async with tenant_tx(ctx):
        journeys = list(
            await Journey.filter(status="ACTIVE", trigger_type__in=SWEPT).order_by("created_at")
        )
    entered = 0
    for journey in journeys:
        assert journey.active_version is not None
        definition, _ = await load_version(ctx, journey.id, journey.active_version)
        last = await _last_swept(ctx, journey) or _start(ctx, journey, definition.trigger)
        for due in _due_instants(ctx, definition.trigger, last):
            entered += await _sweep(ctx, journey, definition, due)
            await _mark_swept(ctx, journey, due)
    return entered


async def next_sweep(ctx: RequestContext) -> datetime | None:
    """When the tenant's next daily or scheduled trigger is due (the test clock asks)."""
    async with tenant_tx(ctx):
        journeys = list(await Journey.filter(status="ACTIVE", trigger_type__in=SWEPT))
    soonest: datetime | None = None
    for journey in journeys:
        assert journey.active_version is not None
        definition, _ = await load_version(ctx, journey.id, journey.active_version)
        last = await _last_swept(ctx, journey)
        upcoming = _after(ctx, definition.trigger, last or _start(ctx, journey, definition.trigger))
        if upcoming is not None and (soonest is None or upcoming < soonest):
            soonest = upcoming
    return soonest


# ---------------------------------------------------------------- when


def _zone(ctx: RequestContext) -> ZoneInfo:
    return ZoneInfo(ctx.tenant.timezone)


def _start(ctx: RequestContext, journey: Journey, trigger: Trigger) -> datetime:
    """Where a journey never swept starts: a schedule from its activation, a daily trigger from
    the moment before its activation day's sweep (activated after it, it sweeps that day now)."""
    if trigger.type == "schedule":
        return journey.updated_at
    local = journey.updated_at.astimezone(_zone(ctx))
    return datetime.combine(local.date(), time(SWEEP_HOUR), _zone(ctx)) - timedelta(seconds=1)


def _after(ctx: RequestContext, trigger: Trigger, last: datetime) -> datetime | None:
    """The first instant the trigger fires strictly after ``last``."""
    zone = _zone(ctx)
    if trigger.type == "schedule":
        assert trigger.cron is not None
        fire: datetime = croniter(trigger.cron, last.astimezone(zone)).get_next(datetime)
        return fire
    local = last.astimezone(zone)
    today = datetime.combine(local.date(), time(SWEEP_HOUR), zone)
    return today if today > local else today + timedelta(days=1)


def _due_instants(ctx: RequestContext, trigger: Trigger, last: datetime) -> Iterator[datetime]:
    now = ctx.clock.now()
    instants: list[datetime] = []
    upcoming = _after(ctx, trigger, last)
    while upcoming is not None and upcoming <= now:
        instants.append(upcoming)
        upcoming = _after(ctx, trigger, upcoming)
    yield from instants[-MAX_CATCH_UP:]


async def _last_swept(ctx: RequestContext, journey: Journey) -> datetime | None:
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT last_at FROM journey_sweeps WHERE journey_id = $1", [journey.id]
        )
    return rows[0]["last_at"] if rows else None


async def _mark_swept(ctx: RequestContext, journey: Journey, at: datetime) -> None:
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            "INSERT INTO journey_sweeps (tenant_id, journey_id, last_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (tenant_id, journey_id) DO UPDATE SET last_at = "
            "greatest(journey_sweeps.last_at, excluded.last_at)",
            [ctx.tenant.id, journey.id, at],
        )


# ---------------------------------------------------------------- who


async def _sweep(
    ctx: RequestContext, journey: Journey, definition: Definition, at: datetime
) -> int:
    trigger = definition.trigger
    day = at.astimezone(_zone(ctx)).date()
    sql, params = _candidates(ctx, trigger, day)
    key_of = (
        f"schedule:{at.isoformat()}"
        if trigger.type == "schedule"
        else f"{trigger.type}:{day.isoformat()}"
    )
    event = {"type": f"journey.{trigger.type}", "properties": {"day": day.isoformat()}}
    entered = 0
    after = uuid.UUID(int=0)
    while True:
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(sql, [*params, after, BATCH])
            if not rows:
                return entered
            members = await Member.filter(id__in=[r["id"] for r in rows]).order_by("id")
            for member in members:
                run = await enter(
                    ctx,
                    conn,
                    journey,
                    member,
                    Entry(f"{key_of}:{member.id}", {**event, "occurredAt": at.isoformat()}),
                    move_now=False,
                )
                entered += run is not None
            after = rows[-1]["id"]
        if len(rows) < BATCH:
            return entered


def _candidates(ctx: RequestContext, trigger: Trigger, day: date) -> tuple[str, list[object]]:
    """A keyset-paged query of the member ids a daily trigger names on ``day``: its
    parameters, then ``$n`` (the last id seen) and ``$n+1`` (the page size).

    A daily trigger's day is read first, through its index (the members whose last activity or
    birthday falls on it, the lots expiring on it), and only that small set is paged by id:
    paging the whole tenant by id with the day as a filter would walk every member.
    """
    zone = _zone(ctx)

    def start_of(d: date) -> datetime:
        return datetime.combine(d, time(0), zone)

    def paged(selection: str, n: int) -> str:
        return (
            f"WITH day AS MATERIALIZED ({selection}) "
            f"SELECT id FROM day WHERE id > ${n} ORDER BY id LIMIT ${n + 1}"
        )

    base = "SELECT id FROM members WHERE merged_into_id IS NULL"
    if trigger.type == "birthday":
        target = day + timedelta(days=trigger.days_before)
        days = [(target.month, target.day)]
        # Members born on 29 February celebrate on the 28th in other years.
        if target.month == 2 and target.day == 28 and not _leap(target.year):
            days.append((2, 29))
        selection = (
            f"{base} AND birthday IS NOT NULL AND (extract(month FROM birthday), "
            "extract(day FROM birthday)) IN (SELECT * FROM unnest($1::int[], $2::int[]))"
        )
        return paged(selection, 3), [[m for m, _ in days], [d for _, d in days]]
    if trigger.type == "inactivity":
        since = day - timedelta(days=trigger.days)
        selection = (
            f"{base} AND coalesce(last_order_at, created_at) >= $1 "
            "AND coalesce(last_order_at, created_at) < $2"
        )
        return paged(selection, 3), [start_of(since), start_of(since + timedelta(days=1))]
    if trigger.type == "pointsExpiring":
        target = day + timedelta(days=trigger.days_before)
        selection = (
            "SELECT DISTINCT member_id AS id FROM points_lots WHERE NOT pending "
            "AND remaining > 0 AND expires_at >= $1 AND expires_at < $2"
        )
        return paged(selection, 3), [start_of(target), start_of(target + timedelta(days=1))]
    # schedule: everybody; the trigger's condition, checked on entry, narrows it
    return f"{base} AND id > $1 ORDER BY id LIMIT $2", []


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
