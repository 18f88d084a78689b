"""Membership tiers (普卡/银卡/金卡…): rank 0 is the entry tier, higher is better."""

from __future__ import annotations

from decimal import Decimal

from tortoise import fields
from tortoise.models import Model

__all__ = ["Tier"]


class Tier(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    name = fields.TextField()
    rank = fields.IntField()
    metric = fields.TextField()
    threshold = fields.BigIntField()
    window_days = fields.IntField(null=True)  # a rolling window of N days
    calendar_year = fields.BooleanField(default=False)  # or the calendar year; neither: lifetime
    points_multiplier: Decimal = fields.DecimalField(
        max_digits=6, decimal_places=3, default=Decimal("1.0")
    )  # type: ignore[assignment]
    # what the tier gives (会员权益), shown to members and staff; at most 2000 characters
    benefits: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tiers"
