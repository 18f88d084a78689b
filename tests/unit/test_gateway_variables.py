"""A plan's compiled variable coercion gives what graphql-core gives, or hands over to it."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, parse
from graphql.execution.values import VariableValues, get_variable_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from membership.api_schema import build_schema
from membership.gateway.variables import VariablesUnsupported, compile_variables
from tests.api.test_compiled_differential import OPERATIONS, variables_for

SCHEMA: GraphQLSchema = build_schema()._schema

# what a caller may send instead: wrong types, unknown keys, nulls, nesting
_JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=3)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(st.text(max_size=6), inner, max_size=2)
    ),
    max_leaves=4,
)


def _definitions(document: str) -> Any:
    operation = next(
        d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)
    )
    return operation.variable_definitions or ()


def _spoiled(draw: st.DrawFn, value: Any) -> Any:
    """The value with, now and then, one part replaced, removed or added to."""
    if isinstance(value, dict) and value and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(value)))
        action = draw(st.sampled_from(["junk", "drop", "extra"]))
        spoiled = dict(value)
        if action == "junk":
            spoiled[key] = draw(_JUNK)
        elif action == "drop":
            del spoiled[key]
        else:
            spoiled[draw(st.text(min_size=1, max_size=6))] = draw(_JUNK)
        return spoiled
    if isinstance(value, list) and value and draw(st.booleans()):
        return [_spoiled(draw, v) for v in value]
    return value


def _sources(values: VariableValues) -> dict[str, tuple[Any, ...]]:
    return {
        name: (s.signature.name, str(s.signature.type), s.signature.default, s.value)
        for name, s in values.sources.items()
    }


@st.composite
def _requests(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(OPERATIONS)))
    variables = draw(variables_for(SCHEMA, OPERATIONS[name]))
    if draw(st.integers(0, 3)) == 0:
        variables = _spoiled(draw, variables)
        if draw(st.booleans()):
            variables = {k: _spoiled(draw, v) for k, v in variables.items()}
    return name, variables


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_requests())
def test_compiled_coercion_gives_what_graphql_core_gives(request: tuple[str, Any]) -> None:
    name, variables = request
    definitions = _definitions(OPERATIONS[name])
    expected = get_variable_values(SCHEMA, definitions, variables)
    got = compile_variables(SCHEMA, definitions)(variables)
    if got is None:
        assert isinstance(expected, list) and expected, "handed over, yet graphql-core coerced"
    else:
        assert isinstance(expected, VariableValues)
        assert got.coerced == expected.coerced
        assert _sources(got) == _sources(expected)


def test_a_valid_order_is_coerced_without_graphql_core() -> None:
    definitions = _definitions(OPERATIONS["record_order"])
    variables = {
        "input": {
            "externalId": "A-1",
            "memberId": "00000000-0000-0000-0000-000000000007",
            "amount": 12_345,
            "items": [{"sku": "S", "quantity": 2, "unitPrice": 500}],
        }
    }
    got = compile_variables(SCHEMA, definitions)(variables)
    assert got is not None
    assert got.coerced == get_variable_values(SCHEMA, definitions, variables).coerced  # type: ignore[union-attr]


def test_a_variable_with_a_default_is_left_to_graphql_core() -> None:
    with pytest.raises(VariablesUnsupported):
        compile_variables(
            SCHEMA, _definitions('query($p: String = "1") { member(phone: $p) { id } }')
        )
