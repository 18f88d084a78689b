"""The quick "any unstorable text?" walk agrees with the walk that names every unstorable path."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry import UNSET
from strawberry.schema.name_converter import NameConverter

from membership.storable_text import is_storable
from schema.text_input import holds_unstorable_text, unstorable_paths
from schema.types.members import CreateMemberInput, Gender, UpdateMemberInput
from schema.types.messaging import IdentityInput
from schema.types.orders import OrderItemInput, RecordOrderInput

INPUTS: list[type] = [
    RecordOrderInput,
    OrderItemInput,
    IdentityInput,
    CreateMemberInput,
    UpdateMemberInput,
]


class Shade(StrEnum):
    """Text that is also an enum member: walked as text."""

    PLAIN = "plain"
    BROKEN = "bro\x00ken"


@dataclasses.dataclass
class Note:
    """A plain dataclass argument, walked by its fields."""

    body: object
    rank: object = 0


def stored_by_definition(text: str) -> bool:
    return not any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in text)


# Mostly plain text, often the characters that matter, sometimes any code point at all.
texts = st.one_of(
    st.sampled_from(["", "13800001111", "SKU-1", "张三", "Zoë", "🎉"]),
    st.text(st.sampled_from(["a", "7", "\x00", "\ud800", "\udbff", "\udc00", "\udfff", "张", "é"])),
    st.text(st.characters(exclude_categories=()), max_size=8),
)
leaves = st.one_of(
    texts,
    st.none(),
    st.just(UNSET),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.sampled_from(
        [Gender.FEMALE, Shade.PLAIN, Shade.BROKEN, date(2026, 1, 2), Decimal("1.5"), Note]
    ),
    st.just(datetime(2026, 1, 2, tzinfo=UTC)),
)


def instances(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """Inputs of the real schema (and a plain dataclass), their fields any nested value."""
    return st.one_of(
        *(
            st.builds(cls, **{f.name: children for f in dataclasses.fields(cls)})
            for cls in [*INPUTS, Note]
        )
    )


values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(texts, children, max_size=3),
        instances(children),
    ),
    max_leaves=25,
)
arguments = st.dictionaries(st.sampled_from(["input", "phone", "items", "filter"]), values)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arguments)
def test_the_quick_answer_is_whether_any_path_is_unstorable(arguments: dict[str, Any]) -> None:
    paths = unstorable_paths(arguments, {}, NameConverter())

    assert holds_unstorable_text(arguments) is bool(paths)


@settings(max_examples=800, deadline=None)
@given(st.text(st.characters(exclude_categories=())))
def test_storable_text_has_no_nul_and_no_surrogate(text: str) -> None:
    assert is_storable(text) is stored_by_definition(text)


def test_a_realistic_order_holds_nothing_until_one_text_is_broken() -> None:
    items = [OrderItemInput(sku=f"SKU-{i}", quantity=1, unit_price=100) for i in range(3)]
    order = RecordOrderInput(external_id="ORD-1", amount=300, items=items, coupon_codes=["A"])

    assert not holds_unstorable_text({"input": order})
    items[2].category = "饮\udc80料"
    assert holds_unstorable_text({"input": order})
    assert unstorable_paths({"input": order}, {}, NameConverter()) == [
        ["input", "items", "2", "category"]
    ]


def test_a_broken_json_key_is_found() -> None:
    assert holds_unstorable_text({"input": {"fine": 1, "ke\x00y": 2}})


def test_an_object_missing_a_field_is_left_to_the_naming_walk() -> None:
    item = OrderItemInput(sku="SKU-1", quantity=1, unit_price=100)
    del item.sku
    order = RecordOrderInput(external_id="ORD-2", amount=1, items=[item])

    # Unsure, the quick walk says yes; the naming walk then finds nothing to refuse.
    assert holds_unstorable_text({"input": order})
    assert unstorable_paths({"input": order}, {}, NameConverter()) == []
