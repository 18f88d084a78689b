"""The platform's own plugin: its earning-rule kinds, registered like any partner's."""

from __future__ import annotations

from collections.abc import Sequence

from plugins.builtin.earning_rules import KINDS
from plugins.earning import EarningRuleKind
from plugins.hookspecs import PluginManifest, hookimpl

__all__ = ["MANIFEST", "membership_earning_rule_kinds"]

MANIFEST = PluginManifest(
    name="membership-core",
    version="0.1.0",
    core=">=0.1,<0.2",
    description="Base rate, tier multiplier, member day, SKU, category, store, campaign, "
    "minimum amount and per-order cap.",
)


@hookimpl
def membership_earning_rule_kinds() -> Sequence[EarningRuleKind]:
    return KINDS
