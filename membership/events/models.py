"""Behaviour events members' front ends report, and the handling of each event by each handler."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

__all__ = ["EventHandling", "MemberEvent"]


class MemberEvent(Model):
    """A behaviour event (browsed, joined a campaign…), kept per member for good."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    member_id = fields.UUIDField()
    type = fields.TextField()
    properties: Any = fields.JSONField(default=dict)
    occurred_at = fields.DatetimeField()
    idempotency_key = fields.TextField()
    request_hash = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "member_events"


class EventHandling(Model):
    """One handler's work on one event: retried with backoff, then DEAD until staff replay it."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    event_id = fields.UUIDField()
    event_type = fields.TextField()
    handler = fields.TextField()
    member_id = fields.UUIDField(null=True)
    event_at = fields.DatetimeField()
    status = fields.TextField(default="PENDING")
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "event_handlings"
