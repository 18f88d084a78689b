"""Who am I, log in and out, member tokens."""

from __future__ import annotations

import strawberry

from membership.errors import DomainError, ErrorCode
from membership.members import service as members
from membership.members.codes import issue_member_code
from membership.members.tokens import issue_member_token
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.members import Member
from schema.types.tenancy import (
    LoginPayload,
    LogoutPayload,
    MemberCodePayload,
    MemberTokenPayload,
    Staff,
    Tenant,
    Viewer,
)
from tenants import staff as staff_service
from tenants.context import RequestContext
from tenants.models import Staff as StaffModel
from tenants.tokens import decode_token
from tenants.tx import tenant_tx

__all__ = ["AuthMutations", "AuthQueries"]


@strawberry.type
class AuthQueries:
    @strawberry.field(description="The caller: its tenant, and the staff or member it acts as.")
    async def viewer(self, info: Info) -> Viewer:
        ctx = info.context.auth
        staff = None
        member = None
        if ctx.actor.kind == "staff" and ctx.actor.id:
            async with tenant_tx(ctx):
                row = await StaffModel.get_or_none(id=ctx.actor.id)
            staff = Staff.of(row) if row else None
        if ctx.member_id is not None:
            found = await members.get_member(ctx, id=ctx.member_id)
            member = Member.of(found) if found else None
        return Viewer(
            tenant=Tenant.of(ctx.tenant),
            staff=staff,
            member=member,
            permissions=sorted(p.value for p in ctx.permissions),
        )


@strawberry.type
class AuthMutations:
    @strawberry.mutation(description="Staff login: returns a staff JWT (audience admin).")
    @returns_errors(LoginPayload)
    async def login(self, info: Info, tenant_slug: str, email: str, password: str) -> LoginPayload:
        result = await staff_service.login(tenant_slug, email, password, ctx_factory=RequestContext)
        return LoginPayload(token=result.token, staff=Staff.of(result.staff))

    @strawberry.mutation(description="Revoke the staff or member token this request carries.")
    @returns_errors(LogoutPayload)
    async def logout(self, info: Info) -> LogoutPayload:
        ctx = info.context.auth
        if ctx.actor.token_id is None:
            raise DomainError(
                ErrorCode.INVALID, "Only tokens can log out; revoke API keys instead."
            )
        header = info.context.request.headers.get("authorization", "")
        claims = decode_token(header.split(" ", 1)[-1].strip(), now=ctx.real_clock.now())
        await info.context.revocations.revoke(
            claims.token_id, claims.expires_at, ctx.real_clock.now()
        )
        return LogoutPayload(ok=True)

    @strawberry.mutation(description="Mint a member token (audience member) for one member.")
    @returns_errors(MemberTokenPayload)
    async def create_member_token(
        self, info: Info, member_id: strawberry.ID, ttl_seconds: int | None = None
    ) -> MemberTokenPayload:
        token, expires_at = await issue_member_token(
            info.context.auth, parse_id(member_id, ["memberId"]), ttl_seconds
        )
        return MemberTokenPayload(token=token, expires_at=expires_at)

    @strawberry.mutation(
        description="A member code for a till to scan, valid two minutes: a member token asks "
        "for its own member's, a server key that mints member tokens for any member's."
    )
    @returns_errors(MemberCodePayload)
    async def create_member_code(self, info: Info, member_id: strawberry.ID) -> MemberCodePayload:
        issued = await issue_member_code(info.context.auth, parse_id(member_id, ["memberId"]))
        return MemberCodePayload(code=issued.code, expires_at=issued.expires_at)
