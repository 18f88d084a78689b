"""Computing an order's points from the tenant's rules: pure, deterministic, explained.

Two rules apply to every order without being stored: the tenant's base rate (its points-per-yuan
setting, used when no BASE_RATE rule matches) and the member's tier multiplier. Stored rules run
before the built-in ones of the same stage, by priority (higher first), then oldest first.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from plugins.earning import (
    EarningCalculation,
    EarningRuleKind,
    LineEarning,
    MemberFacts,
    OrderFacts,
)

__all__ = ["AppliedRule", "EarningOutcome", "RuleSpec", "compute", "split_cash"]


@dataclass(frozen=True)
class RuleSpec:
    """A rule ready to apply: parameters already cleaned (Decimal, datetime, lists)."""

    id: uuid.UUID | None  # None: a built-in rule
    name: str
    kind: str
    params: Mapping[str, Any]
    priority: int = 0
    created_at: datetime | None = None


@dataclass(frozen=True)
class AppliedRule:
    rule_id: uuid.UUID | None
    name: str
    kind: str
    detail: Mapping[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "ruleId": str(self.rule_id) if self.rule_id else None,
            "name": self.name,
            "kind": self.kind,
            **self.detail,
        }


@dataclass(frozen=True)
class EarningOutcome:
    points: int
    exact: Decimal
    cash: int
    applied: tuple[AppliedRule, ...]

    @property
    def exact_text(self) -> str:
        """The exact points without trailing zeros (123.99, 200)."""
        return format(self.exact.normalize(), "f")

    def explanation(self) -> dict[str, Any]:
        """What the order records about why it earned what it earned."""
        return {
            "rules": [rule.as_json() for rule in self.applied],
            "cashFen": self.cash,
            "exact": self.exact_text,
            "rounding": "down",
            "points": self.points,
        }


def split_cash(order: OrderFacts) -> list[LineEarning]:
    """Share the cash among lines in proportion to their amounts (exactly, no rounding)."""
    total = sum(line.amount for line in order.lines)
    if total <= 0:
        return [LineEarning(line=None, cash=Decimal(order.cash))]
    return [
        LineEarning(line=line, cash=Decimal(order.cash) * line.amount / total)
        for line in order.lines
    ]


def _built_in(base_rate: Decimal) -> list[RuleSpec]:
    return [
        RuleSpec(None, "Base rate", "BASE_RATE", {"pointsPerYuan": base_rate}),
        RuleSpec(None, "Tier multiplier", "TIER_MULTIPLIER", {}),
    ]


def compute(
    rules: Sequence[RuleSpec],
    order: OrderFacts,
    member: MemberFacts,
    *,
    base_rate: Decimal,
    kinds: Mapping[str, EarningRuleKind],
) -> EarningOutcome:
    """The order's points under ``rules`` (stored ones; the built-in ones are added here)."""

    def order_key(rule: RuleSpec) -> tuple[int, int, int, str, str]:
        created = rule.created_at.isoformat() if rule.created_at else ""
        return (kinds[rule.kind].stage, rule.id is None, -rule.priority, created, str(rule.id))

    calc = EarningCalculation(order=order, member=member, lines=split_cash(order))
    applied = []
    usable = [r for r in [*rules, *_built_in(base_rate)] if r.kind in kinds]
    for rule in sorted(usable, key=order_key):
        detail = kinds[rule.kind].apply(calc, rule.params)
        if detail is not None:
            applied.append(AppliedRule(rule.id, rule.name, rule.kind, detail))
    return EarningOutcome(calc.points(), calc.exact_points(), order.cash, tuple(applied))
