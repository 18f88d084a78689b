"""A real HTTP receiver on 127.0.0.1 for delivery tests: records what arrives, answers as told."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook

__all__ = ["Arrival", "Receiver", "running_receiver"]


@dataclass
class Arrival:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when it arrived

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def verifies_with(self, secret: str) -> bool:
        try:
            Webhook(secret).verify(self.body, self.headers)
        except Exception:
            return False
        return True


@dataclass
class Receiver:
    """``status`` per path (default 200), ``delay`` seconds per path before answering."""

    base: str = ""
    status: dict[str, int] = field(default_factory=dict)
    delay: dict[str, float] = field(default_factory=dict)
    arrivals: list[Arrival] = field(default_factory=list)  # once answered (after the delay)
    received: list[Arrival] = field(default_factory=list)  # as they come in, answered or not
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/hook") -> str:
        return self.base + path

    def at(self, path: str) -> list[Arrival]:
        return [a for a in self.arrivals if a.path == path]

    async def wait_for(self, count: int, *, path: str | None = None, timeout: float = 30) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while len(self.at(path) if path else self.arrivals) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                got = len(self.at(path) if path else self.arrivals)
                raise AssertionError(f"{got} of {count} deliveries arrived within {timeout} s")
            self.arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), timeout=min(left, 0.5))

    async def handle(self, request: web.Request) -> web.Response:
        lowered = {k.lower(): v for k, v in request.headers.items()}
        arrival = Arrival(request.path, lowered, await request.read(), time.time())
        self.received.append(arrival)
        pause = self.delay.get(request.path, 0.0)
        if pause:
            await asyncio.sleep(pause)
        self.arrivals.append(arrival)
        self.arrived.set()
        code = self.status.get(request.path, 200)
        return web.Response(status=code, text=f"answered {code}")


@asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", receiver.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    receiver.base = f"http://127.0.0.1:{port}"
    try:
        yield receiver
    finally:
        await runner.cleanup()
