"""``/graphql``: persisted operations by id, compiled plans for the hot ones, strawberry for
everything else.

A request naming a persisted operation (``documentId``, or Apollo's
``extensions.persistedQuery.sha256Hash``) runs the registered document. When that document has
a compiled plan (``membership.gateway.compiled``), the plan answers; otherwise, and for every
ad-hoc document, strawberry does, with the same limits as always. Responses are written with
orjson.
"""

from __future__ import annotations

import contextvars
import json
from typing import Any

import orjson
import strawberry
import structlog
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from membership.api_schema import parse_and_validate
from membership.gateway.compiled import Plan, Unsupported, compile_plan
from membership.gateway.persisted import PersistedOperations, document_id, normalize_id

__all__ = ["PREPARSED", "GraphQLEndpoint"]

log = structlog.get_logger("membership.graphql")

# The request's parsed body, for the strawberry view.
PREPARSED: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "membership_graphql_body", default=None
)


def encode(body: object) -> bytes:
    """JSON as the API writes it: orjson, or the standard library for what orjson refuses
    (integers beyond 64 bits inside a JSON value)."""
    try:
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(body: object, status_code: int = 200) -> Response:
    return Response(encode(body), status_code=status_code, media_type="application/json")


_PLANS = 10_000  # plans kept; made again on first use after that many


def _refusal(message: str, code: str) -> Response:
    """A protocol-level refusal (Apollo clients match these messages: they stay in English)."""
    return json_response({"errors": [{"message": message, "extensions": {"code": code}}]})


class GraphQLEndpoint:
    """The ASGI app at ``/graphql``."""

    def __init__(
        self,
        view: Any,
        schema: strawberry.Schema,
        registry: PersistedOperations,
        *,
        compiled: bool = True,
    ) -> None:
        self.view = view
        self.schema = schema
        self.registry = registry
        self.compiled = compiled
        self._plans: dict[str, Plan | None] = {}

    def plan(self, operation_id: str, document: str) -> Plan | None:
        """The compiled plan of a registered document, made on first use; None if unsupported."""
        if operation_id not in self._plans:
            if len(self._plans) >= _PLANS:
                self._plans.clear()
            try:
                self._plans[operation_id] = compile_plan(self.schema, document)
            except Unsupported as exc:
                log.debug("not_compiled", operation=operation_id, reason=str(exc))
                self._plans[operation_id] = None
            except Exception:
                log.exception("compile_failed", operation=operation_id)
                self._plans[operation_id] = None
        return self._plans[operation_id]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST" or not _is_json(scope):
            await self.view(scope, receive, send)
            return
        request = Request(scope, receive)
        raw = await request.body()
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            # batches and bodies that are not JSON: strawberry answers them as it always has
            await self.view(scope, _replay(raw), send)
            return
        operation_id, refusal = await self._persisted(scope, body)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if operation_id is not None and self.compiled:
            plan = self.plan(operation_id, body["query"])
            name = body.get("operationName")
            variables = body.get("variables")
            if (
                plan is not None
                and (name is None or name == plan.name)
                and (variables is None or isinstance(variables, dict))
            ):
                context = await self.view.get_context(request, None)
                answer = await plan.execute(context, variables)
                await _send_json(send, encode(answer))
                return
        token = PREPARSED.set(body)
        try:
            await self.view(scope, receive, send)
        finally:
            PREPARSED.reset(token)

    async def _persisted(
        self, scope: Scope, body: dict[str, Any]
    ) -> tuple[str | None, Response | None]:
        """The persisted operation the body names (its document put in ``query``), or a
        refusal; (None, None) for an ad-hoc document."""
        named: object = body.get("documentId")
        extensions = body.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if named is None and isinstance(persisted, dict):
            named = persisted.get("sha256Hash")
        if named is None:
            return None, None
        operation_id = normalize_id(named)
        if operation_id is None:
            return None, _refusal(
                "A persisted operation's id is sha256:<64 hex digits>.", "PERSISTED_QUERY_INVALID"
            )
        query = body.get("query")
        if isinstance(query, str):
            if document_id(query) != operation_id:
                return None, _refusal(
                    "provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH"
                )
            if self.registry.cached(operation_id) is None:
                await self._register(scope, operation_id, query)
            return operation_id, None
        document = await self.registry.get(operation_id)
        if document is None:
            return None, _refusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        body["query"] = document
        return operation_id, None

    async def _register(self, scope: Scope, operation_id: str, document: str) -> None:
        """Apollo's automatic registration: a caller with a credential sends the hash with a
        document that validates."""
        if scope.get("membership.ctx") is None:
            return
        parsed, errors = parse_and_validate(self.schema, document)
        if parsed is not None and not errors:
            await self.registry.register({operation_id: document}, "apq")


async def _send_json(send: Send, body: bytes) -> None:
    """What ``json_response`` sends, without a Response object around it (a compiled plan's
    answer, on every hot request)."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-length", str(len(body)).encode()),
                (b"content-type", b"application/json"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return b"application/json" in value.lower()
    return False


def _replay(raw: bytes) -> Receive:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    return receive
