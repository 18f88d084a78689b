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
from plugins.failures import plugin_failed
from plugins.manager import loaded_plugins

__all__ = ["AppliedRule", "EarningOutcome", "RuleSpec", "compute", "split_cash"]


@dataclass(frozen=True)
class RuleSpec:
    """A rule ready to apply: parameters already cleaned (Decimal, datetime, lists)."""

    id: uuid.UUID | None  # None: built in, or an unsaved draft
    name: str
    kind: str
    params: Mapping[str, Any]
    priority: int = 0
    created_at: datetime | None = None
    built_in: bool = False


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
    exact: Decimal  # before the eligibility check, the cap and rounding
    cash: int
    applied: tuple[AppliedRule, ...]
    eligible: bool = True
    cap: int | None = None

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
            "eligible": self.eligible,
            "cap": self.cap,
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
        RuleSpec(None, "Base rate", "BASE_RATE", {"pointsPerYuan": base_rate}, built_in=True),
        RuleSpec(None, "Tier multiplier", "TIER_MULTIPLIER", {}, built_in=True),
    ]


def _plugin_of(kind: str) -> str:
    return loaded_plugins().kind_plugins.get(kind, "?")


def _applied(
    kind: EarningRuleKind, calc: EarningCalculation, rule: RuleSpec
) -> dict[str, Any] | None:
    """One rule applied; a kind that raises fails the order with its plugin named, and is
    logged, rather than being masked as the platform's error."""
    try:
        return kind.apply(calc, rule.params)
    except Exception as exc:
        raise plugin_failed(_plugin_of(rule.kind), exc, kind=rule.kind) from exc


# id(rules) → (rules, base rate, kinds, how many kinds, the rules in the order they apply). A
# tenant's stored rules come as one tuple for every order of a programme revision, so their
# order is worked out once; a tuple held here keeps its id from being reused.
_ordered: dict[
    int, tuple[tuple[RuleSpec, ...], Decimal, Mapping[str, Any], int, tuple[RuleSpec, ...]]
] = {}
_ORDERS_KEPT = 10_000


def _in_order(
    rules: Sequence[RuleSpec], base_rate: Decimal, kinds: Mapping[str, EarningRuleKind]
) -> tuple[RuleSpec, ...]:
    """The rules with the built-in ones, those of an installed kind, in the order they apply."""
    held = _ordered.get(id(rules))
    if (
        held is not None
        and held[0] is rules
        and held[1] == base_rate
        and held[2] is kinds
        and held[3] == len(kinds)
    ):
        return held[4]

    def order_key(position: int) -> tuple[int, bool, int, str, str, int]:
        rule = usable[position]
        created = rule.created_at.isoformat() if rule.created_at else ""
        stage = kinds[rule.kind].stage
        # drafts (no id, no time) keep the order they were given in
        return (stage, rule.built_in, -rule.priority, created, str(rule.id or ""), position)

    usable = [r for r in [*rules, *_built_in(base_rate)] if r.kind in kinds]
    ordered = tuple(usable[i] for i in sorted(range(len(usable)), key=order_key))
    if isinstance(rules, tuple):  # a list could change under the id
        if len(_ordered) >= _ORDERS_KEPT:
            _ordered.clear()
        _ordered[id(rules)] = (rules, base_rate, kinds, len(kinds), ordered)
    return ordered


def compute(
    rules: Sequence[RuleSpec],
    order: OrderFacts,
    member: MemberFacts,
    *,
    base_rate: Decimal,
    kinds: Mapping[str, EarningRuleKind],
) -> EarningOutcome:
    """The order's points under ``rules`` (stored ones; the built-in ones are added here)."""
    calc = EarningCalculation(order=order, member=member, lines=split_cash(order))
    applied = []
    for rule in _in_order(rules, base_rate, kinds):
        detail = _applied(kinds[rule.kind], calc, rule)
        if detail is not None:
            applied.append(AppliedRule(rule.id, rule.name, rule.kind, detail))
    return EarningOutcome(
        calc.points(),
        calc.exact_points(),
        order.cash,
        tuple(applied),
        eligible=calc.eligible,
        cap=calc.cap,
    )
