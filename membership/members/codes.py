"""Member codes (会员码): short-lived numbers a member shows as a barcode or QR code and a till scans.

A code is 18 digits, the length of a payment code, so the scanners and input boxes built for those
take it. It names its member for two minutes; a screenshot is useless after that. The member's
mini-program asks for a fresh one (with its member token) whenever it shows the code, or a server
does so for it (with the right to mint member tokens).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from membership.errors import DomainError, ErrorCode
from membership.members.models import Member, MemberCode
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["CODE_LENGTH", "CODE_TTL", "IssuedCode", "issue_member_code", "looks_like_code"]

CODE_LENGTH = 18
CODE_PREFIX = "66"
CODE_TTL = timedelta(minutes=2)


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime


def _new_code() -> str:
    digits = CODE_LENGTH - len(CODE_PREFIX)
    return CODE_PREFIX + f"{secrets.randbelow(10**digits):0{digits}d}"


def looks_like_code(text: str) -> bool:
    """Whether ``text`` has a member code's shape (anything else is not looked up)."""
    return len(text) == CODE_LENGTH and text.isdigit() and text.startswith(CODE_PREFIX)


async def issue_member_code(ctx: RequestContext, member_id: uuid.UUID) -> IssuedCode:
    """A fresh code for the member; the member's expired codes are cleared on the way."""
    if ctx.member_id != member_id:
        ctx.require(Permission.MEMBER_TOKENS_CREATE)
    now = ctx.clock.now()
    for _ in range(3):  # a clash among 10^16 codes is next to impossible; retry all the same
        try:
            async with tenant_tx(ctx):
                if not await Member.filter(id=member_id, merged_into_id=None).exists():
                    raise DomainError(
                        ErrorCode.NOT_FOUND, "No such member in this tenant.", ["memberId"]
                    )
                await MemberCode.filter(member_id=member_id, expires_at__lte=now).delete()
                row = await MemberCode.create(
                    tenant_id=ctx.tenant.id,
                    code=_new_code(),
                    member_id=member_id,
                    expires_at=now + CODE_TTL,
                    created_at=now,
                )
            return IssuedCode(row.code, row.expires_at)
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free member code")
