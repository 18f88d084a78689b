"""A plugin's GraphQL fields: on only for tenants that enabled the plugin, and isolated.

Every root field a plugin adds gets :class:`PluginGate`. Before the plugin's resolver runs it
refuses (``PERMISSION_DENIED``, naming the plugin) a tenant that has not enabled the plugin; and an
unexpected exception raised by the resolver is logged with the plugin's name and answered as
``PLUGIN_FAILED`` rather than masked, so the caller knows which plugin failed. Expected failures
(``DomainError``) pass through untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from membership.activation.service import require_enabled
from membership.errors import DomainError
from plugins.failures import plugin_failed

__all__ = ["PluginGate", "gate_fields"]


class PluginGate(FieldExtension):
    def __init__(self, plugin: str) -> None:
        self.plugin = plugin

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        await require_enabled(info.context.auth, self.plugin)
        try:
            return await next_(source, info, **kwargs)
        except DomainError:
            raise
        except Exception as exc:
            raise plugin_failed(self.plugin, exc, field=info.field_name) from exc


def gate_fields(plugin: str, cls: type) -> list[str]:
    """Put the gate on every field of a plugin's root class; return the fields that are not
    async (a plugin's root fields must be: the gate reads the database)."""
    sync: list[str] = []
    for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if not any(isinstance(e, PluginGate) for e in field.extensions):
            field.extensions.append(PluginGate(plugin))
        if not field.is_async:
            sync.append(field.python_name)
    return sync
