"""Coupons: 1M-code generation against PostgreSQL's own bulk insert, and validateCoupon and
redeemCoupon through the real GraphQL API against the member lookup.

    .venv/bin/python -m bench.coupons [--codes 1000000] [--members 100000] [--concurrency 8]
        [--duration 15]

A merchant generates codes by the million for a campaign (printed on receipts, sent by SMS), and
a till checks and spends a coupon at every sale that carries one. The run

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL``, migrates it and makes a
   tenant with ``--members`` members (bulk-loaded with server-side SQL), a ``coupons:write``
   secret key, a ``members:read`` key for the baseline and an AMOUNT_OFF template
   (``bench.coupon_dataset``);
2. **generation**: ``start_batch`` then ``generate_batch`` for ``--codes`` codes, in this process
   as the worker runs them (Tortoise connected as the app role, so every chunk's
   ``INSERT … SELECT unnest(…)`` runs under row-level security), timing the wall clock, codes/s,
   this process's peak RSS, its CPU and its PostgreSQL backends' CPU, the WAL written and the
   growth of the ``coupons`` table and its indexes; then the batch's CSV export
   (``batch_csv``) into ``/dev/null``. **Baseline**: the same number of rows written by
   PostgreSQL alone, one ``INSERT INTO … SELECT … FROM generate_series`` (codes from ``md5`` of
   ``random()``) as the owner role into a copy of ``coupons`` with the same indexes
   (``LIKE coupons INCLUDING ALL``). A checkpoint precedes each of the two;
3. issues one coupon per member for validation and ``--redeem-pool`` coupons to spend (bulk SQL,
   ``bench.coupon_dataset.issue_coupons``), analyses the coupon tables and starts the API
   (``membership.app:create_app``, one uvicorn process with uvloop and httptools);
4. **baseline**: the member lookup by phone (``bench.member_lookup.measure``), then
   **validateCoupon** and **redeemCoupon** (this module's ``loadgen`` command, the raw HTTP
   client and loops of ``bench.loadgen``): each a closed loop at ``--concurrency`` for the
   maximum throughput, then an open loop at half of it for the latency. Every redemption spends
   a coupon never spent before, with its own idempotency key; afterwards the coupons, the
   template's counters and the answers are checked against each other;
5. prints the tables, writes ``bench/results/coupons-<timestamp>.json`` and drops the database
   and the run's Redis keys, also when something failed.

The exit status is 0 whether or not the target (1M codes in under 60 s, ``bench.coupon_report``)
was met; it is non-zero only when the run itself failed.

The load generator runs on its own too, against a dataset this module loaded:

    .venv/bin/python -m bench.coupons loadgen --kind validate|redeem \\
        --url http://127.0.0.1:8000/graphql --header "Authorization: Bearer sk_…" \\
        --tenant-id <uuid> --members N --pool-end N [--pool-first N] [--rate R]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import redis
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from bench import procstat
from bench.coupon_dataset import (
    AMOUNT_OFF,
    ORDER_AMOUNT,
    REDEEM_PREFIX,
    VALIDATE_PREFIX,
    CouponDataset,
    analyze_coupons,
    build_coupon_dataset,
    coupon_code,
    coupon_member,
    issue_coupons,
)
from bench.coupon_report import build_report, print_report, write_report
from bench.dataset import backend_pids, create_database, drop_database, new_database_name
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
)
from bench.member_lookup import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    NOISY_PCT,
    SETTLE_SECONDS,
    CpuMeter,
    _background_busy_pct,
    _delete_redis_keys,
    _require_loopback,
)
from bench.record_order import code_revision, db_counters
from bench.servers import REPO, Server, start_server
from membership.coupons.batches import EXPORT_PAGE, batch_csv, generate_batch, start_batch
from membership.coupons.codes import new_codes
from membership.db import PgTarget, close_db, init_db, parse_postgres_url, role_target
from membership.settings import get_settings
from tenants.context import RequestContext
from tenants.registry import get_tenant

__all__ = ["REDEEM_MUTATION", "VALIDATE_QUERY", "main"]

APP_FACTORY = "membership.app:create_app"
VALIDATE_QUERY = (
    "query V($code: String!, $memberId: ID!, $amount: Long!) { validateCoupon(code: $code, "
    "memberId: $memberId, orderAmount: $amount) { valid discountAmount errors { code field } } }"
)
REDEEM_MUTATION = (
    "mutation R($input: RedeemCouponInput!) { redeemCoupon(input: $input) "
    "{ coupon { id status } discountAmount errors { code field message } } }"
)
BASELINE_TABLE = "coupons_bulk_baseline"

# ------------------------------------------------------------------------ load generator


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


async def loadgen_run(args: argparse.Namespace) -> dict[str, Any]:
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


def loadgen_parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.coupons loadgen",
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


def loadgen_main(argv: list[str]) -> None:
    args = loadgen_parse_args(argv)
    try:
        import uvloop
    except ImportError:
        summary = asyncio.run(loadgen_run(args))
    else:
        summary = uvloop.run(loadgen_run(args))
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")


# ---------------------------------------------------------------------------- generation

_SIZES = """
SELECT pg_relation_size($1::regclass) AS heap, pg_indexes_size($1::regclass) AS indexes,
       pg_total_relation_size($1::regclass) AS total
