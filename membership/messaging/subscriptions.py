"""Mini-program subscribe credits: one message per subscription the member granted.

A mini-program asks the member with ``wx.requestSubscribeMessage``; every template the member
accepts is one credit to send that template once. The mini-program (with the member's own token)
or its back end reports the grant here, idempotently; the send gate takes one credit per message.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.idempotency import service as idempotency
from membership.ids import new_id
from membership.members.models import Member
from membership.messaging.models import SubscribeGrant
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["SubscriptionGrant", "credits_of", "record_subscription"]

_TEMPLATE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class SubscriptionGrant:
    member_id: uuid.UUID
    template_code: str
    idempotency_key: str
    count: int = 1
    source: str | None = None


async def record_subscription(ctx: RequestContext, grant: SubscriptionGrant) -> int:
    """Add the member's credits for a subscribe template; returns the credits now left."""
    ctx.require_unless_own(Permission.MEMBERS_WRITE, grant.member_id)
    idempotency.check_key(grant.idempotency_key)
    errors = []
    if not _TEMPLATE_CODE.match(grant.template_code):
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Not a WeChat subscribe template id.",
                ["input", "templateCode"],
            )
        )
    if not 1 <= grant.count <= 100:
        errors.append(
            DomainError(ErrorCode.INVALID, "Between 1 and 100 at a time.", ["input", "count"])
        )
    if errors:
        raise DomainErrors(errors)
    hashed = idempotency.request_hash(
        "record_subscription", grant.member_id, grant.template_code, grant.count
    )
    try:
        async with tenant_tx(ctx) as conn:
            existing = await idempotency.replayed(SubscribeGrant, grant.idempotency_key, hashed)
            if existing is None:
                if not await Member.filter(id=grant.member_id, merged_into_id=None).exists():
                    raise DomainError(
                        ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                    )
                now = ctx.clock.now()
                await SubscribeGrant.create(
                    id=new_id(),
                    tenant_id=ctx.tenant.id,
                    member_id=grant.member_id,
                    template_code=grant.template_code,
                    count=grant.count,
                    source=grant.source,
                    idempotency_key=grant.idempotency_key,
                    request_hash=hashed,
                    created_at=now,
                )
                await conn.execute_query(
                    """
                    INSERT INTO subscribe_credits AS c
                        (tenant_id, member_id, template_code, remaining, updated_at)
                    VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (tenant_id, member_id, template_code)
                    DO UPDATE SET remaining = c.remaining + EXCLUDED.remaining,
                                  updated_at = EXCLUDED.updated_at
                    """,
                    [ctx.tenant.id, grant.member_id, grant.template_code, grant.count, now],
                )
            return (await credits_of(ctx, grant.member_id)).get(grant.template_code, 0)
    except IntegrityError:
        return await record_subscription(ctx, grant)


async def credits_of(ctx: RequestContext, member_id: uuid.UUID) -> dict[str, int]:
    """The member's subscribe credits left, by template."""
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT template_code, remaining FROM subscribe_credits WHERE member_id = $1 "
            "AND remaining > 0 ORDER BY template_code",
            [member_id],
        )
    return {row["template_code"]: row["remaining"] for row in rows}
