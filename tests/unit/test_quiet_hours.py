"""Quiet hours are wall-clock times in the tenant's zone, across midnight or within a day."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from membership.messaging.gate import in_quiet_hours, quiet_hours_end

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("local", "start", "end", "quiet"),
    [
        (time(22, 0), time(21, 0), time(9, 0), True),
        (time(3, 0), time(21, 0), time(9, 0), True),
        (time(9, 0), time(21, 0), time(9, 0), False),
        (time(20, 59), time(21, 0), time(9, 0), False),
        (time(13, 0), time(12, 0), time(14, 0), True),
        (time(14, 0), time(12, 0), time(14, 0), False),
        (time(3, 0), None, None, False),
    ],
)
def test_in_quiet_hours(local: time, start: time | None, end: time | None, quiet: bool) -> None:
    assert in_quiet_hours(local, start, end) is quiet


def test_quiet_hours_end_is_the_next_end_in_the_tenants_zone() -> None:
    late = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai
    assert quiet_hours_end(late, SHANGHAI, time(9, 0)) == datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    early = datetime(2026, 12, 7, 19, 0, tzinfo=UTC)  # 03:00 on the 8th in Shanghai
    assert quiet_hours_end(early, SHANGHAI, time(9, 0)) == datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    # a zone-carrying time from the database means the same wall-clock time
    aware = time(9, 0, tzinfo=UTC)
    assert quiet_hours_end(early, SHANGHAI, aware) == datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
