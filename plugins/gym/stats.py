"""The gym's numbers for its stats page: check-ins day by day and the renewal rate.

Days are the tenant's, in its time zone, both ends of a range included; a range runs forward and
spans at most :data:`MAX_DAYS` days, so each answer is one bounded statement.

A card *ends* when its ``ends_at`` passes or, for a VISITS card, when the check-in that used its
last visit happens (whichever comes first). A member whose card ended in the range *renewed* when
they bought another card (a later sale) within :data:`RENEWAL_DAYS` days of that end, before or
after it: a member who renews early, on the reminder sent before the end, counts as renewed too.
A card that ended in the last 30 days may still be renewed, so recent rates can rise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from plugins.api.data import DomainError, ErrorCode, fetch, tenant_transaction

if TYPE_CHECKING:
    from tenants.context import RequestContext

__all__ = [
    "MAX_DAYS",
    "RENEWAL_DAYS",
    "DayCount",
    "RenewalRate",
    "check_ins_per_day",
    "check_range",
    "renewal_rate",
]

MAX_DAYS = 366
RENEWAL_DAYS = 30


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class RenewalRate:
    ended: int  # members with a card that ended in the range
    renewed: int  # of them, those who bought another card within RENEWAL_DAYS of an end

    @property
    def rate(self) -> float | None:
        """``renewed / ended``; None when no card ended."""
        return self.renewed / self.ended if self.ended else None


def check_range(start: date, until: date) -> None:
    """A range runs forward and spans at most MAX_DAYS days (both ends included)."""
    if until < start:
        raise DomainError(ErrorCode.INVALID, "The range ends before it starts.", ["until"])
    if (until - start).days + 1 > MAX_DAYS:
        raise DomainError(
            ErrorCode.INVALID, "A range spans at most {max} days.", ["until"], max=MAX_DAYS
        )


# Bounds of the range as instants: $1 and $2 are dates, $3 the tenant's time zone.
_START = "($1::date::timestamp AT TIME ZONE $3::text)"
_STOP = "(($2::date + 1)::timestamp AT TIME ZONE $3::text)"

_PER_DAY = f"""
WITH counted AS (
    SELECT (checked_in_at AT TIME ZONE $3::text)::date AS day, count(*) AS n
    FROM gym_check_ins
    WHERE checked_in_at >= {_START} AND checked_in_at < {_STOP}
    GROUP BY 1
)
SELECT d.day::date AS day, coalesce(counted.n, 0) AS n
FROM generate_series($1::date, $2::date, interval '1 day') AS d(day)
LEFT JOIN counted ON counted.day = d.day::date
ORDER BY d.day
"""

_RENEWALS = f"""
WITH cards AS (
    SELECT c.id, c.member_id, c.created_at,
        least(
            c.ends_at,
            CASE WHEN p.kind = 'VISITS' AND c.visits_left = 0 THEN
                (SELECT max(i.checked_in_at) FROM gym_check_ins i
                 WHERE i.tenant_id = c.tenant_id AND i.card_id = c.id)
            END
        ) AS ended_at
    FROM gym_cards c JOIN gym_products p ON p.tenant_id = c.tenant_id AND p.id = c.product_id
), ended AS (
    SELECT e.member_id, EXISTS (
        SELECT 1 FROM gym_cards n
        WHERE n.member_id = e.member_id AND n.id <> e.id AND n.created_at > e.created_at
          AND n.created_at >= e.ended_at - make_interval(days => $5)
          AND n.created_at <= e.ended_at + make_interval(days => $5)
    ) AS renewed
    FROM cards e
    WHERE e.ended_at >= {_START} AND e.ended_at < {_STOP} AND e.ended_at <= $4
)
SELECT count(DISTINCT member_id) AS ended,
       count(DISTINCT member_id) FILTER (WHERE renewed) AS renewed
FROM ended
"""


async def check_ins_per_day(ctx: RequestContext, start: date, until: date) -> list[DayCount]:
    """Check-ins on each day of the range, oldest first; a day without one counts zero. The
    caller checks the permission."""
    check_range(start, until)
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(conn, _PER_DAY, start, until, ctx.tenant.timezone)
    return [DayCount(row["day"], int(row["n"])) for row in rows]


async def renewal_rate(ctx: RequestContext, start: date, until: date) -> RenewalRate:
    """Of the members whose card ended in the range (by the tenant's now), how many renewed.
    The caller checks the permission."""
    check_range(start, until)
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(
            conn, _RENEWALS, start, until, ctx.tenant.timezone, ctx.clock.now(), RENEWAL_DAYS
        )
    return RenewalRate(ended=int(rows[0]["ended"]), renewed=int(rows[0]["renewed"]))
