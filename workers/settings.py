"""``WorkerSettings`` for ``arq`` (run by ``membership worker``)."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron
from arq.connections import RedisSettings

from membership.db import close_db, init_db, resolve_postgres, resolve_redis_url, role_target
from membership.logging import configure_logging
from membership.settings import get_settings
from workers.coupons import expire_coupons, release_coupon_reservations
from workers.outbox import handle_event, relay_outbox
from workers.points import expire_points
from workers.tiers import evaluate_member_tiers

__all__ = ["WorkerSettings", "redis_settings"]


def redis_settings() -> RedisSettings:
    return RedisSettings.from_dsn(resolve_redis_url())


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    await init_db(role_target(resolve_postgres(settings), "app", settings), settings)


async def shutdown(ctx: dict[str, Any]) -> None:
    await close_db()


class WorkerSettings:
    functions: ClassVar[list[Any]] = [
        handle_event,
        relay_outbox,
        expire_points,
        expire_coupons,
        release_coupon_reservations,
        evaluate_member_tiers,
    ]
    cron_jobs: ClassVar[list[Any]] = [
        cron(relay_outbox, second=set(range(0, 60, 2)), unique=True, run_at_startup=True),
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
