"""Staff accounts: create, list, and log in (a staff JWT with audience ``admin``)."""

from __future__ import annotations

import re
import secrets
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

__all__ = [
    "MAX_STORES",
    "LoginResult",
    "PasswordReset",
    "assign_stores",
    "assignable_staff",
    "change_own_password",
    "change_staff_role",
    "create_staff",
    "list_staff",
    "login",
    "reset_staff_password",
    "set_staff_active",
    "staff_by_ids",
]

MAX_STORES = 50
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


async def assignable_staff(ctx: RequestContext) -> list[Staff]:
    """Active staff to pick from (a task's assignee, a member's account manager), by name, for
    whoever assigns work: journeys, tasks or member profiles."""
    if not (
        ctx.has(Permission.JOURNEYS_MANAGE)
        or ctx.has(Permission.TASKS_READ)
        or ctx.has(Permission.MEMBERS_WRITE)
    ):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "This action needs the '{permission}' permission.",
            permission=Permission.JOURNEYS_MANAGE.value,
        )
    async with tenant_tx(ctx):
        return list(await Staff.filter(active=True).order_by("name", "email"))


async def staff_by_ids(ctx: RequestContext, ids: list[uuid.UUID]) -> dict[uuid.UUID, Staff]:
    """Staff accounts by id, for whoever reads members (an account manager's name)."""
    ctx.require(Permission.MEMBERS_READ)
    async with tenant_tx(ctx):
        return {row.id: row for row in await Staff.filter(id__in=ids)}


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
    now = system.real_clock.now()  # credentials run on real time, even in a sandbox
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


# ---------------------------------------------------------------- leaving, roles, passwords


def _owner_only(ctx: RequestContext, role: str, field: list[str]) -> None:
    if role == Role.OWNER.value and ctx.actor.kind == "staff" and ctx.actor.role != "owner":
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, "Only an owner can change an owner's account.", field
        )


async def _locked_staff(staff_id: uuid.UUID) -> Staff:
    staff = await Staff.filter(id=staff_id).select_for_update().first()
    if staff is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such staff account in this tenant.", ["id"])
    return staff


async def _keep_an_owner(staff: Staff, field: list[str]) -> None:
    """Refuse to take away the tenant's last active owner (the caller holds the row lock)."""
    if staff.role != Role.OWNER.value or not staff.active:
        return
    others = await Staff.filter(role=Role.OWNER.value, active=True).exclude(id=staff.id).count()
    if others == 0:
        raise DomainError(
            ErrorCode.INVALID,
            "This is the last active owner: make someone else an owner first.",
            field,
        )


async def set_staff_active(ctx: RequestContext, staff_id: uuid.UUID, *, active: bool) -> Staff:
    """Deactivate a staff account (its tokens are refused from the next request on, and it can
    no longer log in), or activate it again."""
    ctx.require(Permission.STAFF_MANAGE)
    async with tenant_tx(ctx):
        # Owners are locked in a fixed order first, so two owners deactivating each other at
        # once cannot both see the other as the remaining owner.
        await Staff.filter(role=Role.OWNER.value).order_by("id").select_for_update()
        staff = await _locked_staff(staff_id)
        _owner_only(ctx, staff.role, ["id"])
        if staff.active == active:
            return staff
        if not active:
            await _keep_an_owner(staff, ["id"])
        staff.active = active
        await staff.save(update_fields=["active"])
        await audit.record(
            ctx,
            "staff.activate" if active else "staff.deactivate",
            "staff",
            staff.id,
            after={"email": staff.email, "active": active},
        )
    return staff


async def change_staff_role(ctx: RequestContext, staff_id: uuid.UUID, role: str) -> Staff:
    """A new role, effective from the staff member's next request."""
    ctx.require(Permission.STAFF_MANAGE)
    if role not in {r.value for r in Role}:
        roles = ", ".join(r.value for r in Role)
        raise DomainError(ErrorCode.INVALID, "Role must be one of: {roles}.", ["role"], roles=roles)
    _owner_only(ctx, role, ["role"])
    async with tenant_tx(ctx):
        await Staff.filter(role=Role.OWNER.value).order_by("id").select_for_update()
        staff = await _locked_staff(staff_id)
        _owner_only(ctx, staff.role, ["id"])
        if staff.role == role:
            return staff
        if role != Role.OWNER.value:
            await _keep_an_owner(staff, ["role"])
        before = staff.role
        staff.role = role
        await staff.save(update_fields=["role"])
        await audit.record(
            ctx, "staff.role", "staff", staff.id, before={"role": before}, after={"role": role}
        )
    return staff


