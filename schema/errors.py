"""``UserError``: expected failures returned as data in every mutation payload."""

from __future__ import annotations

from enum import Enum

import strawberry

from membership.errors import DomainError, DomainErrors
from membership.messages import localized

__all__ = ["ErrorCode", "UserError", "user_errors"]


@strawberry.enum(description="Stable codes for expected failures.")
class ErrorCode(Enum):
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


@strawberry.type
class UserError:
    code: ErrorCode
    field: list[str] | None = strawberry.field(
        description='Path of the offending input field, e.g. ["input", "phone"].'
    )
    message: str


def user_errors(exc: DomainError, language: str = "en") -> list[UserError]:
    """Every failure of ``exc``, its message in ``language`` (zh-CN or en)."""
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [
        UserError(code=ErrorCode(e.code.value), field=e.field, message=localized(e, language))
        for e in errors
    ]
