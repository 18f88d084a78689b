"""Staff tasks: made (by journeys, in their own transaction), listed, completed and cancelled.

Who sees what: a staff member sees and completes the tasks assigned to them; ``tasks:read``
lists everybody's, and ``tasks:manage`` completes or cancels anybody's. A task that the caller
may not see is reported like an unknown one (NOT_FOUND).

A task made with ``assign_to="accountManager"`` goes to the member's account manager, or, when
the member has none (or theirs has left), to the tenant's default assignee
(:mod:`membership.tasks.settings`); with neither it is unassigned, and those with
``tasks:read`` see it in the full list.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from membership.errors import DomainError, ErrorCode
from membership.ids import new_id
from membership.outbox import emit
from membership.tasks.events import TaskCancelled, TaskCompleted, TaskCreated
from membership.tasks.models import StaffTask, TaskStatus
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "ACCOUNT_MANAGER",
    "MAX_PAGE",
    "TaskPage",
    "cancel_task",
    "complete_task",
    "create_task",
    "get_task",
    "task_cursor",
    "tasks_page",
    "unknown_staff",
]

ACCOUNT_MANAGER: Final = "accountManager"
MAX_PAGE = 100
MAX_TITLE = 200
MAX_NOTE = 2000


# ---------------------------------------------------------------- making a task

# The member (a merged-away member's survivor), its active account manager, the chosen staff
# member if active, and the tenant's active default assignee: one round trip.
_RESOLVE = """
WITH m AS (SELECT COALESCE(x.merged_into_id, x.id) AS id FROM members x WHERE x.id = $1)
SELECT (SELECT id FROM m) AS member_id,
       (SELECT s.id FROM m JOIN members y ON y.id = m.id
          JOIN staff s ON s.tenant_id = y.tenant_id AND s.id = y.account_manager_id
         WHERE s.active) AS manager_id,
       (SELECT s.id FROM staff s WHERE s.id = $2 AND s.active) AS chosen_id,
       (SELECT s.id FROM task_settings t
          JOIN staff s ON s.tenant_id = t.tenant_id AND s.id = t.default_assignee_id
         WHERE s.active) AS default_id
"""

_INSERT = """
INSERT INTO staff_tasks (tenant_id, id, title, note, status, member_id, assignee_id, due_at,
                         journey_run_id, source_key, created_at, updated_at)
