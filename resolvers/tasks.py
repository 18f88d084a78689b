"""Staff tasks: the inbox, completing and cancelling, and the default assignee."""

from __future__ import annotations

import strawberry

from membership.tasks import service, settings
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.common import page_info
from schema.types.tasks import (
    StaffTask,
    StaffTaskConnection,
    StaffTaskEdge,
    StaffTaskPayload,
    TaskSettings,
    TaskSettingsPayload,
    TaskStatus,
)

__all__ = ["TaskMutations", "TaskQueries"]


@strawberry.type
class TaskQueries:
    @strawberry.field(
        description="Tasks by due date, soonest first and undated last. mine: assigned to the "
        "caller; overdue: open and past due. Without tasks:read a staff member sees their own."
    )
    async def tasks(
        self,
        info: Info,
        status: TaskStatus | None = None,
        first: int | None = None,
        after: str | None = None,
        mine: bool = False,
        overdue: bool = False,
        assignee_id: strawberry.ID | None = None,
    ) -> StaffTaskConnection:
        page = await service.tasks_page(
            info.context.auth,
            status=status.value if status else None,
            first=50 if first is None else first,
            after=after,
            mine=mine,
            overdue=overdue,
            assignee_id=parse_id(assignee_id, ["assigneeId"]) if assignee_id else None,
        )
        edges = [StaffTaskEdge.of(row) for row in page.rows]
        return StaffTaskConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )

    @strawberry.field(description="One task, if the caller may see it.")
    async def task(self, info: Info, id: strawberry.ID) -> StaffTask | None:
        row = await service.get_task(info.context.auth, parse_id(id, ["id"]))
        return StaffTask.of(row) if row else None

    @strawberry.field(description="Who gets the tasks of members without an account manager.")
    async def task_settings(self, info: Info) -> TaskSettings:
        return TaskSettings.of(await settings.task_settings(info.context.auth))


@strawberry.type
class TaskMutations:
    @strawberry.mutation(
        description="Mark an open task done, with an optional note; a journey waiting for it "
        "goes on. The assignee may always; anyone else needs tasks:manage."
    )
    @returns_errors(StaffTaskPayload)
    async def complete_task(
        self, info: Info, id: strawberry.ID, note: str | None = None
    ) -> StaffTaskPayload:
        row = await service.complete_task(info.context.auth, parse_id(id, ["id"]), note)
        return StaffTaskPayload(task=StaffTask.of(row))

    @strawberry.mutation(description="Cancel an open task nobody needs to do any more.")
    @returns_errors(StaffTaskPayload)
    async def cancel_task(
        self, info: Info, id: strawberry.ID, note: str | None = None
    ) -> StaffTaskPayload:
        row = await service.cancel_task(info.context.auth, parse_id(id, ["id"]), note)
        return StaffTaskPayload(task=StaffTask.of(row))

    @strawberry.mutation(
        description="Who gets the tasks of members without an account manager; null: nobody."
    )
    @returns_errors(TaskSettingsPayload)
    async def set_default_task_assignee(
        self, info: Info, staff_id: strawberry.ID | None = None
    ) -> TaskSettingsPayload:
        row = await settings.set_default_assignee(
            info.context.auth, parse_id(staff_id, ["staffId"]) if staff_id else None
        )
        return TaskSettingsPayload(settings=TaskSettings.of(row))
