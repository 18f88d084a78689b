"""A period's buyers from the roll-up: its whole calendar months from ``analytics_months`` (their
buyers, and those who bought on two of their days), its other days from ``analytics_days``.

A year is then about 12 month rows and at most 60 day rows instead of 365 day rows, whatever the
number of orders. ``analytics_buyers(buyers, twice)`` folds the parts into [anyone, twice]: the
members with at least one, and at least two, purchase days in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from membership.analytics.periods import Period

__all__ = ["Split", "month_start", "next_month", "parts_sql", "split"]

_NO_MONTH_FROM = date(9999, 12, 1)
_NO_MONTH_UNTIL = date(1, 1, 1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Split:
    """A period as its whole months ``[first_month, last_month]`` and the days outside them."""

    start: date
    until: date
    first_month: date
    last_month: date
    last_month_end: date

    def params(self) -> list[Any]:
        return [self.start, self.until, self.first_month, self.last_month, self.last_month_end]


def split(period: Period) -> Split:
    first = period.start if period.start.day == 1 else next_month(month_start(period.start))
    after = period.until + timedelta(days=1)
    last = (
        month_start(period.until)
        if after.day == 1
        else month_start(month_start(period.until) - timedelta(days=1))
    )
    if first > last:
        return Split(period.start, period.until, _NO_MONTH_FROM, _NO_MONTH_UNTIL, _NO_MONTH_UNTIL)
    return Split(period.start, period.until, first, last, next_month(last) - timedelta(days=1))


def parts_sql(first: int) -> str:
    """The parts of a period whose ``Split.params()`` are ``$first`` … ``$first+4`` (the tenant
    is ``$1``): rows of (buyers, twice)."""
    lo, hi, month_lo, month_hi, month_end = (f"${first + i}" for i in range(5))
    return f"""
    SELECT buyers, NULL::bit varying AS twice FROM analytics_days
    WHERE tenant_id = $1 AND day BETWEEN {lo} AND {hi}
      AND NOT (day BETWEEN {month_lo} AND {month_end})
    UNION ALL
    SELECT buyers, repeat_buyers FROM analytics_months
    WHERE tenant_id = $1 AND month BETWEEN {month_lo} AND {month_hi}
    """
