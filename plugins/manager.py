"""Finding plugins (entry points) and asking them: one manager per process.

Plugins are loaded once, at first use. A plugin whose manifest does not accept this platform's
version, or that brings a rule kind whose name another plugin took, stops the start-up with a
message naming it: a half-loaded plugin would compute points differently on different machines.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType
from typing import cast

import pluggy
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from plugins import hookspecs
from plugins.channels import ChannelProvider
from plugins.earning import EarningRuleKind
from plugins.hookspecs import PROJECT, PluginManifest

__all__ = ["ENTRY_POINT_GROUP", "LoadedPlugins", "PluginError", "loaded_plugins"]

ENTRY_POINT_GROUP = "membership.plugins"
CORE_PLUGIN = "membership-core"
_KIND_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_PROVIDER_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class PluginError(RuntimeError):
    """An installed plugin cannot be used."""


@dataclass(frozen=True)
class LoadedPlugins:
    manager: pluggy.PluginManager
    manifests: dict[str, PluginManifest]  # by entry-point name
    earning_rule_kinds: dict[str, EarningRuleKind]  # by kind name
    kind_plugins: dict[str, str]  # kind name -> entry-point name
    channel_providers: dict[str, ChannelProvider]  # by provider name


def _core_version() -> str:
    try:
        return metadata.version("membership")
    except metadata.PackageNotFoundError:
        return "0"


def _manifest(name: str, plugin: ModuleType) -> PluginManifest:
    manifest = getattr(plugin, "MANIFEST", None)
    if not isinstance(manifest, PluginManifest):
        raise PluginError(f"plugin {name!r} has no MANIFEST (plugins.hookspecs.PluginManifest)")
    if Version(_core_version()) not in SpecifierSet(manifest.core):
        raise PluginError(
            f"plugin {name!r} {manifest.version} needs membership {manifest.core}, "
            f"this is {_core_version()}"
        )
    return manifest


def build(plugins: dict[str, ModuleType]) -> LoadedPlugins:
    """A manager with exactly these plugins (by entry-point name); tests use it directly."""
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    manifests = {}
    for name, plugin in plugins.items():
        manifests[name] = _manifest(name, plugin)
        manager.register(plugin, name=name)
    kinds: dict[str, EarningRuleKind] = {}
    owners: dict[str, str] = {}
    for impl in manager.hook.membership_earning_rule_kinds.get_hookimpls():
        supplied = cast(Sequence[EarningRuleKind], impl.function())
        for kind in supplied:
            if not _KIND_NAME.match(kind.name):
                raise PluginError(f"plugin {impl.plugin_name!r}: bad rule kind name {kind.name!r}")
            if kind.name in kinds:
                raise PluginError(
                    f"rule kind {kind.name} comes from both {owners[kind.name]!r} "
                    f"and {impl.plugin_name!r}"
                )
            kinds[kind.name] = kind
            owners[kind.name] = impl.plugin_name
    return LoadedPlugins(manager, manifests, kinds, owners, _channel_providers(manager))


def _channel_providers(manager: pluggy.PluginManager) -> dict[str, ChannelProvider]:
    providers: dict[str, ChannelProvider] = {}
    owners: dict[str, str] = {}
    for impl in manager.hook.membership_channel_providers.get_hookimpls():
        for provider in cast(Sequence[ChannelProvider], impl.function()):
            if not isinstance(provider, ChannelProvider) or not _PROVIDER_NAME.match(provider.name):
                raise PluginError(
                    f"plugin {impl.plugin_name!r}: a channel provider must be a ChannelProvider "
                    "named in lower case"
                )
            if provider.name in providers:
                raise PluginError(
                    f"channel provider {provider.name} comes from both "
                    f"{owners[provider.name]!r} and {impl.plugin_name!r}"
                )
            providers[provider.name] = provider
            owners[provider.name] = impl.plugin_name
    return providers


@functools.cache
def loaded_plugins() -> LoadedPlugins:
    """Every plugin installed under the ``membership.plugins`` entry-point group."""
    found = {ep.name: ep.load() for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    if CORE_PLUGIN not in found:
        raise PluginError(
            f"the platform's own plugin {CORE_PLUGIN!r} is not installed: run `pip install -e .`"
        )
    return build(dict(sorted(found.items())))
