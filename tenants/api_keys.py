"""API keys: secret ``sk_…`` and publishable ``pk_…``, stored hashed and shown once.

A key reads ``<kind>_<tenant id hex>_<secret>``: the tenant part routes the lookup to the right
tenant (row-level security needs it before any query); the secret part is what is checked.
Only its SHA-256 is stored: a key has 256 bits of entropy, so a slow hash adds nothing.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from membership.errors import DomainError, DomainErrors, ErrorCode
from tenants import audit
from tenants.context import RequestContext
from tenants.models import ApiKey
from tenants.permissions import API_KEY_EXPLICIT_SCOPES, API_KEY_SCOPES, Permission
from tenants.tx import tenant_tx

__all__ = [
    "CreatedKey",
    "ParsedKey",
    "create_api_key",
    "find_active_key",
    "hash_secret",
    "is_expired",
    "list_api_keys",
    "parse_key",
    "revoke_api_key",
]

_KINDS = {"secret": "sk", "publishable": "pk"}
# Three years, leap day included: long enough for a till's lifetime, short enough to be reviewed.
MAX_LIFETIME = timedelta(days=3 * 365 + 1)
# A hot key (a till) must not add a write to every request: last use is recorded once a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedKey:
    api_key: ApiKey
    key: str  # the only time the full key exists outside its holder


@dataclass(frozen=True)
class ParsedKey:
    kind: str
    tenant_id: uuid.UUID
    key_hash: str


def hash_secret(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# A till sends the same key with every request: its parse and hash are kept, a few thousand
# keys at most (a malformed one is kept as None, and pushed out like any other).
@functools.lru_cache(maxsize=4096)
def parse_key(key: str) -> ParsedKey | None:
    parts = key.split("_")
    if len(parts) != 3 or parts[0] not in ("sk", "pk"):
        return None
    try:
        tenant_id = uuid.UUID(hex=parts[1])
    except ValueError:
        return None
    kind = "secret" if parts[0] == "sk" else "publishable"
    return ParsedKey(kind, tenant_id, hash_secret(key))


def is_expired(api_key: ApiKey, now: datetime) -> bool:
    return api_key.expires_at is not None and api_key.expires_at <= now


def _check_expiry(expires_at: datetime | None, now: datetime) -> None:
    if expires_at is None:
        return
    if expires_at.tzinfo is None:
        raise DomainError(
            ErrorCode.INVALID,
            "Give expiresAt with a time zone offset, e.g. 2026-01-31T00:00:00Z.",
            ["input", "expiresAt"],
        )
    if expires_at <= now:
        raise DomainError(
            ErrorCode.INVALID, "expiresAt must be in the future.", ["input", "expiresAt"]
        )
    if expires_at > now + MAX_LIFETIME:
        raise DomainError(
            ErrorCode.INVALID,
            "expiresAt may be at most 3 years ahead; create a new key when it nears.",
            ["input", "expiresAt"],
        )


def _check_scopes(kind: str, scopes: list[str] | None) -> list[str]:
    """The scopes a new key gets: the default ones unless ``scopes`` names them."""
    if kind == "publishable":
        if scopes:
            raise DomainError(
                ErrorCode.INVALID,
                "Publishable keys cannot be granted scopes over member data.",
                ["input", "scopes"],
            )
        return []
    if scopes is None:
        return sorted(p.value for p in API_KEY_SCOPES)
    allowed = sorted(p.value for p in API_KEY_SCOPES | API_KEY_EXPLICIT_SCOPES)
    unknown = [
        DomainError(
            ErrorCode.INVALID,
            "Unknown scope '{scope}'. Allowed: {allowed}.",
            ["input", "scopes", str(index)],
            scope=scope,
            allowed=", ".join(allowed),
        )
        for index, scope in enumerate(scopes)
        if scope not in allowed
    ]
    if unknown:
        raise unknown[0] if len(unknown) == 1 else DomainErrors(unknown)
    return sorted(set(scopes))


async def create_api_key(
    ctx: RequestContext,
    *,
    name: str,
    kind: str,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> CreatedKey:
    """Create a key of ``kind`` (secret or publishable); with ``expires_at`` (future, at most
    3 years ahead) it is refused from then on, like a revoked key."""
    ctx.require(Permission.APIKEYS_MANAGE)
    if kind not in _KINDS:
        raise DomainError(
            ErrorCode.INVALID, "Kind must be 'secret' or 'publishable'.", ["input", "kind"]
        )
    if not name.strip():
        raise DomainError(ErrorCode.INVALID, "Name the key after what uses it.", ["input", "name"])
    granted = _check_scopes(kind, scopes)
    _check_expiry(expires_at, ctx.real_clock.now())
    key = f"{_KINDS[kind]}_{ctx.tenant.id.hex}_{secrets.token_urlsafe(32).replace('_', 'x')}"
    async with tenant_tx(ctx):
        api_key = await ApiKey.create(
            id=uuid.uuid4(),
            tenant_id=ctx.tenant.id,
            name=name.strip(),
            kind=kind,
            prefix=key[:3] + "…" + key[-4:],
            key_hash=hash_secret(key),
            scopes=granted,
            created_at=ctx.clock.now(),
            expires_at=expires_at,
        )
        await audit.record(
            ctx,
            "api_key.create",
            "api_key",
            api_key.id,
            after={
                "name": api_key.name,
                "kind": kind,
                "scopes": granted,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return CreatedKey(api_key, key)


async def list_api_keys(ctx: RequestContext) -> list[ApiKey]:
    ctx.require(Permission.APIKEYS_MANAGE)
    async with tenant_tx(ctx):
        return list(await ApiKey.all().order_by("-created_at"))


async def revoke_api_key(ctx: RequestContext, key_id: uuid.UUID) -> ApiKey:
    ctx.require(Permission.APIKEYS_MANAGE)
    async with tenant_tx(ctx):
        api_key = await ApiKey.get_or_none(id=key_id)
        if api_key is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such API key.", ["id"])
        if api_key.revoked_at is None:
            api_key.revoked_at = ctx.clock.now()
            await api_key.save(update_fields=["revoked_at"])
            await audit.record(
                ctx,
                "api_key.revoke",
                "api_key",
                api_key.id,
                before={"revoked": False},
                after={"revoked": True},
            )
    return api_key


async def find_active_key(ctx: RequestContext, key_hash: str) -> ApiKey | None:
    """The unrevoked key with this hash in the context's tenant (expired or not: the caller says
    which); an unexpired one is marked used, at most once a minute, in the same transaction."""
    async with tenant_tx(ctx):
        api_key = await ApiKey.get_or_none(key_hash=key_hash, revoked_at=None)
        if api_key is not None:
            now = ctx.real_clock.now()
            if not is_expired(api_key, now) and (
                api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION
            ):
                api_key.last_used_at = now
                await api_key.save(update_fields=["last_used_at"])
        return api_key
