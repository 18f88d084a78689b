"""Coupon templates (券模板): the rules every coupon issued from them follows."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

__all__ = ["Coupon", "CouponBatch", "CouponTemplate"]


class CouponTemplate(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    name = fields.TextField()
    kind = fields.TextField()  # AMOUNT_OFF (满减), PERCENT_OFF (折扣), GIFT (兑换券)
    amount_off = fields.BigIntField(null=True)
    percent_off = fields.IntField(null=True)
    max_discount = fields.BigIntField(null=True)
    min_spend = fields.BigIntField(default=0)
    gift_sku = fields.TextField(null=True)
    skus: Any = fields.JSONField(default=list)
    categories: Any = fields.JSONField(default=list)
    stores: Any = fields.JSONField(default=list)
    excluded_skus: Any = fields.JSONField(default=list)
    excluded_categories: Any = fields.JSONField(default=list)
    valid_days = fields.IntField(null=True)
    start_delay_days = fields.IntField(default=0)
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    per_member_limit = fields.IntField(null=True)
    total_limit = fields.IntField(null=True)
    period = fields.TextField(null=True)
    period_limit = fields.IntField(null=True)
    budget = fields.BigIntField(null=True)
    stackable = fields.BooleanField(default=False)
    priority = fields.IntField(default=0)
    max_per_order = fields.IntField(default=1)
    code_prefix = fields.TextField(default="")  # e.g. "CNY26"; codes are prefix + random part
    code_length = fields.IntField(default=12)  # of the random part
    public_code = fields.TextField(null=True)  # a campaign code members claim a coupon with
    issued_count = fields.IntField(default=0)
    redeemed_count = fields.IntField(default=0)
    discount_given = fields.BigIntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "coupon_templates"


class Coupon(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    template_id = fields.UUIDField()
    code = fields.TextField()
    member_id = fields.UUIDField(null=True)
    status = fields.TextField()  # ISSUED, REDEEMED, EXPIRED, VOIDED
    valid_from = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    issued_at = fields.DatetimeField()
    redeemed_at = fields.DatetimeField(null=True)
    discount_amount = fields.BigIntField(null=True)  # what the redemption took off
    order_amount = fields.BigIntField(null=True)  # of the order it was redeemed on
    order_id = fields.UUIDField(null=True)  # when redeemed with recordOrder
    batch_id = fields.UUIDField(null=True)  # when generated in bulk
    reserved_for: Any = fields.TextField(null=True)  # the checkout holding it until reserved_until
    reserved_until = fields.DatetimeField(null=True)

    class Meta:
        table = "coupons"


class CouponBatch(Model):
    """Codes generated in bulk by a background job; ``generated`` of ``quantity`` so far."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    template_id = fields.UUIDField()
    quantity = fields.IntField()
    generated = fields.IntField(default=0)
    status = fields.TextField()  # QUEUED, RUNNING, DONE, FAILED
    error = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "coupon_batches"
