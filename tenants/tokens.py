"""JWTs: staff tokens (audience ``admin``) and member tokens (audience ``member``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import jwt

from membership.settings import get_settings

__all__ = ["TokenClaims", "decode_token", "issue_token"]

Audience = Literal["admin", "member"]
_ALGORITHM = "HS256"
_ISSUER = "membership"


@dataclass(frozen=True)
class TokenClaims:
    audience: Audience
    subject: uuid.UUID
    tenant_id: uuid.UUID
    token_id: str
    expires_at: datetime
    role: str | None
    issued_at: datetime | None = None


def issue_token(
    audience: Audience,
    subject: uuid.UUID,
    tenant_id: uuid.UUID,
    *,
    now: datetime,
    ttl: timedelta,
    role: str | None = None,
) -> tuple[str, TokenClaims]:
    claims = TokenClaims(audience, subject, tenant_id, uuid.uuid4().hex, now + ttl, role)
    payload: dict[str, object] = {
        "iss": _ISSUER,
        "aud": audience,
        "sub": str(subject),
        "tid": str(tenant_id),
        "jti": claims.token_id,
        "iat": int(now.timestamp()),
        "exp": int(claims.expires_at.timestamp()),
    }
    if role:
        payload["role"] = role
    return jwt.encode(payload, get_settings().jwt_secret, algorithm=_ALGORITHM), claims


def decode_token(token: str, *, now: datetime) -> TokenClaims:
    """Verify signature, issuer, audience and expiry; raises ``jwt.InvalidTokenError``."""
    payload = jwt.decode(
        token,
        get_settings().jwt_secret,
        algorithms=[_ALGORITHM],
        audience=["admin", "member"],
        issuer=_ISSUER,
        options={"require": ["exp", "aud", "sub", "tid", "jti"], "verify_exp": False},
    )
    expires_at = datetime.fromtimestamp(int(payload["exp"]), tz=now.tzinfo)
    # Expiry is checked against the injected clock, not the wall clock, so tests can move time.
    if expires_at <= now:
        raise jwt.ExpiredSignatureError("Signature has expired")
    return TokenClaims(
        audience=payload["aud"],
        subject=uuid.UUID(payload["sub"]),
        tenant_id=uuid.UUID(payload["tid"]),
        token_id=str(payload["jti"]),
        expires_at=expires_at,
        role=payload.get("role"),
        issued_at=datetime.fromtimestamp(int(payload["iat"]), tz=now.tzinfo)
        if "iat" in payload
        else None,
    )
