"""Refuse text PostgreSQL cannot store, for every argument of the API, before any resolver runs.

A NUL character or an unpaired surrogate in any string argument (at any depth: inputs, lists,
JSON) is an ``INVALID`` failure naming the argument's path as the API spells it, e.g.
``["input", "name"]`` or ``["items", "0", "sku"]``. A field whose type is a payload that can be
made from ``errors`` alone answers it there, as every mutation does its expected failures; any
other field raises it, so the caller gets a GraphQL error with ``extensions.code`` ``INVALID``.

``refuse_unstorable_text`` puts the check on every field that takes arguments, once, when the
schema is built. It costs a walk over the arguments of those fields only, never over results.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeAlias

from strawberry import UNSET
from strawberry.extensions import FieldExtension
from strawberry.schema.name_converter import HasGraphQLName, NameConverter
from strawberry.types import Info
from strawberry.types.base import (
    StrawberryContainer,
    StrawberryObjectDefinition,
    get_object_definition,
)
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType
from strawberry.types.union import StrawberryUnion
from strawberry.utils.str_converters import to_camel_case

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.storable_text import is_storable
from schema.errors import user_errors

__all__ = ["StorableTextOnly", "refuse_unstorable_text", "unstorable_paths"]

Segment: TypeAlias = str | HasGraphQLName  # an index or key, or a field named on output


def _scan(value: object, path: tuple[Segment, ...], found: list[tuple[Segment, ...]]) -> None:
    if isinstance(value, str):
        if not is_storable(value):
            found.append(path)
    elif value is None or value is UNSET or isinstance(value, (int, float)):
        return
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _scan(item, (*path, str(index)), found)
    elif isinstance(value, dict):  # a JSON argument
        for key, item in value.items():
            if isinstance(key, str) and not is_storable(key):
                found.append(path)
            else:
                _scan(item, (*path, str(key)), found)
    elif isinstance(value, type):
        return
    elif isinstance(
        definition := getattr(value, "__strawberry_definition__", None), StrawberryObjectDefinition
    ):
        for field in definition.fields:  # a strawberry input (not an enum, which has one too)
            _scan(getattr(value, field.python_name, None), (*path, field), found)
    elif dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            _scan(getattr(value, item.name), (*path, to_camel_case(item.name)), found)


def unstorable_paths(
    arguments: dict[str, Any], names: dict[str, HasGraphQLName], converter: NameConverter
) -> list[list[str]]:
    """The API path of every text in ``arguments`` that PostgreSQL could not store.

    ``names`` maps an argument's Python name to the argument, for its GraphQL name.
    """
    found: list[tuple[Segment, ...]] = []
    for name, value in arguments.items():
        _scan(value, (names.get(name, name),), found)
    return [
        [s if isinstance(s, str) else converter.get_graphql_name(s) for s in path] for path in found
    ]


class StorableTextOnly(FieldExtension):
    """Refuse the field's arguments when they hold text PostgreSQL cannot store."""

    def apply(self, field: StrawberryField) -> None:
        self._arguments: dict[str, HasGraphQLName] = {a.python_name: a for a in field.arguments}
        self._payload = _payload_type(field)

    def _refusal(self, info: Info, kwargs: dict[str, Any]) -> object | None:
        paths = unstorable_paths(kwargs, self._arguments, info.schema.config.name_converter)
        if not paths:
            return None
        errors = [
            DomainError(
                ErrorCode.INVALID,
                "Text must not contain NUL characters or unpaired surrogates (U+D800 to U+DFFF).",
                path,
            )
            for path in paths
        ]
        error = errors[0] if len(errors) == 1 else DomainErrors(errors)
        if self._payload is None:
            raise error
        payload: object = self._payload(
            errors=user_errors(error, getattr(info.context, "language", "en"))
        )
        return payload

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        refused = self._refusal(info, kwargs)
        return next_(source, info, **kwargs) if refused is None else refused

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        refused = self._refusal(info, kwargs)
        return await next_(source, info, **kwargs) if refused is None else refused


def _payload_type(field: StrawberryField) -> type | None:
    """The field's type if it is a payload made from ``errors`` alone (as mutations' are)."""
    for named in _named_types(field.type):
        if (
            isinstance(named, type)
            and get_object_definition(named) is not None
            and dataclasses.is_dataclass(named)
            and any(f.name == "errors" for f in dataclasses.fields(named))
            and all(
                f.name == "errors"
                or f.default is not dataclasses.MISSING
                or f.default_factory is not dataclasses.MISSING
                for f in dataclasses.fields(named)
            )
        ):
            return named
    return None


def _named_types(type_: object) -> Iterator[object]:
    if isinstance(type_, StrawberryContainer):
        yield from _named_types(type_.of_type)
    elif isinstance(type_, StrawberryUnion):
        for member in type_.types:
            yield from _named_types(member)
    elif isinstance(type_, LazyType):
        yield from _named_types(type_.resolve_type())
    else:
        yield type_


def refuse_unstorable_text(*roots: type) -> None:
    """Check the arguments of every field that takes any, from these root types down.

    Call it before the schema is built (the extension must be on the fields when strawberry
    converts them); calling it again adds nothing.
    """
    seen: set[int] = set()
    pending: list[object] = list(roots)
    while pending:
        definition = get_object_definition(pending.pop())
        if definition is None or definition.is_input or id(definition) in seen:
            continue
        seen.add(id(definition))
        for field in definition.fields:
            if field.arguments and not any(
                isinstance(e, StorableTextOnly) for e in field.extensions
            ):
                field.extensions.append(StorableTextOnly())
            pending.extend(_named_types(field.type))
