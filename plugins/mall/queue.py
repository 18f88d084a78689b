"""The receipt review queue: receipts by status, oldest submission first (first come, first
reviewed), a page at a time with opaque cursors and the total.

A page is two statements (the page and the count) whatever its size; the members on it are
loaded by the GraphQL layer in one batch.
"""

from __future__ import annotations

import base64
import binascii
import uuid
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
from plugins.mall.config import NAME
from plugins.mall.receipts import COLUMNS, Receipt, ReceiptStatus, receipt_of

if TYPE_CHECKING:
    from tenants.context import RequestContext

__all__ = ["MAX_PAGE", "ReceiptPage", "cursor_of", "list_receipts"]

MAX_PAGE = 100
DEFAULT_PAGE = 20


@dataclass(frozen=True)
class ReceiptPage:
    receipts: list[Receipt]
    total: int
    has_next: bool
    has_previous: bool


def cursor_of(receipt: Receipt) -> str:
    raw = f"{receipt.submitted_at.isoformat()}|{receipt.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _position(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        at, _, id_ = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(at), uuid.UUID(id_)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise DomainError(
            ErrorCode.INVALID, "This cursor is not one this list gave.", ["after"]
        ) from None


async def list_receipts(
    ctx: RequestContext,
    *,
    status: ReceiptStatus | None = None,
    first: int | None = None,
    after: str | None = None,
) -> ReceiptPage:
    """Receipts, oldest submission first, optionally of one status. Needs members:read."""
    ctx.require(Permission.MEMBERS_READ)
    await require_enabled(ctx, NAME)
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise DomainError(
            ErrorCode.INVALID, "Ask for 0 to {limit} receipts at a time.", ["first"], limit=MAX_PAGE
        )
    params: list[object] = [status]
    where = "($1::text IS NULL OR status = $1)"
    if after is not None:
        at, id_ = _position(after)
        params += [at, id_]
        where += " AND (submitted_at, id) > ($2, $3)"
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(
            conn,
            f"SELECT {COLUMNS} FROM mall_receipts WHERE {where} "
            f"ORDER BY submitted_at, id LIMIT {size + 1}",
            *params,
        )
        counted = await fetch(
            conn,
            "SELECT count(*) AS n FROM mall_receipts WHERE $1::text IS NULL OR status = $1",
            status,
        )
    return ReceiptPage(
        receipts=[receipt_of(r) for r in rows[:size]],
        total=int(counted[0]["n"]),
        has_next=len(rows) > size,
        has_previous=after is not None,
    )
