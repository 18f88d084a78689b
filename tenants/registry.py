"""The tenant registry: create tenants (operator, as the owner role) and look them up.

A live tenant is cached for a while (it changes only by an operator's hand). A sandbox tenant is
read afresh every time: its test clock moves when it is advanced, and every process (API and
workers) must see the new time at once.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg
from tortoise import Tortoise

from membership.errors import DomainError, DomainErrors, ErrorCode
from tenants.context import SandboxClock, TenantInfo

__all__ = ["create_tenant", "get_tenant", "get_tenant_by_slug", "list_tenants"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_CACHE_SECONDS = 30.0
_cache: dict[uuid.UUID, tuple[float, TenantInfo]] = {}
_SELECT = (
    "SELECT id, slug, name, timezone, currency, test_clock_at, test_clock_status, "
    "test_clock_target FROM tenants"
)


def _info(row: dict[str, Any]) -> TenantInfo:
    sandbox = None
    if row["test_clock_at"] is not None:
        sandbox = SandboxClock(
            row["test_clock_at"], row["test_clock_status"], row["test_clock_target"]
        )
    return TenantInfo(
        row["id"], row["slug"], row["name"], row["timezone"], row["currency"].strip(), sandbox
    )


async def _read(where: str, values: list[Any]) -> list[TenantInfo]:
    conn = Tortoise.get_connection("default")
    return [_info(row) for row in await conn.execute_query_dict(f"{_SELECT} {where}", values)]


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
    test_clock: datetime | None = None,
) -> TenantInfo:
    """Register a tenant. Runs on an owner-role connection: the app role cannot write the registry.

    With ``test_clock`` the tenant is a sandbox whose time stands still at that instant (a time
    without an offset is read in ``timezone``) until its clock is advanced.
    """
    validate_tenant_fields(slug, name, timezone, currency)
    sandbox = None
    if test_clock is not None:
        if test_clock.tzinfo is None:
            test_clock = test_clock.replace(tzinfo=ZoneInfo(timezone))
        sandbox = SandboxClock(test_clock.astimezone(UTC))
    tenant_id = uuid.uuid4()
    try:
        await owner_conn.execute(
            "INSERT INTO tenants (id, slug, name, timezone, currency, test_clock_at, "
            "test_clock_status) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            tenant_id,
            slug,
            name.strip(),
            timezone,
            currency,
            sandbox.frozen_time if sandbox else None,
            sandbox.status if sandbox else None,
        )
    except asyncpg.UniqueViolationError as exc:
        raise DomainError(
            ErrorCode.DUPLICATE, "Tenant '{slug}' already exists.", ["slug"], slug=slug
        ) from exc
    return TenantInfo(tenant_id, slug, name.strip(), timezone, currency, sandbox)


async def get_tenant(tenant_id: uuid.UUID) -> TenantInfo | None:
    """The tenant as it is now; a live tenant may come from this process's cache."""
    hit = _cache.get(tenant_id)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    found = await _read("WHERE id = $1", [tenant_id])
    if not found:
        return None
    info = found[0]
    # A tenant is a sandbox from its creation or never: a live tenant's entry cannot go stale on
    # the clock, a sandbox tenant's would.
    if info.sandbox is None:
        _cache[tenant_id] = (time.monotonic() + _CACHE_SECONDS, info)
    return info


async def get_tenant_by_slug(slug: str) -> TenantInfo | None:
    found = await _read("WHERE slug = $1", [slug])
    return found[0] if found else None


async def list_tenants() -> list[TenantInfo]:
    return await _read("ORDER BY created_at", [])
