"""An event's payload text is the same whichever way the outbox writes it."""

from __future__ import annotations

import dataclasses
import enum
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import asyncpg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from membership.outbox import DomainEvent, _payload_of, _payload_text


class _Colour(enum.Enum):
    RED = "red"
    ONE = 1


class _Size(enum.StrEnum):
    SMALL = "small"


@dataclasses.dataclass(frozen=True)
class _Inner:
    x: int


@dataclasses.dataclass(frozen=True)
class _Sample(DomainEvent):
    type = "test.sample"
    first_value: Any
    member_id: uuid.UUID | None = None


_zones = st.one_of(
    st.none(),
    st.just(UTC),
    st.timezones(),
    st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23)).map(timezone),
)
_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(),
    st.uuids(),
    st.datetimes(timezones=_zones),
    st.dates(),
    st.sampled_from([_Colour.RED, _Colour.ONE, _Size.SMALL]),
)
_values = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),
    max_leaves=8,
)


@given(_values, st.one_of(st.none(), st.uuids()))
def test_the_fast_payload_is_the_payload_data_makes(value: Any, member: uuid.UUID | None) -> None:
    event = _Sample(first_value=value, member_id=member)
    assert _payload_of(event) == _payload_text(event.data())


@pytest.mark.parametrize(
    "value", [{1: "a"}, {"a", "b"}, frozenset({3}), 2**80, [2**70], {"deep": {"at": 2**65}}]
)
def test_what_orjson_cannot_write_goes_through_data(value: Any) -> None:
    event = _Sample(first_value=value)
    assert _payload_of(event) == _payload_text(event.data())


@pytest.mark.parametrize("value", [time(1, 2), _Inner(1), object()])
def test_a_field_an_event_cannot_hold_is_refused_either_way(value: Any) -> None:
    with pytest.raises(TypeError, match="cannot hold"):
        _payload_of(_Sample(first_value=value))


def test_ids_and_times_as_the_driver_reads_them_take_the_fast_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    driver_id = asyncpg.pgproto.pgproto.UUID(str(uuid.uuid4()))
    event = _Sample(first_value=[datetime.now(UTC), date.today(), _Colour.RED], member_id=driver_id)
    expected = _payload_text(event.data())

    def no_slow_way(self: DomainEvent) -> dict[str, Any]:
        raise AssertionError("the payload went through data()")

    monkeypatch.setattr(DomainEvent, "data", no_slow_way)
    assert _payload_of(event) == expected
    assert str(driver_id) in expected


def test_an_offset_with_seconds_is_written_whole() -> None:
    at = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=8, minutes=5, seconds=43)))
    assert "+08:05:43" in _payload_of(_Sample(first_value=at))
    assert (
        _payload_of(_Sample(first_value=date(2026, 1, 2)))
        == '{"firstValue":"2026-01-02","memberId":null}'
    )
