"""One delivery attempt against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from standardwebhooks import Webhook

from membership.webhooks.sender import AttemptResult, WebhookSender
from membership.webhooks.signing import headers, new_secret

BODY = json.dumps(
    {"type": "points.changed", "timestamp": "2026-01-01T09:00:00+08:00", "data": {"delta": 50}},
    separators=(",", ":"),
).encode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    base: str
    port: int
    requests: list[Received] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    release = asyncio.Event()  # lets the slow handler finish, so the server shuts down at once
    seen: list[Received] = []

    async def record(request: web.Request) -> Received:
        lowered = {name.lower(): value for name, value in request.headers.items()}
        received = Received(request.path, lowered, await request.read())
        seen.append(received)
        return received

    async def ok(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(text="thanks")

    async def fail(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(status=500, text="boom: " + "x" * 5000)

    async def slow(request: web.Request) -> web.Response:
        await record(request)
        await asyncio.wait_for(release.wait(), timeout=10)
        return web.Response(text="too late")

    async def redirect(request: web.Request) -> web.Response:
        await record(request)
        raise web.HTTPFound("/ok")

    async def gone(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(status=410, text="endpoint removed")

    async def big(request: web.Request) -> web.StreamResponse:
        await record(request)
        response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
        await response.prepare(request)
        for _ in range(256):  # 4 MB, far more than is ever read
            await response.write("会员".encode() * 5461)
        await response.write_eof()
        return response

    app = web.Application()
    app.add_routes(
        [
            web.post("/ok", ok),
            web.post("/fail", fail),
            web.post("/slow", slow),
            web.post("/redirect", redirect),
            web.post("/gone", gone),
            web.post("/big", big),
        ]
    )
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield Receiver(f"http://127.0.0.1:{port}", port, seen)
    finally:
        release.set()
        await runner.cleanup()


@pytest.fixture
async def sender() -> AsyncIterator[WebhookSender]:
    async with WebhookSender(allow_private=True) as sender:
        yield sender


def signed(secret: str) -> dict[str, str]:
    return headers([secret], "evt_1", datetime.now(UTC), BODY)


async def test_a_200_is_delivered_with_the_body_and_headers_intact(
    receiver: Receiver, sender: WebhookSender
) -> None:
    secret = new_secret()
    sent = signed(secret)

    result = await sender.send(f"{receiver.base}/ok", BODY, sent)

    assert result.delivered and not result.gone
    assert result.status == 200
    assert result.excerpt == "thanks"
    assert result.error is None
    assert result.latency_ms >= 0
    [request] = receiver.requests
    assert request.body == BODY
    for name, value in sent.items():
        assert request.headers[name] == value
    assert Webhook(secret).verify(request.body, request.headers) == json.loads(BODY)


async def test_a_500_is_not_delivered_and_keeps_the_start_of_the_answer(
    receiver: Receiver, sender: WebhookSender
) -> None:
    result = await sender.send(f"{receiver.base}/fail", BODY, signed(new_secret()))

    assert result.status == 500
    assert not result.delivered
    assert result.excerpt is not None
    assert result.excerpt.startswith("boom: xxx")
    assert len(result.excerpt) == 1000
    assert result.error is None


async def test_a_long_answer_is_cut_to_1000_characters(
    receiver: Receiver, sender: WebhookSender
) -> None:
    result = await sender.send(f"{receiver.base}/big", BODY, signed(new_secret()))

    assert result.delivered
    assert result.excerpt == ("会员" * 500)


async def test_no_answer_within_the_timeout_is_a_timeout(
    receiver: Receiver, sender: WebhookSender
) -> None:
    result = await sender.send(f"{receiver.base}/slow", BODY, signed(new_secret()), timeout=0.5)

    assert result == AttemptResult(None, result.latency_ms, None, "timeout after 0.5 s")
    assert 450 <= result.latency_ms < 1500
    assert not result.delivered


async def test_a_redirect_is_not_followed(receiver: Receiver, sender: WebhookSender) -> None:
    result = await sender.send(f"{receiver.base}/redirect", BODY, signed(new_secret()))

    assert result.status == 302
    assert not result.delivered
    assert result.error == "redirect to /ok not followed"
    assert receiver.paths() == ["/redirect"]


async def test_a_410_says_the_endpoint_is_gone(receiver: Receiver, sender: WebhookSender) -> None:
    result = await sender.send(f"{receiver.base}/gone", BODY, signed(new_secret()))

    assert result.gone
    assert not result.delivered
    assert result.status == 410
    assert result.excerpt == "endpoint removed"


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "127.1", "0x7f.0.0.1", "2130706433", "[::ffff:127.0.0.1]"],
)
async def test_private_addresses_are_refused_before_connecting(
    receiver: Receiver, host: str
) -> None:
    async with WebhookSender(allow_private=False) as sender:
        result = await sender.send(f"http://{host}:{receiver.port}/ok", BODY, signed(new_secret()))

    assert result.status is None
    assert result.error is not None
    assert result.error.startswith("blocked address ")
    assert not result.delivered
    assert receiver.requests == []


def point_dns_at_loopback(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo

    async def getaddrinfo(host: str, port: int, **kwargs: Any) -> Any:
        return await real("127.0.0.1" if host == name else host, port, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)


async def test_a_name_whose_dns_answer_is_private_is_refused_at_connect_time(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_dns_at_loopback(monkeypatch, "rebound.example")
    url = f"http://rebound.example:{receiver.port}/ok"
    async with WebhookSender(allow_private=False) as sender:
        result = await sender.send(url, BODY, signed(new_secret()))

    assert result.error == "blocked address 127.0.0.1"
    assert receiver.requests == []


async def test_connections_go_to_the_address_the_resolver_checked(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_dns_at_loopback(monkeypatch, "receiver.example")
    url = f"http://receiver.example:{receiver.port}/ok"
    async with WebhookSender(allow_private=True) as sender:
        result = await sender.send(url, BODY, signed(new_secret()))

    assert result.delivered
    assert receiver.requests[0].headers["host"] == f"receiver.example:{receiver.port}"


async def test_a_refused_connection_is_reported(sender: WebhookSender) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # the port was just freed: nothing listens on it
    result = await sender.send(f"http://127.0.0.1:{port}/", BODY, signed(new_secret()))

    assert result.status is None
    assert result.error == "connection refused"


async def test_a_name_that_does_not_resolve_is_reported(sender: WebhookSender) -> None:
    result = await sender.send("http://no-such-host.invalid/", BODY, signed(new_secret()))

    assert result.status is None
    assert result.error == "DNS lookup failed for no-such-host.invalid"


async def test_the_session_is_reused_and_made_again_after_close(receiver: Receiver) -> None:
    sender = WebhookSender(allow_private=True)
    first = await sender.send(f"{receiver.base}/ok", BODY, signed(new_secret()))
    second = await sender.send(f"{receiver.base}/ok", BODY, signed(new_secret()))
    await sender.close()
    third = await sender.send(f"{receiver.base}/ok", BODY, signed(new_secret()))
    await sender.close()

    assert first.delivered and second.delivered and third.delivered
    assert len(receiver.requests) == 3
