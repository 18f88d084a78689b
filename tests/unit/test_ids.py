"""UUIDv7 ids: version 7, RFC 9562 variant, time-ordered, unique."""

from __future__ import annotations

import time
import uuid

from membership.ids import new_id, new_ids


def test_ids_are_version_7_and_ordered_by_time() -> None:
    before = time.time_ns() // 1_000_000
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert (first.version, first.variant) == (7, uuid.RFC_4122)
    assert first.int >> 80 >= before
    assert second > first
    assert len({new_id() for _ in range(10_000)}) == 10_000


def test_ids_made_in_bulk_are_version_7_of_this_millisecond_and_distinct() -> None:
    before = time.time_ns() // 1_000_000
    made = [uuid.UUID(text) for text in new_ids(5_000)]
    after = time.time_ns() // 1_000_000
    assert len(set(made)) == 5_000
    assert {(u.version, u.variant) for u in made} == {(7, uuid.RFC_4122)}
    assert all(before <= u.int >> 80 <= after for u in made)
    assert {str(u)[19] for u in made} == set("89ab")  # the variant digit keeps 2 random bits
