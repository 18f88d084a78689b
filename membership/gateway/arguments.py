"""The call of a hot root field's resolver, prepared when its operation is compiled.

Strawberry converts a field's arguments on every request with a generic converter that
inspects each type as it walks the value, then reshapes them for the resolver and builds its
field extension chain. For a compiled operation all of that depends only on the field, so it is
done once here: a converter per argument made from the strawberry argument types, the
parameters the resolver asks for, and the extension chain. Per request only the values are
converted and the chain is called, with the same results as strawberry's own path (see
``strawberry.types.arguments.convert_argument`` and ``GraphQLCoreConverter.from_resolver``):

- an optional type converts its inner type, ``None`` stays ``None`` and ``UNSET`` stays
  ``UNSET`` at any depth;
- leaf scalars and enums are used as graphql-core coerced them; a list of them is copied (a
  default value is shared by every request that omits the argument);
- an input object is made from its fields present in the value, the others without a default
  being ``None``.

A type whose conversion is not plain (``Maybe``, ``GlobalID``, an input with ``from_input``,
anything strawberry would refuse) raises ``Unsupported``, and so does a field with exception
handlers; such an operation runs through strawberry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from functools import partial, reduce
from typing import Any, TypeAlias

import strawberry
from graphql import GraphQLResolveInfo
from strawberry.extensions.field_extension import FieldExtension, build_field_extension_resolvers
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryOptional,
    has_object_definition,
)
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

__all__ = ["ArgumentsConverter", "RootCall", "Unsupported", "arguments_converter", "root_call"]


class Unsupported(Exception):
    """The document needs something the compiler does not do; strawberry runs it."""


# A value's converter; None where the value is used as it is (leaves and enums).
Converter: TypeAlias = Callable[[Any], Any] | None
ArgumentsConverter: TypeAlias = Callable[[Mapping[str, Any]], dict[str, Any]]
# Calls the root field's resolver with the request's info and coerced GraphQL arguments.
RootCall: TypeAlias = Callable[[GraphQLResolveInfo[Any], Mapping[str, Any]], Any]


class _Converters:
    """Builds converters for one schema, each input type's once (recursive inputs included)."""

    def __init__(self, schema: strawberry.Schema) -> None:
        self.scalar_registry = schema.schema_converter.scalar_registry
        self.names: NameConverter = schema.schema_converter.config.name_converter
        self.objects: dict[type, Converter] = {}
        self.building: dict[type, list[Callable[[Any], Any]]] = {}

    def of(self, type_: object, where: str) -> Converter:
        """The converter of a value of the strawberry type ``type_``."""
        # Maybe extends Optional and wraps its value in Some: not converted here.
        if isinstance(type_, StrawberryMaybe):
            raise Unsupported(f"{where}: a Maybe argument")
        if isinstance(type_, StrawberryOptional):
            return self.of(type_.of_type, where)
        if isinstance(type_, StrawberryList):
            item = self.of(type_.of_type, where)
            return _copy_list if item is None else _list_converter(item)
        if type_ is GlobalID:
            raise Unsupported(f"{where}: a GlobalID argument")
        if is_scalar(type_, self.scalar_registry) or isinstance(type_, StrawberryEnumDefinition):
            return None
        if isinstance(type_, LazyType):
            return self.of(type_.resolve_type(), where)
        if has_enum_definition(type_):
            return None
        if has_object_definition(type_):
            return self._object(type_, where)
        raise Unsupported(f"{where}: an argument of type {type_!r}")

    def _object(self, cls: type, where: str) -> Converter:
        if cls in self.objects:
            return self.objects[cls]
        if cls in self.building:  # an input holding itself: bind to the converter once made
            cell = self.building[cls]
            return lambda value: cell[0](value)
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        if definition.from_input is not None:
            raise Unsupported(f"{where}: {cls.__name__} builds itself from its input")
        self.building[cls] = cell = []
        try:
            # Fields without a default are None unless given (graphql-core already refused a
            # missing required one), as strawberry does for inputs only.
            implicit: dict[str, Any] = (
                {
                    f.python_name: None
                    for f in definition.fields
                    if f.default_value is MISSING and f.default_factory is MISSING
                }
                if definition.is_input
                else {}
            )
            fields = tuple(
                (
                    self.names.from_field(f),
                    f.python_name,
                    self.of(f.resolve_type(type_definition=definition), f"{where}.{f.name}"),
                )
                for f in definition.fields
            )
        finally:
            del self.building[cls]
        converter = _object_converter(cls, implicit, fields)
        cell.append(converter)
        self.objects[cls] = converter
        return converter


