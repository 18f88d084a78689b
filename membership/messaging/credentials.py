"""Provider credentials, sealed at rest.

Credentials are encrypted with AES-256-GCM under a key derived from
``MEMBERSHIP_CREDENTIALS_KEY`` (or, when unset in development, from the JWT secret), with the tenant
and channel as associated data: a sealed value copied to another tenant's or channel's row does
not open. Only the send path opens them; the API shows a hint (the non-secret fields and the
last four characters of each secret), never a secret.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Mapping

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from membership.settings import get_settings

__all__ = ["hint", "open_credentials", "seal_credentials"]

_VERSION = b"\x01"


def _key() -> bytes:
    settings = get_settings()
    material = settings.credentials_key or settings.jwt_secret
    return hashlib.sha256(b"membership-credentials:" + material.encode()).digest()


def _aad(tenant_id: uuid.UUID, channel: str) -> bytes:
    return f"{tenant_id}:{channel}".encode()


def seal_credentials(tenant_id: uuid.UUID, channel: str, values: Mapping[str, str]) -> bytes:
    nonce = os.urandom(12)
    plain = json.dumps(dict(values), sort_keys=True).encode()
    return _VERSION + nonce + AESGCM(_key()).encrypt(nonce, plain, _aad(tenant_id, channel))


def open_credentials(tenant_id: uuid.UUID, channel: str, sealed: bytes) -> dict[str, str]:
    if not sealed or sealed[:1] != _VERSION:
        raise ValueError("sealed credentials of an unknown version")
    nonce, box = sealed[1:13], sealed[13:]
    opened = json.loads(AESGCM(_key()).decrypt(nonce, box, _aad(tenant_id, channel)))
    return {str(k): str(v) for k, v in opened.items()}


def hint(values: Mapping[str, str], secret_fields: set[str]) -> dict[str, str]:
    """What may be shown of credentials: plain values, and secrets as ``••••`` + last four."""
    return {
        name: ("••••" + value[-4:] if name in secret_fields else value)
        for name, value in values.items()
    }
