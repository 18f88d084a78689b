"""``tenant_tx``: one transaction with the tenant set for PostgreSQL row-level security."""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from asyncpg.exceptions import InterfaceError
from asyncpg.transaction import TransactionState
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connections
from tortoise.transactions import in_transaction

from tenants.context import RequestContext

__all__ = ["in_tenant_tx", "tenant_tx"]

_current: contextvars.ContextVar[tuple[uuid.UUID, BaseDBAsyncClient] | None] = (
    contextvars.ContextVar("membership_tenant_tx", default=None)
)


async def _start(transaction: Any, begin: str) -> None:
    """Start an asyncpg transaction with one simple query that begins it and sets it up.

    ``BEGIN; SELECT set_config(…)`` goes to the server in one round trip instead of two. This
    does what asyncpg's ``Transaction.start`` does for a top-level transaction, with that query
    instead of a bare BEGIN; commit and rollback are asyncpg's own.
    """
    con = transaction._connection
    if con._top_xact is not None or con._protocol.is_in_transaction():
        raise InterfaceError("a tenant transaction cannot begin inside another transaction")
    con._top_xact = transaction
    try:
        await con.execute(begin)
    except BaseException:
        con._top_xact = None
        transaction._state = TransactionState.FAILED
        raise
    transaction._state = TransactionState.STARTED


def _begin_sql(tenant_id: uuid.UUID, snapshot: bool) -> str:
    # The id is a UUID object, so its text is safe to inline: the simple query protocol that
    # lets BEGIN and set_config share a round trip takes no parameters.
    isolation = " ISOLATION LEVEL REPEATABLE READ" if snapshot else ""
    return (
        f"BEGIN{isolation}; SELECT set_config('app.tenant_id', '{uuid.UUID(str(tenant_id))}', true)"
    )


@asynccontextmanager
async def _transaction(begin: str | None = None) -> AsyncIterator[BaseDBAsyncClient]:
    """tortoise's ``in_transaction``, made safe for a BEGIN that fails, and begun with ``begin``
    (a simple query starting with BEGIN) when given.

    tortoise takes a pool connection and makes it the task's current connection before it sends
    BEGIN, and undoes neither when BEGIN fails (the server restarted under it): the connection
    would stay out of the pool, and every later query of the task would use the dead one.
    """
    context: Any = in_transaction()
    if begin is not None:
        wrapper = context.client

        async def start() -> None:
            transaction = wrapper._connection.transaction()
            await _start(transaction, begin)
            wrapper.transaction = transaction

        wrapper.begin = start
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
    async with _transaction(_begin_sql(ctx.tenant.id, snapshot)) as conn:
        token = _current.set((ctx.tenant.id, conn))
        try:
            yield conn
        finally:
            _current.reset(token)


def in_tenant_tx(ctx: RequestContext) -> bool:
    """Whether the caller runs inside an open transaction of this tenant (which joins)."""
    current = _current.get()
    return current is not None and current[0] == ctx.tenant.id
