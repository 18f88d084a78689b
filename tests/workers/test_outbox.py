"""A real arq worker relays committed domain events and handles each one once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from redis.asyncio import Redis

from membership.db import PgTarget
from membership.members import service
from membership.outbox import OutboxEvent
from tenants.tx import tenant_tx
from tests.conftest import TenantFixture

ROOT = Path(__file__).resolve().parents[2]


async def test_worker_relays_member_created_event_exactly_once(
    database: PgTarget, tenant: TenantFixture, redis_url: str, tmp_path: Path
) -> None:
    member = await service.create_member(tenant.ctx, service.MemberChanges(phone="13700000001"))
    async with tenant_tx(tenant.ctx):
        event = await OutboxEvent.get(
            topic="member.created", payload__contains={"memberId": str(member.id)}
        )
        assert event.published_at is None

    env = {
        **os.environ,
        "DATABASE_URL": database.dsn(),
        "REDIS_URL": redis_url,
        "MEMBERSHIP_LOG_LEVEL": "INFO",
    }
    # A file, not a pipe: a worker logging faster than the test reads would block on a full pipe.
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "membership.cli", "worker"],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    redis = Redis.from_url(redis_url)
    try:
        result_key = f"arq:result:event:{event.id}"
        for _ in range(300):  # the relay works through every event other tests left too
            if await redis.exists(result_key):
                break
            await asyncio.sleep(0.1)
        if not await redis.exists(result_key):
            worker.kill()
            worker.wait(timeout=20)
            raise AssertionError(f"the worker did not handle the event:\n{log.read_text()[-3000:]}")
        async with tenant_tx(tenant.ctx):
            await event.refresh_from_db()
        assert event.published_at is not None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
        output = log.read_text()
        await redis.aclose()
    # relayed once, handled once, even though the relay runs every two seconds
    assert output.count(f'"event_id": "{event.id}"') == 1, output[-2000:]
