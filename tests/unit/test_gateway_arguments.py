"""The converters prepared for compiled operations give the Python values strawberry's
``convert_arguments`` gives, for the hot root fields of the real schema and for the kinds of
types they could hold; and the prepared call passes the resolver what strawberry's wrapper does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
from datetime import UTC, datetime
from typing import Annotated, Any

import pytest
import strawberry
from graphql import GraphQLField, GraphQLResolveInfo, OperationDefinitionNode, parse
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import Path
from strawberry.extensions import FieldExtension
from strawberry.relay import GlobalID
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField
from strawberry.types.unset import UNSET

from membership.api_schema import build_schema
from membership.gateway.arguments import Unsupported, arguments_converter, root_call

SCHEMA = build_schema(distribution="membership")


def _same(left: object, right: object) -> bool:
    """Equal values of the same types all the way down (dataclass equality alone would take
    an int for a float or a list for a tuple)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        assert isinstance(right, list)
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, dict):
        assert isinstance(right, dict)
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if dataclasses.is_dataclass(left) and not isinstance(left, type):
        return all(
            _same(getattr(left, f.name), getattr(right, f.name)) for f in dataclasses.fields(left)
        )
    return left == right


def _shared_lists(converted: object, given: object) -> set[int]:
    """The lists of the arguments that the converted value holds as they are (strawberry copies
    each list it converts, but not those inside a JSON value)."""
    given_ids: set[int] = set()

    def collect(value: object) -> None:
        if isinstance(value, list):
            given_ids.add(id(value))
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    found: set[int] = set()

    def visit(value: object) -> None:
        if isinstance(value, list):
            if id(value) in given_ids:
                found.add(id(value))
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                visit(getattr(value, f.name))

    collect(given)
    visit(converted)
    return found


def _coerced(schema: strawberry.Schema, document: str, variables: dict[str, Any]) -> Any:
    """The root field's definitions and arguments as graphql-core coerces them per request."""
    parsed = parse(document)
    operation = parsed.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    coerced = get_variable_values(schema._schema, operation.variable_definitions or (), variables)
    assert not isinstance(coerced, list), coerced
    node = operation.selection_set.selections[0]
    root = schema._schema.get_root_type(operation.operation)
    assert root is not None
    field_def = root.fields[node.name.value]  # type: ignore[attr-defined]
    return field_def, get_argument_values(field_def, node, coerced)  # type: ignore[arg-type]


def _check(schema: strawberry.Schema, field_def: GraphQLField, values: dict[str, Any]) -> None:
    definition = field_def.extensions["strawberry-definition"]
    assert isinstance(definition, StrawberryField)
    converter = schema.schema_converter
    expected = convert_arguments(
        values, definition.arguments, converter.scalar_registry, converter.config
    )
    got = arguments_converter(schema, definition)(values)
    assert _same(got, expected), (got, expected)
    assert _shared_lists(got, values) == _shared_lists(expected, values)


ITEM = {"sku": "A-1", "quantity": 2, "unitPrice": 1500, "category": "drinks"}
HOT_CASES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "member by phone",
        "query($phone: String) { member(phone: $phone) { id } }",
        {"phone": "13800138000"},
    ),
    ("member by nothing", "query($phone: String) { member(phone: $phone) { id } }", {}),
    ("member by null", "query($id: ID) { member(id: $id) { id } }", {"id": None}),
    (
        "member by literals",
        'query { member(externalId: "X-1", code: null) { id } }',
        {},
    ),
    (
        "validate coupon",
        "query($c: String!, $m: ID!, $a: Long!, $k: String) "
        "{ validateCoupon(code: $c, memberId: $m, orderAmount: $a, checkoutId: $k) { valid } }",
        {"c": "SAVE", "m": "m-1", "a": 12000},
    ),
    (
        "record order, three items",
        "mutation($input: RecordOrderInput!) { recordOrder(input: $input) { __typename } }",
        {
            "input": {
                "externalId": "o-1",
                "memberId": "m-1",
                "amount": 4500,
                "items": [
                    ITEM,
                    {**ITEM, "category": None},
                    {k: ITEM[k] for k in ITEM if k != "category"},
                ],
                "storeCode": "S1",
                "paidAt": "2026-03-14T10:30:00+00:00",
                "couponCodes": ["A", "B"],
                "pointsToSpend": 100,
            }
        },
    ),
    (
        "record order, nested identity and nulls",
        "mutation($input: RecordOrderInput!) { recordOrder(input: $input) { __typename } }",
        {
            "input": {
                "externalId": "o-2",
                "memberIdentity": {"provider": "wechat", "subject": "s-1"},
                "amount": 0,
                "items": None,
                "couponCodes": [],
                "paidAt": None,
            }
        },
    ),
    (
        "record order, literal with an empty list",
        'mutation { recordOrder(input: {externalId: "o", amount: 1, items: [], '
        'memberIdentity: {provider: "p", appId: null, subject: "s"}}) { __typename } }',
        {},
    ),
    (
        "preview order with rules",
        "mutation($input: PreviewOrderInput!) { previewOrder(input: $input) { __typename } }",
        {
            "input": {
                "amount": 999,
                "tierId": "t-1",
                "items": [ITEM],
                "rules": [
                    {"name": "r", "kind": "multiplier", "params": {"x": [1, 2], "y": None}},
                    {"name": "s", "kind": "k", "params": [1], "priority": 3, "enabled": False},
                ],
                "couponCodes": None,
            }
        },
    ),
    (
        "redeem coupon",
        "mutation($input: RedeemCouponInput!) { redeemCoupon(input: $input) { __typename } }",
        {"input": {"code": "C", "memberId": "m", "orderAmount": 5, "idempotencyKey": "k"}},
    ),
    (
        "adjust points",
        "mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { __typename } }",
        {"input": {"memberId": "m", "points": -5, "reason": "r", "idempotencyKey": "k"}},
    ),
    (
        "spend points",
        "mutation($input: SpendPointsInput!) { spendPoints(input: $input) { __typename } }",
        {"input": {"memberId": "m", "points": 5, "reason": "r", "idempotencyKey": "k"}},
    ),
]


