"""The tenant registry: create tenants (operator, as the owner role) and look them up (cached)."""

from __future__ import annotations

import re
import time
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg

from membership.errors import DomainError, DomainErrors, ErrorCode
from tenants.context import TenantInfo
from tenants.models import Tenant

__all__ = ["create_tenant", "get_tenant", "get_tenant_by_slug", "list_tenants"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_CACHE_SECONDS = 30.0
_cache: dict[uuid.UUID, tuple[float, TenantInfo]] = {}


def _info(row: Tenant) -> TenantInfo:
    return TenantInfo(row.id, row.slug, row.name, row.timezone, row.currency)


def validate_tenant_fields(slug: str, name: str, timezone: str, currency: str) -> None:
    errors: list[DomainError] = []
    if not _SLUG.match(slug):
        errors.append(
            DomainError(
                ErrorCode.INVALID, "Slug must be 2-63 lowercase letters, digits or '-'.", ["slug"]
            )
        )
    if not name.strip():
        errors.append(DomainError(ErrorCode.INVALID, "Name must not be empty.", ["name"]))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Unknown IANA time zone '{timezone}'.",
                ["timezone"],
                timezone=timezone,
            )
        )
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors.append(
            DomainError(
                ErrorCode.INVALID, "Currency must be an ISO 4217 code such as CNY.", ["currency"]
            )
        )
    if errors:
        raise DomainErrors(errors)


async def create_tenant(
    owner_conn: asyncpg.Connection,
    *,
    slug: str,
    name: str,
    timezone: str = "Asia/Shanghai",
    currency: str = "CNY",
) -> TenantInfo:
    """Register a tenant. Runs on an owner-role connection: the app role cannot write the registry."""
    validate_tenant_fields(slug, name, timezone, currency)
    tenant_id = uuid.uuid4()
    try:
        await owner_conn.execute(
            "INSERT INTO tenants (id, slug, name, timezone, currency) VALUES ($1, $2, $3, $4, $5)",
            tenant_id,
            slug,
            name.strip(),
            timezone,
            currency,
        )
    except asyncpg.UniqueViolationError as exc:
        raise DomainError(
            ErrorCode.DUPLICATE, "Tenant '{slug}' already exists.", ["slug"], slug=slug
        ) from exc
    return TenantInfo(tenant_id, slug, name.strip(), timezone, currency)


async def get_tenant(tenant_id: uuid.UUID) -> TenantInfo | None:
    hit = _cache.get(tenant_id)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    row = await Tenant.get_or_none(id=tenant_id)
    if row is None:
        return None
    info = _info(row)
    _cache[tenant_id] = (time.monotonic() + _CACHE_SECONDS, info)
    return info


async def get_tenant_by_slug(slug: str) -> TenantInfo | None:
    row = await Tenant.get_or_none(slug=slug)
    return _info(row) if row else None


async def list_tenants() -> list[TenantInfo]:
    return [_info(t) for t in await Tenant.all().order_by("created_at")]
