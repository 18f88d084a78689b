"""The plugin contract: the hooks a plugin may implement.

A plugin is a module with a ``MANIFEST`` (:class:`PluginManifest`) and functions marked
``@hookimpl``, published under the ``membership.plugins`` entry-point group of its distribution::

    [project.entry-points."membership.plugins"]
    my-plugin = "my_package.membership_plugin"

Hooks make decisions; the platform's services and jobs do the I/O. The platform's own features
are registered through these same hooks (``plugins.builtin``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pluggy

from plugins.channels import ChannelProvider
from plugins.earning import EarningRuleKind

__all__ = ["PROJECT", "PluginManifest", "hookimpl", "hookspec"]

PROJECT = "membership"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@dataclass(frozen=True)
class PluginManifest:
    """Who a plugin is; ``core`` is the range of platform versions it works with (PEP 440)."""

    name: str
    version: str
    core: str
    description: str


@hookspec
def membership_earning_rule_kinds() -> Sequence[EarningRuleKind]:  # type: ignore[empty-body]
    """Earning-rule kinds this plugin adds; their names must be unique across plugins."""


@hookspec
def membership_channel_providers() -> Sequence[ChannelProvider]:  # type: ignore[empty-body]
    """Message-channel providers this plugin adds (:mod:`plugins.channels`); their names must be
    unique across plugins. A tenant picks one provider per channel and gives its credentials."""
