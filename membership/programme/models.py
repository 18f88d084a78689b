"""The programme's settings row."""

from __future__ import annotations

from decimal import Decimal

from tortoise import fields
from tortoise.models import Model

__all__ = ["PointsSettings"]


class PointsSettings(Model):
    """A tenant's points policy; a tenant without a row uses the defaults (points never expire)."""

    tenant_id = fields.UUIDField(primary_key=True)
    expiry_policy = fields.TextField(default="NEVER")
    expiry_period = fields.IntField(default=0)
    earn_points_per_yuan: Decimal = fields.DecimalField(  # type: ignore[assignment]
        max_digits=10, decimal_places=3, default=Decimal("1")
    )
    point_value_fen: Decimal = fields.DecimalField(  # type: ignore[assignment]
        max_digits=10, decimal_places=3, default=Decimal("1")
    )
    return_window_days = fields.IntField(default=0)
    # the most of an order (after coupons) that points may pay, in percent
    points_payment_cap_percent = fields.IntField(default=100)
    tier_downgrade_policy = fields.TextField(default="TO_QUALIFIED")
    tier_grace_days = fields.IntField(default=30)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "points_settings"
