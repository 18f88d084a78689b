"""Webhook endpoints, their deliveries (one per event and endpoint) and every attempt made."""

from __future__ import annotations

from tortoise import fields
from tortoise.contrib.postgres.fields import ArrayField
from tortoise.models import Model

__all__ = ["WebhookAttempt", "WebhookDelivery", "WebhookEndpoint"]


class WebhookEndpoint(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    url = fields.TextField()
    description: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    event_types: list[str] = ArrayField("text", default=list)  # type: ignore[assignment]
    enabled = fields.BooleanField(default=True)
    disabled_reason: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    secret = fields.TextField()
    previous_secret = fields.TextField(null=True)
    previous_secret_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "webhook_endpoints"


class WebhookDelivery(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    endpoint_id = fields.UUIDField()
    event_id = fields.UUIDField()
    event_type = fields.TextField()
    status = fields.TextField(default="PENDING")
    attempts = fields.IntField(default=0)
    last_response_status = fields.IntField(null=True)
    next_attempt_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "webhook_deliveries"


class WebhookAttempt(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    delivery_id = fields.UUIDField()
    attempt = fields.IntField()
    started_at = fields.DatetimeField()
    latency_ms = fields.IntField()
    response_status = fields.IntField(null=True)
    response_excerpt = fields.TextField(null=True)
    error = fields.TextField(null=True)

    class Meta:
        table = "webhook_attempts"
