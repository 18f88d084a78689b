"""Earning rules in the plugin contract: what a rule kind declares, sees and may change.

An order's points come from one pass over the tenant's enabled rules. Each rule belongs to a
*kind*; kinds are registered by plugins through the ``membership_earning_rule_kinds`` hook, and the
platform's own kinds (``plugins.builtin``) are registered the same way.

A kind never does I/O: it reads the facts of the order and the member and turns the knobs of an
:class:`EarningCalculation`. The platform then computes, once, rounding down at the very end::

    exact  = Σ over lines (line cash / 100 × points per yuan × line multiplier) × order multiplier
             + bonus
    points = 0 if not eligible else floor(min(exact, cap))

Rules run by stage (:class:`Stage`), then by priority (higher first), then oldest first. Within
the rate and line stages the first rule that sets a value wins, so a higher-priority rule can
exclude a SKU (multiplier 0) before a broader category rule would multiply it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from enum import IntEnum
from typing import Any, ClassVar, Literal

__all__ = [
    "EarningCalculation",
    "EarningRuleKind",
    "LineEarning",
    "MemberFacts",
    "OrderFacts",
    "OrderLine",
    "Param",
    "ParamProblem",
    "Stage",
    "clean_params",
    "params_to_json",
]


class Stage(IntEnum):
    """When a kind runs; lower first."""

    ELIGIBILITY = 10  # may the order earn at all (minimum amount)
    RATE = 20  # points per yuan
    LINE = 30  # per-line multipliers (SKU, category)
    ORDER = 40  # whole-order multipliers (tier, member day, store, campaign)
    BONUS = 50  # fixed points added after the multipliers
    LIMIT = 60  # caps


ParamType = Literal["decimal", "integer", "strings", "integers", "datetime"]

MAX_LIST = 1000
MAX_TEXT = 100


@dataclass(frozen=True)
class Param:
    """One parameter of a kind, validated by the platform before a rule is saved.

    ``decimal`` and ``integer`` take ``minimum``/``maximum``; ``integers`` checks each element
    against them; ``strings`` are non-empty texts of at most 100 characters; ``datetime`` is ISO
    8601 with a time-zone offset.
    """

    name: str
    type: ParamType
    description: str
    required: bool = True
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    def json_schema(self) -> dict[str, Any]:
        bounds: dict[str, Any] = {}
        if self.minimum is not None:
            bounds["minimum"] = float(self.minimum)
        if self.maximum is not None:
            bounds["maximum"] = float(self.maximum)
        schema: dict[str, Any]
        if self.type == "decimal":
            schema = {"type": "number", **bounds}
        elif self.type == "integer":
            schema = {"type": "integer", **bounds}
        elif self.type == "strings":
            schema = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
        elif self.type == "integers":
            schema = {"type": "array", "items": {"type": "integer", **bounds}, "minItems": 1}
        else:
            schema = {"type": "string", "format": "date-time"}
        return {**schema, "description": self.description}


@dataclass(frozen=True)
class ParamProblem:
    """Why a parameter is invalid: ``template`` is English with ``{placeholders}`` from params."""

    field: str
    template: str
    params: Mapping[str, object] = dataclass_field(default_factory=dict)


@dataclass(frozen=True)
class OrderLine:
    sku: str | None
    category: str | None
    quantity: int
    amount: int  # quantity × unit price, minor units


@dataclass(frozen=True)
class OrderFacts:
    amount: int  # paid amount before discounts and points, minor units
    cash: int  # what earns: the amount less coupon discounts and the money value of points used
    store_code: str | None
    paid_at: datetime  # UTC
    local_paid_at: datetime  # the same instant in the tenant's time zone
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class MemberFacts:
    id: str | None
    tier_id: str | None
    tier_name: str | None
    tier_multiplier: Decimal
    birthday: date | None
    joined_at: datetime | None


@dataclass
class LineEarning:
    """One order line's share of the cash, and the multiplier a line rule gave it."""

    line: OrderLine | None  # None: the whole order, when it came without items
    cash: Decimal
    multiplier: Decimal = Decimal(1)
    multiplied_by: str | None = None  # the rule that set the multiplier; later line rules skip it


@dataclass
class EarningCalculation:
    """The knobs rule kinds turn; the platform computes the points from them at the end."""

    order: OrderFacts
    member: MemberFacts
    lines: list[LineEarning]
    points_per_yuan: Decimal | None = None  # the first rate rule sets it
    order_multiplier: Decimal = Decimal(1)
    bonus: Decimal = Decimal(0)
    cap: int | None = None
    eligible: bool = True

    def exact_points(self) -> Decimal:
        rate = self.points_per_yuan or Decimal(0)
        base = sum((line.cash * line.multiplier for line in self.lines), Decimal(0))
        return base / 100 * rate * self.order_multiplier + self.bonus

    def points(self) -> int:
        if not self.eligible:
            return 0
        exact = self.exact_points()
        if self.cap is not None:
            exact = min(exact, Decimal(self.cap))
        return max(0, int(exact.to_integral_value(rounding=ROUND_DOWN)))


