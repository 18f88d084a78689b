"""Points ledger records: entries (append-only), lots and idempotency keys.

Allocations (which lots an entry consumed) are written and read as SQL by the service.
"""

from __future__ import annotations

from decimal import Decimal

from tortoise import fields
from tortoise.models import Model

__all__ = ["IdempotencyKey", "PointsEntry", "PointsLot", "PointsSettings"]


class PointsEntry(Model):
    """One change of a member's points: never updated, never deleted."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    member_id = fields.UUIDField()
    kind = fields.TextField()
    points = fields.BigIntField()
    balance_after = fields.BigIntField()
    reason = fields.TextField(null=True)
    order_id = fields.UUIDField(null=True)
    corrects_id = fields.UUIDField(null=True)
    available_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    actor_type = fields.TextField()
    actor_id = fields.TextField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "points_entries"


class PointsLot(Model):
    """Points earned together: what is left of them, when they become available and expire."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    member_id = fields.UUIDField()
    entry_id = fields.UUIDField(null=True)  # None while pending: the EARN entry comes at maturity
    order_id = fields.UUIDField(null=True)
    pending = fields.BooleanField(default=False)
    amount = fields.BigIntField()
    remaining = fields.BigIntField()
    available_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "points_lots"


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
