"""Old board: a plugin written for a platform version this one is not, which it cannot use.

The admin's browser tests install it beside the member board to see an incompatible plugin
listed with its problem and no way to enable it.
"""

from __future__ import annotations

from plugins.hookspecs import PluginManifest

__all__ = ["MANIFEST"]

MANIFEST = PluginManifest(
    name="old-board",
    version="0.9.0",
    core="<0.1",
    title="Old board",
    description="A board for an earlier version of the platform.",
)
