"""Plugin triggers and action steps in journeys: what a definition may name, and what the
builder offers the tenant.

A plugin declares step types (``stamp_card.addStamp``) and the events of its own journeys may
start on (``stamp_card.completed``) through the plugin contract (``plugins.journey_steps``). A
definition may name those of any installed plugin, so a saved version keeps parsing (and its
runs keep going) while the plugin is disabled; saving or activating one is refused unless the
tenant has the plugin enabled, and a step reached while it is disabled is a recorded refusal
(``journeys.actions``). A step's parameters are checked by the action's pydantic model, each
problem with its place in the definition like the platform's own steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from membership.activation.service import enabled_plugins
from plugins.journey_steps import JourneyAction
from plugins.manager import loaded_plugins
from tenants.context import RequestContext
from tenants.permissions import Permission

__all__ = [
    "PluginStepType",
    "PluginTriggerEvent",
    "param_problems",
    "plugin_action",
    "plugin_of_event",
    "plugin_step_types",
    "plugin_trigger_events",
    "titled",
]

# The fields of a plugin step that are the platform's; every other field is a parameter.
PLATFORM_FIELDS = ("type", "next")


@dataclass(frozen=True)
class PluginStepType:
    """A step type the builder offers: an enabled plugin's action."""

    type: str
    plugin: str
    title: Mapping[str, str]  # by language
    params_schema: dict[str, Any]  # JSON Schema of the action's parameters


@dataclass(frozen=True)
class PluginTriggerEvent:
    """An event an enabled plugin lets journeys start on."""

    event: str
    plugin: str
    title: Mapping[str, str]
    description: str


def plugin_action(step_type: object) -> tuple[str, JourneyAction] | None:
    """The installed plugin and action of a step type, or None (a platform type, or unknown)."""
    if not isinstance(step_type, str) or "." not in step_type:
        return None
    return loaded_plugins().journey_actions.get(step_type)


def plugin_of_event(event_type: str) -> str | None:
    """The installed plugin that declares ``event_type`` as a journey trigger, if one does."""
    found = loaded_plugins().journey_triggers.get(event_type)
    return found[0] if found else None


def param_problems(
    model: type[BaseModel], params: Mapping[str, Any]
) -> list[tuple[list[str], str]]:
    """Every problem of a plugin step's parameters: (path within the step, pydantic's message);
    a message of "" is a field the model does not have."""
    problems: list[tuple[list[str], str]] = []
    if model.model_config.get("extra") != "allow":
        known: set[str] = set()
        for name, info in model.model_fields.items():
            known.add(name)
            if isinstance(info.alias, str):
                known.add(info.alias)
            if isinstance(info.validation_alias, str):
                known.add(info.validation_alias)
        problems += [([key], "") for key in sorted(set(params) - known)]
    try:
        model.model_validate(dict(params))
    except ValidationError as exc:
        for error in exc.errors():
            if error["type"] != "extra_forbidden":  # reported above as an unknown field
                problems.append(([str(part) for part in error["loc"]], error["msg"]))
    return problems


def titled(title: Mapping[str, str], language: str, default: str) -> str:
    """A plugin's title in ``language``, else in English, else ``default``."""
    return title.get(language) or title.get("en") or default


async def plugin_step_types(ctx: RequestContext) -> list[PluginStepType]:
    """The step types of the plugins the tenant has enabled, by type."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    enabled = await enabled_plugins(ctx)
    actions = loaded_plugins().journey_actions
    return [
        PluginStepType(step_type, plugin, action.title, action.params.model_json_schema())
        for step_type, (plugin, action) in sorted(actions.items())
        if plugin in enabled
    ]


async def plugin_trigger_events(ctx: RequestContext) -> list[PluginTriggerEvent]:
    """The trigger events of the plugins the tenant has enabled, by event type."""
    ctx.require(Permission.JOURNEYS_MANAGE)
    enabled = await enabled_plugins(ctx)
    triggers = loaded_plugins().journey_triggers
    return [
        PluginTriggerEvent(event, plugin, trigger.title, trigger.description)
        for event, (plugin, trigger) in sorted(triggers.items())
        if plugin in enabled
    ]
