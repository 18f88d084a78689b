"""Consent, channel settings, templates and messages (tables of migration 0028).

``member_consents``, ``subscribe_credits`` and ``message_counters`` have composite keys and are
read and written with SQL by the services that own them.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from tortoise import fields
from tortoise.contrib.postgres.fields import ArrayField
from tortoise.models import Model

__all__ = [
    "ChannelConfig",
    "ConsentRecord",
    "FakeProviderSend",
    "Message",
    "MessageTemplate",
    "MessagingSettings",
    "SubscribeGrant",
]


class ConsentRecord(Model):
    """One grant or withdrawal, as given; never changed."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    member_id = fields.UUIDField()
    channel = fields.TextField()
    purpose = fields.TextField()
    granted = fields.BooleanField()
    source: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    actor = fields.TextField()
    recorded_at = fields.DatetimeField()
    idempotency_key = fields.TextField()
    request_hash = fields.TextField()

    class Meta:
        table = "consent_records"


class MessagingSettings(Model):
    tenant_id = fields.UUIDField(primary_key=True)
    purposes: list[str] = ArrayField("text")  # type: ignore[assignment]
    limited_purposes: list[str] = ArrayField("text")  # type: ignore[assignment]
    max_per_day = fields.IntField()
    max_per_week = fields.IntField()
    quiet_start: time | None = fields.TimeField(null=True)  # type: ignore[assignment]
    quiet_end: time | None = fields.TimeField(null=True)  # type: ignore[assignment]
    fallback: list[str] = ArrayField("text")  # type: ignore[assignment]
    updated_at = fields.DatetimeField()

    class Meta:
        table = "messaging_settings"


class ChannelConfig(Model):
    """The provider a tenant chose for a channel, with its credentials sealed
    (``membership.messaging.credentials``)."""

    tenant_id = fields.UUIDField()
    channel = fields.TextField(primary_key=True)  # with tenant_id; RLS keeps one tenant's rows
    provider = fields.TextField()
    credentials: bytes | None = fields.BinaryField(null=True)  # type: ignore[assignment]
    credential_hint: Any = fields.JSONField(default=dict)
    base_url: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    enabled = fields.BooleanField(default=True)
    daily_quota: int | None = fields.IntField(null=True)  # type: ignore[assignment]
    credit_balance: int | None = fields.BigIntField(null=True)  # type: ignore[assignment]
    receipt_token = fields.TextField()
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "channel_configs"


class MessageTemplate(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    name = fields.TextField()
    title = fields.TextField()
    purpose = fields.TextField()
    content: Any = fields.JSONField(default=dict)  # by channel name
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "message_templates"


class Message(Model):
    """One attempt to reach a member on one channel, and what became of it."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    member_id: Any = fields.UUIDField(null=True)
    channel = fields.TextField()
    provider: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    template_id: Any = fields.UUIDField(null=True)
    template_name: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    purpose = fields.TextField()
    cause = fields.TextField()
    recipient: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    body: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    content: Any = fields.JSONField(default=dict)  # what the provider is given
    status = fields.TextField()
    skip_reason: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    detail: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    fallback: list[str] = ArrayField("text", default=list)  # type: ignore[assignment]
    credit_code: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    attempts = fields.IntField(default=0)
    provider_message_id: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    next_attempt_at: Any = fields.DatetimeField(null=True)
    deferred_until: Any = fields.DatetimeField(null=True)
    sent_at: Any = fields.DatetimeField(null=True)
    delivered_at: Any = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "messages"


class FakeProviderSend(Model):
    """What the fake provider was asked to send: the development and test stand-in for a
    provider's own record."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    message_id = fields.UUIDField()
    provider = fields.TextField()
    channel = fields.TextField()
    recipient = fields.TextField()
    request: Any = fields.JSONField()
    sent_at = fields.DatetimeField()

    class Meta:
        table = "fake_provider_sends"


class SubscribeGrant(Model):
    """A member's tap on "allow" for a mini-program subscribe template: credits to send it."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    member_id = fields.UUIDField()
    template_code = fields.TextField()
    count = fields.IntField()
    source: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    idempotency_key = fields.TextField()
    request_hash = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "subscribe_grants"
