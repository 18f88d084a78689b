"""Tenant, staff, viewer and API key types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.errors import UserError
from schema.types.testclock import TestClock
from tenants.context import TenantInfo
from tenants.models import ApiKey as ApiKeyModel
from tenants.models import Staff as StaffModel

if TYPE_CHECKING:
    from schema.types.members import Member

__all__ = ["ApiKey", "ApiKeyKind", "LoginPayload", "Staff", "Tenant", "Viewer"]


@strawberry.type
class Tenant:
    id: strawberry.ID
    slug: str
    name: str
    timezone: str
    currency: str
    test_clock: TestClock | None = strawberry.field(
        default=None, description="A sandbox tenant's test clock; null for a live tenant."
    )

    @classmethod
    def of(cls, info: TenantInfo) -> Tenant:
        return cls(
            id=strawberry.ID(str(info.id)),
            slug=info.slug,
            name=info.name,
            timezone=info.timezone,
            currency=info.currency,
            test_clock=TestClock.of(info.sandbox) if info.sandbox else None,
        )


@strawberry.type(description="A staff member to pick as an assignee.")
class StaffChoice:
    id: strawberry.ID
    name: str | None
    email: str

    @classmethod
    def of(cls, row: StaffModel) -> StaffChoice:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, email=row.email)


@strawberry.type
class Staff:
    id: strawberry.ID
    email: str
    name: str | None
    role: str
    created_at: datetime
    last_login_at: datetime | None
    active: bool
    must_change_password: bool = strawberry.field(
        default=False, description="After a password reset: only changeMyPassword works."
    )
    stores: list[str] = strawberry.field(
        default_factory=list,
        description="Store codes this staff member records sales for; empty: every store.",
    )
    wecom_user_id: str | None = strawberry.field(
        default=None, description="The WeCom account (企业微信 userid) that confirms WeCom tasks."
    )

    @classmethod
    def of(cls, row: StaffModel) -> Staff:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            name=row.name,
            role=row.role,
            created_at=row.created_at,
            last_login_at=row.last_login_at,
            active=row.active,
            must_change_password=row.must_change_password,
            stores=list(row.store_codes),
            wecom_user_id=row.wecom_user_id,
        )


@strawberry.type
class Viewer:
    tenant: Tenant
    staff: Staff | None
    member: Annotated[Member, strawberry.lazy("schema.types.members")] | None
    permissions: list[str]


@strawberry.type
class LoginPayload:
    token: str | None = None
    staff: Staff | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.enum
class ApiKeyKind(Enum):
    SECRET = "secret"
    PUBLISHABLE = "publishable"


@strawberry.type
class ApiKey:
    id: strawberry.ID
    name: str
    kind: ApiKeyKind
    prefix: str
    scopes: list[str]
    last_used_at: datetime | None = strawberry.field(
        description="When the key was last used, within about a minute (written once a minute at most)."
    )
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = strawberry.field(
        description="From then on the key is refused; null: it does not expire."
    )
    expired: bool = strawberry.field(description="Past expiresAt: refused like a revoked key.")

    @classmethod
    def of(cls, row: ApiKeyModel, now: datetime) -> ApiKey:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            kind=ApiKeyKind(row.kind),
            prefix=row.prefix,
            scopes=list(row.scopes),
            last_used_at=row.last_used_at,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
            expires_at=row.expires_at,
            expired=row.expires_at is not None and row.expires_at <= now,
        )


@strawberry.input
class CreateApiKeyInput:
    name: str
    kind: ApiKeyKind
    scopes: list[str] | None = strawberry.field(
        default=None,
        description="Secret keys only. Unset: the default scopes. programme:manage and "
        "webhooks:manage are granted only when named here.",
    )
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="Optional: the key is refused from then on. In the future, at most 3 years "
        "ahead.",
    )


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKey | None = None
    key: str | None = strawberry.field(
        default=None, description="The full key: present only on create, once."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CreateStaffInput:
    email: str
    password: str
    role: str
    name: str | None = None


@strawberry.type
class StaffPayload:
    staff: Staff | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ResetStaffPasswordPayload:
    staff: Staff | None = None
    temporary_password: str | None = strawberry.field(
        default=None, description="Shown once: hand it over; it must be changed at login."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChangePasswordPayload:
    token: str | None = strawberry.field(
        default=None, description="A fresh token for this session; other sessions have ended."
    )
    staff: Staff | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MemberTokenPayload:
    token: str | None = None
    expires_at: datetime | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="A member code (会员码) to show as a barcode or QR code at a till.")
class MemberCodePayload:
    code: str | None = strawberry.field(
        default=None, description="18 digits; member(code:) finds the member until expiresAt."
    )
    expires_at: datetime | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
