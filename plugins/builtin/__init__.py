"""The platform's own plugin: its earning-rule kinds and message-channel providers, registered
like any partner's."""

from __future__ import annotations

from collections.abc import Sequence

from plugins.builtin.earning_rules import KINDS
from plugins.builtin.fake_provider import FAKE_PROVIDERS
from plugins.channels import ChannelProvider
from plugins.earning import EarningRuleKind
from plugins.hookspecs import PluginManifest, hookimpl

__all__ = ["MANIFEST", "membership_channel_providers", "membership_earning_rule_kinds"]

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


@hookimpl
def membership_channel_providers() -> Sequence[ChannelProvider]:
    from plugins.builtin.providers import PROVIDERS

    return (*FAKE_PROVIDERS, *PROVIDERS)
