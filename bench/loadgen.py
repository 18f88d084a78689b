"""Load generator: POSTs member lookups for random phones and measures what comes back.

Run as its own process (``python -m bench.loadgen …``, one JSON object on stdout) so that its CPU
is never taken from the server's event loop; on a small machine it still shares the cores, which
is why it is kept lean: a hand-written HTTP/1.1 keep-alive client (``--client raw``, the default)
costs a fraction of ``httpx`` per request (``--client httpx`` is there to compare), and the run
reports the client's own CPU use so a saturated client is visible in the numbers.

Two modes:

* **closed loop** (default): ``--concurrency`` workers, each with its own keep-alive connection,
  send the next request as soon as the previous answer arrives. Throughput is the server's
  maximum at that concurrency; latency is per request.
* **open loop** (``--rate R``): requests are started on a fixed schedule of R per second whatever
  the answers do, and latency runs from each request's *scheduled* start, so a stalled server
  shows up as latency (no coordinated omission). ``--concurrency`` connections are shared.

Both discard a ``--warmup`` period, then measure for ``--duration`` seconds. A request counts as
a success only if the answer is HTTP 200 with ``data.member`` present and holding the phone that
was asked for; anything else is counted as an error by kind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from membership.demo import demo_phone

__all__ = [
    "LOOKUP_QUERY",
    "Check",
    "HttpxSender",
    "MakeRequest",
    "RawSender",
    "RunResult",
    "Sender",
    "closed_loop",
    "lookup_request",
    "main",
    "open_loop",
    "percentile",
    "print_summary",
]

LOOKUP_QUERY = (
    "query Lookup($phone: String!) { member(phone: $phone) { id name phone tier { name } } }"
)
_MAX_HEADER_LINES = 100


class Sender(Protocol):
    async def post(self, body: bytes) -> tuple[int, bytes]: ...

    async def close(self) -> None: ...


class _RawConnection:
    """One keep-alive HTTP/1.1 connection; responses must carry Content-Length (uvicorn's do)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _send(self, data: bytes) -> bytes:
        """Write a request and read its status line, reopening a keep-alive connection once if
        the server closed it while idle (uvicorn does after 5 s)."""
        for attempt in range(2):
            reused = self.writer is not None
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            assert self.reader is not None
            try:
                self.writer.write(data)
                status_line = await self.reader.readline()
            except ConnectionResetError:
                status_line = b""
            if status_line:
                return status_line
            self.close()
            if not reused or attempt:
                break
        raise ConnectionError("connection closed by server")

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        status_line = await self._send(head + body)
        assert self.reader is not None
        status = int(status_line.split(b" ", 2)[1])
        length, close = -1, False
        for _ in range(_MAX_HEADER_LINES):
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        else:
            raise ConnectionError("too many response headers")
        if length < 0:
            raise ConnectionError("response without Content-Length")
        payload = await self.reader.readexactly(length)
        if close:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class RawSender:
    """A fixed pool of raw connections; a request waits for an idle one."""

    def __init__(self, url: str, headers: dict[str, str], connections: int) -> None:
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        fixed = {"Host": f"{host}:{port}", "Content-Type": "application/json", **headers}
        self._head = f"POST {parts.path or '/'} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in fixed.items()
        )
        self._all = [_RawConnection(host, port) for _ in range(connections)]
        self._idle: asyncio.Queue[_RawConnection] = asyncio.Queue()
        for conn in self._all:
            self._idle.put_nowait(conn)

    async def post(self, body: bytes) -> tuple[int, bytes]:
        conn = await self._idle.get()
        try:
            head = f"{self._head}Content-Length: {len(body)}\r\n\r\n".encode()
            return await conn.request(head, body)
        except BaseException:
            conn.close()  # its stream may be mid-response: never reuse it
            raise
        finally:
            self._idle.put_nowait(conn)

    async def close(self) -> None:
        for conn in self._all:
            conn.close()


class HttpxSender:
    """The same through ``httpx.AsyncClient`` (heavier per request; for comparison)."""

    def __init__(self, url: str, headers: dict[str, str], connections: int) -> None:
        import httpx

        self._url = url
        self._client = httpx.AsyncClient(
            headers={"Content-Type": "application/json", **headers},
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            timeout=None,
        )

    async def post(self, body: bytes) -> tuple[int, bytes]:
        response = await self._client.post(self._url, content=body)
        return response.status_code, response.content

    async def close(self) -> None:
        await self._client.aclose()


def check(status: int, payload: bytes, phone: str) -> str | None:
    """None for a correct answer, else the kind of failure."""
    if status != 200:
        return f"http_{status}"
    try:
        doc = json.loads(payload)
    except ValueError:
        return "bad_json"
    member = (doc.get("data") or {}).get("member")
    if member is None:
        return "graphql_errors" if doc.get("errors") else "member_null"
    if member.get("phone") != phone:
        return "wrong_member"
    return None


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of an ascending list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class RunResult:
    mode: str
    concurrency: int
    target_rate: float | None
    duration_s: float
    latencies: list[float] = field(default_factory=list)  # seconds, successes in the window
    errors: Counter[str] = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
    client_cpu_s: float = 0.0
    answered: int = 0  # every answer or failure, warm-up included (to price server CPU per request)

    def record(self, latency: float, failure: str | None, detail: str = "") -> None:
        if failure is None:
            self.latencies.append(latency)
            return
        self.errors[failure] += 1
        if len(self.error_examples) < 5:
            self.error_examples.append(f"{failure}: {detail[:200]}")

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def ms(value: float | None) -> float | None:
            return None if value is None else round(value * 1000, 3)

        ok = len(ordered)
        return {
            "mode": self.mode,
            "concurrency": self.concurrency,
            "target_rps": self.target_rate,
            "duration_s": self.duration_s,
            "ok": ok,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "error_examples": self.error_examples,
            "rps": round(ok / self.duration_s, 1),
            "p50_ms": ms(percentile(ordered, 50)),
            "p90_ms": ms(percentile(ordered, 90)),
            "p99_ms": ms(percentile(ordered, 99)),
            "max_ms": ms(ordered[-1] if ordered else None),
            "client_cpu_s": round(self.client_cpu_s, 2),
            "answered_total": self.answered,
        }


