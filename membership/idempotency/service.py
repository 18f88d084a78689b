"""Idempotency keys of money-like writes: check one, find the first result, remember it.

A key belongs to the tenant and is used once: a replay with the same request finds the id of
the first result; the same key with another request is ``IDEMPOTENCY_KEY_REUSED``. The key is
written in the write's own transaction, so a request that fails leaves no key behind.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from membership.errors import DomainError, ErrorCode
from membership.idempotency.models import IdempotencyKey
from tenants.context import RequestContext

__all__ = [
    "INSERT",
    "check_key",
    "first_result",
    "remember",
    "remembered_values",
    "replayed",
    "request_hash",
    "result_of",
]

# What ``remember`` writes, for a statement that writes the key itself with its other rows:
# the columns, then ``remembered_values`` in their order.
INSERT = (
    "INSERT INTO idempotency_keys (key, tenant_id, operation, request_hash, result_id, created_at)"
)


def check_key(key: str) -> None:
    """Refuse a key that is blank or longer than 200 characters."""
    if not 1 <= len(key.strip()) <= 200:
        raise DomainError(
            ErrorCode.INVALID,
            "The idempotency key must have 1 to 200 characters.",
            ["input", "idempotencyKey"],
        )


def request_hash(operation: str, *parts: object) -> str:
    """The fingerprint of a request: a replay must match it to get the first result."""
    return hashlib.sha256("|".join([operation, *map(str, parts)]).encode()).hexdigest()


async def first_result(key: str, hashed: str) -> uuid.UUID | None:
    """The id of what the key's first request produced, or None for a new key."""
    found = await IdempotencyKey.get_or_none(key=key)
    if found is None:
        return None
    return result_of(found.request_hash, found.result_id, hashed)


def result_of(
    stored_hash: str | None, result_id: uuid.UUID | None, hashed: str
) -> uuid.UUID | None:
    """``first_result`` for a key's row read by the caller (None, None: no such key)."""
    if stored_hash is None:
        return None
    if stored_hash != hashed:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different request.",
            ["input", "idempotencyKey"],
        )
    return result_id


async def remember(
    ctx: RequestContext, key: str, operation: str, hashed: str, result_id: uuid.UUID
) -> None:
    """Record the key with its result, in the caller's transaction."""
    await IdempotencyKey.create(
        key=key,
        tenant_id=ctx.tenant.id,
        operation=operation,
        request_hash=hashed,
        result_id=result_id,
        created_at=ctx.clock.now(),
    )


def remembered_values(
    ctx: RequestContext, key: str, operation: str, hashed: str, result_id: uuid.UUID
) -> list[Any]:
    """The values ``remember`` writes, in the order of ``INSERT``'s columns."""
    return [key, ctx.tenant.id, operation, hashed, result_id, ctx.clock.now()]


async def replayed(model: Any, key: str, hashed: str) -> Any:
    """The row of ``model`` (a table with ``idempotency_key`` and ``request_hash`` columns) its
    key's first request wrote, or None for a new key; another request under the key is
    ``IDEMPOTENCY_KEY_REUSED``."""
    existing = await model.get_or_none(idempotency_key=key)
    if existing is None:
        return None
    if existing.request_hash != hashed:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different request.",
            ["input", "idempotencyKey"],
        )
    return existing
