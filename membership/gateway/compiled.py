"""Compiled execution of the hot persisted operations.

A registered document whose root fields are all on the hot list (the calls a till or a POS makes
thousands of times an hour) is compiled once into a plan:

- the document is parsed and validated once, with the API's own rules and limits;
- per request, the variables are coerced once, by functions made from their definitions
  (``membership.gateway.variables``; graphql-core's own coercion reports any error), and each
  root field's resolver is called once, as strawberry calls it but through a call prepared at compile time
  (``membership.gateway.arguments``): the same converted arguments, the same strawberry field
  extensions, the same service call, permissions and audit;
- the result is written in the document's shape by serializers made in advance from the
  selection set: a field without a resolver is an attribute read, a field with one calls that
  resolver function directly, leaves are serialized by the schema's own scalar and enum types.
  No per-field dispatch through graphql-core or strawberry remains.

Errors come back as the GraphQL path would return them: located on their field and path, null
propagated to the nearest nullable field, domain errors localised with their code and field,
anything unexpected masked (``membership.api_schema.finish_errors`` for both paths).

A document the compiler does not support (another root field, arguments or directives below the
root, abstract types, fields with extensions or permission classes, an async resolver inside a
list, a root argument whose conversion is not plain) gets no plan, with the reason, and runs
through strawberry as any document does.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard, cast

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    is_leaf_type,
    located_error,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import Path
from strawberry.extensions import SchemaExtension
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info

from membership.api_schema import finish_errors, observe_result, parse_and_validate
from membership.gateway.arguments import RootCall, Unsupported, root_call
from membership.gateway.variables import VariablesUnsupported, compile_variables

__all__ = ["HOT_FIELDS", "Plan", "Unsupported", "compile_plan"]

# Root fields whose registered operations are compiled.
HOT_FIELDS: dict[OperationType, frozenset[str]] = {
    OperationType.QUERY: frozenset({"member", "validateCoupon"}),
    OperationType.MUTATION: frozenset(
        {
            "recordOrder",
            "previewOrder",
            "redeemCoupon",
            "adjustPoints",
            "spendPoints",
        }
    ),
}


class _Null(Exception):
    """A non-null field came out null: its parent becomes null (the error is recorded)."""


# (value, context, parent path, key, parent type name, errors): the value's own path is made
# only when a child needs it as its parent or an error has to be located.
Completer = Callable[[Any, Any, Path | None, str | int, str | None, list[GraphQLError]], Any]


@dataclass(frozen=True, slots=True)
class _Root:
    key: str
    nodes: list[FieldNode]
    field: GraphQLField | None  # None for __typename
    call: RootCall | None  # the resolver's call; None for __typename
    arguments: Callable[[VariableValues], dict[str, Any]]  # the field's argument values
    path: Path
    parent: GraphQLObjectType
    complete: Completer
    complete_is_async: bool
    non_null: bool


@dataclass(slots=True)
class Plan:
    """A compiled operation: run it with ``execute``."""

    document: DocumentNode
    operation: OperationDefinitionNode
    kind: OperationType
    name: str | None
    fragments: dict[str, FragmentDefinitionNode]
    roots: tuple[_Root, ...]
    schema: Any  # the graphql-core schema
    coerce_variables: Callable[[dict[str, Any]], VariableValues | None] | None

    async def execute(self, context: Any, variables: dict[str, Any] | None) -> dict[str, Any]:
        """The response body, as the GraphQL path would give it for this request."""
        started = time.perf_counter()
        inputs = variables or {}
        fast = self.coerce_variables(inputs) if self.coerce_variables is not None else None
        # None: an error to report (or variables only graphql-core coerces)
        coerced: VariableValues | list[GraphQLError] = (
            fast
            if fast is not None
            else get_variable_values(self.schema, self.operation.variable_definitions or (), inputs)
        )
        if isinstance(coerced, list):
            errors = coerced
            body: dict[str, Any] = {"data": None}
        else:
            errors = []
            # No transaction around the operation (strawberry opens one per query operation):
            # a hot query makes one service call, whose reads are its own; a member lookup is
            # then one statement in one round trip.
            data = await self._run(context, coerced, errors)
            body = {"data": data}
        if errors:
            errors = finish_errors(errors, getattr(context, "language", "en"))
            body["errors"] = [e.formatted for e in errors]
        observe_result(self.name, started, bool(errors))
        return body

    async def _run(
        self, context: Any, variables: Any, errors: list[GraphQLError]
    ) -> dict[str, Any] | None:
        data: dict[str, Any] = {}
        for root in self.roots:
            if root.field is None:  # __typename
                data[root.key] = root.parent.name
                continue
            path = root.path
            info = GraphQLResolveInfo(
                root.nodes[0].name.value,
                root.nodes,
                root.field.type,
                root.parent,
                path,
                self.schema,
                self.fragments,
                None,
                self.operation,
                variables,
                context,
                _is_awaitable,
                None,
                None,  # type: ignore[arg-type]
            )
            try:
                args = root.arguments(variables)
                assert root.call is not None
                value = root.call(info, args)
                if inspect.isawaitable(value):
                    value = await value
                completed = root.complete(value, context, None, root.key, root.parent.name, errors)
                if root.complete_is_async:
                    completed = await completed
            except _Null:
                completed = None
            except Exception as exc:
                errors.append(located_error(exc, root.nodes, path.as_list()))
                completed = None
            if completed is None and root.non_null:
                return None
            data[root.key] = completed
        return data


def _no_arguments(variables: VariableValues) -> dict[str, Any]:
    return {}


def _argument_reader(
    field: GraphQLField, node: FieldNode
) -> Callable[[VariableValues], dict[str, Any]]:
    """The root field's argument values from the coerced variables, as graphql-core's
    ``get_argument_values`` gives them.

    When every argument the document gives is a variable, each value is the variable's, already
    coerced to its type, and the arguments it leaves out take their defaults, worked out once
    by graphql-core itself. A variable that is absent or null goes to graphql-core (an absent
    one falls back to the argument's default; a null one may be refused).
    """
    if not field.args and not node.arguments:
        return _no_arguments
    given = {argument.name.value: argument.value for argument in node.arguments or ()}

    def by_graphql_core(variables: VariableValues) -> dict[str, Any]:
        return get_argument_values(field, node, variables)

    if not all(isinstance(value, VariableNode) for value in given.values()) or any(
        name not in field.args for name in given
    ):
        return by_graphql_core
    try:
        left_out = get_argument_values(field, FieldNode(name=node.name, arguments=()), None)
    except GraphQLError:  # a required argument left out: graphql-core says so
        return by_graphql_core
    out_names = {name: argument.out_name or name for name, argument in field.args.items()}
    defaults = {
        out: left_out[out]
        for name, out in out_names.items()
        if name not in given and out in left_out
    }
    if not all(
        value is None or isinstance(value, str | int | float) for value in defaults.values()
    ):
        return by_graphql_core  # a default a resolver could change is made afresh each time
    pairs = tuple(
        (out_names[name], cast(VariableNode, value).name.value) for name, value in given.items()
    )

    def read(variables: VariableValues) -> dict[str, Any]:
        values = dict(defaults)
        coerced = variables.coerced
        for name, variable in pairs:
            value = coerced.get(variable)
            if value is None:
                return get_argument_values(field, node, variables)
            values[name] = value
        return values

    return read


def _is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    return inspect.isawaitable(value)


def compile_plan(schema: strawberry.Schema, document: str) -> Plan:
    """The plan of a document; raises Unsupported (with the reason) when there is none."""
    if any(_hooks_fields(e) for e in schema.extensions):
        raise Unsupported("a schema extension wraps field resolution")
    parsed, errors = parse_and_validate(schema, document)
    if parsed is None or errors:
        raise Unsupported("the document does not validate")
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise Unsupported("a document with more than one operation")
    operation = operations[0]
    if operation.directives:
        raise Unsupported("directives on the operation")
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }
    gql = schema._schema
    parent = gql.get_root_type(operation.operation)
    hot = HOT_FIELDS.get(operation.operation, frozenset())
    if parent is None or not hot:
        raise Unsupported(f"{operation.operation.value} operations are not compiled")
    compiler = _Compiler(gql, fragments)
    roots = []
    for key, nodes in compiler.collect(parent, [operation.selection_set]).items():
        name = nodes[0].name.value
        if name == "__typename":
            roots.append(
                _Root(
                    key=key,
                    nodes=nodes,
                    field=None,
                    call=None,
                    arguments=_no_arguments,
                    path=Path(None, key, parent.name),
                    parent=parent,
                    complete=_constant_completer(parent.name),
                    complete_is_async=False,
                    non_null=True,
                )
            )
            continue
        if name not in hot:
            raise Unsupported(f"{parent.name}.{name} is not on the hot list")
        field_def = parent.fields[name]
        definition = (field_def.extensions or {}).get("strawberry-definition")
        if not isinstance(definition, StrawberryField):
            raise Unsupported(f"{parent.name}.{name}: not a strawberry field")
        call = root_call(schema, definition)
        complete, is_async = compiler.completer(field_def.type, nodes, f"{parent.name}.{name}")
        roots.append(
            _Root(
                key=key,
                nodes=nodes,
                field=field_def,
                call=call,
                arguments=_argument_reader(field_def, nodes[0]),
                path=Path(None, key, parent.name),
                parent=parent,
                complete=complete,
                complete_is_async=is_async,
                non_null=isinstance(field_def.type, GraphQLNonNull),
            )
        )
    return Plan(
        document=parsed,
        operation=operation,
        kind=operation.operation,
        name=operation.name.value if operation.name else None,
        fragments=fragments,
        roots=tuple(roots),
        schema=gql,
        coerce_variables=_variables(gql, operation),
    )


def _variables(
    schema: Any, operation: OperationDefinitionNode
) -> Callable[[dict[str, Any]], VariableValues | None] | None:
    try:
        return compile_variables(schema, operation.variable_definitions or ())
    except VariablesUnsupported:
        return None  # graphql-core coerces them on every request


def _hooks_fields(extension: object) -> bool:
    kind = extension if isinstance(extension, type) else type(extension)
    return getattr(kind, "resolve", None) is not SchemaExtension.resolve


class _Compiler:
    def __init__(self, schema: Any, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments

    def collect(
        self, parent: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """The fields of the selection sets by response key, fragments flattened."""
        fields: dict[str, list[FieldNode]] = {}
        pending = list(selection_sets)
        while pending:
            for selection in pending.pop(0).selections:
                if selection.directives:
                    raise Unsupported("directives in the selection")
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    self._check_condition(parent, selection.type_condition)
                    pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments[selection.name.value]
                    self._check_condition(parent, fragment.type_condition)
                    pending.append(fragment.selection_set)
        return fields

    @staticmethod
    def _check_condition(parent: GraphQLObjectType, condition: Any) -> None:
        if condition is not None and condition.name.value != parent.name:
            raise Unsupported(f"a fragment on {condition.name.value} inside {parent.name}")

    def completer(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], where: str, in_list: bool = False
    ) -> tuple[Completer, bool]:
        """A function writing a resolved value of ``type_`` for ``nodes``; and whether it is
        a coroutine function."""
        if isinstance(type_, GraphQLNonNull):
            inner, is_async = self.completer(type_.of_type, nodes, where, in_list)
            return inner, is_async
        if isinstance(type_, GraphQLList):
            item, item_async = self.completer(type_.of_type, nodes, where, in_list=True)
            if item_async:
                raise Unsupported(f"{where}: a list whose items resolve asynchronously")
            item_non_null = isinstance(type_.of_type, GraphQLNonNull)
            return _list_completer(item, item_non_null, nodes), False
        if is_leaf_type(type_):
            serialize = type_.serialize  # type: ignore[union-attr]

            def leaf(
                value: Any,
                context: Any,
                parent: Path | None,
                key: str | int,
                typename: str | None,
                errors: list[GraphQLError],
            ) -> Any:
                if value is None:
                    return None
                result = serialize(value)
                if result is None:
                    raise TypeError(f"Expected `{type_}.serialize({value!r})` to return a value.")
                return result

            return leaf, False
        if not isinstance(type_, GraphQLObjectType):
            raise Unsupported(f"{where}: {type_} is an abstract type")
        selection_sets = [n.selection_set for n in nodes if n.selection_set is not None]
        steps = []
        any_async = False
        for key, field_nodes in self.collect(type_, selection_sets).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                steps.append(
                    _Step(key, field_nodes, _constant(type_.name), False, None, False, False)
                )
                continue
            field_def = type_.fields[name]
            getter, getter_async = self._getter(type_, name, field_def, field_nodes, in_list)
            child, child_async = self.completer(
                field_def.type, field_nodes, f"{type_.name}.{name}", in_list
            )
            any_async = any_async or getter_async or child_async
            steps.append(
                _Step(
                    key,
                    field_nodes,
                    getter,
                    getter_async,
                    child,
                    child_async,
                    isinstance(field_def.type, GraphQLNonNull),
                )
            )
        if in_list and any_async:
            raise Unsupported(f"{where}: a list of objects with asynchronous fields")
        if any_async:
            return _async_object_completer(type_.name, steps), True
        return _object_completer(type_.name, steps), False

    def _getter(
        self,
        parent: GraphQLObjectType,
        name: str,
        field_def: GraphQLField,
        nodes: list[FieldNode],
        in_list: bool,
    ) -> tuple[Callable[[Any, Any], Any], bool]:
        if any(n.arguments for n in nodes):
            raise Unsupported(f"{parent.name}.{name}: arguments below the root")
        definition = (field_def.extensions or {}).get("strawberry-definition")
        if not isinstance(definition, StrawberryField):
            raise Unsupported(f"{parent.name}.{name}: not a strawberry field")
        if definition.extensions or definition.permission_classes:
            raise Unsupported(f"{parent.name}.{name}: field extensions or permissions")
        resolver = definition.base_resolver
        if resolver is None:
            default = definition.default_resolver
            python_name = definition.python_name

            def attribute(source: Any, context: Any) -> Any:
                return default(source, python_name)

            return attribute, False
        if resolver.parent_parameter or resolver.root_parameter:
            raise Unsupported(f"{parent.name}.{name}: a resolver taking the parent by name")
        takes_self = resolver.self_parameter is not None
        info_name = resolver.info_parameter.name if resolver.info_parameter else None
        call = resolver.wrapped_func  # what StrawberryResolver.__call__ calls, checked now
        if not callable(call):
            raise Unsupported(f"{parent.name}.{name}: a resolver that cannot be called")
        if info_name is None:
            if takes_self:
                return (lambda source, context: call(source)), resolver.is_async
            return (lambda source, context: call()), resolver.is_async
        return _info_getter(call, takes_self, info_name, definition, parent, field_def, nodes), (
            resolver.is_async
        )


def _constant_completer(value: str) -> Completer:
    def complete(
        source: Any,
        context: Any,
        parent: Path | None,
        key: str | int,
        typename: str | None,
        errors: list[GraphQLError],
    ) -> str:
        return value

    return complete


def _constant(value: Any) -> Callable[[Any, Any], Any]:
    return lambda source, context: value


def _info_getter(
    call: Callable[..., Any],
    takes_self: bool,
    info_name: str,
    definition: StrawberryField,
    parent: GraphQLObjectType,
    field_def: GraphQLField,
    nodes: list[FieldNode],
) -> Callable[[Any, Any], Any]:
    """A resolver asking for ``info`` gets strawberry's Info over a graphql-core one."""
    field_name = nodes[0].name.value

    def getter(source: Any, context: Any) -> Any:
        raw = GraphQLResolveInfo(
            field_name,
            nodes,
            field_def.type,
            parent,
            None,  # type: ignore[arg-type]
            None,  # type: ignore[arg-type]
            {},
            None,
            None,  # type: ignore[arg-type]
            None,  # type: ignore[arg-type]
            context,
            _is_awaitable,  # type: ignore[arg-type]
            None,
            None,  # type: ignore[arg-type]
        )
        info = Info(_raw_info=raw, _field=definition)
        if takes_self:
            return call(source, **{info_name: info})
        return call(**{info_name: info})

    return getter


@dataclass(frozen=True, slots=True)
class _Step:
    key: str
    nodes: list[FieldNode]
    get: Callable[[Any, Any], Any]
    get_is_async: bool
    complete: Completer | None
    complete_is_async: bool
    non_null: bool


def _object_completer(type_name: str, steps: list[_Step]) -> Completer:
    def complete(
        value: Any,
        context: Any,
        parent: Path | None,
        key: str | int,
        typename: str | None,
        errors: list[GraphQLError],
    ) -> Any:
        if value is None:
            return None
        path = Path(parent, key, typename)
        out: dict[str, Any] = {}
        for step in steps:
            try:
                result = step.get(value, context)
                if step.complete is not None:
                    result = step.complete(result, context, path, step.key, type_name, errors)
            except Exception as exc:
                _failed(exc, step.nodes, path, step.key, errors)
                result = None
            _put(out, step, result, path, type_name, errors)
        return out

    return complete


def _async_object_completer(type_name: str, steps: list[_Step]) -> Completer:
    async def complete(
        value: Any,
        context: Any,
        parent: Path | None,
        key: str | int,
        typename: str | None,
        errors: list[GraphQLError],
    ) -> Any:
        if value is None:
            return None
        path = Path(parent, key, typename)
        out: dict[str, Any] = {}
        for step in steps:
            try:
                result = step.get(value, context)
                if step.get_is_async:
                    result = await result
                if step.complete is not None:
                    result = step.complete(result, context, path, step.key, type_name, errors)
                    if step.complete_is_async:
                        result = await result
            except Exception as exc:
                _failed(exc, step.nodes, path, step.key, errors)
                result = None
            _put(out, step, result, path, type_name, errors)
        return out

    return complete


# The object completers repeat one loop, a sync one and an async one: the sync one saves an
# await per field. What they do with a field's outcome is here, once.


def _failed(
    exc: Exception, nodes: list[FieldNode], parent: Path, key: str | int, errors: list[GraphQLError]
) -> None:
    """Record a field's error at its path; a child's null (already recorded) records nothing."""
    if not isinstance(exc, _Null):
        errors.append(located_error(exc, nodes, [*parent.as_list(), key]))


def _put(
    out: dict[str, Any],
    step: _Step,
    result: Any,
    parent: Path,
    type_name: str,
    errors: list[GraphQLError],
) -> None:
    """Set a field's result; a null in a non-null field nulls the parent (``_Null``)."""
    if result is None and step.non_null:
        _null_error(step, parent, type_name, errors)
        raise _Null
    out[step.key] = result


def _null_error(step: _Step, parent: Path, type_name: str, errors: list[GraphQLError]) -> None:
    """graphql-core's error for a null in a non-null field, unless a child's error caused it."""
    prefix = [*parent.as_list(), step.key]
    if any(e.path is not None and list(e.path[: len(prefix)]) == prefix for e in errors):
        return
    name = step.nodes[0].name.value
    errors.append(
        located_error(
            TypeError(f"Cannot return null for non-nullable field {type_name}.{name}."),
            step.nodes,
            prefix,
        )
    )


def _list_completer(item: Completer, item_non_null: bool, nodes: list[FieldNode]) -> Completer:
    def complete(
        value: Any,
        context: Any,
        parent: Path | None,
        key: str | int,
        typename: str | None,
        errors: list[GraphQLError],
    ) -> Any:
        if value is None:
            return None
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError("Expected Iterable, but did not find one.")
        path = Path(parent, key, typename)
        out = []
        for index, entry in enumerate(value):
            try:
                result = item(entry, context, path, index, None, errors)
            except Exception as exc:
                _failed(exc, nodes, path, index, errors)
                result = None
            if result is None and item_non_null:
                raise _Null
            out.append(result)
        return out

    return complete
