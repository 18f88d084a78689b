"""``membership worker``: the event dispatcher and arq's cron jobs, in one process.

The dispatcher (``workers.events``) works from PostgreSQL alone. arq runs the cron sweeps on
Redis; when Redis goes away arq's worker stops with a connection error, so it is started again
after a pause while the dispatcher goes on relaying and delivering. SIGTERM and SIGINT stop both
cleanly: tasks are cancelled, and what they had taken is due again (row locks end with their
connection, delivery leases run out).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

import structlog
from arq.worker import Worker, create_worker
from redis.asyncio import Redis
from redis.exceptions import RedisError

from membership.db import close_db, init_db, resolve_postgres, resolve_redis_url, role_target
from membership.logging import configure_logging
from membership.messaging.tokens import TokenStore
from membership.messaging.transport import ProviderTransport
from membership.settings import get_settings
from membership.webhooks.sender import WebhookSender
from workers.events import Dispatcher
from workers.settings import WorkerSettings, redis_settings

__all__ = ["run"]

log = structlog.get_logger("membership.worker")
REDIS_RETRY_SECONDS = 1.0


async def _cron_forever(stopping: asyncio.Event) -> None:
    """arq's worker for the cron jobs, started again whenever Redis drops it."""
    while not stopping.is_set():
        worker: Worker = create_worker(
            WorkerSettings,  # type: ignore[arg-type]
            redis_settings=redis_settings(),
            handle_signals=False,
        )
        try:
            await worker.main()
        except (RedisError, OSError) as exc:
            log.warning("redis_unavailable", error=str(exc), retry_in=REDIS_RETRY_SECONDS)
        finally:
            with contextlib.suppress(RedisError, OSError, asyncio.CancelledError):
                await worker.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), REDIS_RETRY_SECONDS)


async def run() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    await init_db(role_target(resolve_postgres(settings), "app", settings), settings)
    sender = WebhookSender(allow_private=settings.webhooks_allow_private_urls)
    redis = Redis.from_url(resolve_redis_url(settings))
    transport = ProviderTransport(tokens=TokenStore(redis, settings.redis_prefix))
    dispatcher = Dispatcher(sender, transport)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    dispatcher.start()
    cron = asyncio.create_task(_cron_forever(stopping), name="membership-cron")
    log.info("worker_started")
    try:
        await stopping.wait()
    finally:
        log.info("worker_stopping")
        cron.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await cron
        await dispatcher.stop()
        await sender.close()
        await transport.close()
        await redis.aclose()
        await close_db()