def _body(phone: str) -> bytes:
    return json.dumps(
        {"query": LOOKUP_QUERY, "operationName": "Lookup", "variables": {"phone": phone}}
    ).encode()


# A request to send: its body, and the check of its answer (None if correct, else the failure).
Check = Callable[[int, bytes], str | None]
MakeRequest = Callable[[random.Random], tuple[bytes, Check]]


def lookup_request(members: int) -> MakeRequest:
    """Member lookups for random phones among ``demo_phone(0 … members-1)``."""

    def make(rng: random.Random) -> tuple[bytes, Check]:
        phone = demo_phone(rng.randrange(members))
        return _body(phone), lambda status, payload: check(status, payload, phone)

    return make


async def _one(
    sender: Sender, request: tuple[bytes, Check], timeout: float
) -> tuple[str | None, str]:
    body, check_answer = request
    try:
        async with asyncio.timeout(timeout):
            status, payload = await sender.post(body)
    except TimeoutError:
        return "timeout", ""
    except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
        return "transport", repr(exc)
    failure = check_answer(status, payload)
    return failure, "" if failure is None else payload.decode("utf-8", "replace")


async def closed_loop(
    sender: Sender,
    result: RunResult,
    members: int,
    warmup: float,
    timeout: float,
    seed: int,
    make_request: MakeRequest | None = None,
) -> None:
    make = make_request or lookup_request(members)
    start = time.perf_counter()
    measure_from, end = start + warmup, start + warmup + result.duration_s

    async def worker(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        while (sent := time.perf_counter()) < end:
            failure, detail = await _one(sender, make(rng), timeout)
            done = time.perf_counter()
            result.answered += 1
            if measure_from <= done <= end:
                result.record(done - sent, failure, detail)

    await asyncio.gather(*(worker(n) for n in range(result.concurrency)))


async def open_loop(
    sender: Sender,
    result: RunResult,
    members: int,
    warmup: float,
    timeout: float,
    seed: int,
    make_request: MakeRequest | None = None,
) -> None:
    assert result.target_rate is not None and result.target_rate > 0
    make = make_request or lookup_request(members)
    rate = result.target_rate
    rng = random.Random(seed)
    start = time.perf_counter() + 0.05
    measure_from, end = start + warmup, start + warmup + result.duration_s
    pending: set[asyncio.Task[None]] = set()

    async def fire(intended: float, request: tuple[bytes, Check]) -> None:
        failure, detail = await _one(sender, request, timeout)
        result.answered += 1
        if measure_from <= intended < end:
            # From the scheduled start: time spent queued behind a slow server counts.
            result.record(time.perf_counter() - intended, failure, detail)

    for i in range(math.ceil(rate * (warmup + result.duration_s))):
        intended = start + i / rate
        delay = intended - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(fire(intended, make(rng)))
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.gather(*pending)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    headers = dict(h.split(": ", 1) for h in args.header)
    make: Callable[[str, dict[str, str], int], Sender] = (
        RawSender if args.client == "raw" else HttpxSender
    )
    sender = make(args.url, headers, args.concurrency)
    result = RunResult(
        "open" if args.rate else "closed", args.concurrency, args.rate, args.duration
    )
    loop: Callable[..., Awaitable[None]] = open_loop if args.rate else closed_loop
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    try:
        await loop(sender, result, args.members, args.warmup, args.timeout, args.seed)
    finally:
        await sender.close()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    result.client_cpu_s = (
        cpu_after.ru_utime - cpu_before.ru_utime + cpu_after.ru_stime - cpu_before.ru_stime
    )
    summary = result.summary()
    summary["client"] = args.client
    summary["client_cpu_pct"] = round(100 * result.client_cpu_s / (args.warmup + args.duration), 1)
    summary["client_cpu_ms_per_req"] = (
        round(1000 * result.client_cpu_s / result.answered, 3) if result.answered else None
    )
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--url", required=True, help="http://127.0.0.1:<port>/<path>")
    p.add_argument("--header", action="append", default=[], help="'Name: value'; repeatable")
    p.add_argument("--members", type=int, required=True, help="phones demo_phone(0…N-1) exist")
    p.add_argument("--concurrency", type=int, default=32, help="workers / connections")
    p.add_argument("--rate", type=float, default=None, help="open loop at this many req/s")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    p.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, seconds")
    p.add_argument("--client", choices=("raw", "httpx"), default="raw")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if urlsplit(args.url).hostname != "127.0.0.1":
        p.error("the load generator only targets 127.0.0.1")
    return args


def print_summary(
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, dict[str, Any]]],
    args: argparse.Namespace,
) -> None:
    """Run a load generator (on uvloop when it is installed) and print its summary as JSON."""
    try:
        import uvloop
    except ImportError:
        summary = asyncio.run(run(args))
    else:
        summary = uvloop.run(run(args))
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")


def main(argv: list[str] | None = None) -> None:
    print_summary(run, parse_args(argv))


if __name__ == "__main__":
    main()
