"""How every built-in provider reads an answer that should be a JSON object.

The one rule, so the platform sees the same thing from every provider: an answer that is not a
JSON object is a transient failure (``RETRY`` ``PROVIDER_ERROR``) when its HTTP status is 5xx,
because gateways in front of the providers answer HTML while a service restarts; any other
unreadable answer raises :class:`ProviderFailure`, since retrying it would not make it readable.
An unreadable answer to an access-token request always raises (it has no :class:`SendResult`).
"""

from __future__ import annotations

import json
from typing import Any

from plugins.channels import HttpResponse, ProviderFailure, SendOutcome, SendResult

__all__ = ["json_object", "send_answer"]


def json_object(response: HttpResponse) -> dict[str, Any] | None:
    """The answer's JSON object, or None when the body is not one."""
    try:
        body = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def send_answer(response: HttpResponse, provider: str) -> dict[str, Any] | SendResult:
    """The JSON object of an answer to a send, or the :class:`SendResult` of an unreadable 5xx."""
    body = json_object(response)
    if body is not None:
        return body
    if response.status >= 500:
        return SendResult(
            SendOutcome.RETRY,
            reason="PROVIDER_ERROR",
            code=f"HTTP {response.status}",
            detail=f"{provider} answered HTTP {response.status} without a readable body.",
        )
    raise ProviderFailure(
        "PROVIDER_ERROR",
        f"{provider} answered HTTP {response.status} with a body that is not a JSON object.",
        code=f"HTTP {response.status}",
    )
