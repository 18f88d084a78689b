"""One HTTP attempt to deliver a signed webhook, and what came of it.

``WebhookSender`` owns one pooled ``aiohttp`` session for the process (a worker makes one in its
startup and closes it at shutdown). Every connection the session opens goes through a resolver that
refuses non-public answers (see ``urls.resolve_public``): the address is checked after DNS
resolution, at connect time, and the connection is made to that checked address, so a name cannot
be re-pointed between the check and the connect. Redirects are never followed (a receiver must
answer at the URL it registered), proxies from the environment are ignored and cookies are never
kept, so nothing of one tenant's delivery leaks into another's.
"""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass
from types import TracebackType

import aiohttp

from membership.public_urls import BlockedAddress, PublicResolver, check_literal_host

__all__ = ["EXCERPT_CHARS", "AttemptResult", "WebhookSender"]

EXCERPT_CHARS = 1000
# enough bytes for 1,000 characters of mostly ASCII; the rest of a response is never read
_READ_BYTES = 4096


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What one attempt got: the status (None without an answer), how long it took, the start of
    the response body, and why it failed when there was no answer (or a redirect)."""

    status: int | None
    latency_ms: int
    excerpt: str | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        """Only a 2xx answer counts as delivered."""
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """A 410 Gone: the receiver asks for the endpoint to be disabled."""
        return self.status == 410


class WebhookSender:
    """Sends deliveries over one shared, pooled HTTP session, made on first use.

    ``allow_private`` lets deliveries reach loopback and private addresses (development only).
    ``limit_per_host`` bounds the connections to one receiver, so a slow receiver cannot take
    the whole pool of ``limit``.
    """

    def __init__(
        self, *, allow_private: bool = False, limit: int = 100, limit_per_host: int = 10
    ) -> None:
        self.allow_private = allow_private
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._session: aiohttp.ClientSession | None = None

    # the deadline is a parameter, not the caller's asyncio.timeout, because a timeout is an
    # outcome to record (an AttemptResult), not an exception to propagate
    async def send(
        self,
        url: str,
        body: bytes,
        headers: dict[str, str],
        *,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> AttemptResult:
        """POST ``body`` with ``headers`` to ``url`` once; never raises for network failures.

        ``timeout`` bounds the whole attempt: resolving, connecting, sending and reading the
        answer's status and excerpt.
        """
        started = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                self._check_literal_host(url)
                async with self._get_session().post(
                    url, data=body, headers=headers, allow_redirects=False
                ) as response:
                    excerpt = _decode(await _read_start(response), response.charset)
                    status = response.status
                    error = None
                    if 300 <= status < 400:
                        location = response.headers.get("Location", "")[:200]
                        error = f"redirect to {location or '(no location)'} not followed"
        except TimeoutError:
            return _failed(started, f"timeout after {timeout:g} s")
        except BlockedAddress as exc:
            return _failed(started, str(exc))
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return _failed(started, _describe(exc))
        return AttemptResult(status, _elapsed_ms(started), excerpt, error)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> WebhookSender:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=PublicResolver(allow_private=self.allow_private),
                limit=self._limit,
                limit_per_host=self._limit_per_host,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                # the attempt's own deadline (asyncio.timeout in send) is the only one
                timeout=aiohttp.ClientTimeout(total=None),
            )
        return self._session

    def _check_literal_host(self, url: str) -> None:
        check_literal_host(url, allow_private=self.allow_private)


async def _read_start(response: aiohttp.ClientResponse) -> bytes:
    chunks: list[bytes] = []
    remaining = _READ_BYTES
    while remaining > 0:
        chunk = await response.content.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _decode(raw: bytes, charset: str | None) -> str:
    try:
        text = raw.decode(charset or "utf-8", errors="replace")
    except LookupError:  # an unknown charset, or a codec that is not a text encoding
        text = raw.decode("utf-8", errors="replace")
    return text[:EXCERPT_CHARS]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"TLS certificate not accepted: {exc.certificate_error}"
    if isinstance(exc, aiohttp.ClientConnectorSSLError | aiohttp.ClientSSLError):
        return "TLS handshake failed"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, socket.gaierror):
            return f"DNS lookup failed for {exc.host}"
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return f"connection failed: {exc.os_error.strerror or type(exc.os_error).__name__}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server disconnected without an answer"
    if isinstance(exc, aiohttp.InvalidURL | ValueError):
        return "invalid URL"
    if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ClientResponseError):
        return f"invalid response: {exc}"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    return f"request failed: {type(exc).__name__}"


def _failed(started: float, error: str) -> AttemptResult:
    return AttemptResult(None, _elapsed_ms(started), None, error)


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
