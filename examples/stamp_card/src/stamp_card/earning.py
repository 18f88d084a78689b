"""``STAMP_CARD_BONUS``: bonus points on the orders that earn a stamp.

A rule kind never does I/O: it cannot read the card, only the order and the member. So the
bonus is for orders of at least ``minAmount`` (set it to the card's minimum order and the orders
that earn a stamp earn the bonus too). Rules of this kind earn only while the tenant has the
plugin enabled.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from plugins.earning import EarningCalculation, EarningRuleKind, Param, Stage

__all__ = ["StampCardBonus"]


class StampCardBonus(EarningRuleKind):
    name = "STAMP_CARD_BONUS"
    stage = Stage.BONUS
    description = "Add fixed bonus points to each order of at least a minimum amount."
    params = (
        Param(
            "points",
            "integer",
            "Bonus points per order.",
            minimum=Decimal(1),
            maximum=Decimal(100_000),
        ),
        Param(
            "minAmount",
            "integer",
            "Minimum amount paid, minor units (fen); every order when absent.",
            required=False,
            minimum=Decimal(0),
        ),
    )

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        minimum = params.get("minAmount", 0)
        if calc.order.amount < minimum:
            return None
        calc.bonus += Decimal(params["points"])
        return {"bonus": params["points"], "amountFen": calc.order.amount}
