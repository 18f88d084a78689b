"""A journey's definition: parsed, checked as a whole, and every problem reported at once.

The format is the contract's (``shared/contract/README.md``, "Journey definitions"): a trigger,
an entry step, a re-entry rule and a map of steps. ``parse_definition`` checks what can be checked
without the database: the shape, step types, links (``next``, ``then``, ``onTimeout``…), steps that
cannot be reached, loops without a wait, durations, cron schedules and CEL expressions. What needs
the tenant's data (coupon templates, staff, message templates, webhook endpoints, segments) is
listed in ``Definition.references`` and checked by the service. Each problem names its place in
the definition, e.g. ``["input", "definition", "steps", "s1", "if"]``.

A step whose type is an installed plugin's action (``stamp_card.addStamp``) has ``next`` and the
action's parameters, checked by the action's model (``journeys.plugin_steps``). Given the tenant's
enabled plugins, parsing also refuses the step types and trigger events of the others; without
them (a saved version being run) any installed plugin's are read.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from croniter import croniter
from pydantic import BaseModel

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.journeys.cel import CelError, Condition, Vocabulary, compile_condition
from membership.journeys.durations import DurationError, parse_duration
from membership.journeys.plugin_steps import (
    PLATFORM_FIELDS,
    param_problems,
    plugin_action,
    plugin_of_event,
)

__all__ = [
    "END",
    "STEP_TYPES",
    "TRIGGER_TYPES",
    "Definition",
    "References",
    "Step",
    "Trigger",
    "parse_definition",
]

END = "end"
TRIGGER_TYPES = (
    "event",
    "birthday",
    "inactivity",
    "pointsExpiring",
    "tierChanged",
    "schedule",
    "segmentEntered",
)
# each step type, and the fields that name the step to go to next
STEP_TYPES: dict[str, tuple[str, ...]] = {
    "condition": ("then", "else"),
    "wait": ("next",),
    "waitForEvent": ("onEvent", "onTimeout"),
    "issueCoupon": ("next",),
    "grantPoints": ("next",),
    "addTag": ("next",),
    "removeTag": ("next",),
    "sendMessage": ("next",),
    "createTask": ("next",),
    "callWebhook": ("next",),
}
WAITS = ("wait", "waitForEvent")
MAX_STEPS = 100
MAX_POINTS = 10_000_000
MIN_CRON_INTERVAL = timedelta(minutes=5)
CHANNELS = ("SMS", "WECHAT_TEMPLATE", "WECHAT_SUBSCRIBE", "WECOM")
_STEP_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_TAG = re.compile(r"^\S.{0,49}$")
_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Trigger:
    type: str
    event: str | None = None  # event: the event type; tierChanged: "tier.changed"
    condition: Condition | None = None
    days_before: int = 0  # birthday, pointsExpiring
    days: int = 0  # inactivity
    cron: str | None = None  # schedule
    segment: str | None = None  # segmentEntered
    tier: str | None = None  # tierChanged: only into this tier, by name


@dataclass(frozen=True)
class Step:
    id: str
    type: str
    params: dict[str, Any]
    links: dict[str, str]  # link field → step id or "end"
    condition: Condition | None = None  # condition's ``if``, waitForEvent's ``if``
    duration: timedelta | None = None  # wait's duration, waitForEvent's timeout, task's dueIn
    until: time | None = None  # wait until a local time of day
    plugin: str | None = None  # the plugin whose action the step is

    @property
    def next(self) -> str:
        return self.links.get("next", END)


@dataclass
class References:
    """What the definition names in the tenant's data, with where, for the service to check."""

    coupon_templates: dict[uuid.UUID, list[str]] = field(default_factory=dict)
    staff: dict[uuid.UUID, list[str]] = field(default_factory=dict)
    webhook_endpoints: dict[uuid.UUID, list[str]] = field(default_factory=dict)
    message_templates: dict[str, list[str]] = field(default_factory=dict)
    segments: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Definition:
    trigger: Trigger
    entry: str
    reentry: str  # "once", "always" or "cooldown"
    cooldown: timedelta | None
    steps: dict[str, Step]
    references: References
    raw: dict[str, Any]

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]

    def path(self, *parts: str) -> list[str]:
        return ["input", "definition", *parts]


