"""``tenant_tx``: one transaction with the tenant set for PostgreSQL row-level security."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import uuid
from collections.abc import Sequence
from typing import Any

from asyncpg import Record
from asyncpg.exceptions import (
    DataError,
    IntegrityConstraintViolationError,
    InterfaceError,
    SyntaxOrAccessError,
)
from asyncpg.transaction import TransactionState
from tortoise.backends.asyncpg.client import TransactionWrapper
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connections
from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError

from tenants.context import RequestContext

__all__ = ["fetch", "fetch_one", "in_tenant_tx", "tenant_tx"]

_CONNECTION = "default"  # membership.db's one connection
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


@functools.lru_cache(maxsize=4096)
def _begin_sql(tenant_id: uuid.UUID, snapshot: bool) -> str:
    # The id is a UUID object, so its text is safe to inline: the simple query protocol that
    # lets BEGIN and set_config share a round trip takes no parameters.
    isolation = " ISOLATION LEVEL REPEATABLE READ" if snapshot else ""
    return (
        f"BEGIN{isolation}; SELECT set_config('app.tenant_id', '{uuid.UUID(str(tenant_id))}', true)"
    )


async def _pooled(connections: Any) -> Any:
    """membership.db's tortoise client of this task, its asyncpg pool made (once, as tortoise
    makes it)."""
    client: Any = connections.get(_CONNECTION)
    if client._pool is None:
        async with client._pool_init_lock:
            if client._pool is None:
                await client.create_connection(with_db=True)
    return client


async def fetch_one(sql: str, *values: Any) -> Record | None:
    """One statement's first row on a pool connection of its own, outside any transaction (for
    a statement that sets the tenant itself, as ``tenant_member`` does), logged as tortoise logs
    its statements."""
    client = await _pooled(get_connections())
    client.log.debug("%s: %s", sql, values)
    return await client._pool.fetchrow(sql, *values)  # type: ignore[no-any-return]


class _TenantTransaction:
    """``tenant_tx``'s context manager: a class, not a generator, as every service call of every
    request enters one.

    It does what tortoise's ``in_transaction`` does for a pooled connection (a connection from
    the pool, a ``TransactionWrapper`` made the task's current connection, so every tortoise
    query of the block runs on it; commit or rollback; the connection back to the pool) in
    fewer steps, as it runs once per request, and begins with the statement that sets the
    tenant."""

    __slots__ = (
        "_client",
        "_connections",
        "_joined",
        "_snapshot",
        "_tenant_id",
        "_token",
        "_tortoise_token",
    )

    def __init__(self, tenant_id: uuid.UUID, snapshot: bool) -> None:
        self._tenant_id, self._snapshot = tenant_id, snapshot
        self._joined = False

    async def __aenter__(self) -> BaseDBAsyncClient:
        current = _current.get()
        if current is not None and current[0] == self._tenant_id:
            if self._snapshot:
                raise RuntimeError("a snapshot transaction cannot join an open transaction")
            self._joined = True
            return current[1]
        connections = self._connections = get_connections()
        parent = await _pooled(connections)
        pool = parent._pool
        connection = await pool.acquire()
        client = self._client = TransactionWrapper(parent)
        client._connection = connection
        try:
            transaction = connection.transaction()
            await _start(transaction, _begin_sql(self._tenant_id, self._snapshot))
        except BaseException:
            # the BEGIN's own error is the one to raise, not a failure to return a dead connection
            with contextlib.suppress(Exception):
                await pool.release(connection)
            raise
        client.transaction = transaction
        self._tortoise_token = connections.set(_CONNECTION, client)
        self._token = _current.set((self._tenant_id, client))
        return client

    async def __aexit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        if self._joined:
            return
        _current.reset(self._token)
        client: Any = self._client
        try:
            if not client._finalized:
                if exc_type is None:
                    await client.commit()
                elif exc_type is not TransactionManagementError:
                    # a transaction that failed to finish cannot be rolled back
                    await client.rollback()
        finally:
            await client._parent._pool.release(client._connection)
            self._connections.reset(self._tortoise_token)


def tenant_tx(ctx: RequestContext, *, snapshot: bool = False) -> _TenantTransaction:
    """Run the block in one transaction whose ``app.tenant_id`` is the caller's tenant.

    Nested calls for the same tenant join the open transaction, so a service may call another
    service without a second connection checkout. ``snapshot`` makes a new transaction
    REPEATABLE READ: every statement sees the data as the first one did (for a long read that
    must be consistent across statements); it cannot join an open transaction.
    """
    return _TenantTransaction(ctx.tenant.id, snapshot)


def in_tenant_tx(ctx: RequestContext) -> bool:
    """Whether the caller runs inside an open transaction of this tenant (which joins)."""
    current = _current.get()
    return current is not None and current[0] == ctx.tenant.id


async def fetch(conn: BaseDBAsyncClient, sql: str, values: Sequence[Any]) -> list[Record]:
    """The rows of one statement on ``conn`` (a tenant transaction's), sent by asyncpg itself.

    For the hot paths' long statements: tortoise's ``execute_query`` upper-cases the whole text
    to choose between fetch and execute, on every call. The statement is logged and its errors
    are raised as tortoise raises them (a unique key's IntegrityError), like ``execute_query``.
    """
    conn.log.debug("%s: %s", sql, values)
    async with conn.acquire_connection() as connection:
        try:
            return await connection.fetch(sql, *values)  # type: ignore[no-any-return]
        except IntegrityConstraintViolationError as exc:
            raise IntegrityError(exc) from exc
        except (SyntaxOrAccessError, DataError) as exc:
            raise OperationalError(exc) from exc
