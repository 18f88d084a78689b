"""What a plugin's strawberry types and resolvers use, so they behave like the platform's own.

* ``Info``: the resolver's info; ``info.context.auth`` is the request context every
  :mod:`plugins.api` function takes first, ``info.context.language`` the caller's language.
* ``returns_errors(Payload)``: a resolver decorated with it turns expected failures
  (``DomainError``) into ``Payload(errors=[UserError…])``, with the message in the caller's
  language, like every mutation of the platform.
* ``parse_id``: an ``ID`` argument as a UUID (a malformed one is NOT_FOUND at its field).
* ``UserError``, ``JSON`` and ``Long`` (64-bit integers: money in minor units, points).
* ``batched(info, name, load)``: a DataLoader made once per request, so a field the plugin adds
  to every member of a page asks the database once for the page, not once per member.
* ``Member`` (the platform's type, for a plugin's field that returns one) and
  ``load_member(info, member_id)``, batched across the request; ``PageInfo`` and
  ``page_info(cursors, has_next=…, has_previous=…)`` for a plugin's connections.
* ``member_id_of(self)`` / ``order_id_of(self)``: in a field a plugin adds to ``Member`` or
  ``Order`` (``GraphQLAdditions.extend``), the id of the object the field is asked on.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.errors import UserError
from schema.scalars import JSON, Long
from schema.types.common import PageInfo, page_info
from schema.types.members import Member
from schema.types.orders import Order

__all__ = [
    "JSON",
    "Info",
    "Long",
    "Member",
    "PageInfo",
    "UserError",
    "batched",
    "load_member",
    "member_id_of",
    "order_id_of",
    "page_info",
    "parse_id",
    "returns_errors",
]


def member_id_of(member: object) -> uuid.UUID:
    """The id of the ``Member`` a plugin's field is resolved on."""
    if not isinstance(member, Member):
        raise TypeError("member_id_of takes the Member a field of Member is resolved on")
    return member._row.id


def order_id_of(order: object) -> uuid.UUID:
    """The id of the ``Order`` a plugin's field is resolved on."""
    if not isinstance(order, Order):
        raise TypeError("order_id_of takes the Order a field of Order is resolved on")
    return order._row.id


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def batched(
    info: Info, name: str, load: Callable[[list[K]], Awaitable[Sequence[V]]]
) -> DataLoader[K, V]:
    """The request's DataLoader called ``name`` (prefix it with the plugin's name), made on first
    use with ``load``: given the keys, the values in the same order."""
    loaders: dict[str, DataLoader[Any, Any]] = info.context._loaders
    key = f"plugin:{name}"
    loader = loaders.get(key)
    if loader is None:
        loader = loaders[key] = DataLoader(load_fn=load)
    return loader


async def load_member(info: Info, member_id: uuid.UUID) -> Member | None:
    """The platform's ``Member`` of that id in the caller's tenant (None when absent), loaded
    with every other member the request asks for in one query."""
    row = await info.context.member_loader.load(member_id)
    return None if row is None else Member(_row=row)
