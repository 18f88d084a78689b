"""A tenant's earning rules: a kind (from a plugin), its parameters and its priority."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

__all__ = ["EarningRule"]


class EarningRule(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    name = fields.TextField()
    kind = fields.TextField()
    params: Any = fields.JSONField(default=dict)
    priority = fields.IntField(default=0)
    enabled = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "earning_rules"
