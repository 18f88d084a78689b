"""Admin pages in the plugin contract: routes the admin SPA loads from the plugin's manifest.

A page is one ES module shipped inside the plugin's package (package data) and served by the
platform at ``/plugin-files/<plugin>/<module>``. The admin lists the pages of the plugins the
tenant enabled in its menu, and opens ``/plugins/<plugin>/<path>`` by importing the module and
calling its default export with the host::

    export default function page(host) {
      const { React, antd, graphql, language } = host;
      return function StampCards() { ... };   // a React component
    }

``host.React`` and ``host.antd`` are the admin's own React and Ant Design, so a page needs no
build step and looks like the rest of the admin (``host.dayjs`` is what antd's date pickers
take and give); ``host.EChart`` is the admin's chart
(``React.createElement(host.EChart, {option, height})`` with an ECharts option of bar and line
series); ``host.graphql(query, variables)`` posts to the
API with the signed-in staff member's session and resolves to ``data`` (or throws with the
errors); ``host.language`` is ``"zh-CN"`` or ``"en"``; ``host.download(url, filename)`` fetches a
file one of the plugin's HTTP routes serves (``/plugin-api/<plugin>/<path>``, which needs the
credential a plain link cannot send) with the staff member's session and saves it as
``filename``, resolving when the browser has it (or throwing with the refusal in words).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["AdminPage"]

PATH = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
MODULE = re.compile(r"^[A-Za-z0-9_./-]{1,200}\.js$")


@dataclass(frozen=True)
class AdminPage:
    """``path`` names the route; ``module`` is the page's file relative to the plugin's module's
    folder; ``title`` is by language (``zh-CN`` and ``en``)."""

    path: str
    module: str
    title: Mapping[str, str]
    permission: str | None = None  # a permission the staff member needs to see it in the menu
