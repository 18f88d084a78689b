"""The API with every SQL statement counted: what one request costs in statements and DB waits.

    uvicorn bench.sql_census_app:create_app --factory

``membership.app:create_app`` unchanged, served with asyncpg's ``Connection`` query methods
(``execute``, ``executemany``, ``fetch``, ``fetchrow``, ``fetchval``) wrapped so that each call is
counted and timed under its statement text (``BEGIN`` and ``COMMIT`` of transactions included:
asyncpg sends them through ``execute``). The counters are read at ``GET /__bench/sql`` and reset
by ``POST /__bench/sql``. The wrapper costs CPU: never measure throughput with this app.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from starlette.types import ASGIApp, Receive, Scope, Send

from membership.app import create_app as create_membership_app

__all__ = ["PATH", "create_app"]

PATH = "/__bench/sql"
_METHODS = ("execute", "executemany", "fetch", "fetchrow", "fetchval")
_calls: Counter[str] = Counter()
_seconds: Counter[str] = Counter()
_patched = False


def _statement(query: Any) -> str:
    text = re.sub(r"\s+", " ", str(query)).strip()
    return text if len(text) <= 300 else text[:297] + "…"


def _wrap(name: str) -> None:
    original: Callable[..., Awaitable[Any]] = getattr(asyncpg.Connection, name)

    async def counted(self: asyncpg.Connection, query: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(self, query, *args, **kwargs)
        finally:
            key = _statement(query)
            _calls[key] += 1
            _seconds[key] += time.perf_counter() - started

    setattr(asyncpg.Connection, name, counted)


def _patch() -> None:
    global _patched
    if not _patched:
        for name in _METHODS:
            _wrap(name)
        _patched = True


class _Census:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST":
            _calls.clear()
            _seconds.clear()
        body = json.dumps(
            {
                "statements": [
                    {"sql": sql, "calls": calls, "seconds": round(_seconds[sql], 6)}
                    for sql, calls in _calls.most_common()
                ]
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


def create_app() -> ASGIApp:
    _patch()
    return _Census(create_membership_app())
