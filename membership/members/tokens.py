"""Member tokens: minted by a secret key for one member, for storefronts and mini-programs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from membership.errors import DomainError, ErrorCode
from membership.members.models import Member
from membership.settings import get_settings
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tokens import issue_token
from tenants.tx import tenant_tx

__all__ = ["MAX_TTL_SECONDS", "issue_member_token"]

MAX_TTL_SECONDS = 30 * 24 * 3600


async def issue_member_token(
    ctx: RequestContext, member_id: uuid.UUID, ttl_seconds: int | None = None
) -> tuple[str, datetime]:
    """A JWT (audience ``member``) that reads and updates this member's own profile only."""
    ctx.require(Permission.MEMBER_TOKENS_CREATE)
    ttl = ttl_seconds if ttl_seconds is not None else get_settings().member_token_ttl_seconds
    if not 60 <= ttl <= MAX_TTL_SECONDS:
        raise DomainError(
            ErrorCode.INVALID,
            "ttlSeconds must be between 60 and {MAX_TTL_SECONDS}.",
            ["ttlSeconds"],
            MAX_TTL_SECONDS=MAX_TTL_SECONDS,
        )
    async with tenant_tx(ctx):
        exists = await Member.filter(id=member_id, merged_into_id=None).exists()
    if not exists:
        raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", ["memberId"])
    token, claims = issue_token(
        "member", member_id, ctx.tenant.id, now=ctx.real_clock.now(), ttl=timedelta(seconds=ttl)
    )
    return token, claims.expires_at
