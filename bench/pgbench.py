"""pgbench's built-in TPC-B-like transaction on the same PostgreSQL, measured like the API runs.

What the database and the machine can commit with no application around them: ``pgbench -i -s
<scale>`` fills a throw-away database, then ``pgbench -c <clients> -j <threads> -T <warm-up +
duration>`` runs the five-statement transaction (three UPDATEs, a SELECT and an INSERT) in a
closed loop, or with ``-R <rate>`` on a fixed schedule (open loop; pgbench counts latency from
each transaction's scheduled start, as ``bench.loadgen`` does).

Numbers come from pgbench's per-transaction log (``-l``), not from its summary, so that the
``--warmup`` seconds are dropped exactly as in the API runs: the window starts ``warmup`` seconds
after the first transaction began and lasts ``duration`` seconds; tps is the transactions that
completed in it (open loop: that were scheduled in it) divided by its length, p50/p99 come from
their latencies. pgbench's own tps line is kept as ``pgbench_reported_tps``.

The CPU of the database backends serving pgbench is sampled from ``/proc`` while it runs (they
exit with it), pgbench's own CPU from the children's rusage.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import resource
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
from rich.console import Console

from bench import procstat
from bench.loadgen import percentile
from membership.db import PgTarget

__all__ = ["initialise", "pgbench_binary", "run_pgbench"]

_TPS = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)", re.MULTILINE)
_LATENCY = re.compile(r"^latency average = ([0-9.]+) ms", re.MULTILINE)
_FAILED = re.compile(r"^number of failed transactions: (\d+)", re.MULTILINE)


def pgbench_binary() -> str:
    found = os.environ.get("PGBENCH") or shutil.which("pgbench") or "/usr/bin/pgbench"
    if not Path(found).exists():
        raise RuntimeError("pgbench not found: install postgresql-contrib or set PGBENCH")
    return found


def _connection(target: PgTarget) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ}
    if target.password:
        env["PGPASSWORD"] = target.password
    args = ["-h", target.host, "-p", str(target.port), "-U", target.user, target.database]
    return args, env


async def initialise(target: PgTarget, scale: int) -> float:
    """``pgbench -i -s scale`` into ``target.database`` (already created); returns seconds."""
    args, env = _connection(target)
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        pgbench_binary(),
        "-i",
        "-s",
        str(scale),
        "-q",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"pgbench -i failed ({proc.returncode}):\n{output.decode()[-2000:]}")
    return time.monotonic() - started


class _BackendSampler:
    """CPU of the backends of one database, sampled while they live.

    Backends present at the start count from their CPU then; those that appear later count in
    full (their connection set-up included). Up to one sampling interval of a backend's last CPU
    is missed when it exits between two samples.
    """

    def __init__(self, admin: PgTarget, database: str, interval: float = 0.25) -> None:
        self.admin, self.database, self.interval = admin, database, interval
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._started = False

    async def sample(self, conn: asyncpg.Connection) -> None:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            self.database,
        )
        cpu = procstat.processes_cpu([int(r["pid"]) for r in rows])
        for pid, seconds in cpu.items():
            self.first.setdefault(pid, seconds if not self._started else 0.0)
            self.last[pid] = seconds
        self._started = True

    async def run(self, stop: asyncio.Event) -> None:
        conn = await asyncpg.connect(**replace(self.admin, database="postgres").connect_kwargs())
        try:
            await self.sample(conn)
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.interval)
                await self.sample(conn)
        finally:
            await conn.close()

    def cpu_seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def parse_logs(log_dir: Path, *, warmup: float, duration: float, open_loop: bool) -> dict[str, Any]:
    """Transactions in the measured window of a run's per-transaction logs."""
    done: list[tuple[float, float]] = []  # (completed at, latency in seconds)
    errors: Counter[str] = Counter()
    total = 0
    for path in sorted(log_dir.glob("tx.*")):
        with path.open() as f:
            for line in f:
                fields = line.split()
                if len(fields) < 6:
                    continue
                total += 1
                if not fields[2].isdigit():  # "failed" or "skipped"
                    errors[fields[2]] += 1
                    continue
                completed = int(fields[4]) + int(fields[5]) / 1e6
                done.append((completed, int(fields[2]) / 1e6))
    if not done:
        return {
            "ok": 0,
            "errors": sum(errors.values()),
            "error_kinds": dict(errors),
            "total": total,
        }
    first_start = min(completed - latency for completed, latency in done)
    window_from, window_to = first_start + warmup, first_start + warmup + duration
    if open_loop:  # by scheduled start: the logged latency runs from it
        measured = sorted(
            lat for completed, lat in done if window_from <= completed - lat < window_to
        )
    else:
        measured = sorted(lat for completed, lat in done if window_from <= completed <= window_to)

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 3)

    return {
        "ok": len(measured),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "tps": round(len(measured) / duration, 1),
        "p50_ms": ms(percentile(measured, 50)),
        "p90_ms": ms(percentile(measured, 90)),
        "p99_ms": ms(percentile(measured, 99)),
        "max_ms": ms(measured[-1] if measured else None),
        "total": total,
    }


