"""Staff tasks: follow-ups for staff, and the tenant's task settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from membership.tasks.models import StaffTask as TaskModel
from membership.tasks.models import TaskSettings as SettingsModel
from membership.tasks.service import task_cursor
from schema.context import Info
from schema.errors import UserError
from schema.types.common import PageInfo
from schema.types.tenancy import Staff
from tenants.permissions import Permission

if TYPE_CHECKING:
    from schema.types.members import Member

__all__ = [
    "StaffTask",
    "StaffTaskConnection",
    "StaffTaskEdge",
    "StaffTaskPayload",
    "TaskSettings",
    "TaskSettingsPayload",
    "TaskStatus",
]


@strawberry.enum
class TaskStatus(Enum):
    OPEN = "OPEN"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


async def _staff(info: Info, staff_id: uuid.UUID | None) -> Staff | None:
    # Staff accounts are read with members:read, which every staff role has.
    if staff_id is None or not info.context.auth.has(Permission.MEMBERS_READ):
        return None
    row = await info.context.staff_loader.load(staff_id)
    return Staff.of(row) if row else None


@strawberry.type(description="A follow-up for a staff member, made by a journey or by staff.")
class StaffTask:
    _row: strawberry.Private[TaskModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def title(self) -> str:
        return self._row.title

    @strawberry.field(description="More about what to do, when the task was made with it.")
    def note(self) -> str | None:
        return self._row.note

    @strawberry.field
    def status(self) -> TaskStatus:
        return TaskStatus(self._row.status)

    @strawberry.field(description="The member it is about (batched across a page).")
    async def member(
        self, info: Info
    ) -> Annotated[Member, strawberry.lazy("schema.types.members")] | None:
        from schema.types.members import Member

        if self._row.member_id is None or not info.context.auth.has(Permission.MEMBERS_READ):
            return None
        row = await info.context.member_loader.load(self._row.member_id)
        return Member.of(row) if row else None

    @strawberry.field(description="Who is to do it; null: nobody yet (batched across a page).")
    async def assignee(self, info: Info) -> Staff | None:
        return await _staff(info, self._row.assignee_id)

    @strawberry.field
    def due_at(self) -> datetime | None:
        return self._row.due_at  # type: ignore[no-any-return]

    @strawberry.field(description="Open and past its due time.")
    def overdue(self, info: Info) -> bool:
        due = self._row.due_at
        return (
            self._row.status == TaskStatus.OPEN.value
            and due is not None
            and due < info.context.auth.clock.now()
        )

    @strawberry.field
    def created_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field(description="When it was completed or cancelled.")
    def completed_at(self) -> datetime | None:
        return self._row.completed_at  # type: ignore[no-any-return]

    @strawberry.field(description="The staff member who completed or cancelled it.")
    async def completed_by(self, info: Info) -> Staff | None:
        return await _staff(info, self._row.completed_by)

    @strawberry.field(description="The note given when it was completed or cancelled.")
    def completion_note(self) -> str | None:
        return self._row.completion_note

    @strawberry.field(description="The journey run that made it.")
    def journey_run_id(self) -> strawberry.ID | None:
        run = self._row.journey_run_id
        return strawberry.ID(str(run)) if run else None

    @strawberry.field(description="When WeCom accepted the notice to the assignee.")
    def notified_at(self) -> datetime | None:
        return self._row.notified_at  # type: ignore[no-any-return]

    @strawberry.field(description="Why WeCom refused the notice to the assignee.")
    def notice_error(self) -> str | None:
        return self._row.notice_error

    @classmethod
    def of(cls, row: TaskModel) -> StaffTask:
        return cls(_row=row)


@strawberry.type
class StaffTaskEdge:
    node: StaffTask
    cursor: str

    @classmethod
    def of(cls, row: TaskModel) -> StaffTaskEdge:
        return cls(node=StaffTask.of(row), cursor=task_cursor(row))


@strawberry.type
class StaffTaskConnection:
    edges: list[StaffTaskEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class StaffTaskPayload:
    task: StaffTask | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="Who gets the tasks of members without an account manager.")
class TaskSettings:
    _row: strawberry.Private[SettingsModel]

    @strawberry.field(description="Null: such tasks are left unassigned.")
    async def default_assignee(self, info: Info) -> Staff | None:
        return await _staff(info, self._row.default_assignee_id)

    @classmethod
    def of(cls, row: SettingsModel) -> TaskSettings:
        return cls(_row=row)


@strawberry.type
class TaskSettingsPayload:
    settings: TaskSettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
