"""Members' identities elsewhere, and naming a member by identity or phone.

A member may hold several identities: a WeChat openid per app (the official account's and the
mini-program's differ), a unionid, an Alipay user id, a WeCom external contact. An identity
belongs to one member of a tenant: binding it to another member is ``DUPLICATE`` (a unique key
on provider, app and subject holds it even under concurrent binds). A merge moves the source's
identities to the survivor.

POS and mini-programs often know a member only by an openid or a phone; ``resolve_member``
turns what they send into the member's id, so ``recordOrder`` and ``trackEvent`` accept it.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from membership.members.events import MemberUpdated
from membership.members.models import Member, MemberIdentity
from membership.members.phones import normalize_phone
from membership.members.service import get_member
from membership.outbox import emit
from membership.settings import get_settings
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "IdentityKey",
    "bind_identity",
    "identities_by_member",
    "member_by_identity",
    "resolve_member",
    "unbind_identity",
]

_PROVIDER = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")
# Providers whose subjects exist only under an app (an openid is per official account or
# mini-program, an external userid per WeCom corp): they need an appId.
APP_SCOPED = frozenset({"WECHAT_OPENID", "WECOM_EXTERNAL_USERID"})
MAX_SUBJECT = 128
MAX_APP_ID = 64


@dataclass(frozen=True)
class IdentityKey:
    provider: str
    app_id: str | None
    subject: str

    def checked(self, path: list[str]) -> IdentityKey:
        """The key trimmed and checked; every problem at once."""
        provider = self.provider.strip().upper()
        app_id = (self.app_id or "").strip()
        subject = self.subject.strip()
        errors = []
        if not _PROVIDER.match(provider):
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "A provider is a name in capitals, such as WECHAT_OPENID, WECHAT_UNIONID or "
                    "ALIPAY_USER.",
                    [*path, "provider"],
                )
            )
        elif provider in APP_SCOPED and not app_id:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "A {provider} belongs to one app: give its appId.",
                    [*path, "appId"],
                    provider=provider,
                )
            )
        if len(app_id) > MAX_APP_ID:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "An appId has at most {limit} characters.",
                    [*path, "appId"],
                    limit=MAX_APP_ID,
                )
            )
        if not subject or len(subject) > MAX_SUBJECT:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "A subject has 1 to {limit} characters.",
                    [*path, "subject"],
                    limit=MAX_SUBJECT,
                )
            )
        if errors:
            raise DomainErrors(errors)
        return IdentityKey(provider, app_id, subject)


async def _find(key: IdentityKey) -> MemberIdentity | None:
    return await MemberIdentity.get_or_none(
        provider=key.provider, app_id=key.app_id or "", subject=key.subject
    )


async def bind_identity(ctx: RequestContext, member_id: uuid.UUID, key: IdentityKey) -> Member:
    """Bind ``key`` to the member; binding it again to the same member changes nothing.

    Needs ``members:write``, or the member's own token (a mini-program binding its openid).
    """
    ctx.require_unless_own(Permission.MEMBERS_WRITE, member_id)
    key = key.checked(["input"])
    try:
        async with tenant_tx(ctx):
            member = await Member.get_or_none(id=member_id, merged_into_id=None)
            if member is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                )
            existing = await _find(key)
            if existing is not None:
                _check_owner(existing, member_id)
                return member
            row = await MemberIdentity.create(
                id=new_id(),
                tenant_id=ctx.tenant.id,
                member_id=member_id,
                provider=key.provider,
                app_id=key.app_id or "",
                subject=key.subject,
                created_at=ctx.clock.now(),
            )
            await audit.record(
                ctx,
                "member.identity.bind",
                "member",
                member_id,
                after={"provider": row.provider, "appId": row.app_id or None},
            )
            await emit(ctx, MemberUpdated(member_id=member_id, changed=["identities"]))
            return member
    except IntegrityError:
        # A concurrent bind of the same identity committed first.
        async with tenant_tx(ctx):
            existing = await _find(key)
            if existing is None:
                raise
            _check_owner(existing, member_id)
            return await Member.get(id=member_id)


def _check_owner(existing: MemberIdentity, member_id: uuid.UUID) -> None:
    if existing.member_id != member_id:
        raise DomainError(
            ErrorCode.DUPLICATE,
            "This {provider} is already bound to another member.",
            ["input", "subject"],
            provider=existing.provider,
        )


async def unbind_identity(ctx: RequestContext, member_id: uuid.UUID, key: IdentityKey) -> Member:
    """Remove one identity from the member (an unbound WeChat account, a closed Alipay one)."""
    ctx.require_unless_own(Permission.MEMBERS_WRITE, member_id)
    key = key.checked(["input"])
    async with tenant_tx(ctx):
        member = await Member.get_or_none(id=member_id, merged_into_id=None)
        existing = await _find(key)
        if member is None or existing is None or existing.member_id != member_id:
            raise DomainError(
                ErrorCode.NOT_FOUND, "This member has no such identity.", ["input", "subject"]
            )
        await existing.delete()
        await audit.record(
            ctx,
            "member.identity.unbind",
            "member",
            member_id,
            before={"provider": existing.provider, "appId": existing.app_id or None},
        )
        await emit(ctx, MemberUpdated(member_id=member_id, changed=["identities"]))
        return member


async def member_by_identity(ctx: RequestContext, key: IdentityKey) -> Member | None:
    """The live member holding ``key``, or None (a member token finds only itself)."""
    if not ctx.has(Permission.MEMBERS_READ) and ctx.member_id is None:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    try:
        key = key.checked([])
    except DomainErrors:
        return None
    async with tenant_tx(ctx):
        found = await _find(key)
    if found is None:
        return None
    return await get_member(ctx, id=found.member_id)


async def identities_by_member(
    ctx: RequestContext, member_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[MemberIdentity]]:
    """Every identity of these members in one query (a DataLoader's batch)."""
    if not ctx.has(Permission.MEMBERS_READ) and any(m != ctx.member_id for m in member_ids):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    found: dict[uuid.UUID, list[MemberIdentity]] = defaultdict(list)
    async with tenant_tx(ctx):
        rows = await MemberIdentity.filter(member_id__in=list(set(member_ids))).order_by(
            "created_at", "id"
        )
    for row in rows:
        found[row.member_id].append(row)
    return found


async def resolve_member(
    ctx: RequestContext,
    *,
    member_id: uuid.UUID | None,
    phone: str | None,
    identity: IdentityKey | None,
    path: list[str],
) -> uuid.UUID:
    """The id of the live member named by exactly one of id, phone or identity.

    An unknown phone or identity is ``NOT_FOUND`` on its field, as an unknown id is.
    """
    given = [v for v in (member_id, phone, identity) if v is not None]
    if len(given) != 1:
        raise DomainError(
            ErrorCode.INVALID,
            "Name the member by exactly one of memberId, memberPhone or memberIdentity.",
            [*path, "memberId"],
        )
    if member_id is not None:
        return member_id
    # Looking a member up by phone or identity reads member data: a caller that may not read
    # members learns nothing (a member token finds only its own member).
    if not ctx.has(Permission.MEMBERS_READ) and ctx.member_id is None:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "Naming a member by phone or identity needs the '{permission}' permission.",
            [*path, "memberPhone" if phone is not None else "memberIdentity"],
            permission=Permission.MEMBERS_READ.value,
        )
    if phone is not None:
        e164 = normalize_phone(
            phone, [*path, "memberPhone"], allowed_regions=get_settings().phone_regions
        )
        async with tenant_tx(ctx) as conn:
            found = await _scalar(
                conn, "SELECT id FROM members WHERE phone = $1 AND merged_into_id IS NULL", e164
            )
        field = "memberPhone"
    else:
        assert identity is not None
        key = identity.checked([*path, "memberIdentity"])
        async with tenant_tx(ctx) as conn:
            found = await _scalar(
                conn,
                "SELECT i.member_id FROM member_identities i WHERE i.provider = $1 "
                "AND i.app_id = $2 AND i.subject = $3",
                key.provider,
                key.app_id or "",
                key.subject,
            )
        field = "memberIdentity"
    if found is None or (not ctx.has(Permission.MEMBERS_READ) and found != ctx.member_id):
        raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", [*path, field])
    return found


async def _scalar(conn: BaseDBAsyncClient, sql: str, *args: object) -> uuid.UUID | None:
    _, rows = await conn.execute_query(sql, list(args))
    return rows[0][0] if rows else None
