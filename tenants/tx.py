"""``tenant_tx``: one transaction with the tenant set for PostgreSQL row-level security."""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connections
from tortoise.transactions import in_transaction

from tenants.context import RequestContext

__all__ = ["tenant_tx"]

_current: contextvars.ContextVar[tuple[uuid.UUID, BaseDBAsyncClient] | None] = (
    contextvars.ContextVar("membership_tenant_tx", default=None)
)


@asynccontextmanager
async def _transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """tortoise's ``in_transaction``, made safe for a BEGIN that fails.

    tortoise takes a pool connection and makes it the task's current connection before it sends
    BEGIN, and undoes neither when BEGIN fails (the server restarted under it): the connection
    would stay out of the pool, and every later query of the task would use the dead one.
    """
    context: Any = in_transaction()
    try:
        conn = await context.__aenter__()
    except BaseException:
        token = getattr(context, "token", None)
        if token is not None:
            get_connections().reset(token)
        client = getattr(context, "client", None)
        connection = getattr(client, "_connection", None)
        pool = getattr(getattr(client, "_parent", None), "_pool", None)
        if connection is not None and pool is not None:
            with contextlib.suppress(Exception):
                await pool.release(connection)
        raise
    failure: tuple[Any, Any, Any] = (None, None, None)
    try:
        yield conn
    except BaseException as exc:
        failure = (type(exc), exc, exc.__traceback__)
        raise
    finally:
        await context.__aexit__(*failure)


@asynccontextmanager
async def tenant_tx(
    ctx: RequestContext, *, snapshot: bool = False
) -> AsyncIterator[BaseDBAsyncClient]:
    """Run the block in one transaction whose ``app.tenant_id`` is the caller's tenant.

    Nested calls for the same tenant join the open transaction, so a service may call another
    service without a second connection checkout. ``snapshot`` makes a new transaction
    REPEATABLE READ: every statement sees the data as the first one did (for a long read that
    must be consistent across statements); it cannot join an open transaction.
    """
    current = _current.get()
    if current is not None and current[0] == ctx.tenant.id:
        if snapshot:
            raise RuntimeError("a snapshot transaction cannot join an open transaction")
        yield current[1]
        return
    async with _transaction() as conn:
        if snapshot:
            await conn.execute_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        await conn.execute_query(
            "SELECT set_config('app.tenant_id', $1, true)", [str(ctx.tenant.id)]
        )
        token = _current.set((ctx.tenant.id, conn))
        try:
            yield conn
        finally:
            _current.reset(token)
