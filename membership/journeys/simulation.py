"""``simulateJourney``: the path a member would take through a journey now, and why, with
nothing done.

The member's facts are read as they are; conditions are evaluated and shown with the values they
read; actions are described, not taken; a wait is shown with when it would end, and a
wait-for-event follows its timeout (the member does nothing meanwhile), naming where the event
would have led. Time stands still: facts that change with time are as of now.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from membership.analytics.scores import journey_facts
from membership.errors import DomainError, ErrorCode
from membership.journeys.cel import CelError, Condition
from membership.journeys.definition import END, Definition, Step
from membership.journeys.engine import MAX_MOVES
from membership.journeys.facts import activation
from membership.journeys.models import Journey, JourneyRun
from membership.journeys.versions import load_version
from membership.members.models import Member
from membership.tiers.models import Tier
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["SimulatedStep", "Simulation", "simulate_journey"]


@dataclass(frozen=True)
class SimulatedStep:
    step: str
    type: str
    outcome: str  # what would happen: "then", "else", "would issue a coupon", "waits"…
    detail: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None  # when it would happen, for steps after a wait


@dataclass(frozen=True)
class Simulation:
    version: int
    enters: bool
    reason: str | None  # why the member would not enter
    steps: list[SimulatedStep]


async def simulate_journey(
    ctx: RequestContext, journey_id: uuid.UUID, member_id: uuid.UUID, version: int | None = None
) -> Simulation:
    ctx.require(Permission.JOURNEYS_MANAGE)
    async with tenant_tx(ctx):
        journey = await Journey.get_or_none(id=journey_id)
        if journey is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such journey.", ["id"])
        member = await Member.get_or_none(id=member_id, merged_into_id=None)
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", ["memberId"])
        chosen = version or journey.active_version or journey.latest_version
        if not 1 <= chosen <= journey.latest_version:
            raise DomainError(ErrorCode.NOT_FOUND, "No such journey.", ["version"])
        definition, fields = await load_version(ctx, journey.id, chosen)
        tier = await Tier.get_or_none(id=member.tier_id) if member.tier_id else None
        last_run = (
            await JourneyRun.filter(journey_id=journey.id, member_id=member.id)
            .order_by("-started_at")
            .first()
        )
    now = ctx.clock.now()
    analytics = (await journey_facts(ctx, [member.id]))[member.id]
    facts = activation(member, tier, fields, now, None, analytics)
    reason = _entry_refused(definition, facts, last_run, now)
    if reason is not None:
        return Simulation(chosen, False, reason, [])
    return Simulation(chosen, True, None, _walk(ctx, definition, facts, now))


def _entry_refused(
    definition: Definition, facts: dict[str, Any], last: JourneyRun | None, now: datetime
) -> str | None:
    condition = definition.trigger.condition
    if condition is not None and not _evaluate(condition, facts)[0]:
        return f"the trigger's condition is false: {condition.source}"
    if last is not None and definition.reentry == "once":
        return "re-entry is once, and the member has entered before"
    if last is not None and definition.cooldown and last.started_at + definition.cooldown > now:
        return f"re-entry waits until {(last.started_at + definition.cooldown).isoformat()}"
    return None


def _walk(
    ctx: RequestContext, definition: Definition, facts: dict[str, Any], now: datetime
) -> list[SimulatedStep]:
    path: list[SimulatedStep] = []
    current, at = definition.entry, now
    for _ in range(MAX_MOVES):
        if current == END:
            path.append(SimulatedStep(END, "end", "completes", at=at))
            return path
        step = definition.step(current)
        outcome, detail, target, at = _step(ctx, step, facts, at)
        path.append(SimulatedStep(step.id, step.type, outcome, detail, at))
        current = target
    path.append(SimulatedStep(current, "stop", "the simulation stops: too many steps"))
    return path


def _step(
    ctx: RequestContext, step: Step, facts: dict[str, Any], at: datetime
) -> tuple[str, dict[str, Any], str, datetime]:
    params = step.params
    if step.type == "condition":
        assert step.condition is not None
        holds, values = _evaluate(step.condition, facts)
        branch = "then" if holds else "else"
        detail = {"if": step.condition.source, "values": values}
        return branch, detail, step.links[branch], at
    if step.type == "wait":
        end = at + step.duration if step.duration else _until(ctx, step, at)
        return "waits", {"until": end.isoformat()}, step.next, end
    if step.type == "waitForEvent":
        assert step.duration is not None
        end = at + step.duration
        detail = {
            "event": params["event"],
            "until": end.isoformat(),
            "onEvent": step.links["onEvent"],
        }
        return "waits for the event, then times out", detail, step.links["onTimeout"], end
    if step.plugin is not None:
        detail = {"plugin": step.plugin, "params": params}
        return f"would run the plugin {step.plugin}'s {step.type}", detail, step.next, at
    descriptions = {
        "issueCoupon": ("would issue a coupon", {"templateId": params.get("templateId")}),
        "grantPoints": ("would grant points", {"points": params.get("points")}),
        "addTag": ("would add a tag", {"tag": params.get("tag")}),
        "removeTag": ("would remove a tag", {"tag": params.get("tag")}),
        "sendMessage": (
            "would send a message through the consent gate",
            {"template": params.get("template"), "channel": params.get("channel")},
        ),
        "createTask": (
            "would create a task",
            {"title": params.get("title"), "assignTo": params.get("assignTo", "accountManager")},
        ),
        "callWebhook": ("would call a webhook", {"endpointId": params.get("endpointId")}),
    }
    outcome, detail = descriptions[step.type]
    return outcome, detail, step.next, at


def _until(ctx: RequestContext, step: Step, at: datetime) -> datetime:
    assert step.until is not None
    local = at.astimezone(ZoneInfo(ctx.tenant.timezone))
    end = local.replace(hour=step.until.hour, minute=step.until.minute, second=0, microsecond=0)
    return end if end > local else end + timedelta(days=1)


_NAME = re.compile(r"\b(member|event)(\.[A-Za-z_][A-Za-z0-9_]*)+")


def _evaluate(condition: Condition, facts: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """The verdict and the values the expression reads (why it holds or not)."""
    values = {}
    for match in _NAME.finditer(condition.source):
        name = match.group(0)
        while name and name not in facts:
            name = name.rsplit(".", 1)[0] if "." in name else ""
        if name:
            value = facts[name]
            values[name] = value.isoformat() if isinstance(value, datetime) else value
    try:
        return condition.evaluate(facts), values
    except CelError as exc:
        values["error"] = str(exc)
        return False, values
