"""Events of staff tasks.

The payloads carry ids, not the task's title or notes: an event about a member shows on that
member's timeline, and a follow-up's wording ("no purchase for 30 days") is for staff.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from membership.outbox import DomainEvent, event_type

__all__ = ["TaskCancelled", "TaskCompleted", "TaskCreated"]


@event_type("task.created")
@dataclass(frozen=True)
class TaskCreated(DomainEvent):
    """A staff task was made, by a journey or by staff."""

    task_id: Annotated[uuid.UUID, "the task"]
    member_id: Annotated[uuid.UUID | None, "the member it is about"]
    assignee_id: Annotated[uuid.UUID | None, "the staff member it is assigned to"]
    due_at: Annotated[datetime | None, "when it is due"]
    journey_run_id: Annotated[uuid.UUID | None, "the journey run that made it"]


@event_type("task.completed")
@dataclass(frozen=True)
class TaskCompleted(DomainEvent):
    """A staff task was marked done (a journey waiting for it resumes)."""

    task_id: Annotated[uuid.UUID, "the task"]
    member_id: Annotated[uuid.UUID | None, "the member it is about"]
    journey_run_id: Annotated[uuid.UUID | None, "the journey run that made it"]


@event_type("task.cancelled")
@dataclass(frozen=True)
class TaskCancelled(DomainEvent):
    """A staff task was cancelled: nobody needs to do it any more."""

    task_id: Annotated[uuid.UUID, "the task"]
    member_id: Annotated[uuid.UUID | None, "the member it is about"]
    journey_run_id: Annotated[uuid.UUID | None, "the journey run that made it"]
