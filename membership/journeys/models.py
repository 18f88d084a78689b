"""Journeys, their versions and runs (tables of migration 0032).

``journey_actions``, ``journey_entries`` and ``journey_sweeps`` have composite keys and are read
and written with SQL by the engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.contrib.postgres.fields import ArrayField
from tortoise.models import Model

__all__ = ["Journey", "JourneyRun", "JourneyVersion", "Segment"]

RUN_STATUSES = ("ACTIVE", "WAITING", "COMPLETED", "EXITED", "FAILED")


class Journey(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    name = fields.TextField()
    status = fields.TextField()
    latest_version = fields.IntField()
    active_version: int | None = fields.IntField(null=True)  # type: ignore[assignment]
    trigger_type: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    trigger_event: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    listens: list[str] = ArrayField("text", default=list)  # type: ignore[assignment]
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "journeys"


class JourneyVersion(Model):
    """One saved definition. Composite key (journey, version): read with filters, never by pk."""

    tenant_id = fields.UUIDField()
    journey_id = fields.UUIDField(primary_key=True)
    version = fields.IntField()
    definition: Any = fields.JSONField()
    created_at = fields.DatetimeField()
    created_by = fields.TextField()
    published_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "journey_versions"


class JourneyRun(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    journey_id = fields.UUIDField()
    version = fields.IntField()
    member_id = fields.UUIDField()
    status = fields.TextField()
    current_step: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    state = fields.IntField(default=0)
    visit = fields.IntField(default=0)
    next_wake_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    waiting_for: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    event: Any = fields.JSONField(null=True)
    exit_reason: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    started_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    ended_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "journey_runs"


class Segment(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    name = fields.TextField()
    description: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    condition = fields.TextField()  # a CEL expression over member
    tag = fields.BooleanField(default=False)
    member_count = fields.IntField(default=0)
    evaluated_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "segments"
