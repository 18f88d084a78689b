"""Event handlers in the plugin contract: a plugin reacting to the platform's events.

A handler names the event types it wants (exact types, ``"prefix.*"`` or ``"*"``). The event
backbone gives it each such event of each tenant that enabled the plugin, one member's events in
the order they happened, at least once, in the tenant's transaction: the handler's writes on
``conn`` commit together with the backbone's record that the event was handled, so a retried
event never applies them twice. A handler that fails is retried with backoff and, after the last
attempt, goes to the dead-letter list staff see and replay. Work outside the database (an HTTP
call) must be idempotent by ``event.id``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from tenants.context import RequestContext

__all__ = ["EventHandler", "PluginEvent"]


@dataclass(frozen=True)
class PluginEvent:
    """One event as a handler sees it: the webhook body's fields."""

    id: uuid.UUID
    type: str
    member_id: uuid.UUID | None
    occurred_at: datetime
    data: Mapping[str, Any]


HandlerFunction = Callable[[RequestContext, BaseDBAsyncClient, PluginEvent], Awaitable[None]]


@dataclass(frozen=True)
class EventHandler:
    name: str  # unique within the plugin
    types: tuple[str, ...]
    handle: HandlerFunction
