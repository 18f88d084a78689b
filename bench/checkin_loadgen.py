"""Load generator for the gym's ``checkIn`` (and, as its baseline, the member lookup) against a
dataset ``bench.checkins`` loaded:

    python -m bench.checkin_loadgen --kind checkin|lookup \\
        --url http://127.0.0.1:<port>/graphql --header "Authorization: Bearer sk_…" \\
        --tenant-id <uuid> --members N [--rate R] [--tag T]

The same process model, HTTP client and closed / open loops as ``bench.loadgen``; only the
requests and the checks of their answers differ. A check-in is for a random member (its id derived
from the ordinal by ``bench.order_dataset.member_id``, so no request asks the database first),
each with an idempotency key never used before. It succeeds only if ``checkIn.errors`` is empty,
the answer is not a replay, a card comes back and at least the configured points were earned.
Anything else is counted as an error by kind. One JSON object is written to stdout.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import secrets
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bench.checkin_dataset import POINTS_PER_CHECK_IN
from bench.loadgen import (
    Check,
    HttpxSender,
    MakeRequest,
    RawSender,
    RunResult,
    Sender,
    closed_loop,
    lookup_request,
    open_loop,
    percentile,
    print_summary,
)
from bench.order_dataset import member_id

__all__ = ["CHECK_IN_MUTATION", "Requests", "check_check_in", "main"]

CHECK_IN_MUTATION = (
    "mutation C($input: CheckInInput!) { checkIn(input: $input) "
    "{ card { id visitsLeft } pointsEarned replayed errors { code field message } } }"
)


def check_check_in(status: int, payload: bytes) -> str | None:
    """None for a new check-in on a card that earned the configured points, else the kind of
    failure."""
    if status != 200:
        return f"http_{status}"
    try:
        doc = json.loads(payload)
    except ValueError:
        return "bad_json"
    if doc.get("errors"):
        return "graphql_errors"
    result = (doc.get("data") or {}).get("checkIn")
    if result is None:
        return "payload_null"
    if result.get("errors"):
        return f"user_error_{result['errors'][0].get('code')}"
    if result.get("replayed") is not False:
        return "replayed"
    if not result.get("card"):
        return "no_card"
    if int(result.get("pointsEarned") or 0) < POINTS_PER_CHECK_IN:
        return "wrong_points"
    return None


class Requests:
    """Request makers for the two kinds, counting every success (warm-up included)."""

    def __init__(self, tenant_id: uuid.UUID, members: int, tag: str) -> None:
        self.tenant_id, self.members, self.tag = tenant_id, members, tag
        self.succeeded = 0
        self.sent = 0
        self._next = itertools.count()

    def _counted(self, check: Check) -> Check:
        def counted(status: int, payload: bytes) -> str | None:
            failure = check(status, payload)
            if failure is None:
                self.succeeded += 1
            return failure

        return counted

    def lookup(self) -> MakeRequest:
        """``member(phone:)`` for random members (``bench.loadgen``), counted."""
        make_lookup = lookup_request(self.members)

        def make(rng: random.Random) -> tuple[bytes, Check]:
            body, check = make_lookup(rng)
            return body, self._counted(check)

        return make

    def check_in(self) -> MakeRequest:
        """checkIn of a random member, each with its own idempotency key."""
        check = self._counted(check_check_in)

        def make(rng: random.Random) -> tuple[bytes, Check]:
            n = next(self._next)
            self.sent = n + 1
            member = member_id(self.tenant_id, rng.randrange(self.members), self.members)
            variables = {
                "input": {"memberId": str(member), "idempotencyKey": f"bench-{self.tag}-{n}"}
            }
            body = {"query": CHECK_IN_MUTATION, "operationName": "C", "variables": variables}
            return json.dumps(body).encode(), check

        return make


async def run(args: argparse.Namespace) -> dict[str, Any]:
    headers = dict(h.split(": ", 1) for h in args.header)
    make_sender: Callable[[str, dict[str, str], int], Sender] = (
        RawSender if args.client == "raw" else HttpxSender
    )
    sender = make_sender(args.url, headers, args.concurrency)
    result = RunResult(
        "open" if args.rate else "closed", args.concurrency, args.rate, args.duration
    )
    requests = Requests(uuid.UUID(args.tenant_id), args.members, args.tag)
    make = {"lookup": requests.lookup, "checkin": requests.check_in}[args.kind]()
    loop = open_loop if args.rate else closed_loop
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    try:
        await loop(
            sender, result, args.members, args.warmup, args.timeout, args.seed, make_request=make
        )
    finally:
        await sender.close()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    result.client_cpu_s = (
        cpu_after.ru_utime - cpu_before.ru_utime + cpu_after.ru_stime - cpu_before.ru_stime
    )
    summary = result.summary()
    p95 = percentile(sorted(result.latencies), 95)
    summary["p95_ms"] = None if p95 is None else round(p95 * 1000, 3)
    summary["kind"] = args.kind
    summary["client"] = args.client
    summary["client_cpu_pct"] = round(100 * result.client_cpu_s / (args.warmup + args.duration), 1)
    summary["client_cpu_ms_per_req"] = (
        round(1000 * result.client_cpu_s / result.answered, 3) if result.answered else None
    )
    summary["succeeded_total"] = requests.succeeded
    summary["sent_total"] = requests.sent if args.kind == "checkin" else None
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.checkin_loadgen",
        description="checkIn or member lookup load against the API (one JSON object on stdout).",
    )
    p.add_argument("--kind", choices=("lookup", "checkin"), required=True)
    p.add_argument("--url", required=True, help="http://127.0.0.1:<port>/graphql")
    p.add_argument("--header", action="append", default=[], help="'Name: value'; repeatable")
    p.add_argument("--tenant-id", required=True, help="tenant the API key belongs to")
    p.add_argument("--members", type=int, required=True, help="members 0…N-1 of the dataset")
    p.add_argument("--concurrency", type=int, default=8, help="workers / connections")
    p.add_argument("--rate", type=float, default=None, help="open loop at this many req/s")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    p.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, seconds")
    p.add_argument("--client", choices=("raw", "httpx"), default="raw")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tag", default=secrets.token_hex(4), help="part of every idempotency key")
    args = p.parse_args(argv)
    if urlsplit(args.url).hostname != "127.0.0.1":
        p.error("the load generator only targets 127.0.0.1")
    if args.members < 1:
        p.error("--members must be ≥ 1")
    return args


def main(argv: list[str] | None = None) -> None:
    print_summary(run, parse_args(argv))


if __name__ == "__main__":
    main()