VALUES ($1, $2, $3, $4, 'OPEN', $5, $6, $7, $8, $9, $10, $10)
ON CONFLICT (tenant_id, source_key) DO NOTHING
RETURNING *
"""


def _title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not 1 <= len(cleaned) <= MAX_TITLE:  # the journeys' check of createTask says the same
        raise DomainError(ErrorCode.INVALID, "Give a title of 1 to 200 characters.", ["title"])
    return cleaned


def _note(note: str | None, field: list[str]) -> str | None:
    cleaned = (note or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_NOTE:
        raise DomainError(
            ErrorCode.INVALID, "A note has at most {limit} characters.", field, limit=MAX_NOTE
        )
    return cleaned


def _staff_choice(assign_to: str | uuid.UUID | None) -> uuid.UUID | None:
    """The staff id ``assign_to`` names; None for the account manager or the default."""
    if assign_to is None or assign_to == ACCOUNT_MANAGER:
        return None
    if isinstance(assign_to, uuid.UUID):
        return assign_to
    try:
        return uuid.UUID(assign_to)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.INVALID, "assignTo is accountManager or a staff id.", ["assignTo"]
        ) from exc


async def _found(conn: BaseDBAsyncClient, source_key: str | None) -> StaffTask | None:
    if source_key is None:
        return None
    rows = await conn.execute_query_dict(
        "SELECT * FROM staff_tasks WHERE source_key = $1", [source_key]
    )
    return StaffTask._init_from_db(**rows[0]) if rows else None


async def create_task(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    *,
    member_id: uuid.UUID | None,
    title: str,
    assign_to: str | uuid.UUID | None,
    due_at: datetime | None,
    source_key: str | None = None,
    journey_run_id: uuid.UUID | None = None,
    note: str | None = None,
) -> StaffTask:
    """Make a task in the caller's open transaction (``conn`` from ``tenant_tx(ctx)``) and emit
    ``task.created``; nothing is committed here.

    ``assign_to``: ``"accountManager"`` (the member's account manager, else the tenant's
    default assignee), a staff id (an active staff member of the tenant, else NOT_FOUND), or
    None (the default assignee). With ``source_key``, a second call returns the task the first
    one made, whatever its other arguments (a retried journey step); a member merged into
    another gets the task on the surviving profile.
    """
    ctx.require(Permission.TASKS_MANAGE)
    cleaned = _title(title)
    cleaned_note = _note(note, ["note"])
    chosen = _staff_choice(assign_to)
    existing = await _found(conn, source_key)
    if existing is not None:
        return existing
    [found] = await conn.execute_query_dict(_RESOLVE, [member_id, chosen])
    if member_id is not None and found["member_id"] is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", ["memberId"])
    assignee: uuid.UUID | None
    if chosen is not None:
        if found["chosen_id"] is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such active staff member in this tenant.", ["assignTo"]
            )
        assignee = chosen
    else:
        assignee = found["manager_id"] if assign_to == ACCOUNT_MANAGER else None
        assignee = assignee or found["default_id"]
    now = ctx.clock.now()
    rows = await conn.execute_query_dict(
        _INSERT,
        [
            ctx.tenant.id,
            new_id(),
            cleaned,
            cleaned_note,
            found["member_id"],
            assignee,
            due_at,
            journey_run_id,
            source_key,
            now,
        ],
    )
    if not rows:  # another transaction made it with this key first, and has committed
        raced = await _found(conn, source_key)
        assert raced is not None
        return raced
    task: StaffTask = StaffTask._init_from_db(**rows[0])
    await emit(
        ctx,
        TaskCreated(
            task_id=task.id,
            member_id=task.member_id,
            assignee_id=task.assignee_id,
            due_at=task.due_at,
            journey_run_id=task.journey_run_id,
        ),
    )
    return task


async def unknown_staff(ctx: RequestContext, staff_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``staff_ids`` are not active staff of the tenant (one query), for checking a
    journey definition's ``assignTo`` before it is saved."""
    wanted = set(staff_ids)
    if not wanted:
        return set()
    async with tenant_tx(ctx) as conn:
        rows = await conn.execute_query_dict(
            "SELECT id FROM staff WHERE id = ANY($1::uuid[]) AND active", [list(wanted)]
        )
    return wanted - {row["id"] for row in rows}


# ---------------------------------------------------------------- listing


@dataclass(frozen=True)
class TaskPage:
    rows: list[StaffTask]
    has_next: bool
    total: int


def task_cursor(row: StaffTask) -> str:
    """The position of ``row`` in the due-date order: (due_at or none, created_at, id)."""
    due = row.due_at.isoformat() if row.due_at else ""
    raw = f"{due}|{row.created_at.isoformat()}|{row.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _after(cursor: str) -> Q:
    """Tasks after ``cursor`` in the order due_at (nulls last), created_at, id."""
    try:
        due, created, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        at = datetime.fromisoformat(created)
        last = uuid.UUID(row_id)
        due_at = datetime.fromisoformat(due) if due else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError(ErrorCode.INVALID, "Malformed cursor.", ["after"]) from exc
    later = Q(created_at__gt=at) | Q(created_at=at, id__gt=last)
    if due_at is None:
        return Q(due_at__isnull=True) & later
    return Q(due_at__gt=due_at) | (Q(due_at=due_at) & later) | Q(due_at__isnull=True)


def _own_id(ctx: RequestContext) -> uuid.UUID | None:
    return ctx.actor.id if ctx.actor.kind == "staff" else None


