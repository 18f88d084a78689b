"""Domain events written in the same transaction as the change they describe.

A relay job (``workers.outbox``) hands them to the worker queue after commit; handlers are
idempotent because the queue delivers at least once.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from membership.ids import new_id
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["OutboxEvent", "emit"]


class OutboxEvent(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    topic = fields.TextField()
    payload: Any = fields.JSONField()
    created_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox"


async def emit(ctx: RequestContext, topic: str, payload: dict[str, Any]) -> OutboxEvent:
    async with tenant_tx(ctx):
        return await OutboxEvent.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            topic=topic,
            payload=payload,
            created_at=ctx.clock.now(),
        )
