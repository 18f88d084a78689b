"""Worker jobs and crons in the plugin contract.

Both run on the platform's worker, once per tenant that enabled the plugin, inside that
tenant's context: a plugin never sees a tenant that has not enabled it.

* A :class:`PluginJob` runs when the plugin enqueues it (``plugins.api.enqueue_job``) for the
  caller's tenant; if the tenant disabled the plugin before the job ran, it is dropped.
* A :class:`PluginCron` runs on its schedule (a five-field cron in UTC) for each tenant with
  the plugin enabled, one tenant after another; one tenant's failure is logged and does not stop
  the others.

Jobs may run more than once (the worker runs a job at least once): make them idempotent, for
example by writing under a key of their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tenants.context import RequestContext

__all__ = ["PluginCron", "PluginJob"]

JobFunction = Callable[[RequestContext, Mapping[str, Any]], Awaitable[None]]
CronFunction = Callable[[RequestContext], Awaitable[None]]


@dataclass(frozen=True)
class PluginJob:
    """A job the plugin enqueues with JSON arguments; ``name`` is unique within the plugin."""

    name: str
    run: JobFunction


@dataclass(frozen=True)
class PluginCron:
    """A job run on a schedule for every tenant with the plugin enabled."""

    name: str
    schedule: str  # five cron fields in UTC, at most once a minute: "0 1 * * *"
    run: CronFunction
