"""The plugins' event handlers as subscriptions of the backbone.

Each handler a plugin declares (``membership_event_handlers``) is the subscription
``plugin:<plugin>:<handler>``. Its ``listening`` asks the relay's transaction whether the tenant
has the plugin enabled, so a tenant without it gets no handlings at all; a handling written before
the tenant disabled the plugin is done without calling the plugin. The handler runs in the
handling's transaction with the event as :class:`plugins.event_handlers.PluginEvent`; if it
raises, the failure is logged with the plugin's name and the backbone retries it and, in the end,
lists it as a dead letter, while every other handler of the event goes on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from tortoise.backends.base.client import BaseDBAsyncClient

from membership.activation.service import forget_enabled_plugins, is_enabled
from membership.outbox import OutboxEvent
from plugins.event_handlers import EventHandler, PluginEvent
from plugins.manager import LoadedPlugins
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["PREFIX", "plugin_subscriptions"]

log = structlog.get_logger("membership.plugins")

PREFIX = "plugin:"

Handle = Callable[[RequestContext, OutboxEvent, Any], Awaitable[None]]
Listen = Callable[[BaseDBAsyncClient], Awaitable[frozenset[str]]]


def plugin_subscriptions(loaded: LoadedPlugins) -> list[tuple[str, frozenset[str], Handle, Listen]]:
    """(name, types, handler, listening) of every plugin handler."""
    return [
        (f"{PREFIX}{plugin}:{name}", frozenset(h.types), _handler(plugin, h), _listening(plugin, h))
        for (plugin, name), h in loaded.event_handlers.items()
    ]


def _listening(plugin: str, handler: EventHandler) -> Listen:
    types = frozenset(handler.types)

    async def listening(conn: BaseDBAsyncClient) -> frozenset[str]:
        _, rows = await conn.execute_query(
            "SELECT 1 FROM tenant_plugins WHERE name = $1 AND enabled", [plugin]
        )
        return types if rows else frozenset()

    return listening


def _handler(plugin: str, handler: EventHandler) -> Handle:
    async def handle(ctx: RequestContext, event: OutboxEvent, jobs: Any) -> None:
        forget_enabled_plugins(ctx)  # the tenant may have changed its mind since the last event
        if not await is_enabled(ctx, plugin):
            return
        seen = PluginEvent(
            id=event.id,
            type=event.type,
            member_id=event.member_id,
            occurred_at=event.created_at,
            data=event.payload,
        )
        async with tenant_tx(ctx) as conn:
            try:
                await handler.handle(ctx, conn, seen)
            except Exception as exc:
                log.exception(
                    "plugin_failed",
                    plugin=plugin,
                    handler=handler.name,
                    event=str(event.id),
                    error=repr(exc),
                )
                raise

    return handle
