"""Provider credentials, sealed at rest.

Credentials are encrypted with AES-256-GCM under a key derived from
``MEMBERSHIP_CREDENTIALS_KEY`` (or, when unset in development, from the JWT secret), with the tenant
and channel as associated data: a sealed value copied to another tenant's or channel's row does
not open. Only the send path opens them; the API shows a hint (the non-secret fields and the
last four characters of each secret), never a secret.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from membership.sealing import open_sealed, seal

__all__ = ["hint", "open_credentials", "seal_credentials"]


def seal_credentials(tenant_id: uuid.UUID, channel: str, values: Mapping[str, str]) -> bytes:
    return seal(tenant_id, channel, values)


def open_credentials(tenant_id: uuid.UUID, channel: str, sealed: bytes) -> dict[str, str]:
    return open_sealed(tenant_id, channel, sealed)


def hint(values: Mapping[str, str], secret_fields: set[str]) -> dict[str, str]:
    """What may be shown of credentials: plain values, and secrets as ``••••`` + last four."""
    return {
        name: ("••••" + value[-4:] if name in secret_fields else value)
        for name, value in values.items()
    }
