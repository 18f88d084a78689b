"""Event triggers: an event enters members into the journeys that start on it, and resumes the
runs waiting for it.

The handler runs in the event backbone's handling transaction (``membership.events.handlers``):
the runs it starts or resumes, their actions and the handling's DONE mark commit together, so a
handling taken twice enters and acts once, and the entry key (the event id) makes sure of it.
The relay writes a handling only for the types some active journey of the tenant names.

A plugin's events (those it declares as journey triggers) enter members like the platform's,
while the tenant has the plugin enabled.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.activation.service import is_enabled
from membership.events.handlers import JobQueue, subscribe
from membership.journeys.engine import Entry, enter, event_of, receive_event
from membership.journeys.models import Journey
from membership.journeys.plugin_steps import plugin_of_event
from membership.journeys.segments import REEVALUATED_ON, evaluate_member
from membership.journeys.versions import load_version
from membership.members.models import Member
from membership.outbox import OutboxEvent
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = [
    "listened_types",
    "on_event",
    "reevaluate_segments",
    "segments_listened",
    "trigger_names",
]

TRACKED = "event."  # trackEvent types arrive as event.<type>


def trigger_names(event_type: str) -> list[str]:
    """The names a definition may use for this event: itself, and a tracked type's own name."""
    names = [event_type]
    if event_type.startswith(TRACKED):
        names.append(event_type.removeprefix(TRACKED))
    return names


async def listened_types(conn: BaseDBAsyncClient) -> frozenset[str]:
    _, rows = await conn.execute_query(
        "SELECT DISTINCT unnest(listens) AS type FROM journeys WHERE status = 'ACTIVE'"
    )
    return frozenset(row["type"] for row in rows)


@subscribe("journeys", ["*"], listening=listened_types)
async def on_event(ctx: RequestContext, event: OutboxEvent, jobs: JobQueue) -> None:
    if event.member_id is None:
        return
    payload: dict[str, Any] = dict(event.payload or {})
    properties = payload.get("properties") if event.type.startswith(TRACKED) else payload
    facts = event_of(event.type, event.id, properties or {}, event.created_at)
    async with tenant_tx(ctx) as conn:
        await receive_event(ctx, conn, facts, event.member_id)
        journeys = await Journey.filter(
            status="ACTIVE", trigger_event__in=trigger_names(event.type)
        ).order_by("created_at", "id")
        if not journeys:
            return
        plugin = plugin_of_event(event.type)
        if plugin is not None and not await is_enabled(ctx, plugin):
            return
        member = await Member.get_or_none(id=event.member_id, merged_into_id=None)
        if member is None:
            return
        for journey in journeys:
            if not await _named_in_trigger(ctx, journey, payload):
                continue
            await enter(ctx, conn, journey, member, Entry(f"event:{event.id}", facts))


async def _named_in_trigger(ctx: RequestContext, journey: Journey, payload: dict[str, Any]) -> bool:
    """A tierChanged trigger may name the tier, and a segmentEntered trigger names its segment."""
    if journey.trigger_type not in ("tierChanged", "segmentEntered"):
        return True
    assert journey.active_version is not None
    definition, _ = await load_version(ctx, journey.id, journey.active_version)
    trigger = definition.trigger
    if trigger.type == "segmentEntered":
        return payload.get("segment") == trigger.segment
    return trigger.tier is None or payload.get("toTier") == trigger.tier


async def segments_listened(conn: BaseDBAsyncClient) -> frozenset[str]:
    _, rows = await conn.execute_query("SELECT 1 FROM segments LIMIT 1")
    return REEVALUATED_ON if rows else frozenset()


@subscribe("segments", REEVALUATED_ON, listening=segments_listened)
async def reevaluate_segments(ctx: RequestContext, event: OutboxEvent, jobs: JobQueue) -> None:
    """A member's segments are evaluated again after an event that can change them."""
    if event.member_id is None:
        return
    async with tenant_tx(ctx) as conn:
        await evaluate_member(ctx, conn, event.member_id)