async def tasks_page(
    ctx: RequestContext,
    *,
    status: str | None = None,
    first: int = 50,
    after: str | None = None,
    mine: bool = False,
    overdue: bool = False,
    assignee_id: uuid.UUID | None = None,
) -> TaskPage:
    """Tasks by due date (soonest first, undated last, then oldest first), keyset-paged, with
    the count of all that match.

    ``mine``: assigned to the calling staff member; ``overdue``: open and past due. Without
    ``tasks:read`` a staff member lists their own tasks only, whatever ``mine`` says.
    """
    own = _own_id(ctx)
    if not ctx.has(Permission.TASKS_READ):
        if own is None or (assignee_id is not None and assignee_id != own):
            ctx.require(Permission.TASKS_READ)
        mine = True
    if mine and own is None:
        raise DomainError(
            ErrorCode.INVALID, "Only a staff member has tasks of their own.", ["mine"]
        )
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(
            ErrorCode.INVALID,
            "first must be between 0 and {MAX_PAGE}.",
            ["first"],
            MAX_PAGE=MAX_PAGE,
        )
    async with tenant_tx(ctx):
        query: QuerySet[StaffTask] = StaffTask.all()
        if status is not None:
            query = query.filter(status=status)
        if mine:
            query = query.filter(assignee_id=own)
        if assignee_id is not None:
            query = query.filter(assignee_id=assignee_id)
        if overdue:
            query = query.filter(status=TaskStatus.OPEN, due_at__lt=ctx.clock.now())
        total = await query.count()
        if after:
            query = query.filter(_after(after))
        rows = await query.order_by("due_at", "created_at", "id").limit(first + 1)
    return TaskPage(list(rows[:first]), len(rows) > first, total)


def _visible(ctx: RequestContext, task: StaffTask | None) -> StaffTask:
    if task is None or not (
        ctx.has(Permission.TASKS_READ)
        or (task.assignee_id is not None and task.assignee_id == _own_id(ctx))
    ):
        raise DomainError(ErrorCode.NOT_FOUND, "No such task in this tenant.", ["id"])
    return task


async def get_task(ctx: RequestContext, task_id: uuid.UUID) -> StaffTask | None:
    """One task, if the caller may see it."""
    async with tenant_tx(ctx):
        task = await StaffTask.get_or_none(id=task_id)
    try:
        return _visible(ctx, task)
    except DomainError:
        return None


# ---------------------------------------------------------------- closing


async def _close(
    ctx: RequestContext, task_id: uuid.UUID, note: str | None, status: TaskStatus
) -> StaffTask:
    cleaned = _note(note, ["note"])
    async with tenant_tx(ctx):
        task = _visible(ctx, await StaffTask.filter(id=task_id).select_for_update().first())
        own = task.assignee_id is not None and task.assignee_id == _own_id(ctx)
        if status is TaskStatus.CANCELLED or not own:
            ctx.require(Permission.TASKS_MANAGE)
        if task.status != TaskStatus.OPEN:
            raise DomainError(
                ErrorCode.INVALID,
                "Only an open task can be closed; this one is {status}.",
                ["id"],
                status=task.status,
            )
        now = ctx.clock.now()
        task.status = status
        task.completed_at = now
        task.completed_by = _own_id(ctx)
        task.completion_note = cleaned
        task.updated_at = now
        await task.save(
            update_fields=[
                "status",
                "completed_at",
                "completed_by",
                "completion_note",
                "updated_at",
            ]
        )
        await audit.record(
            ctx,
            "task.complete" if status is TaskStatus.DONE else "task.cancel",
            "task",
            task.id,
            before={"status": "OPEN"},
            after={"status": status.value, "note": cleaned},
        )
        event = TaskCompleted if status is TaskStatus.DONE else TaskCancelled
        await emit(
            ctx,
            event(task_id=task.id, member_id=task.member_id, journey_run_id=task.journey_run_id),
        )
    return task


async def complete_task(
    ctx: RequestContext, task_id: uuid.UUID, note: str | None = None
) -> StaffTask:
    """Mark an open task done, with an optional note (audited; emits ``task.completed``).

    The assignee may always complete their own task; anyone else needs ``tasks:manage``. A
    task that is DONE or CANCELLED already is refused (INVALID, nothing changes), so a
    journey waiting for it never hears of it twice.
    """
    return await _close(ctx, task_id, note, TaskStatus.DONE)


async def cancel_task(
    ctx: RequestContext, task_id: uuid.UUID, note: str | None = None
) -> StaffTask:
    """Cancel an open task nobody needs to do any more (``tasks:manage``; audited; emits
    ``task.cancelled``)."""
    return await _close(ctx, task_id, note, TaskStatus.CANCELLED)
