"""Staff accounts: create, list, and log in (a staff JWT with audience ``admin``)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.settings import get_settings
from tenants import audit
from tenants.context import Actor, RequestContext, TenantInfo
from tenants.models import Staff
from tenants.passwords import hash_password, verify_password
from tenants.permissions import Permission, Role, permissions_for_role
from tenants.registry import get_tenant_by_slug
from tenants.tokens import issue_token
from tenants.tx import tenant_tx

__all__ = ["LoginResult", "create_staff", "list_staff", "login"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class LoginResult:
    token: str
    staff: Staff
    tenant: TenantInfo


def _validate(email: str, password: str, role: str) -> None:
    errors: list[DomainError] = []
    if not _EMAIL.match(email):
        errors.append(
            DomainError(ErrorCode.INVALID, "Enter a valid email address.", ["input", "email"])
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Passwords need at least {MIN_PASSWORD_LENGTH} characters.",
                ["input", "password"],
                MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
            )
        )
    if role not in {r.value for r in Role}:
        roles = ", ".join(r.value for r in Role)
        errors.append(
            DomainError(
                ErrorCode.INVALID, "Role must be one of: {roles}.", ["input", "role"], roles=roles
            )
        )
    if errors:
        raise DomainErrors(errors)


async def create_staff(
    ctx: RequestContext, *, email: str, password: str, role: str, name: str | None = None
) -> Staff:
    ctx.require(Permission.STAFF_MANAGE)
    email = email.strip().lower()
    _validate(email, password, role)
    if role == Role.OWNER.value and ctx.actor.kind == "staff" and ctx.actor.role != "owner":
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "Only an owner can create another owner.",
            ["input", "role"],
        )
    password_hash = await hash_password(password)
    async with tenant_tx(ctx):
        if await Staff.filter(email=email).exists():
            raise DomainError(
                ErrorCode.DUPLICATE, "A staff account with this email exists.", ["input", "email"]
            )
        try:
            staff = await Staff.create(
                id=uuid.uuid4(),
                tenant_id=ctx.tenant.id,
                email=email,
                name=name,
                role=role,
                password_hash=password_hash,
                created_at=ctx.clock.now(),
            )
        except IntegrityError as exc:
            raise DomainError(
                ErrorCode.DUPLICATE, "A staff account with this email exists.", ["input", "email"]
            ) from exc
        await audit.record(
            ctx,
            "staff.create",
            "staff",
            staff.id,
            after={"email": email, "role": role, "name": name},
        )
    return staff


async def list_staff(ctx: RequestContext) -> list[Staff]:
    ctx.require(Permission.STAFF_MANAGE)
    async with tenant_tx(ctx):
        return list(await Staff.all().order_by("created_at"))


async def login(
    tenant_slug: str, email: str, password: str, *, ctx_factory: type[RequestContext]
) -> LoginResult:
    """Check a staff password and mint a staff JWT. Wrong slug, email or password look alike."""
    failure = DomainError(ErrorCode.UNAUTHENTICATED, "Wrong tenant, email or password.")
    tenant = await get_tenant_by_slug(tenant_slug.strip().lower())
    if tenant is None:
        await verify_password(None, password)
        raise failure
    system = ctx_factory.system(tenant)
    async with tenant_tx(system):
        staff = await Staff.get_or_none(email=email.strip().lower(), active=True)
    if not await verify_password(staff.password_hash if staff else None, password) or not staff:
        raise failure
    now = system.clock.now()
    token, claims = issue_token(
        "admin",
        staff.id,
        tenant.id,
        now=now,
        ttl=timedelta(seconds=get_settings().staff_token_ttl_seconds),
        role=staff.role,
    )
    ctx = RequestContext(
        tenant=tenant,
        actor=Actor("staff", staff.id, staff.email, staff.role, claims.token_id),
        permissions=permissions_for_role(staff.role),
        clock=system.clock,
    )
    async with tenant_tx(ctx):
        staff.last_login_at = now
        await staff.save(update_fields=["last_login_at"])
        await audit.record(ctx, "staff.login", "staff", staff.id)
    return LoginResult(token, staff, tenant)