def _copy_list(value: Any) -> Any:
    if value is None or value is UNSET:
        return value
    return list(value)


def _list_converter(item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None or value is UNSET:
            return value
        return [item(entry) for entry in value]

    return convert


def _object_converter(
    cls: type, implicit: dict[str, Any], fields: tuple[tuple[str, str, Converter], ...]
) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None or value is UNSET:
            return value
        kwargs = implicit.copy()
        for graphql_name, python_name, field_converter in fields:
            if graphql_name in value:
                given = value[graphql_name]
                kwargs[python_name] = given if field_converter is None else field_converter(given)
        return cls(**kwargs)

    return convert


def arguments_converter(schema: strawberry.Schema, field: StrawberryField) -> ArgumentsConverter:
    """The Python keyword arguments of ``field`` from its coerced GraphQL arguments, as
    strawberry's ``convert_arguments`` makes them; raises Unsupported for a type it does not
    convert."""
    converters = _Converters(schema)
    names = converters.names
    arguments = tuple(
        (
            names.from_argument(argument),
            argument.python_name,
            converters.of(argument.type, f"{field.name}({argument.python_name})"),
        )
        for argument in field.arguments
    )

    def convert(values: Mapping[str, Any]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        for graphql_name, python_name, converter in arguments:
            if graphql_name in values:
                given = values[graphql_name]
                kwargs[python_name] = given if converter is None else converter(given)
        return kwargs

    return convert


def root_call(schema: strawberry.Schema, field: StrawberryField) -> RootCall:
    """Call the resolver of the root field ``field`` as strawberry's resolver wrapper does:
    strawberry's Info, the converted arguments reshaped by the field's extensions, the
    resolver's own parameters, then the extension chain ending in the resolver.

    What is the same for every request (the converters, the extension chain) is made here. The
    result may be awaitable, as the wrapper's is.
    """
    converter = schema.schema_converter
    where = field.name
    if converter._get_field_exception_handlers(field):
        raise Unsupported(f"{where}: exception handlers")
    resolver = field.base_resolver
    if resolver is None:
        raise Unsupported(f"{where}: a root field without a resolver")
    convert = arguments_converter(schema, field)
    info_class = converter.config.info_class
    mappers = tuple(
        extension.map_arguments
        for extension in field.extensions
        if type(extension).map_arguments is not FieldExtension.map_arguments
    )
    # The root's source is None, so what the resolver gets for its self, parent and root
    # parameters is known now.
    field_args: list[Any] = [None] if resolver.self_parameter else []
    sources = tuple(
        parameter.name
        for parameter in (resolver.parent_parameter, resolver.root_parameter)
        if parameter is not None
    )
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    extension_functions = build_field_extension_resolvers(field)

    def chain(requested_info: bool) -> Callable[..., Any]:
        # strawberry takes a keyword named ``info`` out of the extensions' view and puts it
        # back for the resolver; one chain for each case, composed as strawberry composes it.
        def get_result(_source: Any, info: Any, **kwargs: Any) -> Any:
            if requested_info:
                kwargs["info"] = info
            return field.get_result(_source, info=info, args=field_args, kwargs=kwargs)

        return reduce(
            lambda chained_fn, next_fn: partial(next_fn, chained_fn),
            extension_functions,
            get_result,
        )

    chains = (chain(False), chain(True))

    def call(raw_info: GraphQLResolveInfo[Any], values: Mapping[str, Any]) -> Any:
        info = info_class(_raw_info=raw_info, _field=field)
        # A conversion error propagates before any extension or the resolver runs, as in
        # strawberry's wrapper.
        kwargs = convert(values)
        for mapper in mappers:
            kwargs = mapper(kwargs)
        for name in sources:
            kwargs[name] = None
        if info_name is not None:
            kwargs[info_name] = info
        requested_info = "info" in kwargs
        if requested_info:
            kwargs.pop("info")
        return chains[requested_info](None, info, **kwargs)

    return call