async def run_pgbench(
    admin: PgTarget,
    database: str,
    *,
    clients: int,
    threads: int,
    duration: float,
    warmup: float,
    rate: float | None = None,
    console: Console | None = None,
) -> dict[str, Any]:
    """One pgbench run (closed loop, or open loop at ``rate`` tps) against ``database``."""
    target = replace(admin, database=database)
    args, env = _connection(target)
    seconds = math.ceil(warmup + duration)
    with tempfile.TemporaryDirectory(prefix="bench-pgbench-") as tmp:
        log_dir = Path(tmp)
        command = [
            pgbench_binary(),
            "-c",
            str(clients),
            "-j",
            str(threads),
            "-T",
            str(seconds),
            "-P",
            "5",
            "-l",
            "--log-prefix",
            str(log_dir / "tx"),
        ]
        if rate is not None:
            command += ["-R", f"{rate:.1f}"]
        command += args
        sampler = _BackendSampler(admin, database)
        stop = asyncio.Event()
        sampling = asyncio.create_task(sampler.run(stop))
        await asyncio.sleep(0.1)  # a first sample before pgbench connects
        machine = procstat.cpu_snapshot()
        children = _children_cpu()
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            *command,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert proc.stderr is not None and proc.stdout is not None
        err_lines: list[str] = []
        async for raw in proc.stderr:
            line = raw.decode(errors="replace").rstrip()
            err_lines.append(line)
            if console is not None and line.startswith("progress:"):
                console.print(f"  [dim]pgbench {line}[/dim]")
        stdout = (await proc.stdout.read()).decode(errors="replace")
        await proc.wait()
        wall = time.monotonic() - started
        stop.set()
        await sampling
        client_cpu = _children_cpu() - children
        busy = procstat.cpu_snapshot().busy_fraction_since(machine)
        if proc.returncode != 0:
            tail = "\n".join(err_lines[-20:])
            raise RuntimeError(f"pgbench failed ({proc.returncode}):\n{tail}")
        parsed = parse_logs(log_dir, warmup=warmup, duration=duration, open_loop=rate is not None)

    def number(pattern: re.Pattern[str]) -> float | None:
        match = pattern.search(stdout)
        return float(match.group(1)) if match else None

    db_cpu = sampler.cpu_seconds()
    total = parsed.pop("total")
    failed = number(_FAILED)
    return {
        "mode": "open" if rate is not None else "closed",
        "clients": clients,
        "threads": threads,
        "target_tps": None if rate is None else round(rate, 1),
        "duration_s": duration,
        "warmup_s": warmup,
        **parsed,
        "transactions_total": total,
        "failed_total": None if failed is None else int(failed),
        "pgbench_reported_tps": number(_TPS),
        "pgbench_latency_average_ms": number(_LATENCY),
        "client_cpu_pct": round(100 * client_cpu / wall, 1),
        "client_cpu_ms_per_txn": round(1000 * client_cpu / total, 3) if total else None,
        "db_cpu_pct": round(100 * db_cpu / wall, 1),
        "db_cpu_ms_per_txn": round(1000 * db_cpu / total, 3) if total else None,
        "machine_busy_pct": round(100 * busy, 1),
    }