"""
_WAL = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint"
# Codes of the baseline: 12 upper-case hex characters of an md5 of random(), as many as the
# app makes, written the way the app writes its chunks (same columns, ON CONFLICT on the code).
_BULK_INSERT = f"""
INSERT INTO {BASELINE_TABLE} (tenant_id, id, template_id, code, member_id, status, valid_from,
                              valid_until, issued_at, batch_id)
SELECT $1::uuid, uuid_v7(), $2::uuid, upper(substr(md5(random()::text || i::text), 1, 12)), NULL,
       'ISSUED', $3::timestamptz, $4::timestamptz, $3::timestamptz, $5::uuid
FROM generate_series(1, $6::bigint) AS i
ON CONFLICT (tenant_id, code) DO NOTHING
"""


def _mib(n: float) -> float:
    return round(n / 2**20, 1)


def _status_mib(field: str) -> float | None:
    """``VmRSS`` / ``VmHWM`` of this process in MiB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(f"{field}:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Restart this process's peak-RSS count at its current size (Linux ``clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def _maxrss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _sizes(conn: asyncpg.Connection, table: str) -> dict[str, int]:
    row = await conn.fetchrow(_SIZES, table)
    assert row is not None
    return {k: int(v) for k, v in dict(row).items()}


def _growth(before: dict[str, int], after: dict[str, int], rows: int) -> dict[str, Any]:
    heap, indexes, total = (after[k] - before[k] for k in ("heap", "indexes", "total"))
    return {
        "heap_mib": _mib(heap),
        "indexes_mib": _mib(indexes),
        "total_mib": _mib(total),
        "bytes_per_row": round(total / rows, 1) if rows else None,
    }


class _DbCpu:
    """CPU seconds of the benchmark database's backends since construction (new ones in full)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.before: dict[int, float] = {}

    async def start(self) -> None:
        self.before = procstat.processes_cpu(await backend_pids(self.database_url))

    async def seconds(self) -> float | None:
        now = procstat.processes_cpu(await backend_pids(self.database_url))
        if not now:
            return None
        return sum(cpu - self.before.get(pid, 0.0) for pid, cpu in now.items())


async def measure_generation(
    dataset: CouponDataset, admin: PgTarget, codes: int, console: Console
) -> dict[str, Any]:
    """``start_batch`` + ``generate_batch`` of ``codes`` codes as the worker runs them, then the
    batch's CSV export into /dev/null."""
    settings = get_settings()
    target = replace(admin, database=urlsplit(dataset.database_url).path.lstrip("/"))
    await init_db(role_target(target, "app", settings), settings)
    conn = await asyncpg.connect(dataset.database_url)
    try:
        tenant = await get_tenant(dataset.tenant_id)
        if tenant is None:
            raise RuntimeError("the benchmark tenant is gone")
        ctx = RequestContext.system(tenant)
        sizes_before = await _sizes(conn, "coupons")
        await conn.execute("CHECKPOINT")
        db_cpu = _DbCpu(dataset.database_url)
        await db_cpu.start()
        wal_before = await conn.fetchval(_WAL)
        peak_reset = _reset_peak_rss()
        rss_before = _status_mib("VmRSS")
        cpu_before = _self_cpu_s()
        machine = procstat.cpu_snapshot()
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("generate_batch", total=codes)

            def advance(generated: int, quantity: int) -> None:
                progress.update(task, completed=generated, total=quantity)

            started = time.perf_counter()
            queued = await start_batch(
                ctx,
                template_id=dataset.template_id,
                quantity=codes,
                idempotency_key=f"bench-batch-{secrets.token_hex(6)}",
            )
            queued_at = time.perf_counter()
            batch = await generate_batch(ctx, queued.batch.id, advance)
            finished = time.perf_counter()
        cpu_s = _self_cpu_s() - cpu_before
        busy = procstat.cpu_snapshot().busy_fraction_since(machine)
        peak_rss = _maxrss_mib() if peak_reset else None
        db_s = await db_cpu.seconds()
        wal = await conn.fetchval(_WAL) - wal_before
        sizes_after = await _sizes(conn, "coupons")
        written = await conn.fetchval(
            "SELECT count(*) FROM coupons WHERE tenant_id = $1 AND batch_id = $2",
            dataset.tenant_id,
            batch.id,
        )
        seconds = finished - started
        console.print(
            f"  {codes:,} codes in {seconds:.1f}s ({codes / seconds:,.0f} codes/s), batch "
            f"{batch.status}, {written:,} rows, peak RSS {peak_rss} MiB"
        )

        # The CSV export, page by page, into /dev/null.
        csv_rows = csv_bytes = 0
        cpu_before = _self_cpu_s()
        csv_started = time.perf_counter()
        sink = os.open(os.devnull, os.O_WRONLY)
        try:
            async for part in batch_csv(ctx, batch.id):
                data = part.encode()
                os.write(sink, data)
                csv_rows += part.count("\n")
                csv_bytes += len(data)
        finally:
            os.close(sink)
        csv_s = time.perf_counter() - csv_started
        csv_cpu_s = _self_cpu_s() - cpu_before
        console.print(
            f"  CSV export: {csv_rows - 1:,} codes, {_mib(csv_bytes)} MiB in {csv_s:.1f}s "
            f"({(csv_rows - 1) / csv_s:,.0f} codes/s)"
        )

        # What making the codes alone costs in Python (part of the generation above).
        made_started = time.perf_counter()
        made = new_codes(codes)
        python_codes_s = time.perf_counter() - made_started
        del made
    finally:
        await conn.close()
        await close_db()
    return {
        "codes": codes,
        "batch_status": batch.status,
        "rows_written": int(written),
        "start_batch_s": round(queued_at - started, 3),
        "generate_batch_s": round(finished - queued_at, 2),
        "seconds": round(seconds, 2),
        "codes_per_s": round(codes / seconds),
        "process_cpu_s": round(cpu_s, 2),
        "db_cpu_s": None if db_s is None else round(db_s, 2),
        "machine_busy_pct": round(100 * busy, 1),
        "python_new_codes_s": round(python_codes_s, 2),
        "rss_before_mib": rss_before,
        "peak_rss_mib": peak_rss,
        "peak_rss_growth_mib": (
            None if peak_rss is None or rss_before is None else round(peak_rss - rss_before, 1)
        ),
        "wal_mib": _mib(wal),
        "table_growth": _growth(sizes_before, sizes_after, int(written)),
        "csv_export": {
            "rows": csv_rows - 1,
            "mib": _mib(csv_bytes),
            "seconds": round(csv_s, 2),
            "rows_per_s": round((csv_rows - 1) / csv_s) if csv_s > 0 else None,
            "process_cpu_s": round(csv_cpu_s, 2),
            "page": EXPORT_PAGE,
        },
    }


async def measure_bulk_baseline(
    dataset: CouponDataset, admin: PgTarget, rows: int, console: Console
) -> dict[str, Any]:
    """The same rows written by PostgreSQL alone: one ``INSERT … SELECT … generate_series`` as
    the owner role into a copy of ``coupons`` with the same indexes."""
    settings = get_settings()
    target = replace(admin, database=urlsplit(dataset.database_url).path.lstrip("/"))
    owner = await asyncpg.connect(**role_target(target, "owner", settings).connect_kwargs())
    conn = await asyncpg.connect(dataset.database_url)
    try:
        await owner.execute(f"CREATE TABLE {BASELINE_TABLE} (LIKE coupons INCLUDING ALL)")
        indexes = await owner.fetchval(
            "SELECT count(*) FROM pg_index WHERE indrelid = $1::regclass", BASELINE_TABLE
        )
        sizes_before = await _sizes(conn, BASELINE_TABLE)
        await conn.execute("CHECKPOINT")
        pid = owner.get_server_pid()
        cpu_before = procstat.processes_cpu([pid]).get(pid)
        wal_before = await conn.fetchval(_WAL)
        now = datetime.now(UTC)
        machine = procstat.cpu_snapshot()
        with console.status(f"PostgreSQL alone: INSERT … generate_series of {rows:,} rows …"):
            started = time.perf_counter()
            status = await owner.execute(
                _BULK_INSERT,
                dataset.tenant_id,
                dataset.template_id,
                now,
                now.replace(year=now.year + 1),
                uuid.uuid4(),
                rows,
            )
            seconds = time.perf_counter() - started
        cpu_after = procstat.processes_cpu([pid]).get(pid)
        busy = procstat.cpu_snapshot().busy_fraction_since(machine)
        wal = await conn.fetchval(_WAL) - wal_before
        sizes_after = await _sizes(conn, BASELINE_TABLE)
        inserted = int(status.split()[-1])
        console.print(f"  {inserted:,} rows in {seconds:.1f}s ({inserted / seconds:,.0f} rows/s)")
        await owner.execute(f"DROP TABLE {BASELINE_TABLE}")
    finally:
        await conn.close()
        await owner.close()
    return {
        "rows": inserted,
        "indexes": int(indexes),
        "seconds": round(seconds, 2),
        "rows_per_s": round(inserted / seconds),
        "db_cpu_s": (
            None if cpu_before is None or cpu_after is None else round(cpu_after - cpu_before, 2)
        ),
        "machine_busy_pct": round(100 * busy, 1),
        "wal_mib": _mib(wal),
        "table_growth": _growth(sizes_before, sizes_after, inserted),
    }


async def _index_count(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM pg_index WHERE indrelid = 'coupons'::regclass"
            )
        )
    finally:
        await conn.close()


