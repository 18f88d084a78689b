"""The scheduled work an advance of a sandbox tenant's test clock runs.

A live tenant's scheduled work runs on the worker's cron, by the system clock. A sandbox tenant's
time stands still until its clock is advanced; the advance then runs everything that falls due on
the way, in time order, by asking every registered ``ScheduledWork``:

``next_due(ctx)``
    When this tenant's next piece of the work falls due, as seen at ``ctx.clock.now()``; ``None``
    when nothing is waiting. It reads the tenant's data in its own ``tenant_tx(ctx)`` and must not
    change anything. A time at or before now means "due now" (work left over, or just queued).
    Work that recurs on the calendar (a daily review) answers its next time strictly after now:
    the occurrence at the current instant counts as done.

``run_due(ctx)``
    Does everything of the work that is due at ``ctx.clock.now()``, exactly as the worker's job
    would (in its own transactions), and returns how much it did (0: nothing). It must be safe to
    run twice, or beside the worker's own job for the same tenant: the jobs it wraps already are.

The advance repeats: ask every work for ``next_due``, take the earliest instant not after the
target, set the tenant's clock to it (``ctx.clock.now()`` is that instant for every process), run
every work due then, in registration order, until none answers more at that instant (what one
work does may make another due: an expiry emits an event, the event's handlers run at the same
instant). A work that stays due but does nothing is left until the clock moves on. Last the clock
is set to the target and reads READY.

Register at import time, from a module both the API and the worker import (the one that defines
the work's job, say), under a stable name::

    from membership.testclock.schedule import ScheduledWork, register

    async def next_wake(ctx: RequestContext) -> datetime | None:
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(
                "SELECT min(next_wake_at) AS at FROM journey_runs WHERE status = 'WAITING'"
            )
        return rows[0]["at"]

    register(ScheduledWork("journeys.wake_runs", next_wake, run_due))

A plugin's scheduled work registers the same way, from its package.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from tenants.context import RequestContext

__all__ = ["ScheduledWork", "register", "registered", "unregister"]


@dataclass(frozen=True)
class ScheduledWork:
    """One kind of scheduled work, as an advance of the test clock sees it."""

    name: str
    next_due: Callable[[RequestContext], Awaitable[datetime | None]]
    run_due: Callable[[RequestContext], Awaitable[int]]


_WORKS: dict[str, ScheduledWork] = {}


def register(work: ScheduledWork) -> ScheduledWork:
    """Add ``work`` to what advancing a test clock runs; registering it again changes nothing.

    Raises ``ValueError`` when another work already has its name.
    """
    existing = _WORKS.get(work.name)
    if existing is not None and existing != work:
        raise ValueError(f"scheduled work {work.name!r} is registered twice")
    _WORKS[work.name] = work
    return work


def unregister(name: str) -> None:
    """Remove the work named ``name`` (tests that register a work of their own)."""
    _WORKS.pop(name, None)


def registered() -> list[ScheduledWork]:
    """Every registered work, in the order they were registered (the order they run at one
    instant)."""
    return list(_WORKS.values())
