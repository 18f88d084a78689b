"""Tenant registry, staff accounts and API keys."""

from __future__ import annotations

from tortoise import fields
from tortoise.contrib.postgres.fields import ArrayField
from tortoise.models import Model

__all__ = ["ApiKey", "Staff", "Tenant"]


class Tenant(Model):
    id = fields.UUIDField(primary_key=True)
    slug = fields.CharField(max_length=63, unique=True)
    name = fields.TextField()
    timezone = fields.TextField(default="Asia/Shanghai")
    currency = fields.CharField(max_length=3, default="CNY")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tenants"


class Staff(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    email = fields.TextField()
    name = fields.TextField(null=True)
    role = fields.TextField()
    password_hash = fields.TextField()
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)
    # set by a password reset: the next login may only change the password
    must_change_password = fields.BooleanField(default=False)
    # tokens issued before this second are refused (password reset or change)
    sessions_valid_after = fields.DatetimeField(null=True)
    # the stores a clerk works at: sales are recorded for these only; empty: every store
    store_codes: list[str] = ArrayField("text", default=list)  # type: ignore[assignment]
    # the staff member's WeCom account (企业微信 userid): confirms WeCom tasks to their members
    wecom_user_id: str | None = fields.TextField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "staff"


class ApiKey(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    name = fields.TextField()
    kind = fields.TextField()
    prefix = fields.TextField()
    key_hash = fields.TextField()
    scopes: list[str] = ArrayField("text", default=list)  # type: ignore[assignment]
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_keys"