# ------------------------------------------------------------------------------- API runs


_NAMES = {"lookup": "member(phone:)", "validate": "validateCoupon", "redeem": "redeemCoupon"}


class Runner:
    """Runs the coupon load generator against the API and prices each run."""

    def __init__(
        self, server: Server, dataset: CouponDataset, args: argparse.Namespace, console: Console
    ) -> None:
        self.server, self.dataset, self.args, self.console = server, dataset, args, console
        self.seed = 0
        self.tag = secrets.token_hex(4)
        self.next_redeem = 0
        self.redeemed_ok = 0

    def run(self, kind: str, *, rate: float | None = None) -> dict[str, Any]:
        args, dataset = self.args, self.dataset
        self.seed += 1
        first = self.next_redeem if kind == "redeem" else 0
        end = {
            "lookup": dataset.members,
            "validate": dataset.issued.get(VALIDATE_PREFIX, 0),
            "redeem": dataset.issued.get(REDEEM_PREFIX, 0),
        }[kind]
        key = dataset.lookup_key if kind == "lookup" else dataset.coupon_key
        command = [
            sys.executable,
            "-m",
            "bench.coupons",
            "loadgen",
            "--kind",
            kind,
            "--url",
            self.server.url("/graphql"),
            "--header",
            f"Authorization: Bearer {key}",
            "--tenant-id",
            str(dataset.tenant_id),
            "--members",
            str(dataset.members),
            "--pool-first",
            str(first),
            "--pool-end",
            str(end),
            "--concurrency",
            str(args.concurrency),
            "--duration",
            str(args.duration),
            "--warmup",
            str(args.warmup),
            "--client",
            args.client,
            "--seed",
            str(self.seed),
            "--tag",
            f"{self.tag}-{self.seed}",
        ]
        if rate is not None:
            command += ["--rate", f"{rate:.1f}"]
        before = db_counters(dataset.database_url)
        meter = CpuMeter(self.server.pid, dataset.database_url)
        loadgen = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        try:
            stdout, _ = loadgen.communicate(timeout=args.warmup + args.duration + 120)
        finally:
            if loadgen.poll() is None:
                loadgen.kill()
        if loadgen.returncode != 0:
            raise RuntimeError(f"coupon load generator failed ({loadgen.returncode})")
        summary: dict[str, Any] = json.loads(stdout)
        summary.update(meter.read(summary["answered_total"]))
        after = db_counters(dataset.database_url)
        answered = summary["answered_total"]
        summary["wal_kib_per_req"] = (
            round((after["wal"] - before["wal"]) / 1024 / answered, 2) if answered else None
        )
        summary["commits_per_req"] = (
            round((after["xact_commit"] - before["xact_commit"]) / answered, 2)
            if answered
            else None
        )
        if kind == "redeem":
            self.next_redeem = summary["next_ordinal"]
            self.redeemed_ok += summary["succeeded_total"]
        time.sleep(SETTLE_SECONDS)
        return summary

    def say(self, r: dict[str, Any]) -> None:
        self.console.print(
            f"  {r['rps']:,.0f} req/s, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
            f"p99 {r['p99_ms']} ms, errors {r['errors']}, server {r['server_cpu_ms_per_req']} "
            f"+ db {r['db_cpu_ms_per_req']} CPU ms/req"
        )
        if r["errors"]:
            self.console.print(f"  [yellow]{r['error_kinds']} {r['error_examples'][:2]}[/yellow]")

    def ensure_redeem_pool(self, needed: int) -> dict[str, Any] | None:
        """Issue more coupons to spend when fewer than ``needed`` (and a margin) are left."""
        left = self.dataset.issued[REDEEM_PREFIX] - self.next_redeem
        want = math.ceil(needed * 1.2) + 1000
        if left >= want:
            return None
        return asyncio.run(issue_coupons(self.dataset, REDEEM_PREFIX, want - left, self.console))

    def measure(self, kind: str) -> dict[str, Any]:
        """Maximum throughput (closed loop), then latency at half of it (open loop)."""
        args = self.args
        name = _NAMES[kind]
        self.console.print(
            f"[bold]{name}[/bold]: closed loop, concurrency {args.concurrency}, "
            f"{args.warmup:g}s warm-up + {args.duration:g}s …"
        )
        peak = self.run(kind)
        self.say(peak)
        half_rate = peak["rps"] / 2
        if half_rate <= 0:
            raise RuntimeError(
                f"{name} served no successful request: {peak['error_examples']}\n"
                f"{self.server.log_tail()}"
            )
        top_up = None
        if kind == "redeem":
            top_up = self.ensure_redeem_pool(math.ceil(half_rate * (args.warmup + args.duration)))
        self.console.print(f"[bold]{name}[/bold]: open loop at {half_rate:,.0f} req/s …")
        half = self.run(kind, rate=half_rate)
        self.say(half)
        result = {
            "max_rps": peak["rps"],
            "p50_ms": peak["p50_ms"],
            "p95_ms": peak["p95_ms"],
            "p99_ms": peak["p99_ms"],
            "errors": peak["errors"],
            "error_kinds": peak["error_kinds"],
            "server_cpu_pct": peak["server_cpu_pct"],
            "server_cpu_ms_per_req": peak["server_cpu_ms_per_req"],
            "db_cpu_pct": peak["db_cpu_pct"],
            "db_cpu_ms_per_req": peak["db_cpu_ms_per_req"],
            "wal_kib_per_req": peak["wal_kib_per_req"],
            "commits_per_req": peak["commits_per_req"],
            "client_cpu_pct": peak["client_cpu_pct"],
            "machine_busy_pct": peak["machine_busy_pct"],
            "half_load": {
                "target_rps": round(half_rate, 1),
                "rps": half["rps"],
                "p50_ms": half["p50_ms"],
                "p95_ms": half["p95_ms"],
                "p99_ms": half["p99_ms"],
                "errors": half["errors"],
                "error_kinds": half["error_kinds"],
                "server_cpu_ms_per_req": half["server_cpu_ms_per_req"],
                "db_cpu_ms_per_req": half["db_cpu_ms_per_req"],
            },
            "runs": {"max": peak, "half_load": half},
        }
        if top_up is not None:
            result["pool_top_up"] = top_up
        return result


