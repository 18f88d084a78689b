"""Journey triggers and action steps in the plugin contract.

**Triggers.** A plugin that emits events of its own (``plugins.api.emit_event``) declares the ones
journeys may start on. A journey names it like any event trigger,
``{"type": "event", "event": "stamp_card.completed"}``; the journey builder offers it while the
tenant has the plugin enabled, and activating such a journey without the plugin is refused.
A time-based trigger (a card ending in seven days) is a plugin cron that emits the event.

**Actions.** A plugin adds step types named ``<plugin prefix>.<action>`` (``stamp_card.addStamp``).
The step's other fields are its parameters, validated by the action's pydantic model when the
journey is saved (every problem reported with its path in the definition, like the platform's
own steps). When a run reaches the step the platform calls :meth:`JourneyAction.run` once per
visit, in the run's transaction: its writes on ``call.conn`` commit with the run's move, so
nothing is done twice. Raising :class:`membership.errors.DomainError` is an explained refusal
(recorded as the step's outcome, and the run goes on); anything else rolls the step back and
the run retries it later.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from tortoise.backends.base.client import BaseDBAsyncClient

from tenants.context import RequestContext

__all__ = ["ActionCall", "JourneyAction", "JourneyTrigger"]


@dataclass(frozen=True)
class JourneyTrigger:
    event: str  # an event type the plugin emits
    title: Mapping[str, str]  # by language, for the builder
    description: str = ""


@dataclass(frozen=True)
class ActionCall:
    ctx: RequestContext
    conn: BaseDBAsyncClient  # the run's transaction
    member_id: uuid.UUID
    params: Any  # the step's parameters, an instance of the action's model, as the action's model
    key: str  # unique per run, step and visit: an idempotency key for what the action writes


ActionFunction = Callable[[ActionCall], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True)
class JourneyAction:
    type: str  # "<plugin prefix>.<action>", unique across plugins
    title: Mapping[str, str]
    params: builtins.type[BaseModel]
    run: ActionFunction  # returns what it did (JSON), shown on the run's timeline
