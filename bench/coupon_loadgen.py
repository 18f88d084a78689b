"""Load generator for ``validateCoupon`` and ``redeemCoupon`` (and, as their baseline, the member
lookup) against a dataset ``bench.coupons`` loaded:

    python -m bench.coupon_loadgen --kind validate|redeem|lookup \\
        --url http://127.0.0.1:<port>/graphql --header "Authorization: Bearer sk_…" \\
        --tenant-id <uuid> --members N --pool-end N [--pool-first N] [--rate R]

The same process model, HTTP client and closed / open loops as ``bench.loadgen``; only the
requests and the checks of their answers differ. Coupon *n* of a set and its member are derived
from the ordinal (``bench.coupon_dataset``), so no request asks the database first. A validation
succeeds only for ``valid: true`` with the template's discount; a redemption only for a coupon
that comes back ``REDEEMED`` with it, each redemption spending the next unspent coupon with its
own idempotency key. Anything else is counted as an error by kind. One JSON object is written to
stdout.
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

from bench.coupon_dataset import (
    AMOUNT_OFF,
    ORDER_AMOUNT,
    REDEEM_PREFIX,
    VALIDATE_PREFIX,
    coupon_code,
    coupon_member,
)
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

__all__ = [
    "REDEEM_MUTATION",
    "VALIDATE_QUERY",
    "Requests",
    "check_redemption",
    "check_validation",
    "main",
]

VALIDATE_QUERY = (
    "query V($code: String!, $memberId: ID!, $amount: Long!) { validateCoupon(code: $code, "
    "memberId: $memberId, orderAmount: $amount) { valid discountAmount errors { code field } } }"
)
REDEEM_MUTATION = (
    "mutation R($input: RedeemCouponInput!) { redeemCoupon(input: $input) "
    "{ coupon { id status } discountAmount errors { code field message } } }"
)


def _parse(status: int, payload: bytes, field: str) -> tuple[dict[str, Any] | None, str | None]:
    if status != 200:
        return None, f"http_{status}"
    try:
        doc = json.loads(payload)
    except ValueError:
        return None, "bad_json"
    if doc.get("errors"):
        return None, "graphql_errors"
    result = (doc.get("data") or {}).get(field)
    if result is None:
        return None, "payload_null"
    return result, None


def check_validation(status: int, payload: bytes) -> str | None:
    """None for ``valid: true`` with the template's discount, else the kind of failure."""
    result, failure = _parse(status, payload, "validateCoupon")
    if result is None:
        return failure
    if result.get("errors"):
        return f"user_error_{result['errors'][0].get('code')}"
    if result.get("valid") is not True:
        return "not_valid"
    if result.get("discountAmount") != AMOUNT_OFF:
        return "wrong_discount"
    return None


def check_redemption(status: int, payload: bytes) -> str | None:
    """None for a coupon redeemed now with the template's discount, else the kind of failure."""
    result, failure = _parse(status, payload, "redeemCoupon")
    if result is None:
        return failure
    if result.get("errors"):
        return f"user_error_{result['errors'][0].get('code')}"
    if (result.get("coupon") or {}).get("status") != "REDEEMED":
        return "not_redeemed"
    if result.get("discountAmount") != AMOUNT_OFF:
        return "wrong_discount"
    return None


class Requests:
    """Request makers for the two kinds, counting every success (warm-up included)."""

    def __init__(self, tenant_id: uuid.UUID, members: int, first: int, end: int, tag: str):
        self.tenant_id, self.members, self.first, self.end, self.tag = (
            tenant_id,
            members,
            first,
            end,
            tag,
        )
        self.succeeded = 0
        self._next = itertools.count(first)
        self.next_ordinal = first

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

    def validate(self) -> MakeRequest:
        """validateCoupon for a random coupon of the validation set, by its own member."""
        check = self._counted(check_validation)

        def make(rng: random.Random) -> tuple[bytes, Check]:
            n = rng.randrange(self.first, self.end)
            variables = {
                "code": coupon_code(VALIDATE_PREFIX, n),
                "memberId": str(coupon_member(self.tenant_id, n, self.members)),
                "amount": ORDER_AMOUNT,
            }
            body = {"query": VALIDATE_QUERY, "operationName": "V", "variables": variables}
            return json.dumps(body).encode(), check

        return make

    def redeem(self) -> MakeRequest:
        """redeemCoupon of the next unspent coupon of the redemption set, each with its own
        idempotency key; past ``end`` the set is used up and the answer counts as an error."""
        check = self._counted(check_redemption)

        def exhausted(status: int, payload: bytes) -> str | None:
            return "pool_exhausted"

        def make(rng: random.Random) -> tuple[bytes, Check]:
            n = next(self._next)
            self.next_ordinal = n + 1
            variables = {
                "input": {
                    "code": coupon_code(REDEEM_PREFIX, n),
                    "memberId": str(coupon_member(self.tenant_id, n, self.members)),
                    "orderAmount": ORDER_AMOUNT,
                    "idempotencyKey": f"bench-{self.tag}-{n}",
                }
            }
            body = {"query": REDEEM_MUTATION, "operationName": "R", "variables": variables}
            return json.dumps(body).encode(), check if n < self.end else exhausted

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
    requests = Requests(
        uuid.UUID(args.tenant_id), args.members, args.pool_first, args.pool_end, args.tag
    )
    make = {"lookup": requests.lookup, "validate": requests.validate, "redeem": requests.redeem}[
        args.kind
    ]()
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
    summary["pool_first"] = args.pool_first
    summary["next_ordinal"] = requests.next_ordinal if args.kind == "redeem" else None
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.coupon_loadgen",
        description="validateCoupon, redeemCoupon or member lookup load against the API "
        "(one JSON object on stdout).",
    )
    p.add_argument("--kind", choices=("lookup", "validate", "redeem"), required=True)
    p.add_argument("--url", required=True, help="http://127.0.0.1:<port>/graphql")
    p.add_argument("--header", action="append", default=[], help="'Name: value'; repeatable")
    p.add_argument("--tenant-id", required=True, help="tenant the API key belongs to")
    p.add_argument("--members", type=int, required=True, help="members 0…N-1 of the dataset")
    p.add_argument("--pool-first", type=int, default=0, help="first coupon ordinal to use")
    p.add_argument("--pool-end", type=int, required=True, help="coupons issued: ordinals < N")
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
    if args.members < 1 or not 0 <= args.pool_first < args.pool_end:
        p.error("--members must be ≥ 1 and 0 ≤ --pool-first < --pool-end")
    return args


def main(argv: list[str] | None = None) -> None:
    print_summary(run, parse_args(argv))


if __name__ == "__main__":
    main()