class _Problems:
    def __init__(self, enabled_plugins: frozenset[str] | None) -> None:
        self.errors: list[DomainError] = []
        self.enabled_plugins = enabled_plugins

    def problem(self, path: list[str], template: str, **params: object) -> None:
        self.errors.append(
            DomainError(ErrorCode.INVALID, template, ["input", "definition", *path], **params)
        )

    def plugin_used(self, plugin: str, path: list[str]) -> None:
        """A plugin's step type or trigger event is named at ``path``: the tenant needs it on."""
        if self.enabled_plugins is not None and plugin not in self.enabled_plugins:
            self.problem(
                path,
                "This uses the plugin {plugin}, which is not enabled for this tenant; an "
                "administrator enables it on the plugins page.",
                plugin=plugin,
            )


def parse_definition(
    raw: object,
    vocabulary: Vocabulary = Vocabulary(),
    *,
    enabled_plugins: frozenset[str] | None = None,
) -> Definition:
    """Check ``raw`` and build the Definition, or raise DomainErrors listing every problem.

    With ``enabled_plugins`` (the tenant's), a plugin step type or trigger event of a plugin
    not among them is a problem; without, those of every installed plugin are accepted.
    """
    problems = _Problems(enabled_plugins)
    if not isinstance(raw, dict):
        problems.problem([], "The definition must be a JSON object with trigger, entry and steps.")
        raise _raise(problems)
    for key in sorted(set(raw) - {"trigger", "entry", "reentry", "steps", "name", "description"}):
        problems.problem([key], "Unknown field '{key}' in the definition.", key=key)
    references = References()
    trigger = _trigger(raw.get("trigger"), problems, vocabulary, references)
    reentry, cooldown = _reentry(raw.get("reentry", "once"), problems)
    steps = _steps(raw.get("steps"), problems, vocabulary, references)
    entry = raw.get("entry")
    if not isinstance(entry, str) or not entry:
        problems.problem(["entry"], "Name the first step in entry.")
    elif entry not in steps and steps:
        problems.problem(["entry"], "There is no step '{step}'.", step=entry)
    if steps and isinstance(entry, str) and entry in steps:
        _check_graph(entry, steps, _raw_links(raw.get("steps")), problems)
    if problems.errors:
        raise _raise(problems)
    assert trigger is not None and isinstance(entry, str)
    return Definition(trigger, entry, reentry, cooldown, steps, references, raw)


def _raise(problems: _Problems) -> Exception:
    return DomainErrors(problems.errors)


# ---------------------------------------------------------------- trigger


def _trigger(
    raw: object, problems: _Problems, vocabulary: Vocabulary, references: References
) -> Trigger | None:
    if not isinstance(raw, dict):
        problems.problem(["trigger"], "Give the trigger as an object with a type.")
        return None
    kind = raw.get("type")
    if kind not in TRIGGER_TYPES:
        problems.problem(
            ["trigger", "type"],
            "Unknown trigger type '{type}'; use one of: {types}.",
            type=str(kind),
            types=", ".join(TRIGGER_TYPES),
        )
        return None
    allowed = {
        "event": {"event", "if"},
        "birthday": {"daysBefore"},
        "inactivity": {"days"},
        "pointsExpiring": {"daysBefore"},
        "tierChanged": {"tier", "if"},
        "schedule": {"cron", "if"},
        "segmentEntered": {"segment"},
    }[kind]
    for key in sorted(set(raw) - allowed - {"type"}):
        problems.problem(["trigger", key], "Unknown field '{key}' in the definition.", key=key)
    condition = None
    if "if" in raw:
        condition = _condition(raw["if"], ["trigger", "if"], problems, vocabulary)
    if kind == "event":
        event = raw.get("event")
        if not isinstance(event, str) or not _EVENT_TYPE.match(event):
            problems.problem(
                ["trigger", "event"],
                "Give an event type such as member.created or order.recorded.",
            )
            return None
        plugin = plugin_of_event(event)
        if plugin is not None:
            problems.plugin_used(plugin, ["trigger", "event"])
        return Trigger("event", event=event, condition=condition)
    if kind in ("birthday", "pointsExpiring"):
        days = _int(raw.get("daysBefore", 0), ["trigger", "daysBefore"], 0, 60, problems)
        return Trigger(kind, days_before=days)
    if kind == "inactivity":
        days = _int(raw.get("days"), ["trigger", "days"], 1, 730, problems)
        return Trigger(kind, days=days)
    if kind == "tierChanged":
        tier = raw.get("tier")
        if tier is not None and (not isinstance(tier, str) or not tier.strip()):
            problems.problem(["trigger", "tier"], "Give the tier's name, or leave tier out.")
            tier = None
        return Trigger(kind, event="tier.changed", condition=condition, tier=tier)
    if kind == "schedule":
        cron = raw.get("cron")
        if not _valid_cron(cron, problems):
            return None
        return Trigger(kind, cron=str(cron), condition=condition)
    segment = raw.get("segment")
    if not isinstance(segment, str) or not segment.strip():
        problems.problem(["trigger", "segment"], "Name the segment.")
        return None
    references.segments.setdefault(segment, []).append("trigger.segment")
    return Trigger(kind, event="segment.entered", segment=segment)


