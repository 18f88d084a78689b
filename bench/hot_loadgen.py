"""Load generator for the API's hot operations, as ad-hoc documents or persisted ids, and for
their floors (``bench.hot_floor_app``):

    python -m bench.hot_loadgen --kind lookup|earn|spend|validate|redeem --style adhoc|persisted \\
        --url http://127.0.0.1:<port>/graphql --header "Authorization: Bearer sk_…" \\
        --tenant-id <uuid> --members N [--pool-first N --pool-end N] [--spend-max N] [--rate R]

The process model, HTTP client, closed and open loops are ``bench.loadgen``'s; the requests and
their checks are those of ``bench.loadgen`` (lookup), ``bench.order_loadgen`` (recordOrder) and
``bench.coupon_loadgen`` (validateCoupon, redeemCoupon). ``--style persisted`` sends the same
bodies with ``"documentId": "sha256:…"`` in place of ``"query"`` (the documents of ``DOCUMENTS``
must be registered first); a floor takes the ad-hoc bodies at ``/<kind>``. One JSON object is
written to stdout.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import secrets
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bench.coupon_loadgen import REDEEM_MUTATION, VALIDATE_QUERY
from bench.coupon_loadgen import Requests as CouponRequests
from bench.loadgen import (
    Check,
    HttpxSender,
    MakeRequest,
    RawSender,
    RunResult,
    Sender,
    check,
    closed_loop,
    open_loop,
    percentile,
    print_summary,
)
from bench.order_loadgen import RECORD_ORDER, order_request
from membership.demo import demo_phone
from membership.gateway.persisted import document_id

__all__ = ["DOCUMENTS", "KINDS", "LOOKUP_DOCUMENT", "main", "persisted", "requests_for"]

LOOKUP_DOCUMENT = (
    "query Lookup($phone: String!) { member(phone: $phone) "
    "{ id name phone pointsBalance tier { id name } } }"
)
KINDS = ("lookup", "earn", "spend", "validate", "redeem")
DOCUMENTS = {
    "lookup": LOOKUP_DOCUMENT,
    "earn": RECORD_ORDER,
    "spend": RECORD_ORDER,
    "validate": VALIDATE_QUERY,
    "redeem": REDEEM_MUTATION,
}


def _lookup(members: int) -> MakeRequest:
    def make(rng: random.Random) -> tuple[bytes, Check]:
        phone = demo_phone(rng.randrange(members))
        body = {"query": LOOKUP_DOCUMENT, "operationName": "Lookup", "variables": {"phone": phone}}
        return json.dumps(body).encode(), lambda status, payload: check(status, payload, phone)

    return make


def persisted(make: MakeRequest, document: str) -> MakeRequest:
    """The same requests with the document's id instead of its text (a bytes swap: the bodies
    are ``json.dumps`` of a dict whose first key is ``query``)."""
    adhoc = json.dumps({"query": document})[:-1].encode()
    by_id = json.dumps({"documentId": document_id(document)})[:-1].encode()

    def swapped(rng: random.Random) -> tuple[bytes, Check]:
        body, check_answer = make(rng)
        if not body.startswith(adhoc):
            raise ValueError("request body does not start with its document")
        return by_id + body[len(adhoc) :], check_answer

    return swapped


def requests_for(
    args: argparse.Namespace,
) -> tuple[MakeRequest, CouponRequests]:
    tenant = uuid.UUID(args.tenant_id)
    coupons = CouponRequests(tenant, args.members, args.pool_first, args.pool_end, args.tag)
    makers: dict[str, Callable[[], MakeRequest]] = {
        "lookup": lambda: _lookup(args.members),
        "earn": lambda: order_request(tenant, args.members, tag=args.tag),
        "spend": lambda: order_request(
            tenant, args.members, spend_share=1.0, spend_max=args.spend_max, tag=args.tag
        ),
        "validate": coupons.validate,
        "redeem": coupons.redeem,
    }
    make = makers[args.kind]()
    if args.style == "persisted":
        make = persisted(make, DOCUMENTS[args.kind])
    return make, coupons


async def run(args: argparse.Namespace) -> dict[str, Any]:
    headers = dict(h.split(": ", 1) for h in args.header)
    make_sender: Callable[[str, dict[str, str], int], Sender] = (
        RawSender if args.client == "raw" else HttpxSender
    )
    sender = make_sender(args.url, headers, args.concurrency)
    result = RunResult(
        "open" if args.rate else "closed", args.concurrency, args.rate, args.duration
    )
    make, coupons = requests_for(args)
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
    summary.update(kind=args.kind, style=args.style, client=args.client)
    summary["client_cpu_pct"] = round(100 * result.client_cpu_s / (args.warmup + args.duration), 1)
    summary["client_cpu_ms_per_req"] = (
        round(1000 * result.client_cpu_s / result.answered, 3) if result.answered else None
    )
    summary["next_ordinal"] = coupons.next_ordinal if args.kind == "redeem" else None
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.hot_loadgen",
        description="Load of one hot operation (one JSON object on stdout).",
    )
    p.add_argument("--kind", choices=KINDS, required=True)
    p.add_argument("--style", choices=("adhoc", "persisted"), default="adhoc")
    p.add_argument("--url", required=True, help="http://127.0.0.1:<port>/graphql")
    p.add_argument("--header", action="append", default=[], help="'Name: value'; repeatable")
    p.add_argument("--tenant-id", required=True, help="tenant the API key belongs to")
    p.add_argument("--members", type=int, required=True, help="members 0…N-1 of the dataset")
    p.add_argument("--pool-first", type=int, default=0, help="first coupon ordinal to use")
    p.add_argument("--pool-end", type=int, default=1, help="coupons issued: ordinals < N")
    p.add_argument("--spend-max", type=int, default=50, help="points a spending order spends")
    p.add_argument("--concurrency", type=int, default=8, help="workers / connections")
    p.add_argument("--rate", type=float, default=None, help="open loop at this many req/s")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    p.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, seconds")
    p.add_argument("--client", choices=("raw", "httpx"), default="raw")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tag", default=secrets.token_hex(4), help="part of order numbers and keys")
    args = p.parse_args(argv)
    if urlsplit(args.url).hostname != "127.0.0.1":
        p.error("the load generator only targets 127.0.0.1")
    if args.members < 1 or not 0 <= args.pool_first < args.pool_end:
        p.error("--members must be ≥ 1 and 0 ≤ --pool-first < --pool-end")
    return args


def main(argv: list[str] | None = None) -> None:
    print_summary(run, parse_args(argv))


if __name__ == "__main__":
    main()
