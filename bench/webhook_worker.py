"""The worker under test, and what it costs: its own CPU and that of its PostgreSQL backends.

``python -m membership.cli worker`` is started as production starts it (the relay and delivery
tasks of ``workers.events.Dispatcher``, arq's cron beside them), on the benchmark database and a Redis prefix of the
run's own, with ``MEMBERSHIP_WEBHOOKS_ALLOW_PRIVATE_URLS=true`` so that it may deliver to the
receiver on 127.0.0.1. Its output goes to a log file whose tail is shown if it dies.

``ProcessMeter`` prices one process's work in the database too: the backends serving it are found
by the client port of each TCP connection the process holds open (``/proc/<pid>/fd`` and
``/proc/<pid>/net/tcp``, matched with ``pg_stat_activity.client_port``), so the worker's
backends are told apart from the API's although both log in as the same role.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg

from bench import procstat
from bench.servers import REPO, Server

__all__ = [
    "ProcessMeter",
    "idle_cost",
    "process_backends",
    "require_alive",
    "start_worker",
    "wait_started",
]


def start_worker(env: dict[str, str], log_dir: Path, name: str = "worker") -> Server:
    """Start ``python -m membership.cli worker``; ``env`` names the database and Redis."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "membership.cli", "worker"],
            cwd=REPO,
            env={**os.environ, "MEMBERSHIP_WEBHOOKS_ALLOW_PRIVATE_URLS": "true", **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return Server(name, process, 0, log_path)


def require_alive(worker: Server) -> None:
    if worker.process.poll() is not None:
        raise RuntimeError(
            f"the worker exited with {worker.process.returncode}:\n{worker.log_tail()}"
        )


def wait_started(worker: Server, database_url: str, timeout: float = 60.0) -> dict[str, float]:
    """Wait until the worker is connected and quiet (under 2 % of a core for half a second):
    how long that took from now, and its CPU seconds so far (its start-up, imports included)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        require_alive(worker)
        if asyncio.run(process_backends(database_url, worker.pid)):
            before = procstat.process_cpu_seconds(worker.pid)
            time.sleep(0.5)
            after = procstat.process_cpu_seconds(worker.pid)
            if after - before < 0.01:
                return {"seconds": round(time.monotonic() - started, 2), "cpu_s": after}
        else:
            time.sleep(0.2)
    raise RuntimeError(f"the worker did not settle within {timeout:g}s:\n{worker.log_tail()}")


def idle_cost(worker: Server, database_url: str, seconds: float) -> dict[str, float]:
    """CPU milliseconds per second of an idle worker (its relay polling, its sweeps) and of its
    backends, over ``seconds``."""
    meter = ProcessMeter(worker.pid, database_url).start()
    time.sleep(seconds)
    used = meter.read()
    require_alive(worker)
    return {
        "seconds": round(used["wall_s"], 2),
        "worker_cpu_ms_per_s": round(1000 * used["process_cpu_s"] / used["wall_s"], 2),
        "db_cpu_ms_per_s": round(1000 * used["db_cpu_s"] / used["wall_s"], 2),
    }


def _socket_ports(pid: int) -> set[int]:
    """Local ports of the TCP sockets ``pid`` holds open."""
    inodes: set[str] = set()
    fd_dir = f"/proc/{pid}/fd"
    try:
        fds = os.listdir(fd_dir)
    except OSError:
        return set()
    for fd in fds:
        try:
            link = os.readlink(f"{fd_dir}/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    ports: set[int] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


async def process_backends(database_url: str, pid: int) -> list[int]:
    """Backends of ``database_url``'s database serving connections of process ``pid``."""
    ports = _socket_ports(pid)
    if not ports:
        return []
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND client_port = ANY($1::int[])",
            sorted(ports),
        )
    finally:
        await conn.close()
    return [int(r["pid"]) for r in rows]


class ProcessMeter:
    """CPU seconds of a process and of its backends since ``start``.

    A backend that appears later counts in full; one that exits between two readings counts up
    to the last reading that saw it (a pool rarely closes a connection within a run).
    """

    def __init__(self, pid: int, database_url: str) -> None:
        self.pid, self.database_url = pid, database_url
        self._process = 0.0
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._started = 0.0

    async def astart(self) -> ProcessMeter:
        self._process = procstat.process_cpu_seconds(self.pid)
        self._first = procstat.processes_cpu(await process_backends(self.database_url, self.pid))
        self._last = dict(self._first)
        self._started = time.monotonic()
        return self

    async def aread(self) -> dict[str, float]:
        """``process_cpu_s``, ``db_cpu_s`` and ``wall_s`` since ``astart``, and how many
        ``backends`` serve the process now."""
        now = procstat.processes_cpu(await process_backends(self.database_url, self.pid))
        self._last.update(now)
        db = sum(cpu - self._first.get(pid, 0.0) for pid, cpu in self._last.items())
        return {
            "process_cpu_s": procstat.process_cpu_seconds(self.pid) - self._process,
            "db_cpu_s": db,
            "wall_s": time.monotonic() - self._started,
            "backends": len(now),
        }

    def start(self) -> ProcessMeter:
        return asyncio.run(self.astart())

    def read(self) -> dict[str, float]:
        return asyncio.run(self.aread())
