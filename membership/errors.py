"""Expected failures: a domain raises ``DomainError``; the API turns it into a ``UserError``."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

__all__ = ["DomainError", "DomainErrors", "ErrorCode"]


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    COUPON_NOT_APPLICABLE = "COUPON_NOT_APPLICABLE"
    COUPON_ALREADY_REDEEMED = "COUPON_ALREADY_REDEEMED"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PLUGIN_FAILED = "PLUGIN_FAILED"


class DomainError(Exception):
    """An expected failure: a stable code, the offending input path, and a message to show.

    ``message`` is an English template; ``params`` fill it. The API shows it in the caller's
    language from the catalogue in ``membership.messages``, keyed by the template.
    """

    def __init__(
        self, code: ErrorCode, message: str, field: Sequence[str] | None = None, **params: object
    ) -> None:
        self.template = message
        self.params = params
        self.message = message.format(**params) if params else message
        super().__init__(self.message)
        self.code = code
        self.field = list(field) if field is not None else None

    def __repr__(self) -> str:
        return f"DomainError({self.code.value}, {self.message!r}, field={self.field})"


class DomainErrors(DomainError):
    """Several validation failures found at once (every bad field is reported, not only the first)."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        first = errors[0]
        super().__init__(first.code, first.template, first.field, **first.params)
        self.errors = list(errors)