def _valid_cron(cron: object, problems: _Problems) -> bool:
    path = ["trigger", "cron"]
    if not isinstance(cron, str) or len(cron.split()) != 5 or not croniter.is_valid(cron):
        problems.problem(path, "Give a cron schedule of five fields, e.g. '0 10 * * 1'.")
        return False
    # The shortest gap over the next runs: a schedule may not fire more often than every 5 minutes.
    start = datetime(2026, 1, 1)
    runs = croniter(cron, start)
    previous = runs.get_next(datetime)
    for _ in range(300):
        current = runs.get_next(datetime)
        if current - previous < MIN_CRON_INTERVAL:
            problems.problem(path, "A schedule may fire at most once every 5 minutes.")
            return False
        previous = current
    return True


# ---------------------------------------------------------------- re-entry


def _reentry(raw: object, problems: _Problems) -> tuple[str, timedelta | None]:
    if raw in ("once", "always"):
        return str(raw), None
    try:
        return "cooldown", parse_duration(raw)
    except DurationError:
        problems.problem(["reentry"], "Re-entry is once, always, or a cooldown such as P30D.")
        return "once", None


# ---------------------------------------------------------------- steps


def _steps(
    raw: object, problems: _Problems, vocabulary: Vocabulary, references: References
) -> dict[str, Step]:
    if not isinstance(raw, dict) or not raw:
        problems.problem(["steps"], "Give the steps as an object of step id to step.")
        return {}
    if len(raw) > MAX_STEPS:
        problems.problem(["steps"], "A journey has at most {max} steps.", max=MAX_STEPS)
    steps: dict[str, Step] = {}
    for step_id, body in raw.items():
        if step_id == END or not _STEP_ID.match(step_id):
            problems.problem(
                ["steps", step_id],
                "Step ids are 1 to 40 letters, digits, '_' or '-', start with a letter, "
                "and are not 'end'.",
            )
            continue
        step = _step(step_id, body, problems, vocabulary, references)
        if step is not None:
            steps[step_id] = step
    for step in steps.values():
        for link, target in step.links.items():
            if target != END and target not in raw:
                problems.problem(
                    ["steps", step.id, link], "There is no step '{step}'.", step=target
                )
    return steps


