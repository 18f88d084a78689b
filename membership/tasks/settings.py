"""The tenant's task settings: who gets a task whose member has no account manager.

One ``task_settings`` row per tenant, written the first time the default assignee is set; until
then (and after it is cleared, or when that staff member leaves) such tasks are unassigned.
"""

from __future__ import annotations

import uuid

from membership.errors import DomainError, ErrorCode
from membership.tasks.models import TaskSettings
from tenants import audit
from tenants.context import RequestContext
from tenants.models import Staff
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["set_default_assignee", "task_settings"]

_UPSERT = """
INSERT INTO task_settings (tenant_id, default_assignee_id, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (tenant_id) DO UPDATE
SET default_assignee_id = EXCLUDED.default_assignee_id, updated_at = EXCLUDED.updated_at
RETURNING *
"""


async def task_settings(ctx: RequestContext) -> TaskSettings:
    """The tenant's settings; an unsaved row with no default assignee when never set."""
    ctx.require(Permission.TASKS_READ)
    async with tenant_tx(ctx):
        row = await TaskSettings.get_or_none(tenant_id=ctx.tenant.id)
    return row or TaskSettings(
        tenant_id=ctx.tenant.id, default_assignee_id=None, updated_at=ctx.clock.now()
    )


async def set_default_assignee(ctx: RequestContext, staff_id: uuid.UUID | None) -> TaskSettings:
    """Who gets the tasks of members without an account manager: an active staff member of
    the tenant, or None for nobody (audited; needs ``tasks:manage``)."""
    ctx.require(Permission.TASKS_MANAGE)
    async with tenant_tx(ctx) as conn:
        if staff_id is not None and not await Staff.filter(id=staff_id, active=True).exists():
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such active staff member in this tenant.", ["staffId"]
            )
        before = await TaskSettings.filter(tenant_id=ctx.tenant.id).select_for_update().first()
        rows = await conn.execute_query_dict(_UPSERT, [ctx.tenant.id, staff_id, ctx.clock.now()])
        await audit.record(
            ctx,
            "task_settings.update",
            "task_settings",
            ctx.tenant.id,
            before={"defaultAssigneeId": _text(before.default_assignee_id if before else None)},
            after={"defaultAssigneeId": _text(staff_id)},
        )
    settings: TaskSettings = TaskSettings._init_from_db(**rows[0])
    return settings


def _text(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
