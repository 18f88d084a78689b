"""Coupon generation measured: ``start_batch`` + ``generate_batch`` of a batch of codes as the
worker runs them (then its CSV export), and the same number of rows written by PostgreSQL alone
as the baseline, for ``bench.coupons``.

Each measurement takes the wall clock, the CPU of this process and of the database's backends,
the WAL written and the growth of the table and its indexes after a ``CHECKPOINT``; the
generation also this process's peak RSS (Linux ``clear_refs`` / ``ru_maxrss``).
"""

from __future__ import annotations

import os
import resource
import secrets
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import asyncpg
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
from bench.coupon_dataset import CouponDataset
from bench.dataset import backend_pids
from membership.coupons.batches import EXPORT_PAGE, batch_csv, generate_batch, start_batch
from membership.coupons.codes import new_codes
from membership.db import PgTarget, close_db, init_db, role_target
from membership.settings import get_settings
from tenants.context import RequestContext
from tenants.registry import get_tenant

__all__ = ["index_count", "measure_bulk_baseline", "measure_generation"]

BASELINE_TABLE = "coupons_bulk_baseline"

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


async def index_count(database_url: str) -> int:
    """Indexes on ``coupons`` (the baseline's copy of the table has them all)."""
    conn = await asyncpg.connect(database_url)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM pg_index WHERE indrelid = 'coupons'::regclass"
            )
        )
    finally:
        await conn.close()
