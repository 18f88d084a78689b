"""The webhook receiver of ``bench.webhooks``: answers 200 at once and records what arrived.

    python -m bench.webhook_receiver --port N

One ``aiohttp.web`` process on 127.0.0.1, apart from the worker and the benchmark so that its
CPU is never theirs. Every ``POST /hook`` is answered ``200`` with an empty body at once, after
a few microseconds of bookkeeping: the ``webhook-id`` header (the event's id), the body's
``type``, the arrival time (``time.time()``) and the body's ``timestamp`` (the event's
``created_at``, written in the transaction that committed it) as seconds since the epoch.
Signatures are not checked: the receiver stands for a customer's fastest possible endpoint.

Control routes for the benchmark: ``GET /_stats`` (counts), ``GET /_records`` (every record,
column by column) and ``POST /_reset`` (forget them).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from bench.servers import HOST, REPO, Server, free_port

__all__ = [
    "HOOK_PATH",
    "Deliveries",
    "fetch_deliveries",
    "main",
    "receiver_stats",
    "reset",
    "start_receiver",
]

HOOK_PATH = "/hook"


class Deliveries:
    """What arrived, in arrival order (parallel lists: cheap to append, cheap to send)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.ids: list[str] = []
        self.types: list[str] = []
        self.arrived: list[float] = []
        self.stamped: list[float | None] = []
        self.unique: set[str] = set()
        self.by_type: Counter[str] = Counter()
        self.malformed = 0

    def record(self, event_id: str, body: bytes, arrived: float) -> None:
        try:
            doc = json.loads(body)
            kind = str(doc["type"])
            stamped: float | None = datetime.fromisoformat(doc["timestamp"]).timestamp()
        except (ValueError, KeyError, TypeError):
            self.malformed += 1
            kind, stamped = "?", None
        self.ids.append(event_id)
        self.types.append(kind)
        self.arrived.append(arrived)
        self.stamped.append(stamped)
        self.unique.add(event_id)
        self.by_type[kind] += 1

    def stats(self) -> dict[str, Any]:
        return {
            "requests": len(self.ids),
            "unique": len(self.unique),
            "by_type": dict(self.by_type),
            "malformed": self.malformed,
        }

    def columns(self) -> dict[str, Any]:
        return {
            "ids": self.ids,
            "types": self.types,
            "arrived": self.arrived,
            "stamped": self.stamped,
        }


def make_app() -> web.Application:
    deliveries = Deliveries()

    async def hook(request: web.Request) -> web.Response:
        arrived = time.time()
        deliveries.record(request.headers.get("webhook-id", ""), await request.read(), arrived)
        return web.Response(status=200)

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(deliveries.stats())

    async def records(request: web.Request) -> web.Response:
        return web.json_response(deliveries.columns())

    async def clear(request: web.Request) -> web.Response:
        deliveries.reset()
        return web.json_response(deliveries.stats())

    app = web.Application(client_max_size=2**20)
    app.router.add_post(HOOK_PATH, hook)
    app.router.add_get("/_stats", stats)
    app.router.add_get("/_records", records)
    app.router.add_post("/_reset", clear)
    return app


# ------------------------------------------------------------------- the benchmark's side


def start_receiver(log_dir: Path) -> Server:
    """Start the receiver on a free port of 127.0.0.1 and wait until it answers."""
    port = free_port()
    log_path = log_dir / "receiver.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.webhook_receiver", "--port", str(port)],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    receiver = Server("receiver", process, port, log_path)
    receiver.wait_ready("/_stats")
    return receiver


def receiver_stats(base_url: str) -> dict[str, Any]:
    response = httpx.get(f"{base_url}/_stats", timeout=10.0)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def fetch_deliveries(base_url: str) -> dict[str, Any]:
    """Every record since the last reset: ``ids``, ``types``, ``arrived``, ``stamped``."""
    response = httpx.get(f"{base_url}/_records", timeout=120.0)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def reset(base_url: str) -> None:
    httpx.post(f"{base_url}/_reset", timeout=10.0).raise_for_status()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        prog="python -m bench.webhook_receiver",
        description="A webhook receiver that answers 200 at once and records every arrival.",
    )
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args(argv)
    try:
        import uvloop
    except ImportError:
        loop = None
    else:
        loop = uvloop.new_event_loop()
    web.run_app(
        make_app(),
        host=HOST,
        port=args.port,
        access_log=None,
        print=None,
        shutdown_timeout=1.0,
        loop=loop,
    )


if __name__ == "__main__":
    main()
