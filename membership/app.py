"""create_app(): Starlette + GraphQL + auth + health + metrics + the admin SPA at /admin/."""

from __future__ import annotations

import gc
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from tortoise import Tortoise

from membership import metrics
from membership.api_schema import build_schema
from membership.clock import Clock, SystemClock
from membership.db import close_db, init_db, resolve_postgres, resolve_redis_url, role_target
from membership.gateway.http import PREPARSED, GraphQLEndpoint, encode
from membership.gateway.persisted import PersistedOperations, read_manifest
from membership.logging import configure_logging, flush_access_lines, log_request
from membership.messages import choose_language
from membership.settings import Settings, get_settings
from resolvers.downloads import coupon_batch_csv
from resolvers.plugin_assets import plugin_asset
from resolvers.plugin_routes import PluginRoutes
from resolvers.receipts import channel_receipts
from schema.context import Context
from tenants.auth import Authenticator, AuthError
from tenants.context import RequestContext
from tenants.revocations import TokenRevocations

__all__ = ["create_app"]

log = structlog.get_logger("membership.http")


class Services:
    """Process-wide clients, made in the lifespan."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.redis: Redis | None = None
        self.revocations: TokenRevocations | None = None
        self.authenticator: Authenticator | None = None
        self.persisted = PersistedOperations()

    async def start(self, *, init_database: bool) -> None:
        if init_database:
            admin = resolve_postgres(self.settings)
            await init_db(role_target(admin, "app", self.settings), self.settings)
        self.redis = Redis.from_url(resolve_redis_url(self.settings))
        self.revocations = TokenRevocations(self.redis, self.settings.redis_prefix)
        self.authenticator = Authenticator(self.revocations, self.clock)
        await self._register_admin_operations()

    async def _register_admin_operations(self) -> None:
        """The admin SPA's operations, registered from the manifest its build writes."""
        manifest = self.settings.admin_dist / "persisted-documents.json"
        if not manifest.exists():
            return
        try:
            documents = read_manifest(manifest)
            added = await self.persisted.register(documents, "admin")
        except Exception as exc:  # a bad manifest must not keep the API from starting
            log.error("admin_operations_not_registered", error=repr(exc), path=str(manifest))
            return
        log.info("admin_operations_registered", count=len(documents), new=len(added))

    async def stop(self, *, close_database: bool) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        if close_database:
            await close_db()


