"""The plugins' HTTP routes (``plugins.http_routes``): ``/plugin-api/<plugin>/…`` with the
caller's credential, ``/plugin-hooks/<plugin>/<tenant>/…`` without one; for the tenants that
enabled the plugin only."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from membership.activation.service import is_enabled, require_enabled
from membership.errors import DomainError, ErrorCode
from plugins.failures import plugin_failed
from plugins.http_routes import PluginRoute
from plugins.manager import loaded_plugins
from resolvers.http_refusals import refusal
from tenants.context import RequestContext
from tenants.registry import get_tenant_by_slug

__all__ = ["PluginRoutes"]


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404)


def _match(
    plugin: str, path: str, scope: Scope, *, public: bool
) -> tuple[PluginRoute, dict[str, str]] | bool | None:
    """The plugin's route for ``path``: (route, params); False when the path is known but not
    for this method; None when unknown."""
    known = False
    for declared in loaded_plugins().http_routes.get(plugin, ()):
        if declared.public != public:
            continue
        route = Route("/" + declared.path, endpoint=_nothing, methods=list(declared.methods))
        match, child = route.matches({**scope, "path": "/" + path, "root_path": ""})
        if match is Match.FULL:
            return declared, child["path_params"]
        known = known or match is Match.PARTIAL
    return False if known else None


async def _nothing(request: Request) -> Response:  # a Route needs an endpoint to match with
    return _not_found()


async def _run(
    plugin: str, route: PluginRoute, request: Request, ctx: RequestContext, language: str
) -> Response:
    try:
        return await route.handler(request, ctx)
    except DomainError as exc:
        return refusal(exc, language)
    except Exception as exc:
        return refusal(plugin_failed(plugin, exc, route=route.path), language)


class PluginRoutes:
    """The ASGI app behind ``/plugin-api/{plugin}/{path}`` (or, ``public``, the hooks)."""

    def __init__(self, *, public: bool) -> None:
        self.public = public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        public = self.public
        request = Request(scope, receive)
        params = request.path_params
        plugin, path = params["plugin"], params["path"]
        language = scope.get("membership.language", "en")
        found = _match(plugin, path, scope, public=public)
        if not isinstance(found, tuple):
            response = (
                PlainTextResponse("Method not allowed", status_code=405)
                if found is False
                else _not_found()
            )
            await response(scope, receive, send)
            return
        route, route_params = found
        request.scope["path_params"] = {**params, **route_params}
        if public:
            tenant = await get_tenant_by_slug(params["tenant"])
            ctx = RequestContext.system(tenant) if tenant is not None else None
            if ctx is None or not await is_enabled(ctx, plugin):
                await _not_found()(scope, receive, send)
                return
        else:
            ctx = scope.get("membership.ctx")
            try:
                if ctx is None:
                    raise DomainError(
                        ErrorCode.UNAUTHENTICATED,
                        "Send a credential: Authorization: Bearer <token or API key>.",
                    )
                await require_enabled(ctx, plugin)
            except DomainError as exc:
                await refusal(exc, language)(scope, receive, send)
                return
        response = await _run(plugin, route, request, ctx, language)
        await response(scope, receive, send)
