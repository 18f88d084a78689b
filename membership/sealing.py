"""Secrets sealed at rest: AES-256-GCM under a key derived from ``MEMBERSHIP_CREDENTIALS_KEY`` (or,
when unset in development, from the JWT secret), with the tenant and what the secret is for as
associated data, so a sealed value copied to another tenant's or purpose's row does not open.

Used for channel providers' credentials and for the secret fields of plugins' configurations.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Mapping

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from membership.settings import get_settings

__all__ = ["open_sealed", "seal"]

_VERSION = b"\x01"


def _key() -> bytes:
    settings = get_settings()
    material = settings.credentials_key or settings.jwt_secret
    return hashlib.sha256(b"membership-credentials:" + material.encode()).digest()


def _aad(tenant_id: uuid.UUID, purpose: str) -> bytes:
    return f"{tenant_id}:{purpose}".encode()


def seal(tenant_id: uuid.UUID, purpose: str, values: Mapping[str, str]) -> bytes:
    """``values`` sealed for the tenant and ``purpose`` (a channel, ``plugin:<name>``)."""
    nonce = os.urandom(12)
    plain = json.dumps(dict(values), sort_keys=True).encode()
    return _VERSION + nonce + AESGCM(_key()).encrypt(nonce, plain, _aad(tenant_id, purpose))


def open_sealed(tenant_id: uuid.UUID, purpose: str, sealed: bytes) -> dict[str, str]:
    """What :func:`seal` sealed for this tenant and purpose; raises on anything else."""
    if not sealed or sealed[:1] != _VERSION:
        raise ValueError("sealed values of an unknown version")
    nonce, box = sealed[1:13], sealed[13:]
    opened = json.loads(AESGCM(_key()).decrypt(nonce, box, _aad(tenant_id, purpose)))
    return {str(k): str(v) for k, v in opened.items()}
