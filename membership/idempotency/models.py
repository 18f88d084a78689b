"""The stored first result of each idempotency key."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["IdempotencyKey"]


class IdempotencyKey(Model):
    """The first result of a money-like write, so a replay returns it instead of acting twice."""

    key = fields.TextField(primary_key=True)
    tenant_id = fields.UUIDField()
    operation = fields.TextField()
    request_hash = fields.TextField()
    result_id = fields.UUIDField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "idempotency_keys"
