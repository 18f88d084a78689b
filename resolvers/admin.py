"""Staff accounts, API keys and the audit log."""

from __future__ import annotations

import strawberry

from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, ErrorCode
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.common import page_info
from schema.types.members import AuditEntry, AuditEntryConnection, AuditEntryEdge
from schema.types.tenancy import (
    ApiKey,
    ApiKeyPayload,
    ChangePasswordPayload,
    CreateApiKeyInput,
    CreateStaffInput,
    ResetStaffPasswordPayload,
    Staff,
    StaffChoice,
    StaffPayload,
)
from tenants import api_keys, audit
from tenants import staff as staff_service
from tenants.permissions import Permission

__all__ = ["AdminMutations", "AdminQueries"]

MAX_AUDIT_PAGE = 100


@strawberry.type
class AdminQueries:
    @strawberry.field
    async def staff(self, info: Info) -> list[Staff]:
        return [Staff.of(s) for s in await staff_service.list_staff(info.context.auth)]

    @strawberry.field(
        description="Active staff to assign work to (tasks, account managers), by name: for "
        "whoever may assign it, without the staff administration's details."
    )
    async def assignable_staff(self, info: Info) -> list[StaffChoice]:
        return [StaffChoice.of(s) for s in await staff_service.assignable_staff(info.context.auth)]

    @strawberry.field
    async def api_keys(self, info: Info) -> list[ApiKey]:
        ctx = info.context.auth
        now = ctx.real_clock.now()
        return [ApiKey.of(k, now) for k in await api_keys.list_api_keys(ctx)]

    @strawberry.field(description="Who changed what, newest first (owners and admins).")
    async def audit_log(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        target_type: str | None = None,
        target_id: strawberry.ID | None = None,
    ) -> AuditEntryConnection:
        ctx = info.context.auth
        ctx.require(Permission.AUDIT_READ)
        limit = 50 if first is None else first
        if not 0 <= limit <= MAX_AUDIT_PAGE:
            raise DomainError(
                ErrorCode.INVALID,
                "first must be between 0 and {MAX_AUDIT_PAGE}.",
                ["first"],
                MAX_AUDIT_PAGE=MAX_AUDIT_PAGE,
            )
        rows, total = await audit.list_entries(
            ctx,
            limit=limit + 1,
            after=decode_cursor(after) if after else None,
            target_type=target_type,
            target_id=str(target_id) if target_id else None,
        )
        edges = [
            AuditEntryEdge(node=AuditEntry.of(r), cursor=encode_cursor(r.created_at, r.id))
            for r in rows[:limit]
        ]
        return AuditEntryConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges],
                has_next=len(rows) > limit,
                has_previous=after is not None,
            ),
            total_count=total,
        )


@strawberry.type
class AdminMutations:
    @strawberry.mutation
    @returns_errors(StaffPayload)
    async def create_staff(self, info: Info, input: CreateStaffInput) -> StaffPayload:
        row = await staff_service.create_staff(
            info.context.auth,
            email=input.email,
            password=input.password,
            role=input.role,
            name=input.name,
        )
        return StaffPayload(staff=Staff.of(row))

    @strawberry.mutation(
        description="Deactivate a staff account: its tokens stop working at once and it can no "
        "longer log in. The last active owner cannot be deactivated."
    )
    @returns_errors(StaffPayload)
    async def deactivate_staff(self, info: Info, id: strawberry.ID) -> StaffPayload:
        row = await staff_service.set_staff_active(
            info.context.auth, parse_id(id, ["id"]), active=False
        )
        return StaffPayload(staff=Staff.of(row))

    @strawberry.mutation(description="Let a deactivated staff account log in again.")
    @returns_errors(StaffPayload)
    async def reactivate_staff(self, info: Info, id: strawberry.ID) -> StaffPayload:
        row = await staff_service.set_staff_active(
            info.context.auth, parse_id(id, ["id"]), active=True
        )
        return StaffPayload(staff=Staff.of(row))

    @strawberry.mutation(
        description="The stores a staff member records sales for; an empty list: every store."
    )
    @returns_errors(StaffPayload)
    async def assign_staff_stores(
        self, info: Info, id: strawberry.ID, store_codes: list[str]
    ) -> StaffPayload:
        row = await staff_service.assign_stores(
            info.context.auth, parse_id(id, ["id"]), store_codes
        )
        return StaffPayload(staff=Staff.of(row))

    @strawberry.mutation(
        description="The staff member's WeCom account (企业微信 userid); null clears it."
    )
    @returns_errors(StaffPayload)
    async def set_staff_wecom_user_id(
        self, info: Info, id: strawberry.ID, wecom_user_id: str | None = None
    ) -> StaffPayload:
        row = await staff_service.set_wecom_user_id(
            info.context.auth, parse_id(id, ["id"]), wecom_user_id
        )
        return StaffPayload(staff=Staff.of(row))

    @strawberry.mutation(description="A new role, effective from the staff member's next request.")
    @returns_errors(StaffPayload)
    async def change_staff_role(self, info: Info, id: strawberry.ID, role: str) -> StaffPayload:
        row = await staff_service.change_staff_role(info.context.auth, parse_id(id, ["id"]), role)
        return StaffPayload(staff=Staff.of(row))

    @strawberry.mutation(
        description="A temporary password, shown once; it must be changed at the next login, "
        "and the staff member's current sessions end."
    )
    @returns_errors(ResetStaffPasswordPayload)
    async def reset_staff_password(
        self, info: Info, id: strawberry.ID
    ) -> ResetStaffPasswordPayload:
        reset = await staff_service.reset_staff_password(info.context.auth, parse_id(id, ["id"]))
        return ResetStaffPasswordPayload(
            staff=Staff.of(reset.staff), temporary_password=reset.temporary_password
        )

    @strawberry.mutation(
        description="Change your own password (staff); other sessions end, this one gets a "
        "fresh token."
    )
    @returns_errors(ChangePasswordPayload)
    async def change_my_password(
        self, info: Info, current_password: str, new_password: str
    ) -> ChangePasswordPayload:
        result = await staff_service.change_own_password(
            info.context.auth, current_password=current_password, new_password=new_password
        )
        return ChangePasswordPayload(token=result.token, staff=Staff.of(result.staff))

    @strawberry.mutation(description="Create an API key; the full key is in the payload once.")
    @returns_errors(ApiKeyPayload)
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> ApiKeyPayload:
        ctx = info.context.auth
        created = await api_keys.create_api_key(
            ctx,
            name=input.name,
            kind=input.kind.value,
            scopes=input.scopes,
            expires_at=input.expires_at,
        )
        return ApiKeyPayload(
            api_key=ApiKey.of(created.api_key, ctx.real_clock.now()), key=created.key
        )

    @strawberry.mutation
    @returns_errors(ApiKeyPayload)
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> ApiKeyPayload:
        ctx = info.context.auth
        row = await api_keys.revoke_api_key(ctx, parse_id(id, ["id"]))
        info.context.authenticator.forget_key(row.id)
        return ApiKeyPayload(api_key=ApiKey.of(row, ctx.real_clock.now()))
