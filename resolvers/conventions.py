"""How every resolver behaves: ids, and domain errors turned into payload errors."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from membership.errors import DomainError, ErrorCode
from membership.members import identities
from schema.errors import user_errors
from schema.types.messaging import IdentityInput
from tenants.context import RequestContext

__all__ = ["named_member", "parse_id", "returns_errors"]

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


async def named_member(
    ctx: RequestContext,
    member_id: str | None,
    phone: str | None,
    identity: IdentityInput | None,
) -> uuid.UUID:
    """The member an input names by ``memberId``, ``memberPhone`` or ``memberIdentity`` (a POS
    or mini-program may know only the phone or an openid); an id costs no query."""
    return await identities.resolve_member(
        ctx,
        member_id=parse_id(member_id, ["input", "memberId"]) if member_id is not None else None,
        phone=phone,
        identity=identities.IdentityKey(identity.provider, identity.app_id, identity.subject)
        if identity is not None
        else None,
        path=["input"],
    )
