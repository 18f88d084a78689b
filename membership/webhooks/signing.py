"""Standard Webhooks signatures: the secret an endpoint gets and the headers a delivery carries.

The signing itself is the ``standardwebhooks`` library's, the same code receivers verify with, so
both sides agree on the signed content (``<msg_id>.<timestamp>.<body>``) and encoding.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from math import floor
from secrets import token_bytes

from standardwebhooks import Webhook

__all__ = ["SECRET_PREFIX", "USER_AGENT", "headers", "new_secret", "signature_header"]

SECRET_PREFIX = "whsec_"
USER_AGENT = "Membership-Webhooks/1.0"
# 24 random bytes (192 bits), within the 24 to 64 the specification recommends
_SECRET_BYTES = 24


def new_secret() -> str:
    """A new signing secret: ``whsec_`` and the base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(token_bytes(_SECRET_BYTES)).decode("ascii")


def signature_header(
    secrets: Sequence[str], msg_id: str, timestamp: datetime, body: bytes | str
) -> str:
    """The ``webhook-signature`` value: one ``v1,<base64>`` signature per secret, space-separated.

    During a secret rotation pass the new and the previous secret; a receiver accepts the delivery
    when any signature matches the secret it knows. ``timestamp`` must be timezone-aware (a naive
    one would be read as UTC by the library and could disagree with ``webhook-timestamp``).
    """
    if isinstance(secrets, str):
        raise TypeError("pass a sequence of secrets, not one secret")
    if not secrets:
        raise ValueError("at least one secret must sign a delivery")
    _require_aware(timestamp)
    # Constructing a Webhook only base64-decodes the secret, so it is not cached: a cache would
    # keep every tenant's secrets in process memory for no measurable gain.
    return " ".join(Webhook(secret).sign(msg_id, timestamp, body) for secret in secrets)


def headers(
    secrets: Sequence[str], msg_id: str, timestamp: datetime, body: bytes | str
) -> dict[str, str]:
    """Every header of a delivery: id, timestamp, signature, content type and user agent.

    ``msg_id`` is the event's id, the same on every attempt, so receivers can deduplicate.
    """
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(floor(timestamp.timestamp())),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def _require_aware(timestamp: datetime) -> None:
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise ValueError("the delivery timestamp must be timezone-aware")
