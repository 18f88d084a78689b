"""Settling points with the mall's stores (积分结算): what each store issued and took over a
period, their value in money, and who owes whom.

In one programme over many stores (通积通兑) a point earned in one store is spent in another.
The store whose sale **issued** points keeps the sale's money and leaves a promise the mall
honours anywhere, so it owes the mall the points' value; the store that **took** points as
payment (redeemed them) gave goods for them, so the mall owes it their value. Hence::

    net = pointsRedeemedValue - pointsIssuedValue

positive: the mall pays the store; negative: the store pays the mall. Points are valued at the
programme's point value (``pointValueFen``) when the report is made, rounded half up to the fen
per store. The figures per store are the platform's points by store
(:func:`plugins.api.data.points_by_store`): refunds net out in the period they happen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from plugins.api.data import (
    DomainError,
    ErrorCode,
    Permission,
    point_value_fen,
    points_by_store,
    require_enabled,
    tenant_transaction,
)
from plugins.mall import stores
from plugins.mall.config import NAME

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tenants.context import RequestContext

__all__ = ["MAX_DAYS", "SettlementRow", "money", "period_of", "store_settlement"]

MAX_DAYS = 366  # a settlement covers at most a (leap) year


@dataclass(frozen=True)
class SettlementRow:
    store_code: str
    store_name: str
    points_issued: int
    points_redeemed: int
    points_issued_value: int  # fen
    points_redeemed_value: int  # fen

    @property
    def net(self) -> int:
        """Fen the mall owes the store (positive) or the store owes the mall (negative)."""
        return self.points_redeemed_value - self.points_issued_value


def money(points: int, value_fen: Decimal) -> int:
    """``points`` in fen at ``value_fen`` a point, rounded half up (negative for a period whose
    refunds outweigh its sales)."""
    return int((Decimal(points) * value_fen).to_integral_value(rounding=ROUND_HALF_UP))


def period_of(
    ctx: RequestContext, start: date, until: date, field: Sequence[str] = ()
) -> tuple[datetime, datetime]:
    """The instants from the start of ``start`` to the end of ``until`` (inclusive) in the
    tenant's time zone; INVALID when the range ends before it starts or spans over a year."""
    if until < start:
        raise DomainError(
            ErrorCode.INVALID,
            "A settlement range ends on or after the day it starts.",
            [*field, "until"],
        )
    if (until - start).days + 1 > MAX_DAYS:
        raise DomainError(
            ErrorCode.INVALID,
            "A settlement range spans at most {days} days.",
            [*field, "until"],
            days=MAX_DAYS,
        )
    zone = ZoneInfo(ctx.tenant.timezone)
    return (
        datetime.combine(start, time(), zone),
        datetime.combine(until + timedelta(days=1), time(), zone),
    )


async def store_settlement(ctx: RequestContext, start: date, until: date) -> list[SettlementRow]:
    """One row per store of the mall by code (stores without points show zeros), from the day
    ``start`` to the day ``until`` inclusive in the tenant's time zone. Orders at codes the
    mall does not have, or without a store, are not the mall's to settle and are left out.
    Needs programme:manage: it says what the mall and its stores owe each other."""
    await require_enabled(ctx, NAME)
    ctx.require(Permission.PROGRAMME_MANAGE)
    begin, end = period_of(ctx, start, until)
    async with tenant_transaction(ctx):  # one connection for the reads below
        value = await point_value_fen(ctx)
        found = {p.store_code: p for p in await points_by_store(ctx, begin, end)}
        mall_stores = await stores.list_stores(ctx)
    rows = []
    for store in mall_stores:
        points = found.get(store.code)
        issued = 0 if points is None else points.issued
        redeemed = 0 if points is None else points.redeemed
        rows.append(
            SettlementRow(
                store_code=store.code,
                store_name=store.name,
                points_issued=issued,
                points_redeemed=redeemed,
                points_issued_value=money(issued, value),
                points_redeemed_value=money(redeemed, value),
            )
        )
    return rows
