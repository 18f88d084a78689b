"""How every resolver behaves: ids, and domain errors turned into payload errors."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from membership.errors import DomainError, ErrorCode
from schema.errors import user_errors

__all__ = ["parse_id", "returns_errors"]

P = ParamSpec("P")
T = TypeVar("T")


def parse_id(value: str, field: list[str]) -> uuid.UUID:
    """An id of this API; a malformed one is reported like an unknown one (NOT_FOUND)."""
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise DomainError(ErrorCode.NOT_FOUND, "No such object in this tenant.", field) from exc


def returns_errors(
    payload: Callable[..., T],
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Turn expected failures raised by a service into ``payload(errors=[...])``."""

    def decorate(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(resolver)
        async def wrapped(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await resolver(*args, **kwargs)
            except DomainError as exc:
                info = kwargs.get("info")
                language = getattr(getattr(info, "context", None), "language", "en")
                result: Any = payload(errors=user_errors(exc, language))
                return result  # type: ignore[no-any-return]

        return wrapped

    return decorate
