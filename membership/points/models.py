"""Points ledger records: entries (append-only) and lots.

Allocations (which lots an entry consumed) are written and read as SQL. Only the ledger writer
(``membership.points.ledger``) writes any of them.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["PointsEntry", "PointsLot"]


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
