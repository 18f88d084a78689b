"""The audit log: every staff write and every PII reveal, with who, what, when, before and after."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["AuditEntry", "list_entries", "record"]


class AuditEntry(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    actor_type = fields.TextField()
    actor_id = fields.TextField(null=True)
    actor_label = fields.TextField(null=True)
    action = fields.TextField()
    target_type = fields.TextField()
    target_id = fields.TextField(null=True)
    before: Any = fields.JSONField(null=True)
    after: Any = fields.JSONField(null=True)
    request_id = fields.TextField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "audit_log"


async def record(
    ctx: RequestContext,
    action: str,
    target_type: str,
    target_id: uuid.UUID | str | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry in the caller's tenant transaction (joins it when one is open)."""
    async with tenant_tx(ctx):
        return await AuditEntry.create(
            id=uuid.uuid4(),
            tenant_id=ctx.tenant.id,
            actor_type=ctx.actor.kind,
            actor_id=str(ctx.actor.id) if ctx.actor.id else None,
            actor_label=ctx.actor.label,
            action=action,
            target_type=target_type,
            target_id=str(target_id) if target_id is not None else None,
            before=before,
            after=after,
            request_id=ctx.request_id,
            created_at=ctx.clock.now(),
        )


async def list_entries(
    ctx: RequestContext,
    *,
    limit: int,
    after: tuple[Any, uuid.UUID] | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
) -> tuple[list[AuditEntry], int]:
    """Newest first, keyset-paginated on (created_at, id); returns the page and the total count."""
    async with tenant_tx(ctx):
        query = AuditEntry.all()
        if target_type:
            query = query.filter(target_type=target_type)
        if target_id:
            query = query.filter(target_id=target_id)
        total = await query.count()
        page = query
        if after is not None:
            created_at, last_id = after
            from tortoise.expressions import Q

            page = page.filter(
                Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=last_id)
            )
        rows = await page.order_by("-created_at", "-id").limit(limit)
        return list(rows), total
