"""Staff tasks and the tenant's task settings (tables of migration 0031)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

__all__ = ["StaffTask", "TaskSettings", "TaskStatus"]


class TaskStatus(StrEnum):
    """The values of ``staff_tasks.status``."""

    OPEN = "OPEN"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class StaffTask(Model):
    """A follow-up for a staff member, about a member or not.

    ``completed_at``, ``completed_by`` and ``completion_note`` record how it was closed, as DONE
    or CANCELLED. ``source_key`` names what made it (a journey run's step) so that it is made
    once; ``notified_at`` is when WeCom accepted the notice to the assignee.
    """

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    title = fields.TextField()
    note: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    status = fields.TextField(default=TaskStatus.OPEN)
    member_id = fields.UUIDField(null=True)
    assignee_id = fields.UUIDField(null=True)
    due_at = fields.DatetimeField(null=True)
    journey_run_id = fields.UUIDField(null=True)
    source_key: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    completed_at = fields.DatetimeField(null=True)
    completed_by = fields.UUIDField(null=True)
    completion_note: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    notified_at = fields.DatetimeField(null=True)
    notice_error: str | None = fields.TextField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "staff_tasks"


class TaskSettings(Model):
    """One row per tenant, made when first set."""

    tenant_id = fields.UUIDField(primary_key=True)
    default_assignee_id = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "task_settings"
