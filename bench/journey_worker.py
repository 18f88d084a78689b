"""The worker of the journeys benchmark: launched as production launches it, priced from the moment
it has connected to PostgreSQL.

``bench.webhook_worker.wait_started`` waits for a quiet worker; a worker started with runs due is
busy within seconds, so here the start is the moment its first backends appear: what it used
before (imports, the pool) is its start-up, reported apart, and everything after is its work.
``forget_run_jobs`` deletes the arq keys of the wake-up jobs a stopped worker left queued.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redis.asyncio as aioredis

from bench.servers import Server
from bench.webhook_worker import ProcessMeter, require_alive, start_worker

__all__ = ["LaunchedWorker", "forget_run_jobs", "launch_worker"]


@dataclass
class LaunchedWorker:
    server: Server
    meter: ProcessMeter  # CPU since launch (process) and of its backends
    launched: float  # time.time() at launch
    connected: float  # time.time() when its first backend appeared
    at_connected: dict[str, float] = field(default_factory=dict)

    def startup(self) -> dict[str, float]:
        return {
            "connected_after_launch_s": round(self.connected - self.launched, 2),
            "start_up_cpu_s": round(self.at_connected["process_cpu_s"], 3),
        }

    async def used_since_connected(self) -> dict[str, float]:
        """Process and database CPU seconds and wall seconds since the worker connected."""
        require_alive(self.server)
        now = await self.meter.aread()
        return {
            "process_cpu_s": now["process_cpu_s"] - self.at_connected["process_cpu_s"],
            "db_cpu_s": now["db_cpu_s"] - self.at_connected["db_cpu_s"],
            "wall_s": time.time() - self.connected,
        }

    def stop(self) -> None:
        self.server.stop(timeout=30)


async def launch_worker(
    env: dict[str, str], logs: Path, name: str, timeout: float = 60.0
) -> LaunchedWorker:
    """Start ``python -m membership.cli worker`` and wait until it holds a database connection."""
    launched = time.time()
    server = start_worker(env, logs, name)
    try:
        meter = await ProcessMeter(server.pid, env["DATABASE_URL"]).astart()
        deadline = time.monotonic() + timeout
        while not (reading := await meter.aread())["backends"]:
            require_alive(server)
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not connect in {timeout:g}s")
            await asyncio.sleep(0.02)
    except BaseException:
        server.stop(timeout=30)
        raise
    return LaunchedWorker(server, meter, launched, time.time(), reading)


async def forget_run_jobs(redis_url: str, run_ids: set[uuid.UUID]) -> int:
    """Delete arq's keys of the wake-up jobs of these runs (``arq:job:journey-wake:<first run>:
    <state>:<runs>:<digest>``, its retry and in-progress keys), found by their first run: arq
    keeps them outside the run's key prefix, and a worker stopped with jobs queued leaves them
    for a day. Returns how many keys went."""
    wanted = {str(run_id) for run_id in run_ids}
    client = aioredis.Redis.from_url(redis_url)
    deleted = 0
    try:
        batch: list[bytes] = []
        async for key in client.scan_iter(match="arq:*journey-wake:*", count=1000):
            run_id = key.decode().split("journey-wake:", 1)[1].split(":", 1)[0]
            if run_id in wanted:
                batch.append(key)
            if len(batch) >= 1000:
                deleted += await client.delete(*batch)
                batch = []
        if batch:
            deleted += await client.delete(*batch)
    finally:
        await client.aclose()
    return deleted
