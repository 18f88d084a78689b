"""The money side of earning: what points used as payment are worth, how many an order may
take, and the cash that earns.

Which points the cash earns is the earning rules' business (``membership.earning``).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_UP, Decimal

__all__ = ["cash_paid", "max_points_payment", "points_value"]


def points_value(points: int, point_value_fen: Decimal) -> int:
    """Money value in fen of ``points`` used as payment, rounded up in the merchant's favour."""
    return int((Decimal(points) * point_value_fen).to_integral_value(rounding=ROUND_UP))


def cash_paid(amount: int, discount: int, points_spent: int, point_value_fen: Decimal) -> int:
    return max(0, amount - discount - points_value(points_spent, point_value_fen))


def max_points_payment(payable: int, cap_percent: int, point_value_fen: Decimal) -> int:
    """The most points that may pay ``payable`` fen (the order after coupons) under the cap.

    Points pay at most ``cap_percent`` % of it, rounded down to the fen; since a payment's value
    is rounded up, that is every ``p`` with ``p × value ≤ cap``.
    """
    cap = max(0, payable) * cap_percent // 100
    return int((Decimal(cap) / point_value_fen).to_integral_value(rounding=ROUND_FLOOR))