def _step(
    step_id: str,
    body: object,
    problems: _Problems,
    vocabulary: Vocabulary,
    references: References,
) -> Step | None:
    at = ["steps", step_id]
    if not isinstance(body, dict):
        problems.problem(at, "A step is an object with a type.")
        return None
    kind = body.get("type")
    action = plugin_action(kind)
    if action is not None:
        return _plugin_step(step_id, body, action[0], action[1].params, problems)
    if kind not in STEP_TYPES:
        problems.problem(
            [*at, "type"],
            "Unknown step type '{type}'; use one of: {types}.",
            type=str(kind),
            types=", ".join(STEP_TYPES),
        )
        return None
    links: dict[str, str] = {}
    for link in STEP_TYPES[kind]:
        target = body.get(link)
        if not isinstance(target, str) or not target:
            problems.problem(
                [*at, link],
                "Say which step comes next in '{link}' (a step id, or \"end\").",
                link=link,
            )
        else:
            links[link] = target
    params = {k: v for k, v in body.items() if k != "type" and k not in STEP_TYPES[kind]}
    condition: Condition | None = None
    duration: timedelta | None = None
    until: time | None = None
    known = set(_STEP_FIELDS[kind])
    for key in sorted(set(params) - known):
        problems.problem([*at, key], "Unknown field '{key}' in the definition.", key=key)
    if kind == "condition":
        condition = _condition(body.get("if"), [*at, "if"], problems, vocabulary)
    elif kind == "wait":
        if ("duration" in body) == ("until" in body):
            problems.problem(at, 'A wait has either a duration (e.g. P3D) or until (e.g. "10:00").')
        elif "duration" in body:
            duration = _duration(body["duration"], [*at, "duration"], problems)
        else:
            match = _TIME_OF_DAY.match(str(body["until"]))
            if match is None:
                problems.problem([*at, "until"], 'Give a local time of day such as "10:00".')
            else:
                until = time(int(match[1]), int(match[2]))
    elif kind == "waitForEvent":
        event = body.get("event")
        if not isinstance(event, str) or not _EVENT_TYPE.match(event):
            problems.problem(
                [*at, "event"], "Give an event type such as member.created or order.recorded."
            )
        else:
            plugin = plugin_of_event(event)
            if plugin is not None:
                problems.plugin_used(plugin, [*at, "event"])
        if "if" in body:
            condition = _condition(body["if"], [*at, "if"], problems, vocabulary)
        duration = _duration(body.get("timeout"), [*at, "timeout"], problems)
    elif kind == "issueCoupon":
        template = _uuid(body.get("templateId"), [*at, "templateId"], problems)
        if template is not None:
            references.coupon_templates.setdefault(template, []).append(step_id)
    elif kind == "grantPoints":
        _int(body.get("points"), [*at, "points"], 1, MAX_POINTS, problems)
        reason = body.get("reason")
        if not isinstance(reason, str) or not reason.strip() or len(reason) > 200:
            problems.problem([*at, "reason"], "Give a reason of 1 to 200 characters.")
    elif kind in ("addTag", "removeTag"):
        tag = body.get("tag")
        if not isinstance(tag, str) or not _TAG.match(tag):
            problems.problem([*at, "tag"], "Give a tag of 1 to 50 characters.")
    elif kind == "sendMessage":
        _send_message(step_id, body, at, problems, references)
    elif kind == "createTask":
        _create_task(step_id, body, at, problems, references)
        if "dueIn" in body:
            duration = _duration(body["dueIn"], [*at, "dueIn"], problems)
    elif kind == "callWebhook":
        endpoint = _uuid(body.get("endpointId"), [*at, "endpointId"], problems)
        if endpoint is not None:
            references.webhook_endpoints.setdefault(endpoint, []).append(step_id)
    return Step(step_id, kind, params, links, condition, duration, until)


_STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "condition": ("if",),
    "wait": ("duration", "until"),
    "waitForEvent": ("event", "if", "timeout"),
    "issueCoupon": ("templateId",),
    "grantPoints": ("points", "reason"),
    "addTag": ("tag",),
    "removeTag": ("tag",),
    "sendMessage": ("channel", "template", "purpose"),
    "createTask": ("title", "assignTo", "dueIn"),
    "callWebhook": ("endpointId",),
}


def _plugin_step(
    step_id: str, body: dict[str, Any], plugin: str, model: type[BaseModel], problems: _Problems
) -> Step:
    at = ["steps", step_id]
    problems.plugin_used(plugin, [*at, "type"])
    links: dict[str, str] = {}
    target = body.get("next")
    if not isinstance(target, str) or not target:
        problems.problem(
            [*at, "next"],
            "Say which step comes next in '{link}' (a step id, or \"end\").",
            link="next",
        )
    else:
        links["next"] = target
    params = {k: v for k, v in body.items() if k not in PLATFORM_FIELDS}
    for path, message in param_problems(model, params):
        if message:
            problems.problem([*at, *path], "Invalid parameter: {problem}", problem=message)
        else:
            problems.problem([*at, *path], "Unknown field '{key}' in the definition.", key=path[0])
    return Step(step_id, str(body["type"]), params, links, plugin=plugin)


