"""The points mall (积分商城): rewards members buy with points, and what they bought."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["Reward", "RewardRedemption"]


class Reward(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    name = fields.TextField()
    points_cost = fields.BigIntField()
    stock = fields.IntField(null=True)  # None: unlimited
    coupon_template_id = fields.UUIDField(null=True)  # None: a physical item, fulfilled by staff
    per_member_limit = fields.IntField(null=True)
    redeemed_count = fields.IntField(default=0)
    active = fields.BooleanField(default=True)  # False: off the mall, listed but not redeemable
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "rewards"


class RewardRedemption(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    reward_id = fields.UUIDField()
    member_id = fields.UUIDField()
    points = fields.BigIntField()
    entry_id = fields.UUIDField()
    coupon_id = fields.UUIDField(null=True)
    status = fields.TextField()  # REDEEMED, CANCELLED
    created_at = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "reward_redemptions"
