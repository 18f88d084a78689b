"""Points liability: what the outstanding points are worth in money, for the tenant and per store.

Outstanding points are the remaining points of lots that are not pending. A lot belongs to the
store of the order that earned it; points granted by hand belong to no store. Pending points are
reported apart: they are owed only once the return window closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from membership.programme.settings import load_settings
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["Liability", "StoreLiability", "points_liability"]


@dataclass(frozen=True)
class StoreLiability:
    store_code: str | None
    points: int
    pending_points: int
    amount: int  # fen


@dataclass(frozen=True)
class Liability:
    points: int
    pending_points: int
    amount: int  # fen
    point_value_fen: Decimal
    stores: list[StoreLiability]


def _money(points: int, value: Decimal) -> int:
    return int((Decimal(points) * value).to_integral_value(rounding=ROUND_HALF_UP))


async def points_liability(ctx: RequestContext) -> Liability:
    ctx.require(Permission.MEMBERS_READ)
    settings = await load_settings(ctx)
    value = settings.point_value_fen
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT o.store_code, "
            "coalesce(sum(l.remaining) FILTER (WHERE NOT l.pending), 0) AS points, "
            "coalesce(sum(l.remaining) FILTER (WHERE l.pending), 0) AS pending "
            "FROM points_lots l LEFT JOIN orders o ON o.id = l.order_id "
            "WHERE l.remaining > 0 GROUP BY o.store_code ORDER BY o.store_code NULLS LAST"
        )
    stores = [
        StoreLiability(
            r["store_code"], int(r["points"]), int(r["pending"]), _money(int(r["points"]), value)
        )
        for r in rows
    ]
    total = sum(s.points for s in stores)
    return Liability(
        points=total,
        pending_points=sum(s.pending_points for s in stores),
        amount=_money(total, value),
        point_value_fen=value,
        stores=stores,
    )
