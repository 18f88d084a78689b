"""The mall's stores: one programme over many stores, each known by its code.

Receipts and the orders approved receipts become carry the store's code, so the tenant's
earning rules by store (``STORE_MULTIPLIER`` and the ``stores`` parameter of other kinds) apply.
A code the mall does not have is refused wherever one is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from plugins.api.data import (
    DomainError,
    ErrorCode,
    Permission,
    fetch,
    require_enabled,
    tenant_transaction,
)
from plugins.mall.config import NAME, STORE_CODE_PATTERN

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tortoise.backends.base.client import BaseDBAsyncClient

    from tenants.context import RequestContext

__all__ = ["Store", "list_stores", "require_store", "save_store"]

_CODE = re.compile(STORE_CODE_PATTERN)
_COLUMNS = "code, name, active, created_at, updated_at"


@dataclass(frozen=True)
class Store:
    code: str
    name: str
    active: bool
    created_at: datetime
    updated_at: datetime


def _store(row: dict[str, object]) -> Store:
    return Store(**row)  # type: ignore[arg-type]


async def list_stores(ctx: RequestContext, *, active_only: bool = False) -> list[Store]:
    """The mall's stores by code; any caller of the tenant may read them (a member picks the
    store of a receipt)."""
    await require_enabled(ctx, NAME)
    where = "WHERE active" if active_only else ""
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(conn, f"SELECT {_COLUMNS} FROM mall_stores {where} ORDER BY code")
    return [_store(r) for r in rows]


async def save_store(
    ctx: RequestContext,
    code: str,
    name: str,
    *,
    active: bool = True,
    field: Sequence[str] = ("input",),
) -> tuple[Store, bool]:
    """Make the store ``code`` or change its name and whether it takes receipts; returns it and
    whether it was made now. Needs programme:manage. A store is never deleted: its receipts and
    orders keep its code."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    code, name = code.strip(), name.strip()
    if not _CODE.fullmatch(code):
        raise DomainError(
            ErrorCode.INVALID,
            "A store code has 1 to 32 letters, digits, '_', '.' or '-', starting with a letter "
            "or digit.",
            [*field, "code"],
        )
    if not 1 <= len(name) <= 50:
        raise DomainError(
            ErrorCode.INVALID, "A store name has 1 to 50 characters.", [*field, "name"]
        )
    now = ctx.clock.now()
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(
            conn,
            "INSERT INTO mall_stores (tenant_id, code, name, active, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (tenant_id, code) DO UPDATE "
            "SET name = EXCLUDED.name, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at "
            f"RETURNING {_COLUMNS}, (xmax = 0) AS created",
            ctx.tenant.id,
            code,
            name,
            active,
            now,
        )
    row = dict(rows[0])
    created = bool(row.pop("created"))
    return _store(row), created


async def require_store(
    conn: BaseDBAsyncClient, code: str, field: Sequence[str], *, taking_receipts: bool = True
) -> Store:
    """The store ``code``; NOT_FOUND at ``field`` when the mall has no such store, INVALID when
    it is closed and ``taking_receipts`` is asked for."""
    rows = await fetch(conn, f"SELECT {_COLUMNS} FROM mall_stores WHERE code = $1", code.strip())
    if not rows:
        raise DomainError(
            ErrorCode.NOT_FOUND, "The mall has no store with the code {store}.", field, store=code
        )
    store = _store(rows[0])
    if taking_receipts and not store.active:
        raise DomainError(
            ErrorCode.INVALID,
            "The store {store} is closed and takes no receipts.",
            field,
            store=store.code,
        )
    return store