def _send_message(
    step_id: str, body: dict[str, Any], at: list[str], problems: _Problems, refs: References
) -> None:
    channel = body.get("channel")
    if channel is not None and channel not in CHANNELS:
        problems.problem(
            [*at, "channel"],
            "Unknown channel '{channel}'; use one of: {channels}.",
            channel=str(channel),
            channels=", ".join(CHANNELS),
        )
    template = body.get("template")
    if not isinstance(template, str) or not template.strip():
        problems.problem([*at, "template"], "Name the message template.")
    else:
        refs.message_templates.setdefault(template, []).append(step_id)
    purpose = body.get("purpose")
    if purpose is not None and (not isinstance(purpose, str) or not purpose.strip()):
        problems.problem([*at, "purpose"], "Give the purpose, e.g. marketing or service.")


def _create_task(
    step_id: str, body: dict[str, Any], at: list[str], problems: _Problems, refs: References
) -> None:
    title = body.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        problems.problem([*at, "title"], "Give a title of 1 to 200 characters.")
    assign_to = body.get("assignTo", "accountManager")
    if assign_to != "accountManager":
        staff = _uuid(assign_to, [*at, "assignTo"], problems, "Give accountManager or a staff id.")
        if staff is not None:
            refs.staff.setdefault(staff, []).append(step_id)


# ---------------------------------------------------------------- graph


def _raw_links(raw: object) -> dict[str, list[str]]:
    """Every step's links as written, so that a step with another problem still links on and
    the steps after it are not reported as unreachable too."""
    links: dict[str, list[str]] = {}
    if isinstance(raw, dict):
        for step_id, body in raw.items():
            if isinstance(body, dict):
                links[step_id] = [
                    v for k, v in body.items() if k in _LINK_FIELDS and isinstance(v, str)
                ]
    return links


_LINK_FIELDS = {"next", "then", "else", "onEvent", "onTimeout"}


def _check_graph(
    entry: str, steps: dict[str, Step], links: dict[str, list[str]], problems: _Problems
) -> None:
    reachable = set(_walk(entry, links))
    for step_id in steps:
        if step_id not in reachable:
            problems.problem(
                ["steps", step_id],
                "Step '{step}' cannot be reached from the entry step.",
                step=step_id,
            )
    # A loop must wait somewhere, or a run would go round it forever.
    without_waits = {s for s, step in steps.items() if step.type not in WAITS}
    cycle = _cycle(without_waits, steps)
    if cycle:
        problems.problem(
            ["steps", cycle[0]],
            "Steps {steps} form a loop without a wait.",
            steps=" → ".join(cycle),
        )


def _walk(start: str, links: dict[str, list[str]]) -> Iterator[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        step_id = todo.pop()
        if step_id in seen or step_id not in links:
            continue
        seen.add(step_id)
        yield step_id
        todo.extend(links[step_id])


def _cycle(nodes: set[str], steps: dict[str, Step]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in steps[node].links.values():
            if target not in nodes:
                continue
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(nodes):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


# ---------------------------------------------------------------- values


def _condition(
    source: object, path: list[str], problems: _Problems, vocabulary: Vocabulary
) -> Condition | None:
    if not isinstance(source, str):
        problems.problem(path, "Give a CEL expression, e.g. member.pointsBalance > 1000.")
        return None
    try:
        return compile_condition(source, vocabulary)
    except CelError as exc:
        problems.problem(path, "The expression does not compile: {reason}", reason=str(exc))
        return None


def _duration(raw: object, path: list[str], problems: _Problems) -> timedelta | None:
    try:
        return parse_duration(raw)
    except DurationError as exc:
        message = str(exc)  # one of the templates in membership.journeys.durations
        problems.problem(path, message)
        return None


def _int(raw: object, path: list[str], low: int, high: int, problems: _Problems) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        problems.problem(path, "Give a whole number from {low} to {high}.", low=low, high=high)
        return low
    return raw


def _uuid(
    raw: object, path: list[str], problems: _Problems, message: str = "Give an id."
) -> uuid.UUID | None:
    if isinstance(raw, str):
        try:
            return uuid.UUID(raw)
        except ValueError:
            pass
    problems.problem(path, message)
    return None
