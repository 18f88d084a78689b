"""A plugin's unexpected failure, as the platform reports it wherever a plugin's code runs (a
resolver, a rule kind, an HTTP route): logged with the plugin's name, answered as
``PLUGIN_FAILED`` naming it, and nothing else of the request or of other plugins affected."""

from __future__ import annotations

import structlog

from membership.errors import DomainError, ErrorCode

__all__ = ["plugin_failed"]

log = structlog.get_logger("membership.plugins")


def plugin_failed(plugin: str, exc: BaseException, **where: object) -> DomainError:
    """Log ``exc`` raised by ``plugin``'s code (``where`` says which) and return the error to
    answer with; raise it ``from exc``."""
    log.error("plugin_failed", plugin=plugin, error=repr(exc), exc_info=exc, **where)
    return DomainError(
        ErrorCode.PLUGIN_FAILED,
        "The plugin {plugin} failed ({error}); other plugins are not affected.",
        plugin=plugin,
        error=type(exc).__name__,
    )
