"""The API's hot operations called in this process (or their floors, ``--floor``), for
``bench.hot_instructions`` to count the instructions each request costs under callgrind:

    valgrind --tool=callgrind … python -m bench.hot_inproc --state STATE.json --requests 200

The app (``membership.app:create_app``, compiled plans on) is started in process with its
lifespan, and each operation's requests (the load generator's own, by persisted id, for the big
tenant of ``STATE``) are made before they are timed. Per operation: a warm-up of
``--warmup`` requests, then callgrind's counters are zeroed, the requests are sent to the app as
ASGI calls (eight at a time, as the load generator's closed loop), and the counters are dumped
under the operation's name. Answers are checked after the dump. One JSON object goes to stdout:
per operation, the requests made and the dump's file.

Outside valgrind it runs as well (the counters are then not touched), which checks the answers
and prints CPU milliseconds per request instead.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message

__all__ = ["main"]


def _under_callgrind() -> bool:
    return os.environ.get("BENCH_CALLGRIND") == "1"  # set by bench.hot_instructions


def _callgrind(*arguments: str) -> None:
    subprocess.run(
        ["callgrind_control", *arguments, str(os.getpid())], check=True, capture_output=True
    )


async def _call(app: ASGIApp, path: str, authorization: bytes, body: bytes) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"authorization", authorization),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent = False
    status = 0
    parts: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # no disconnect while the app works
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            parts.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(parts)


async def _batch(
    app: ASGIApp, path: str, authorization: bytes, bodies: list[bytes], concurrency: int
) -> list[tuple[int, bytes]]:
    answers: list[tuple[int, bytes]] = [(0, b"")] * len(bodies)
    queue = list(enumerate(bodies))
    queue.reverse()

    async def worker() -> None:
        while queue:
            index, body = queue.pop()
            answers[index] = await _call(app, path, authorization, body)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return answers


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from bench import hot_loadgen

    state = json.loads(args.state.read_text())
    big = state["tenants"]["big"]
    if args.floor:
        from bench.hot_floor_app import create_app

        os.environ["BENCH_TENANT_ID"] = big["tenant_id"]
    else:
        from membership.app import create_app
    app = create_app()
    lifespan: asyncio.Queue[Message] = asyncio.Queue()
    started = asyncio.Event()

    async def lifespan_receive() -> Message:
        return await lifespan.get()

    async def lifespan_send(message: Message) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set()
        elif message["type"].endswith("failed"):
            raise RuntimeError(message.get("message", "lifespan failed"))

    await lifespan.put({"type": "lifespan.startup"})
    task = asyncio.create_task(app({"type": "lifespan"}, lifespan_receive, lifespan_send))
    await started.wait()
    callgrind = _under_callgrind()
    out: dict[str, Any] = {"operations": {}}
    redeem_first = args.redeem_first
    try:
        for op in args.only:
            load = hot_loadgen.parse_args(
                [
                    "--kind", op,
                    "--style", "adhoc" if args.floor else "persisted",
                    "--url", "http://127.0.0.1:1/graphql",
                    "--tenant-id", big["tenant_id"],
                    "--members", str(big["members"]),
                    "--pool-first", str(redeem_first if op == "redeem" else 0),
                    "--pool-end", str(state["coupons"][op] if op in ("validate", "redeem") else 1),
                    "--tag", f"{args.tag}-{op}",
                ]
            )  # fmt: skip
            make, coupons = hot_loadgen.requests_for(load)
            rng = random.Random(args.seed)
            authorization = f"Bearer {big['keys'][op]}".encode()
            path = f"/{op}" if args.floor else "/graphql"
            warm = [make(rng) for _ in range(args.warmup)]
            measured = [make(rng) for _ in range(args.requests)]
            if op == "redeem":
                redeem_first = coupons.next_ordinal
            await _batch(app, path, authorization, [b for b, _ in warm], args.concurrency)
            gc.collect()  # every count starts with nothing for the collector to find
            if callgrind:
                _callgrind("--zero")
            cpu = time.process_time()
            answers = await _batch(
                app, path, authorization, [b for b, _ in measured], args.concurrency
            )
            cpu = time.process_time() - cpu
            if callgrind:
                _callgrind("--dump", op)
            failed = [
                problem
                for (status, body), (_, check) in zip(answers, measured, strict=True)
                if (problem := check(status, body)) is not None
            ]
            out["operations"][op] = {
                "requests": args.requests,
                "failed": len(failed),
                "failures": [str(f) for f in failed[:3]],
                "cpu_ms_per_request": round(1000 * cpu / args.requests, 3),
            }
    finally:
        await lifespan.put({"type": "lifespan.shutdown"})
        await task
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.hot_inproc", description=__doc__)
    p.add_argument(
        "--state", type=Path, required=True, help="the dataset's facts (bench.hot_instructions)"
    )
    p.add_argument("--only", default="lookup,earn,spend,validate,redeem")
    p.add_argument("--requests", type=int, default=200, help="measured requests per operation")
    p.add_argument("--warmup", type=int, default=60, help="requests before counting")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tag", default="i", help="part of order numbers and keys")
    p.add_argument("--redeem-first", type=int, default=0, help="first coupon ordinal to redeem")
    p.add_argument("--floor", action="store_true", help="the floor (bench.hot_floor_app) instead")
    args = p.parse_args(argv)
    args.only = [o for o in args.only.split(",") if o]
    return args


def main(argv: list[str] | None = None) -> None:
    import uvloop

    result = uvloop.run(run(parse_args(argv)))
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
