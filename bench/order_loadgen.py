"""Load generator for ``recordOrder``: every request records a new order for a random member.

    python -m bench.order_loadgen --url http://127.0.0.1:<port>/graphql \\
        --header "Authorization: Bearer sk_…" --tenant-id <uuid> --members N [--rate R]

The same process model, HTTP client and closed / open loops as ``bench.loadgen`` (whose building
blocks it reuses); only the request and the check of its answer differ. Each request records an
order with a fresh ``externalId`` (``b-<run tag>-<counter>-<random>``) for a random member of the
tenant (``bench.order_dataset.member_id``), 12,345 fen split over 1 to 3 items, a store code and,
for ``--spend-share`` of the orders, a few points to spend (``--spend-max`` at most, so a member
of the dataset never runs short).

A request succeeds only if it is HTTP 200 without top-level ``errors``, ``recordOrder.errors`` is
empty and ``recordOrder.order.id`` is set; anything else is counted as an error by kind
(``user_error_<CODE>`` for a payload error). One JSON object is written to stdout.
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

from bench.loadgen import (
    Check,
    HttpxSender,
    MakeRequest,
    RawSender,
    RunResult,
    Sender,
    closed_loop,
    open_loop,
    print_summary,
)
from bench.order_dataset import member_id

__all__ = ["ORDER_AMOUNT", "RECORD_ORDER", "check_order", "main", "order_request"]

RECORD_ORDER = (
    "mutation R($input: RecordOrderInput!) { recordOrder(input: $input) "
    "{ order { id pointsEarned } errors { code field message } } }"
)
ORDER_AMOUNT = 12_345  # fen
_CATEGORIES = ("护肤", "彩妆", "母婴", "食品", "服饰", "家居")


def check_order(status: int, payload: bytes) -> str | None:
    """None for a recorded order, else the kind of failure."""
    if status != 200:
        return f"http_{status}"
    try:
        doc = json.loads(payload)
    except ValueError:
        return "bad_json"
    if doc.get("errors"):
        return "graphql_errors"
    result = (doc.get("data") or {}).get("recordOrder")
    if result is None:
        return "payload_null"
    if result.get("errors"):
        return f"user_error_{result['errors'][0].get('code')}"
    if not (result.get("order") or {}).get("id"):
        return "order_null"
    return None


def _items(rng: random.Random, amount: int) -> list[dict[str, Any]]:
    """1 to 3 items whose prices add up to ``amount``."""
    count = rng.randint(1, 3)
    cuts = sorted(rng.sample(range(1, amount), count - 1))
    items = []
    for low, high in itertools.pairwise([0, *cuts, amount]):
        price = high - low
        quantity = 2 if price % 2 == 0 and price > 2 else 1
        items.append(
            {
                "sku": f"SKU-{rng.randrange(10_000):05d}",
                "category": rng.choice(_CATEGORIES),
                "unitPrice": price // quantity,
                "quantity": quantity,
            }
        )
    return items


def order_request(
    tenant_id: uuid.UUID,
    members: int,
    *,
    spend_share: float = 0.0,
    spend_max: int = 0,
    tag: str | None = None,
) -> MakeRequest:
    """recordOrder requests for random members ``0 … members-1`` of the tenant."""
    run_tag = tag or secrets.token_hex(4)
    counter = itertools.count()

    def make(rng: random.Random) -> tuple[bytes, Check]:
        order: dict[str, Any] = {
            "externalId": f"b-{run_tag}-{next(counter)}-{rng.getrandbits(24):06x}",
            "memberId": str(member_id(tenant_id, rng.randrange(members), members)),
            "amount": ORDER_AMOUNT,
            "items": _items(rng, ORDER_AMOUNT),
            "storeCode": f"S{rng.randrange(1, 51):03d}",
        }
        if spend_max > 0 and rng.random() < spend_share:
            order["pointsToSpend"] = rng.randint(1, spend_max)
        body = json.dumps(
            {"query": RECORD_ORDER, "operationName": "R", "variables": {"input": order}}
        ).encode()
        return body, check_order

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
    make = order_request(
        uuid.UUID(args.tenant_id),
        args.members,
        spend_share=args.spend_share,
        spend_max=args.spend_max,
        tag=args.tag,
    )
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
    summary["client"] = args.client
    summary["client_cpu_pct"] = round(100 * result.client_cpu_s / (args.warmup + args.duration), 1)
    summary["client_cpu_ms_per_req"] = (
        round(1000 * result.client_cpu_s / result.answered, 3) if result.answered else None
    )
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.order_loadgen",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    p.add_argument("--url", required=True, help="http://127.0.0.1:<port>/graphql")
    p.add_argument("--header", action="append", default=[], help="'Name: value'; repeatable")
    p.add_argument("--tenant-id", required=True, help="tenant the API key belongs to")
    p.add_argument("--members", type=int, required=True, help="members 0…N-1 of the dataset")
    p.add_argument("--concurrency", type=int, default=8, help="workers / connections")
    p.add_argument("--rate", type=float, default=None, help="open loop at this many req/s")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    p.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, seconds")
    p.add_argument("--spend-share", type=float, default=0.0, help="share of orders that spend")
    p.add_argument("--spend-max", type=int, default=0, help="most points an order spends")
    p.add_argument("--client", choices=("raw", "httpx"), default="raw")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tag", default=None, help="part of every externalId (default: random)")
    args = p.parse_args(argv)
    if urlsplit(args.url).hostname != "127.0.0.1":
        p.error("the load generator only targets 127.0.0.1")
    if args.members < 1 or not 0 <= args.spend_share <= 1:
        p.error("--members must be ≥ 1 and --spend-share between 0 and 1")
    return args


def main(argv: list[str] | None = None) -> None:
    print_summary(run, parse_args(argv))


if __name__ == "__main__":
    main()
