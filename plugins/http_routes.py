"""HTTP routes in the plugin contract: files and notifications beside GraphQL.

Most of what a plugin offers is GraphQL. Some things are not: a spreadsheet to download, or a
payment provider's signed notification. A plugin declares such routes, and the platform serves
them under its own prefix, for the tenants that enabled the plugin only:

* ``/plugin-api/<plugin>/<path>``: with the caller's credential (``Authorization: Bearer``, as for
  ``/graphql``); the handler gets the caller's context, permissions included. Without a credential
  the answer is 401; for a tenant that has not enabled the plugin, 403 naming it.
* ``/plugin-hooks/<plugin>/<tenant slug>/<path>`` when ``public=True``: no credential (a provider
  calling back); the handler gets the platform's context of the tenant in the URL and must check
  the request itself (a signature). An unknown tenant, or one without the plugin, is 404.

``path`` may hold Starlette path parameters (``"receipts/{receipt_id}/photo"``), read from
``request.path_params``. A handler that raises ``DomainError`` answers with its code (401, 403,
404 or 400) and message in the caller's language; one that raises anything else answers 500
``PLUGIN_FAILED``, logged with the plugin's name.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from tenants.context import RequestContext

__all__ = ["PATH", "PluginRoute"]

PATH = re.compile(r"^[A-Za-z0-9_.{}-]+(/[A-Za-z0-9_.{}-]+)*$")

RouteHandler = Callable[[Request, RequestContext], Awaitable[Response]]


@dataclass(frozen=True)
class PluginRoute:
    path: str  # relative: "settlement.xlsx", "payments/notify"
    handler: RouteHandler
    methods: tuple[str, ...] = ("GET",)
    public: bool = False
