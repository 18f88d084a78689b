"""The built-in earning-rule kinds. See ``plugins.earning`` for how they combine."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from plugins.earning import EarningCalculation, EarningRuleKind, Param, ParamProblem, Stage

__all__ = ["KINDS"]

_MULTIPLIER = Param(
    "multiplier",
    "decimal",
    "Multiply the points by this; 0 earns nothing.",
    minimum=Decimal(0),
    maximum=Decimal(100),
)
_STORES = Param(
    "stores", "strings", "Store codes the rule applies at; omit for every store.", False
)


def _at_store(calc: EarningCalculation, params: Mapping[str, Any]) -> bool:
    stores = params.get("stores")
    return stores is None or calc.order.store_code in stores


def _multiply_order(calc: EarningCalculation, multiplier: Decimal) -> dict[str, Any]:
    calc.order_multiplier *= multiplier
    return {"multiplier": format(multiplier.normalize(), "f")}


class BaseRate(EarningRuleKind):
    name = "BASE_RATE"
    stage = Stage.RATE
    description = (
        "Points per yuan of cash paid. Without a rule the tenant's setting applies; with "
        "several, the highest priority that matches the store wins."
    )
    params = (
        Param(
            "pointsPerYuan",
            "decimal",
            "Points per yuan (100 fen) of cash paid.",
            minimum=Decimal(0),
            maximum=Decimal(1000),
        ),
        _STORES,
    )

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        if calc.points_per_yuan is not None or not _at_store(calc, params):
            return None
        calc.points_per_yuan = params["pointsPerYuan"]
        rate = format(params["pointsPerYuan"].normalize(), "f")
        return {"pointsPerYuan": rate, "cashFen": calc.order.cash}


class TierMultiplier(EarningRuleKind):
    name = "TIER_MULTIPLIER"
    stage = Stage.ORDER
    description = "The member's tier multiplier (set on the tier). Applies to every order."
    storable = False

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        if calc.member.tier_id is None:
            return None
        return {
            "tier": calc.member.tier_name,
            **_multiply_order(calc, calc.member.tier_multiplier),
        }


class MemberDay(EarningRuleKind):
    name = "MEMBER_DAY"
    stage = Stage.ORDER
    description = (
        "Multiply on member days: weekdays (1 = Monday … 7 = Sunday) or days of the month, "
        "on the order's paid time in the tenant's time zone."
    )
    params = (
        Param(
            "weekdays",
            "integers",
            "ISO weekdays, 1 = Monday.",
            False,
            Decimal(1),
            Decimal(7),
        ),
        Param("monthDays", "integers", "Days of the month.", False, Decimal(1), Decimal(31)),
        _MULTIPLIER,
        _STORES,
    )

    def check(self, params: Mapping[str, Any]) -> list[ParamProblem]:
        if "weekdays" in params or "monthDays" in params:
            return []
        return [ParamProblem("weekdays", "Give weekdays, days of the month or both.")]

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        local = calc.order.local_paid_at
        if not _at_store(calc, params) or not (
            local.isoweekday() in params.get("weekdays", ())
            or local.day in params.get("monthDays", ())
        ):
            return None
        return {
            "localDate": local.date().isoformat(),
            **_multiply_order(calc, params["multiplier"]),
        }


class _LineMultiplier(EarningRuleKind):
    stage = Stage.LINE
    match: str  # the line attribute compared
    listed: str  # the parameter listing the values

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        if not _at_store(calc, params):
            return None
        wanted = params[self.listed]
        hits: list[str] = []
        for earning in calc.lines:
            value = getattr(earning.line, self.match, None) if earning.line else None
            if earning.multiplied_by is None and value in wanted:
                earning.multiplier = params["multiplier"]
                earning.multiplied_by = self.name
                hits.append(str(value))
        if not hits:
            return None
        multiplier = format(params["multiplier"].normalize(), "f")
        return {"multiplier": multiplier, self.listed: sorted(set(hits))}


class SkuMultiplier(_LineMultiplier):
    name = "SKU_MULTIPLIER"
    match = "sku"
    listed = "skus"
    description = (
        "Multiply the lines of these SKUs (0 excludes them). A line takes the first line "
        "rule that matches it, by priority."
    )
    params = (Param("skus", "strings", "SKUs."), _MULTIPLIER, _STORES)


class CategoryMultiplier(_LineMultiplier):
    name = "CATEGORY_MULTIPLIER"
    match = "category"
    listed = "categories"
    description = (
        "Multiply the lines of these categories (0 excludes them). A line takes the first "
        "line rule that matches it, by priority."
    )
    params = (Param("categories", "strings", "Categories."), _MULTIPLIER, _STORES)


class StoreMultiplier(EarningRuleKind):
    name = "STORE_MULTIPLIER"
    stage = Stage.ORDER
    description = "Multiply orders paid at these stores (0: they earn nothing)."
    params = (Param("stores", "strings", "Store codes."), _MULTIPLIER)

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        if calc.order.store_code not in params["stores"]:
            return None
        return {"store": calc.order.store_code, **_multiply_order(calc, params["multiplier"])}


class Campaign(EarningRuleKind):
    name = "CAMPAIGN"
    stage = Stage.ORDER
    description = "Multiply orders paid from startsAt (included) to endsAt (excluded)."
    params = (
        Param("startsAt", "datetime", "Start, with a time-zone offset."),
        Param("endsAt", "datetime", "End, with a time-zone offset."),
        _MULTIPLIER,
        _STORES,
    )

    def check(self, params: Mapping[str, Any]) -> list[ParamProblem]:
        if params["endsAt"] > params["startsAt"]:
            return []
        return [ParamProblem("endsAt", "The end must come after the start.")]

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        if not params["startsAt"] <= calc.order.paid_at < params["endsAt"]:
            return None
        if not _at_store(calc, params):
            return None
        return _multiply_order(calc, params["multiplier"])


class MinimumAmount(EarningRuleKind):
    name = "MINIMUM_AMOUNT"
    stage = Stage.ELIGIBILITY
    description = "Orders whose cash paid is below this amount (minor units) earn nothing."
    params = (
        Param("amount", "integer", "Minimum cash paid, minor units.", minimum=Decimal(1)),
        _STORES,
    )

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        if not _at_store(calc, params) or calc.order.cash >= params["amount"]:
            return None
        calc.eligible = False
        return {"minimumFen": params["amount"], "cashFen": calc.order.cash}


class OrderCap(EarningRuleKind):
    name = "ORDER_CAP"
    stage = Stage.LIMIT
    description = "At most this many points per order."
    params = (
        Param("points", "integer", "Most points one order earns.", minimum=Decimal(0)),
        _STORES,
    )

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        if not _at_store(calc, params):
            return None
        cap = params["points"] if calc.cap is None else min(calc.cap, params["points"])
        calc.cap = cap
        return {"cap": params["points"]}


KINDS: tuple[EarningRuleKind, ...] = (
    BaseRate(),
    TierMultiplier(),
    MemberDay(),
    SkuMultiplier(),
    CategoryMultiplier(),
    StoreMultiplier(),
    Campaign(),
    MinimumAmount(),
    OrderCap(),
)