async def assign_stores(ctx: RequestContext, staff_id: uuid.UUID, store_codes: list[str]) -> Staff:
    """The stores a staff member works at (their sales are recorded for these only); an empty
    list lets them record sales for any store."""
    ctx.require(Permission.STAFF_MANAGE)
    codes = list(dict.fromkeys(code.strip() for code in store_codes))
    errors = [
        DomainError(
            ErrorCode.INVALID,
            "Store codes have 1 to 50 characters.",
            ["storeCodes", str(index)],
        )
        for index, code in enumerate(codes)
        if not 1 <= len(code) <= 50
    ]
    if len(codes) > MAX_STORES:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "At most {count} stores per staff member.",
                ["storeCodes"],
                count=MAX_STORES,
            )
        )
    if errors:
        raise DomainErrors(errors)
    async with tenant_tx(ctx):
        staff = await _locked_staff(staff_id)
        _owner_only(ctx, staff.role, ["id"])
        before = list(staff.store_codes)
        if before == codes:
            return staff
        staff.store_codes = codes
        await staff.save(update_fields=["store_codes"])
        await audit.record(
            ctx,
            "staff.stores",
            "staff",
            staff.id,
            before={"stores": before},
            after={"stores": codes},
        )
    return staff


_WECOM_USER_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


async def set_wecom_user_id(
    ctx: RequestContext, staff_id: uuid.UUID, wecom_user_id: str | None
) -> Staff:
    """The staff member's WeCom account (企业微信 userid), or None to clear it; one staff
    member per account in a tenant."""
    ctx.require(Permission.STAFF_MANAGE)
    value = (wecom_user_id or "").strip() or None
    if value is not None and not _WECOM_USER_ID.match(value):
        raise DomainError(
            ErrorCode.INVALID,
            "A WeCom userid has 1 to 64 letters, digits or _ . @ -.",
            ["wecomUserId"],
        )
    async with tenant_tx(ctx):
        staff = await _locked_staff(staff_id)
        _owner_only(ctx, staff.role, ["id"])
        before = staff.wecom_user_id
        if before == value:
            return staff
        if (
            value is not None
            and await Staff.filter(wecom_user_id=value).exclude(id=staff.id).exists()
        ):
            raise DomainError(
                ErrorCode.DUPLICATE,
                "Another staff member has this WeCom account.",
                ["wecomUserId"],
            )
        staff.wecom_user_id = value
        await staff.save(update_fields=["wecom_user_id"])
        await audit.record(
            ctx,
            "staff.wecom",
            "staff",
            staff.id,
            before={"wecomUserId": before},
            after={"wecomUserId": value},
        )
    return staff


@dataclass(frozen=True)
class PasswordReset:
    staff: Staff
    temporary_password: str  # shown once, to be handed over


async def reset_staff_password(ctx: RequestContext, staff_id: uuid.UUID) -> PasswordReset:
    """A temporary password, shown once; the staff member must change it at the next login,
    and every token issued before now is refused."""
    ctx.require(Permission.STAFF_MANAGE)
    temporary = secrets.token_urlsafe(12)
    password_hash = await hash_password(temporary)
    async with tenant_tx(ctx):
        staff = await _locked_staff(staff_id)
        _owner_only(ctx, staff.role, ["id"])
        staff.password_hash = password_hash
        staff.must_change_password = True
        staff.sessions_valid_after = ctx.real_clock.now().replace(microsecond=0)
        await staff.save(
            update_fields=["password_hash", "must_change_password", "sessions_valid_after"]
        )
        await audit.record(ctx, "staff.password_reset", "staff", staff.id)
    return PasswordReset(staff, temporary)


async def change_own_password(
    ctx: RequestContext, *, current_password: str, new_password: str
) -> LoginResult:
    """A staff member changes their own password; other sessions end, and a fresh token is
    returned for this one."""
    if ctx.actor.kind != "staff" or ctx.actor.id is None:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, "Only a staff member can change their own password."
        )
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            ErrorCode.INVALID,
            "Passwords need at least {MIN_PASSWORD_LENGTH} characters.",
            ["newPassword"],
            MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
        )
    if new_password == current_password:
        raise DomainError(
            ErrorCode.INVALID, "Choose a password other than the current one.", ["newPassword"]
        )
    async with tenant_tx(ctx):
        staff = await Staff.get(id=ctx.actor.id)
    if not await verify_password(staff.password_hash, current_password):
        raise DomainError(
            ErrorCode.INVALID, "The current password is not right.", ["currentPassword"]
        )
    password_hash = await hash_password(new_password)
    now = ctx.real_clock.now()
    async with tenant_tx(ctx):
        staff = await _locked_staff(ctx.actor.id)
        staff.password_hash = password_hash
        staff.must_change_password = False
        staff.sessions_valid_after = now.replace(microsecond=0)
        await staff.save(
            update_fields=["password_hash", "must_change_password", "sessions_valid_after"]
        )
        await audit.record(ctx, "staff.password_change", "staff", staff.id)
    token, _ = issue_token(
        "admin",
        staff.id,
        ctx.tenant.id,
        now=now,
        ttl=timedelta(seconds=get_settings().staff_token_ttl_seconds),
        role=staff.role,
    )
    return LoginResult(token, staff, ctx.tenant)
