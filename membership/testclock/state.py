"""A sandbox tenant's test clock in the registry: reading it, and moving it forward.

The app role cannot write ``tenants``: it moves a clock only through the SECURITY DEFINER
functions of migration 0033, which act on the tenant of the caller's transaction alone and only
forward. Whoever runs an advance holds a session advisory lock for the tenant, on a connection of
its own, so two runners (the API that started it, the worker that resumes it) never interleave;
the lock ends with its connection if the process dies, and the worker then resumes the advance.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

from tortoise import Tortoise

from tenants.context import RequestContext, SandboxClock
from tenants.tx import tenant_tx

__all__ = [
    "advancing_tenants",
    "begin_advance",
    "finish_advance",
    "move_clock",
    "read_clock",
    "runner_lock",
]

_READ = (
    "SELECT test_clock_at, test_clock_status, test_clock_target FROM tenants "
    "WHERE id = $1 AND test_clock_at IS NOT NULL"
)


async def read_clock(tenant_id: uuid.UUID) -> SandboxClock | None:
    """The tenant's test clock as it is now; None for a live (or unknown) tenant."""
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(_READ, [tenant_id])
    if not rows:
        return None
    row = rows[0]
    return SandboxClock(row["test_clock_at"], row["test_clock_status"], row["test_clock_target"])


async def begin_advance(ctx: RequestContext, to: datetime) -> bool:
    """READY → ADVANCING towards ``to``, in the caller's transaction; False when the clock is
    not READY or is past ``to`` (the row lock makes one of two callers at once win)."""
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query("SELECT begin_test_clock_advance($1) AS ok", [to])
    return bool(rows[0]["ok"])


async def move_clock(ctx: RequestContext, at: datetime) -> bool:
    """Set an advancing clock to ``at`` (between its time and its target); False otherwise."""
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query("SELECT move_test_clock($1) AS ok", [at])
    return bool(rows[0]["ok"])


async def finish_advance(ctx: RequestContext) -> datetime | None:
    """ADVANCING → READY at the target; the new frozen time, or None if it was not advancing."""
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query("SELECT finish_test_clock_advance() AS at")
    at: datetime | None = rows[0]["at"] if rows else None
    return at


async def advancing_tenants() -> list[uuid.UUID]:
    """Sandbox tenants whose clock is ADVANCING (to resume those nobody runs)."""
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(
        "SELECT id FROM tenants WHERE test_clock_at IS NOT NULL "
        "AND test_clock_status = 'ADVANCING' ORDER BY id"
    )
    return [row["id"] for row in rows]


@contextlib.asynccontextmanager
async def runner_lock(tenant_id: uuid.UUID) -> AsyncIterator[bool]:
    """Try to become the one runner of the tenant's advance; yields whether this caller is.

    The lock is a session advisory lock, released before the connection goes back to the pool
    (the pool's reset expects no session state).
    """
    key = f"test-clock:{tenant_id}"
    client: object = Tortoise.get_connection("default")
    async with client.acquire_connection() as conn:  # type: ignore[attr-defined]
        held = bool(
            await conn.fetchval("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", key)
        )
        try:
            yield held
        finally:
            if held:
                await conn.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", key)
