"""Periods of analytics: local dates in the tenant's time zone, checked before anything is read.

A period runs from ``start`` to ``until`` inclusive. The equally long period just before it is
what churn compares against. Series are cut into buckets of a day, an ISO week (from Monday) or
a calendar month; a bucket is named by its first day, which may fall before the period when the
period starts mid-week or mid-month (only the period's own days are counted in it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from membership.errors import DomainError, ErrorCode
from tenants.context import RequestContext

__all__ = [
    "MAX_DAILY_DAYS",
    "MAX_PERIOD_DAYS",
    "Granularity",
    "Period",
    "bucket_start",
    "check_as_of",
    "check_period",
    "local_day",
    "local_midnight",
    "tenant_today",
]

# Three years of days is the longest daily series (a chart of more days is unreadable); any
# period is at most twenty years.
MAX_DAILY_DAYS = 3 * 366
MAX_PERIOD_DAYS = 20 * 366


class Granularity(StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@dataclass(frozen=True)
class Period:
    start: date
    until: date  # inclusive

    @property
    def days(self) -> int:
        return (self.until - self.start).days + 1

    def before(self) -> Period:
        """The equally long period that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)


def tenant_today(ctx: RequestContext) -> date:
    """Today in the tenant's time zone, by the tenant's clock (a sandbox's test clock included)."""
    return ctx.clock.now().astimezone(ZoneInfo(ctx.tenant.timezone)).date()


def local_day(ctx: RequestContext, at: datetime) -> date:
    return at.astimezone(ZoneInfo(ctx.tenant.timezone)).date()


def local_midnight(ctx: RequestContext, day: date) -> datetime:
    """The instant the local ``day`` begins."""
    return datetime.combine(day, time(), ZoneInfo(ctx.tenant.timezone))


def check_period(
    start: date,
    until: date,
    granularity: Granularity | None = None,
    *,
    field: str | list[str] = "until",
) -> Period:
    """The period, or a ``DomainError`` naming ``field`` when it ends before it starts or is
    longer than a daily series (or any period) may be."""
    path = [field] if isinstance(field, str) else field
    if until < start:
        raise DomainError(
            ErrorCode.INVALID,
            "The period ends ({until}) before it starts ({start}).",
            path,
            until=until.isoformat(),
            start=start.isoformat(),
        )
    period = Period(start, until)
    if granularity is Granularity.DAY and period.days > MAX_DAILY_DAYS:
        raise DomainError(
            ErrorCode.INVALID,
            "A daily series covers at most 3 years; choose weeks or months for {days} days.",
            path,
            days=period.days,
        )
    if period.days > MAX_PERIOD_DAYS:
        raise DomainError(
            ErrorCode.INVALID,
            "A period covers at most 20 years; this one has {days} days.",
            path,
            days=period.days,
        )
    return period


def check_as_of(ctx: RequestContext, as_of: date | None, *, field: str = "asOf") -> date:
    """``as_of``, today when absent; a day after today is refused (nothing is known of it)."""
    today = tenant_today(ctx)
    if as_of is None:
        return today
    if as_of > today:
        raise DomainError(
            ErrorCode.INVALID,
            "asOf ({as_of}) is after today ({today}) in the tenant's time zone.",
            [field],
            as_of=as_of.isoformat(),
            today=today.isoformat(),
        )
    return as_of


def bucket_start(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.MONTH:
        return day.replace(day=1)
    return day
