"""Member profiles and the tenant's custom-field definitions."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.contrib.postgres.fields import ArrayField
from tortoise.models import Model

__all__ = ["CustomFieldDefinition", "Member", "MemberCode", "MemberIdentity"]


class Member(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    phone = fields.TextField()
    name = fields.TextField(null=True)
    gender = fields.TextField(null=True)
    birthday = fields.DateField(null=True)
    external_id = fields.TextField(null=True)
    source_channel = fields.TextField(null=True)
    referrer_id = fields.UUIDField(null=True)
    account_manager_id = fields.UUIDField(null=True)  # the staff member who follows it up
    tags: list[str] = ArrayField("text", default=list)  # type: ignore[assignment]
    custom_fields: Any = fields.JSONField(default=dict)
    tier_id = fields.UUIDField(null=True)
    tier_below_since = fields.DatetimeField(null=True)
    points_balance = fields.BigIntField(default=0)
    pending_points = fields.BigIntField(default=0)
    points_debt = fields.BigIntField(default=0)
    total_spent = fields.BigIntField(default=0)
    order_count = fields.IntField(default=0)
    last_order_at = fields.DatetimeField(null=True)
    merged_into_id = fields.UUIDField(null=True)
    merged_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "members"


class CustomFieldDefinition(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    key = fields.TextField()
    label = fields.TextField()
    type = fields.TextField()
    required = fields.BooleanField(default=False)
    pii = fields.BooleanField(default=False)
    options: list[str] = ArrayField("text", default=list)  # type: ignore[assignment]
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "custom_field_definitions"


class MemberCode(Model):
    """A short-lived code a member shows at a till (``membership.members.codes``)."""

    code = fields.TextField(primary_key=True)
    tenant_id = fields.UUIDField()
    member_id = fields.UUIDField()
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "member_codes"


class MemberIdentity(Model):
    """An account of the member elsewhere: a WeChat openid under one app, a unionid, an Alipay
    user id. ``app_id`` is '' for identities that belong to no app (a unionid)."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    member_id = fields.UUIDField()
    provider = fields.TextField()
    app_id = fields.TextField(default="")
    subject = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "member_identities"
