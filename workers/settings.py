"""``WorkerSettings`` for ``arq`` (run by ``membership worker``)."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron, func
from arq.connections import RedisSettings

from membership.db import close_db, init_db, resolve_postgres, resolve_redis_url, role_target
from membership.logging import configure_logging
from membership.settings import get_settings
from workers.coupons import expire_coupons, release_coupon_reservations
from workers.events import (
    deliver_webhooks,
    handle_events,
    run_coupon_batch,
    start_dispatcher,
    stop_dispatcher,
)
from workers.points import expire_points
from workers.tiers import evaluate_member_tiers

__all__ = ["WorkerSettings", "redis_settings"]


def redis_settings() -> RedisSettings:
    return RedisSettings.from_dsn(resolve_redis_url())


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    await init_db(role_target(resolve_postgres(settings), "app", settings), settings)
    await start_dispatcher(ctx)


async def shutdown(ctx: dict[str, Any]) -> None:
    await stop_dispatcher(ctx)
    await close_db()


class WorkerSettings:
    # Wake-up jobs keep no result, so the same job id (a tenant, an endpoint) can be enqueued
    # again the moment a run ends; their work is in PostgreSQL, not in the job.
    functions: ClassVar[list[Any]] = [
        func(handle_events, keep_result=0),  # type: ignore[arg-type]
        func(deliver_webhooks, keep_result=0),  # type: ignore[arg-type]
        func(run_coupon_batch, keep_result=0),  # type: ignore[arg-type]
        expire_points,
        expire_coupons,
        release_coupon_reservations,
        evaluate_member_tiers,
    ]
    cron_jobs: ClassVar[list[Any]] = [
        cron(expire_points, second={30}, unique=True),
        cron(expire_coupons, second={40}, unique=True),
        cron(release_coupon_reservations, second={50}, unique=True),
        # daily, 03:05 in China
        cron(evaluate_member_tiers, hour={19}, minute={5}, second={0}, unique=True),
    ]
    on_startup = startup
    on_shutdown = shutdown
    queue_name = f"{get_settings().redis_prefix}:queue"
    # Event handlers are short and mostly wait on I/O: many at once, picked up promptly.
    max_jobs = 100
    poll_delay = 0.1
    job_timeout = 300
    keep_result = 3600