async def redemption_check(dataset: CouponDataset, succeeded: int) -> dict[str, Any]:
    """The redemption set's rows and the template's counters against the successful answers."""
    conn = await asyncpg.connect(dataset.database_url)
    try:
        rows = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE status = 'REDEEMED') AS redeemed, "
            "count(*) FILTER (WHERE status = 'REDEEMED' AND discount_amount <> $3) AS wrong "
            "FROM coupons WHERE tenant_id = $1 AND template_id = $2 AND batch_id IS NULL",
            dataset.tenant_id,
            dataset.template_id,
            AMOUNT_OFF,
        )
        template = await conn.fetchrow(
            "SELECT redeemed_count, discount_given FROM coupon_templates "
            "WHERE tenant_id = $1 AND id = $2",
            dataset.tenant_id,
            dataset.template_id,
        )
    finally:
        await conn.close()
    assert rows is not None and template is not None
    redeemed = int(rows["redeemed"])
    return {
        "answered_redeemed": succeeded,
        "coupons_redeemed": redeemed,
        "coupons_wrong_discount": int(rows["wrong"]),
        "template_redeemed_count": int(template["redeemed_count"]),
        "template_discount_given": int(template["discount_given"]),
        "consistent": (
            redeemed == succeeded == template["redeemed_count"]
            and template["discount_given"] == AMOUNT_OFF * redeemed
            and rows["wrong"] == 0
        ),
    }


