"""UUIDv7 ids: version 7, RFC 9562 variant, time-ordered, unique."""

from __future__ import annotations

import time
import uuid

from membership.ids import new_id


def test_ids_are_version_7_and_ordered_by_time() -> None:
    before = time.time_ns() // 1_000_000
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert (first.version, first.variant) == (7, uuid.RFC_4122)
    assert first.int >> 80 >= before
    assert second > first
    assert len({new_id() for _ in range(10_000)}) == 10_000
