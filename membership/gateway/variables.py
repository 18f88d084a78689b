"""A compiled plan's variables, coerced by functions made once from the operation's definitions.

graphql-core coerces a request's variables by walking each value against its type, asking of
every node whether it is a non-null, a list, an input object or a leaf. A plan knows its
variables' types in advance, so each variable gets a function that makes the same walk without
asking: ``coerce`` gives exactly what ``graphql.execution.values.get_variable_values`` gives
for variables that coerce. For any that do not (a missing required variable, a value of the
wrong type, an unknown input field), it gives None, and the caller asks graphql-core, whose
errors are the ones the API reports. Nothing is reported from here, so there is one wording of
every variable error.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    Undefined,
    VariableDefinitionNode,
    is_leaf_type,
    is_required_input_field,
)
from graphql.execution.get_variable_signature import get_variable_signature
from graphql.execution.values import VariableValues, VariableValueSource
from graphql.language.parser import MAX_NESTING_DEPTH
from graphql.pyutils import is_iterable
from graphql.utilities.coerce_input_value import coerce_default_value

__all__ = ["VariablesUnsupported", "compile_variables"]

Coerce = Callable[[Any], Any]  # a value → its coerced value, or Undefined


class VariablesUnsupported(Exception):
    """The definitions need what the compiled coercion does not do; graphql-core coerces."""


def compile_variables(
    schema: GraphQLSchema, definitions: Collection[VariableDefinitionNode]
) -> Callable[[dict[str, Any]], VariableValues | None]:
    """The coercion of these variable definitions: the request's variables → graphql-core's
    ``VariableValues``, or None when graphql-core must answer (an error to report)."""
    specs = []
    for node in definitions:
        signature = get_variable_signature(schema, node)
        if isinstance(signature, GraphQLError):
            raise VariablesUnsupported(signature.message)
        if node.default_value is not None:
            raise VariablesUnsupported(f"${signature.name} has a default value")
        if _depth(signature.type, ()) >= MAX_NESTING_DEPTH:
            raise VariablesUnsupported(f"${signature.name} nests too deeply")
        specs.append(
            (
                signature.name,
                signature,
                _coercer(signature.type),
                isinstance(signature.type, GraphQLNonNull),
            )
        )

    def coerce(inputs: dict[str, Any]) -> VariableValues | None:
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        for name, signature, coerce_value, required in specs:
            value = inputs.get(name, Undefined)
            if value is Undefined:
                if required:
                    return None
                sources[name] = VariableValueSource(signature)
                continue
            sources[name] = VariableValueSource(signature, value)
            result = coerce_value(value)
            if result is Undefined:
                return None
            coerced[name] = result
        return VariableValues(sources, coerced)

    return coerce


def _depth(type_: GraphQLInputType, seen: tuple[str, ...]) -> int:
    """How deep a value of the type can nest (an input type that contains itself is refused)."""
    if isinstance(type_, GraphQLNonNull):
        return _depth(type_.of_type, seen)
    if isinstance(type_, GraphQLList):
        return 1 + _depth(type_.of_type, seen)
    if isinstance(type_, GraphQLInputObjectType):
        if type_.name in seen:
            raise VariablesUnsupported(f"{type_.name} contains itself")
        inner = [_depth(f.type, (*seen, type_.name)) for f in type_.fields.values()]
        return 1 + max(inner, default=0)
    return 0


def _coercer(type_: GraphQLInputType) -> Coerce:
    """graphql-core's ``coerce_input_value`` for one type, its questions answered in advance."""
    if isinstance(type_, GraphQLNonNull):
        inner = _coercer(type_.of_type)

        def non_null(value: Any) -> Any:
            if value is None or value is Undefined:
                return Undefined
            return inner(value)

        return non_null
    if isinstance(type_, GraphQLList):
        return _list_coercer(_coercer(type_.of_type))
    if isinstance(type_, GraphQLInputObjectType):
        return _object_coercer(type_)
    if is_leaf_type(type_):
        coerce_leaf = type_.coerce_input_value  # type: ignore[union-attr]

        def leaf(value: Any) -> Any:
            if value is None or value is Undefined:
                return None
            try:
                return coerce_leaf(value)
            except Exception:  # graphql-core's answer: no value (its error comes later)
                return Undefined

        return leaf
    raise VariablesUnsupported(f"{type_} is not an input type")


def _list_coercer(item: Coerce) -> Coerce:
    def coerce_list(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if not is_iterable(value):
            # a non-list value is a list of one
            one = item(value)
            return Undefined if one is Undefined else [one]
        out = []
        for entry in value:
            coerced = item(entry)
            if coerced is Undefined:
                return Undefined
            out.append(coerced)
        return out

    return coerce_list


def _object_coercer(type_: GraphQLInputObjectType) -> Coerce:
    if type_.is_one_of:
        raise VariablesUnsupported(f"{type_.name} is a oneOf input")
    fields = type_.fields
    # (name, out name, coercion, required, the field for its default)
    plan = [
        (
            name,
            field.out_name or name,
            _coercer(field.type),
            is_required_input_field(field),
            field,
        )
        for name, field in fields.items()
    ]
    out_type = type_.out_type

    def coerce_object(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if not isinstance(value, dict):
            return Undefined
        for key, given in value.items():
            if key not in fields and given is not Undefined:
                return Undefined
        coerced: dict[str, Any] = {}
        for name, out_name, coerce_field, required, field in plan:
            given = value.get(name, Undefined)
            if given is Undefined:
                if required:
                    return Undefined
                default = coerce_default_value(field)
                if default is not Undefined:
                    coerced[out_name] = default
                continue
            result = coerce_field(given)
            if result is Undefined:
                return Undefined
            coerced[out_name] = result
        return out_type(coerced)

    return coerce_object
