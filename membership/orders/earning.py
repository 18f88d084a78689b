"""How many points an order earns, and why (recorded on the order).

The base rate is the tenant's points per yuan of cash paid (the order amount less the money value
of the points used to pay it), multiplied by the member's tier multiplier, rounded down once at
the end so no fraction of a point is ever given twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

__all__ = ["Earning", "cash_paid", "earn_points", "points_value"]


@dataclass(frozen=True)
class Earning:
    points: int
    explanation: dict[str, Any]


def points_value(points: int, point_value_fen: Decimal) -> int:
    """Money value in fen of ``points`` used as payment, rounded up in the merchant's favour."""
    return int((Decimal(points) * point_value_fen).to_integral_value(rounding=ROUND_UP))


def cash_paid(amount: int, discount: int, points_spent: int, point_value_fen: Decimal) -> int:
    return max(0, amount - discount - points_value(points_spent, point_value_fen))


def earn_points(cash_fen: int, points_per_yuan: Decimal, tier_multiplier: Decimal) -> Earning:
    exact = Decimal(cash_fen) / 100 * points_per_yuan * tier_multiplier
    points = int(exact.to_integral_value(rounding=ROUND_DOWN))
    return Earning(
        points=points,
        explanation={
            "rules": [
                {"kind": "BASE_RATE", "cashFen": cash_fen, "pointsPerYuan": str(points_per_yuan)},
                {"kind": "TIER_MULTIPLIER", "multiplier": str(tier_multiplier)},
            ],
            "exact": str(exact),
            "rounding": "down",
            "points": points,
        },
    )
