"""The roll-up's members, for filters that select members by their RFM inputs."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["AnalyticsMember"]


class AnalyticsMember(Model):
    """A member's RFM inputs (written by ``membership.analytics.rollup`` only)."""

    member_id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    ordinal = fields.IntField()
    orders = fields.IntField()
    purchase_days = fields.IntField()
    first_order_on = fields.DateField()
    last_order_on = fields.DateField()
    monetary = fields.BigIntField()

    class Meta:
        table = "analytics_members"
