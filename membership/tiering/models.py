"""A member's tier history."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["TierChange"]


class TierChange(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    member_id = fields.UUIDField()
    from_tier_id = fields.UUIDField(null=True)
    to_tier_id = fields.UUIDField(null=True)
    reason = fields.TextField()
    metric_value = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "tier_changes"
