"""Refuse text PostgreSQL cannot store, for every argument of the API, before any resolver runs.

A NUL character or an unpaired surrogate in any string argument (at any depth: inputs, lists,
JSON) is an ``INVALID`` failure naming the argument's path as the API spells it, e.g.
``["input", "name"]`` or ``["items", "0", "sku"]``. A field whose type is a payload that can be
made from ``errors`` alone answers it there, as every mutation does its expected failures; any
other field raises it, so the caller gets a GraphQL error with ``extensions.code`` ``INVALID``.

``refuse_unstorable_text`` puts the check on every field that takes arguments, once, when the
schema is built. It costs a walk over the arguments of those fields only, never over results,
and a second walk, naming the paths, only when something is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from operator import attrgetter
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

__all__ = [
    "StorableTextOnly",
    "holds_unstorable_text",
    "refuse_unstorable_text",
    "unstorable_paths",
]

Segment: TypeAlias = str | HasGraphQLName  # an index or key, or a field named on output


# The walk every call makes only answers whether any text is unstorable: it builds no paths and
# learns once per class how to look inside its values. Only a refusal walks again, with ``_scan``,
# to name the paths, so what a refusal says is decided by ``_scan`` alone.
_SKIP = 0  # holds no text
_TEXT = 1
_ITEMS = 2  # a list or tuple
_JSON = 3  # a dict
# Or a getter of the field values of a strawberry input or a dataclass, as a tuple.
_Kind: TypeAlias = int | Callable[[Any], tuple[object, ...]]
_KINDS: dict[type, _Kind] = {str: _TEXT, type(None): _SKIP, type(UNSET): _SKIP, int: _SKIP}


def _classify(cls: type) -> _Kind:
    """How values of ``cls`` hold text, decided as ``_scan`` decides for each value."""
    if issubclass(cls, str):
        return _TEXT
    if issubclass(cls, (int, float, type)):
        return _SKIP
    if issubclass(cls, (list, tuple)):
        return _ITEMS
    if issubclass(cls, dict):
        return _JSON
    definition = getattr(cls, "__strawberry_definition__", None)
    if isinstance(definition, StrawberryObjectDefinition):
        return _getter(tuple(field.python_name for field in definition.fields))
    if dataclasses.is_dataclass(cls):
        return _getter(tuple(item.name for item in dataclasses.fields(cls)))
    return _SKIP


def _getter(names: tuple[str, ...]) -> _Kind:
    if not names:
        return _SKIP
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda value: (one(value),)
    getter: Callable[[Any], tuple[object, ...]] = attrgetter(*names)
    return getter


def _holds(value: Any) -> bool:
    kind = _KINDS.get(type(value))
    if kind is None:
        kind = _KINDS[type(value)] = _classify(type(value))
    if kind is _TEXT:
        return not is_storable(value)
    if kind is _SKIP:
        return False
    if kind is _JSON:
        for key in value:
            if isinstance(key, str) and not is_storable(key):
                return True
        children = value.values()
    elif kind is _ITEMS:
        children = value
    else:
        try:
            children = kind(value)  # type: ignore[operator]
        except AttributeError:
            return True  # a field left unset: the exact walk decides what that means
    for item in children:
        cls = type(item)  # most values are text, numbers or nothing: decided here, without a call
        if cls is str:
            if not is_storable(item):
                return True
        elif item is not None and cls is not int and _holds(item):
            return True
    return False


def holds_unstorable_text(arguments: dict[str, Any]) -> bool:
    """Whether ``unstorable_paths`` would find anything in ``arguments``, without naming it.

    It may answer ``True`` where the paths are empty only for an object missing one of its
    fields; it never answers ``False`` where they are not.
    """
    for value in arguments.values():
        if type(value) is str:
            if not is_storable(value):
                return True
        elif value is not None and _holds(value):
            return True
    return False


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
        if not holds_unstorable_text(kwargs):
            return None
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