@pytest.mark.parametrize(
    ("document", "variables"), [c[1:] for c in HOT_CASES], ids=[c[0] for c in HOT_CASES]
)
def test_hot_fields_convert_as_strawberry_does(document: str, variables: dict[str, Any]) -> None:
    field_def, values = _coerced(SCHEMA, document, variables)
    _check(SCHEMA, field_def, values)


# A schema with what the hot fields do not hold yet: enums, nested lists, recursion, lazy
# types, renamed fields and arguments, non-input defaults.


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.input
class Leaf:
    colour: Colour
    shades: list[Colour | None] | None = None
    grid: list[list[int]] | None = None
    when: datetime | None = None
    renamed: str | None = strawberry.field(default="x", name="alias")
    tags: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class Tree:
    label: str
    leaf: Leaf | None = None
    children: list[Tree] | None = None
    lazy: Annotated[Leaf, strawberry.lazy("tests.unit.test_gateway_arguments")] | None = None


@strawberry.input
class Checked:
    amount: int

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("The amount must not be negative.")


@strawberry.type
class Query:
    @strawberry.field
    def plain(
        self,
        tree: Tree | None = None,
        colours: list[Colour] | None = None,
        nested: list[list[Leaf | None]] | None = None,
        count: Annotated[int | None, strawberry.argument(name="howMany")] = None,
    ) -> int:
        return 0


EXTRA = strawberry.Schema(query=Query)
PLAIN = EXTRA._schema.query_type.fields["plain"]  # type: ignore[union-attr]
LEAF = {"colour": "RED", "shades": ["BLUE", None], "grid": [[1, 2], []], "alias": None}
EXTRA_CASES: list[tuple[str, dict[str, Any]]] = [
    ("nothing", {}),
    ("nulls", {"tree": None, "colours": None, "nested": None, "howMany": None}),
    ("enums", {"colours": ["RED", "BLUE", "RED"], "howMany": 3}),
    ("leaf", {"tree": {"label": "a", "leaf": LEAF}}),
    (
        "recursion",
        {
            "tree": {
                "label": "root",
                "children": [
                    {"label": "c1", "children": [{"label": "g", "leaf": {"colour": "BLUE"}}]},
                    {"label": "c2", "children": None, "lazy": LEAF},
                ],
            }
        },
    ),
    (
        "nested lists",
        {"nested": [[LEAF, None], [], [{"colour": "BLUE", "when": "2026-01-02T03:04:05Z"}]]},
    ),
]


@pytest.mark.parametrize("variables", [c[1] for c in EXTRA_CASES], ids=[c[0] for c in EXTRA_CASES])
def test_other_types_convert_as_strawberry_does(variables: dict[str, Any]) -> None:
    document = (
        "query($tree: Tree, $colours: [Colour!], $nested: [[Leaf]!], $howMany: Int) "
        "{ plain(tree: $tree, colours: $colours, nested: $nested, howMany: $howMany) }"
    )
    field_def, values = _coerced(EXTRA, document, variables)
    _check(EXTRA, field_def, values)


def test_unset_stays_unset() -> None:
    definition = PLAIN.extensions["strawberry-definition"]
    converter = EXTRA.schema_converter
    values = {"tree": {"label": "a", "leaf": UNSET, "children": [{"label": "b"}]}, "colours": UNSET}
    expected = convert_arguments(
        values, definition.arguments, converter.scalar_registry, converter.config
    )
    assert _same(arguments_converter(EXTRA, definition)(values), expected)


