"""Who is calling: turn a bearer credential into a ``RequestContext``.

The credential alone decides the tenant: an API key names its tenant and is checked against that
tenant's hashed keys; a JWT carries its tenant in signed claims.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt

from membership.clock import Clock
from tenants.api_keys import find_active_key, parse_key
from tenants.context import Actor, RequestContext, TenantInfo
from tenants.permissions import MEMBER_SELF, Permission, permissions_for_role
from tenants.registry import get_tenant
from tenants.revocations import TokenRevocations
from tenants.tokens import decode_token

__all__ = ["AuthError", "Authenticator"]

_KEY_CACHE_SECONDS = 10.0


class AuthError(Exception):
    """The credential is missing, malformed, revoked or expired (HTTP 401)."""


@dataclass(frozen=True)
class _CachedKey:
    actor: Actor  # the key as the request's actor (immutable: shared by its requests)
    scopes: frozenset[Permission]
    tenant: TenantInfo
    expires_at: datetime | None


def _refuse_if_expired(expires_at: datetime | None, now: datetime) -> None:
    # Checked on every request, cached or not, against the injected clock: expiry is exact.
    if expires_at is not None and expires_at <= now:
        when = expires_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        raise AuthError(f"The API key expired on {when}; create a new key.")


class Authenticator:
    def __init__(self, revocations: TokenRevocations, clock: Clock) -> None:
        self._revocations = revocations
        self._clock = clock
        self._keys: dict[str, tuple[float, _CachedKey]] = {}

    def forget_key(self, key_id: uuid.UUID) -> None:
        """Drop a revoked key from this process's cache at once (others drop it within seconds)."""
        for key_hash, (_, cached) in list(self._keys.items()):
            if cached.actor.id == key_id:
                del self._keys[key_hash]

    async def authenticate(self, credential: str, request_id: str) -> RequestContext:
        """The caller's context. Its ``clock`` is a sandbox tenant's test clock or this
        authenticator's clock; credentials are checked against the latter (real time) alone."""
        if credential.startswith(("sk_", "pk_")):
            return await self._from_api_key(credential, request_id)
        return await self._from_jwt(credential, request_id)

    async def _from_api_key(self, credential: str, request_id: str) -> RequestContext:
        parsed = parse_key(credential)
        if parsed is None:
            raise AuthError("Malformed API key.")
        hit = self._keys.get(parsed.key_hash)
        if hit is None or hit[0] < time.monotonic():
            tenant = await get_tenant(parsed.tenant_id)
            if tenant is None:
                raise AuthError("Unknown or revoked API key.")
            lookup = RequestContext(
                tenant, Actor("system", None, "auth"), frozenset(), request_id, self._clock
            )
            row = await find_active_key(lookup, parsed.key_hash)
            if row is None or row.kind != parsed.kind:
                raise AuthError("Unknown or revoked API key.")
            _refuse_if_expired(row.expires_at, self._clock.now())
            scopes = frozenset(
                Permission(s) for s in row.scopes if s in Permission._value2member_map_
            )
            label = f"key {row.name} ({row.prefix})"
            actor = Actor("api_key", row.id, label, role=row.kind)
            cached = _CachedKey(actor, scopes, tenant, row.expires_at)
            self._keys[parsed.key_hash] = (time.monotonic() + _KEY_CACHE_SECONDS, cached)
        else:
            cached = hit[1]
            if cached.expires_at is not None:
                _refuse_if_expired(cached.expires_at, self._clock.now())
        tenant = cached.tenant
        if tenant.sandbox is not None:
            # the key may be cached, the test clock may not: it moves when it is advanced
            tenant = await get_tenant(tenant.id) or tenant
        return RequestContext(
            tenant=tenant,
            actor=cached.actor,
            permissions=cached.scopes,
            request_id=request_id,
            clock=self._clock,
        )

    async def _from_jwt(self, credential: str, request_id: str) -> RequestContext:
        try:
            claims = decode_token(credential, now=self._clock.now())
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("The token has expired; log in again.") from exc
        except jwt.InvalidTokenError as exc:
            raise AuthError("Invalid token.") from exc
        if await self._revocations.is_revoked(claims.token_id):
            raise AuthError("The token was revoked (logged out).")
        tenant = await get_tenant(claims.tenant_id)
        if tenant is None:
            raise AuthError("Invalid token.")
        if claims.audience == "admin":
            role = claims.role or ""
            try:
                permissions = permissions_for_role(role)
            except ValueError as exc:
                raise AuthError("Invalid token.") from exc
            from tenants.models import Staff
            from tenants.tx import tenant_tx

            label = f"staff {claims.subject}"
            lookup = RequestContext(
                tenant, Actor("system", None, "auth"), frozenset(), request_id, self._clock
            )
            async with tenant_tx(lookup):
                staff = await Staff.get_or_none(id=claims.subject, active=True)
            if staff is None:
                raise AuthError("This staff account is disabled.")
            if (
                staff.sessions_valid_after is not None
                and claims.issued_at is not None
                and claims.issued_at < staff.sessions_valid_after
            ):
                raise AuthError("The password changed: log in again.")
            # The role as it is now, not as it was at login: a role change applies at once.
            role = staff.role
            permissions = permissions_for_role(role)
            if staff.must_change_password:
                permissions = frozenset()  # only changeMyPassword, viewer and logout
            label = staff.email
            actor = Actor(
                "staff", claims.subject, label, role, claims.token_id, tuple(staff.store_codes)
            )
        else:
            permissions = MEMBER_SELF
            actor = Actor(
                "member", claims.subject, f"member {claims.subject}", None, claims.token_id
            )
        return RequestContext(tenant, actor, permissions, request_id, self._clock)