# ---------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.coupons",
        description="Coupon codes in bulk vs PostgreSQL's bulk insert; validateCoupon and "
        "redeemCoupon vs the member lookup.",
    )
    p.add_argument("--codes", type=int, default=1_000_000, help="codes of the generated batch")
    p.add_argument("--members", type=int, default=100_000, help="members of the tenant")
    p.add_argument(
        "--redeem-pool",
        type=int,
        default=None,
        metavar="N",
        help="coupons issued to spend before the redeem runs (default: max(members, 100000)); "
        "more are issued before the open loop if the closed loop left too few",
    )
    p.add_argument("--concurrency", type=int, default=8, help="closed-loop clients")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds per run")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    p.add_argument("--no-generation", action="store_true", help="skip the generation phase")
    p.add_argument("--no-api", action="store_true", help="skip the API runs")
    p.add_argument(
        "--client", choices=("raw", "httpx"), default="raw", help="load generator HTTP client"
    )
    p.add_argument(
        "--app-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the API process, e.g. MEMBERSHIP_LOG_LEVEL=WARNING",
    )
    p.add_argument(
        "--app-factory",
        default=APP_FACTORY,
        metavar="MODULE:FUNCTION",
        help="the API's app factory, to compare a variant of it (default: %(default)s)",
    )
    args = p.parse_args(argv)
    if (
        not 1 <= args.codes <= 1_000_000
        or args.members < 1
        or args.concurrency < 1
        or args.duration <= 0
        or args.warmup < 0
    ):
        p.error(
            "--codes must be 1…1,000,000, --members and --concurrency ≥ 1, --duration > 0, "
            "--warmup ≥ 0"
        )
    if args.redeem_pool is None:
        args.redeem_pool = max(args.members, 100_000)
    if args.redeem_pool < 1:
        p.error("--redeem-pool must be ≥ 1")
    if any("=" not in item for item in args.app_env):
        p.error("--app-env takes NAME=VALUE")
    return args