@strawberry.input
class Built:
    value: int

    @classmethod
    def from_input(cls, value: Any, context: Any) -> Built:  # pragma: no cover
        return cls(value=value["value"])


@strawberry.type
class Refused:
    @strawberry.field
    def maybe(self, value: strawberry.Maybe[int]) -> int:  # pragma: no cover
        return 0

    @strawberry.field
    def global_id(self, value: GlobalID) -> int:  # pragma: no cover
        return 0


@pytest.mark.parametrize("name", ["maybe", "globalId"])
def test_types_converted_otherwise_are_unsupported(name: str) -> None:
    schema = strawberry.Schema(query=Refused)
    field_def = schema._schema.query_type.fields[name]  # type: ignore[union-attr]
    with pytest.raises(Unsupported):
        arguments_converter(schema, field_def.extensions["strawberry-definition"])


# The prepared call, against strawberry's own resolver wrapper.

CALLS: list[tuple[str, dict[str, Any]]] = []


class Recording(FieldExtension):
    """Records what the chain sees and reshapes an argument first, as an input mutation does."""

    def map_arguments(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {k: (v * 10 if k == "count" else v) for k, v in kwargs.items()}

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        CALLS.append(("sync", dict(kwargs)))
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        CALLS.append(("async", dict(kwargs)))
        return await next_(source, info, **kwargs)


@strawberry.type
class Root:
    @strawberry.field(extensions=[Recording()])
    def sync_field(self, info: strawberry.Info, count: int, colour: Colour | None = None) -> str:
        return f"{self!r} {info.field_name} {count} {colour}"

    @strawberry.field(extensions=[Recording()])
    async def async_field(self, count: int, where: strawberry.Info) -> str:
        return f"{self!r} {where.field_name} {count} {where.path.key}"

    @strawberry.field
    async def bare(self, when: datetime) -> str:
        return when.isoformat()

    @strawberry.field(extensions=[Recording()])
    async def checked(self, value: Checked) -> int:  # pragma: no cover
        return value.amount


def _run(value: Any) -> Any:
    if asyncio.iscoroutine(value):
        return asyncio.run(value)
    return value


def _raw_info(schema: strawberry.Schema, name: str) -> GraphQLResolveInfo[Any]:
    """A graphql-core info as the executor would make it, with what the resolvers read."""
    root = schema._schema.query_type
    assert root is not None
    raw: Any = GraphQLResolveInfo
    info: GraphQLResolveInfo[Any] = raw(
        name,
        [],
        root.fields[name].type,
        root,
        Path(None, name, root.name),
        schema._schema,
        {},
        None,
        None,
        {},
        None,
        None,
        None,
        None,
    )
    return info


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("syncField", {"count": 3, "colour": Colour.BLUE}),
        ("syncField", {"count": 3}),
        ("asyncField", {"count": 7}),
        ("bare", {"when": datetime(2026, 1, 2, tzinfo=UTC)}),
    ],
)
def test_the_prepared_call_is_strawberrys(name: str, values: dict[str, Any]) -> None:
    schema = strawberry.Schema(query=Root)
    field_def = schema._schema.query_type.fields[name]  # type: ignore[union-attr]
    assert field_def.resolve is not None
    CALLS.clear()
    expected = _run(field_def.resolve(None, _raw_info(schema, name), **values))
    expected_calls = [(kind, _plain(kwargs)) for kind, kwargs in CALLS]
    CALLS.clear()
    call = root_call(schema, field_def.extensions["strawberry-definition"])
    got = _run(call(_raw_info(schema, name), values))
    assert got == expected
    assert [(kind, _plain(kwargs)) for kind, kwargs in CALLS] == expected_calls


def _plain(kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
    """The keyword arguments in order, an Info by its field name."""
    return [
        (k, f"Info({v.field_name})" if isinstance(v, strawberry.Info) else v)
        for k, v in kwargs.items()
    ]


def test_a_conversion_error_propagates_before_the_chain() -> None:
    schema = strawberry.Schema(query=Root)
    field_def = schema._schema.query_type.fields["checked"]  # type: ignore[union-attr]
    assert field_def.resolve is not None
    values = {"value": {"amount": -1}}
    CALLS.clear()
    with pytest.raises(ValueError, match="negative") as expected:
        _run(field_def.resolve(None, _raw_info(schema, "checked"), **values))
    assert CALLS == []
    call = root_call(schema, field_def.extensions["strawberry-definition"])
    with pytest.raises(ValueError, match="negative") as got:
        _run(call(_raw_info(schema, "checked"), values))
    assert CALLS == []
    assert str(got.value) == str(expected.value)