class EarningRuleKind(ABC):
    """A kind of earning rule. Subclass it, then return an instance from the hook.

    ``name`` is upper-case (``[A-Z][A-Z0-9_]*``) and unique across installed plugins.
    """

    name: ClassVar[str]
    stage: ClassVar[Stage]
    description: ClassVar[str]
    params: ClassVar[tuple[Param, ...]] = ()
    # False for kinds the platform applies by itself (the tier multiplier): never stored as rules
    storable: ClassVar[bool] = True

    def check(self, params: Mapping[str, Any]) -> list[ParamProblem]:
        """Problems across parameters (an end before a start); single ones are checked already."""
        return []

    @abstractmethod
    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """Change ``calc`` if the rule applies and say what it did (JSON), or return None."""


def _decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _in_range(number: Decimal, param: Param) -> bool:
    return (param.minimum is None or number >= param.minimum) and (
        param.maximum is None or number <= param.maximum
    )


def _range_problem(param: Param, template: str) -> ParamProblem:
    low = "-∞" if param.minimum is None else str(param.minimum)
    high = "∞" if param.maximum is None else str(param.maximum)
    return ParamProblem(param.name, template, {"low": low, "high": high})


def _clean_one(param: Param, raw: object) -> tuple[object, ParamProblem | None]:
    if param.type in ("decimal", "integer"):
        number = _decimal(raw)
        if number is None or (param.type == "integer" and number != number.to_integral_value()):
            template = (
                "Must be a number between {low} and {high}."
                if param.type == "decimal"
                else "Must be a whole number between {low} and {high}."
            )
            return None, _range_problem(param, template)
        if not _in_range(number, param):
            return None, _range_problem(param, "Must be between {low} and {high}.")
        return (number if param.type == "decimal" else int(number)), None
    if param.type == "strings":
        if (
            not isinstance(raw, list)
            or not 1 <= len(raw) <= MAX_LIST
            or not all(isinstance(s, str) and 1 <= len(s.strip()) <= MAX_TEXT for s in raw)
        ):
            return None, ParamProblem(
                param.name,
                "Give a list of 1 to {max} texts of 1 to {length} characters.",
                {"max": MAX_LIST, "length": MAX_TEXT},
            )
        return sorted({s.strip() for s in raw}), None
    if param.type == "integers":
        numbers = [_decimal(n) for n in raw] if isinstance(raw, list) else []
        if (
            not numbers
            or len(numbers) > MAX_LIST
            or any(
                n is None or n != n.to_integral_value() or not _in_range(n, param) for n in numbers
            )
        ):
            return None, _range_problem(
                param, "Give a list of whole numbers between {low} and {high}."
            )
        return sorted({int(n) for n in numbers if n is not None}), None
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment, None
    return None, ParamProblem(
        param.name,
        "Give a date and time with a time zone, such as 2026-11-11T00:00:00+08:00.",
    )


def clean_params(
    kind: EarningRuleKind, raw: Mapping[str, object]
) -> tuple[dict[str, Any], list[ParamProblem]]:
    """Validate ``raw`` against the kind: Python values (Decimal, int, datetime, lists) or problems."""
    known = {p.name: p for p in kind.params}
    problems = [
        ParamProblem(name, "{kind} has no parameter {name}.", {"kind": kind.name, "name": name})
        for name in raw
        if name not in known
    ]
    values: dict[str, Any] = {}
    for param in kind.params:
        if raw.get(param.name) is None:
            if param.required:
                problems.append(ParamProblem(param.name, "This parameter is required."))
            continue
        value, problem = _clean_one(param, raw[param.name])
        if problem is not None:
            problems.append(problem)
        else:
            values[param.name] = value
    if not problems:
        problems.extend(kind.check(values))
    return values, problems


def params_to_json(values: Mapping[str, Any]) -> dict[str, Any]:
    """Clean values as stored and shown: decimals as strings, times in ISO 8601."""

    def encode(value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, list):
            return [encode(v) for v in value]
        return value

    return {key: encode(value) for key, value in values.items()}


def describe(kinds: Sequence[EarningRuleKind]) -> list[dict[str, Any]]:
    """The kinds as JSON, for documentation and the admin's rule editor."""
    return [
        {
            "name": k.name,
            "stage": k.stage.name,
            "description": k.description,
            "params": {p.name: p.json_schema() for p in k.params},
            "required": [p.name for p in k.params if p.required],
        }
        for k in kinds
    ]
