"""``WorkerSettings`` for ``arq``: the cron sweeps (run by ``membership worker``, see
``workers.main``; the event work runs beside them in ``workers.events``)."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron
from arq.connections import RedisSettings

from membership.db import resolve_redis_url
from membership.settings import get_settings
from workers.coupons import expire_coupons, release_coupon_reservations
from workers.points import expire_points
from workers.tiers import evaluate_member_tiers

__all__ = ["WorkerSettings", "redis_settings"]


def redis_settings() -> RedisSettings:
    return RedisSettings.from_dsn(resolve_redis_url())


class WorkerSettings:
    functions: ClassVar[list[Any]] = [
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
    queue_name = f"{get_settings().redis_prefix}:queue"
    max_jobs = 10
    poll_delay = 0.5
    job_timeout = 300
    keep_result = 3600