def run_benchmark(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    console = Console(stderr=True)
    admin_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    _require_loopback(admin_url, "DATABASE_URL")
    _require_loopback(redis_url, "REDIS_URL")
    admin = parse_postgres_url(admin_url)
    database = new_database_name()
    redis_prefix = f"bench-{secrets.token_hex(4)}"
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    clock = time.monotonic()
    servers: list[Server] = []
    created = False
    generation: dict[str, Any] | None = None
    bulk: dict[str, Any] | None = None
    lookup = validate = redeem = consistency = None
    issue_steps: list[dict[str, Any]] = []
    revision: dict[str, Any] = {}
    background: float | None = None
    peak_rss: float | None = None

    console.print(f"database [bold]{database}[/bold], redis prefix {redis_prefix}")
    try:
        asyncio.run(create_database(admin, database))
        created = True
        dataset = asyncio.run(
            build_coupon_dataset(admin_url, database, members=args.members, console=console)
        )
        coupon_indexes = asyncio.run(_index_count(dataset.database_url))
        if not args.no_generation:
            console.print(
                f"[bold]generation[/bold]: start_batch + generate_batch, {args.codes:,} codes, "
                f"as the app role ({coupon_indexes} indexes on coupons) …"
            )
            generation = asyncio.run(measure_generation(dataset, admin, args.codes, console))
            console.print(
                f"[bold]baseline[/bold]: PostgreSQL alone, {args.codes:,} rows into a copy of "
                "coupons with the same indexes, as the owner role …"
            )
            bulk = asyncio.run(measure_bulk_baseline(dataset, admin, args.codes, console))
        if not args.no_api:
            issue_steps.append(
                asyncio.run(issue_coupons(dataset, VALIDATE_PREFIX, args.members, console))
            )
            issue_steps.append(
                asyncio.run(issue_coupons(dataset, REDEEM_PREFIX, args.redeem_pool, console))
            )
            analyse_s = asyncio.run(analyze_coupons(dataset.database_url))
            issue_steps.append(
                {"step": "VACUUM ANALYZE coupon tables", "seconds": round(analyse_s, 2)}
            )
            env = {
                "DATABASE_URL": dataset.database_url,
                "REDIS_URL": redis_url,
                "MEMBERSHIP_REDIS_PREFIX": redis_prefix,
            }
            app_env = dict(item.split("=", 1) for item in args.app_env)
            with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
                revision = code_revision()
                api = start_server("graphql", args.app_factory, {**env, **app_env}, Path(logs))
                servers.append(api)
                api.wait_ready("/readyz")
                background = _background_busy_pct()
                console.print(f"machine busy before load: {background}% of {os.cpu_count()} cores")
                if background > NOISY_PCT:
                    console.print(
                        "[yellow]other work is using the machine: req/s and latencies will be "
                        "noisy; CPU ms per request is the steadier figure[/yellow]"
                    )
                runner = Runner(api, dataset, args, console)
                lookup = runner.measure("lookup")
                validate = runner.measure("validate")
                redeem = runner.measure("redeem")
                rss = procstat.peak_rss_mib(api.pid)
                peak_rss = None if rss is None else round(rss, 1)
                consistency = asyncio.run(redemption_check(dataset, runner.redeemed_ok))
                colour = "green" if consistency["consistent"] else "red"
                console.print(
                    f"redemptions: [{colour}]{consistency['answered_redeemed']:,} answered, "
                    f"{consistency['coupons_redeemed']:,} coupons REDEEMED, template counts "
                    f"{consistency['template_redeemed_count']:,}[/{colour}]"
                )
                if api.process.poll() is not None:
                    raise RuntimeError(f"the API exited:\n{api.log_tail()}")
                errors_logged = [
                    line for line in api.log_tail(200).splitlines() if "error" in line.lower()
                ]
                if errors_logged:
                    console.print(f"[yellow]API log: {errors_logged[-3:]}[/yellow]")
                for server in servers:
                    server.stop()
    finally:
        for server in servers:
            server.stop()
        with contextlib.suppress(Exception):
            asyncio.run(close_db())
        if created:
            asyncio.run(drop_database(admin, database))
        with contextlib.suppress(redis.RedisError):
            _delete_redis_keys(redis_url, redis_prefix)
        console.print(f"dropped {database if created else 'nothing'}")

    config = {
        "codes": args.codes,
        "members": args.members,
        "redeem_pool": args.redeem_pool,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "client": args.client,
        "app_factory": args.app_factory,
        "app_env": dict(item.split("=", 1) for item in args.app_env),
        "coupon_indexes": coupon_indexes,
        "cpu_count": os.cpu_count(),
        "machine_busy_before_load_pct": background,
        "python": sys.version.split()[0],
        "code": revision or code_revision(),
    }
    summary = dataset.summary()
    summary["issue_steps"] = issue_steps
    report = build_report(
        started=started,
        elapsed_s=time.monotonic() - clock,
        config=config,
        dataset=summary,
        api_peak_rss_mib=peak_rss,
        generation=generation,
        bulk_baseline=bulk,
        lookup=lookup,
        validate=validate,
        redeem=redeem,
        redemption_check=consistency,
    )
    out = Console()
    print_report(report, out if out.is_terminal else Console(width=200))
    path = write_report(report, stamp)
    console.print(f"wrote {path.relative_to(REPO)}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["loadgen"]:
        loadgen_main(argv[1:])
    else:
        run_benchmark(argv)


if __name__ == "__main__":
    main()
