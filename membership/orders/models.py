"""Orders from tills, online shops and ERPs, with what they earned, spent and refunded."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

__all__ = ["Order"]


class Order(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    external_id = fields.TextField()
    member_id = fields.UUIDField()
    amount = fields.BigIntField()
    discount_amount = fields.BigIntField(default=0)
    points_spent = fields.BigIntField(default=0)
    points_earned = fields.BigIntField(default=0)
    refunded_amount = fields.BigIntField(default=0)
    points_reversed = fields.BigIntField(default=0)
    points_returned = fields.BigIntField(default=0)
    status = fields.TextField()
    store_code = fields.TextField(null=True)
    items: Any = fields.JSONField(default=list)
    # the items' total quantity; null when the order lists no items (what analytics count)
    item_quantity: int | None = fields.IntField(null=True)  # type: ignore[assignment]
    earning: Any = fields.JSONField(default=dict)
    request_hash = fields.TextField()
    paid_at = fields.DatetimeField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "orders"
