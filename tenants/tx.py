"""``tenant_tx``: one transaction with the tenant set for PostgreSQL row-level security."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from tenants.context import RequestContext

__all__ = ["tenant_tx"]

_current: contextvars.ContextVar[tuple[uuid.UUID, BaseDBAsyncClient] | None] = (
    contextvars.ContextVar("membership_tenant_tx", default=None)
)


@asynccontextmanager
async def tenant_tx(ctx: RequestContext) -> AsyncIterator[BaseDBAsyncClient]:
    """Run the block in one transaction whose ``app.tenant_id`` is the caller's tenant.

    Nested calls for the same tenant join the open transaction, so a service may call another
    service without a second connection checkout.
    """
    current = _current.get()
    if current is not None and current[0] == ctx.tenant.id:
        yield current[1]
        return
    async with in_transaction() as conn:
        await conn.execute_query(
            "SELECT set_config('app.tenant_id', $1, true)", [str(ctx.tenant.id)]
        )
        token = _current.set((ctx.tenant.id, conn))
        try:
            yield conn
        finally:
            _current.reset(token)