class MembershipGraphQL(GraphQL[Context, None]):
    def __init__(self, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services

    def encode_json(self, data: object) -> bytes:
        return encode(data)

    async def parse_http_body(self, request: Any) -> Any:
        # The endpoint has read and parsed the body already (and put a persisted operation's
        # document in it).
        body = PREPARSED.get()
        if body is None:
            return await super().parse_http_body(request)
        return GraphQLRequestData(
            query=body.get("query"),
            variables=body.get("variables"),
            operation_name=body.get("operationName"),
            extensions=body.get("extensions"),
            protocol="http",
        )

    async def get_context(self, request: Any, response: Any) -> Context:
        services = self.services
        assert services.authenticator is not None and services.revocations is not None
        return Context(
            request=request,
            response=response,
            ctx=request.scope.get("membership.ctx"),
            authenticator=services.authenticator,
            revocations=services.revocations,
            request_id=request.scope.get("membership.request_id", ""),
            language=request.scope.get("membership.language", "en"),
        )


_READ_HEADERS = {
    name.encode(): name for name in ("x-request-id", "accept-language", "authorization", "x-tenant")
}


class RequestMiddleware:
    """Request id, credential → context, tenant header check, access log, HTTP metrics."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # only the headers read here are decoded (ASGI gives names in lower case)
        headers = {
            _READ_HEADERS[name]: value.decode("latin-1")
            for name, value in scope["headers"]
            if name in _READ_HEADERS
        }
        # a request id only has to tell requests apart: no system call for its randomness
        request_id = headers.get("x-request-id", "")[:64] or f"{random.getrandbits(128):032x}"
        scope["membership.request_id"] = request_id
        scope["membership.language"] = choose_language(headers.get("accept-language"))
        # what this request's log lines carry; reset after it, not cleared wholesale
        context = {"request_id": request_id}
        tokens = dict(structlog.contextvars.bind_contextvars(request_id=request_id))
        status = 500

        async def send_wrapper(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"].append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            refusal = await self._authenticate(scope, headers, request_id, context, tokens)
            if refusal is not None:
                await refusal(scope, receive, send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            metrics.observe_http(scope["path"], status, elapsed)
            if scope["path"] not in ("/healthz", "/readyz", "/metrics"):
                log_request(
                    scope["method"], scope["path"], status, round(elapsed * 1000, 2), context
                )
            structlog.contextvars.reset_contextvars(**tokens)

    async def _authenticate(
        self,
        scope: Scope,
        headers: dict[str, str],
        request_id: str,
        context: dict[str, str],
        tokens: dict[str, Any],
    ) -> Response | None:
        authorization = headers.get("authorization", "")
        if not authorization:
            return None
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            return _unauthorized("Use Authorization: Bearer <token or API key>.")
        assert self.services.authenticator is not None
        try:
            ctx: RequestContext = await self.services.authenticator.authenticate(
                credential.strip(), request_id
            )
        except AuthError as exc:
            return _unauthorized(str(exc))
        named = headers.get("x-tenant")
        if named and named not in (ctx.tenant.slug, str(ctx.tenant.id)):
            return JSONResponse(
                {
                    "errors": [
                        {
                            "message": "The X-Tenant header names another tenant than the "
                            "credential.",
                            "extensions": {"code": "PERMISSION_DENIED"},
                        }
                    ]
                },
                status_code=403,
            )
        scope["membership.ctx"] = ctx
        bound = {
            "tenant": ctx.tenant.slug,
            "actor": f"{ctx.actor.kind}:{ctx.actor.id or ctx.actor.label}",
        }
        context.update(bound)
        tokens.update(structlog.contextvars.bind_contextvars(**bound))
        return None


def _unauthorized(message: str) -> Response:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"www-authenticate": "Bearer"},
    )


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, manage_database: bool = True
) -> Starlette:
    """The ASGI app. ``manage_database=False`` when the caller has already initialised Tortoise."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    services = Services(settings, clock or SystemClock())
    schema = build_schema()
    graphql = MembershipGraphQL(
        services,
        schema=schema,
        graphql_ide="graphiql" if settings.debug else None,
        allow_queries_via_get=True,
    )
    endpoint = GraphQLEndpoint(
        graphql, schema, services.persisted, compiled=settings.graphql_compiled
    )

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            conn = Tortoise.get_connection("default")
            await conn.execute_query("SELECT 1")
            checks["postgres"] = "ok"
        except Exception as exc:
            checks["postgres"] = f"down: {type(exc).__name__}"
        try:
            assert services.redis is not None
            await services.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"down: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)

    async def metrics_endpoint(request: Request) -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4")

    async def admin_redirect(request: Request) -> Response:
        return RedirectResponse("/admin/")

    routes: list[Any] = [
        Route("/graphql", endpoint, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
        Route("/admin", admin_redirect),
        Route("/plugin-files/{plugin}/{path:path}", plugin_asset),
        Route("/plugin-api/{plugin}/{path:path}", PluginRoutes(public=False)),
        Route("/plugin-hooks/{plugin}/{tenant}/{path:path}", PluginRoutes(public=True)),
        Route("/coupon-batches/{batch_id}/codes.csv", coupon_batch_csv),
        Route(
            "/channels/receipts/{tenant}/{channel}/{token}",
            channel_receipts,
            methods=["GET", "POST"],
        ),
    ]
    # Something must answer under /admin/ even without a build: otherwise the router's slash
    # redirect sends /admin/ to /admin, which sends it back to /admin/, until the browser gives up.
    dist = settings.admin_dist
    if (dist / "index.html").exists():
        admin: ASGIApp = _SpaFiles(directory=dist, html=True)
    else:
        log.warning("admin SPA not built; /admin/ answers 503", admin_dist=str(dist))
        admin = _admin_not_built
    routes.append(Mount("/admin", app=admin, name="admin"))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await services.start(init_database=manage_database)
        # Everything made at start-up lives as long as the process: keep it out of the cyclic
        # collector's generations, so full collections stay short under load.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            flush_access_lines()
            await services.stop(close_database=manage_database)

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.services = services
    app.state.graphql = endpoint
    app.add_middleware(RequestMiddleware, services=services)
    return app


_ADMIN_NOT_BUILT = (
    "<!doctype html><title>Admin not built</title>"
    "<p>The admin is not built. Build it with <code>scripts/setup</code>, or "
    "<code>cd admin_spa &amp;&amp; npm ci &amp;&amp; npm run build</code> (or point "
    "<code>MEMBERSHIP_ADMIN_DIST</code> at a build), then restart <code>membership serve</code>.</p>\n"
)


async def _admin_not_built(scope: Scope, receive: Receive, send: Send) -> None:
    response = HTMLResponse(
        _ADMIN_NOT_BUILT, status_code=503, headers={"cache-control": "no-store"}
    )
    await response(scope, receive, send)


class _SpaFiles(StaticFiles):
    """Static files with a fallback to index.html, so client-side routes survive a reload."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        from starlette.exceptions import HTTPException

        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code == 404 and "." not in path.rsplit("/", 1)[-1]:
                return await super().get_response("index.html", scope)
            raise
