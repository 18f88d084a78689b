"""``WorkerSettings`` for ``arq``: the cron sweeps (run by ``membership worker``, see
``workers.main``; the event work runs beside them in ``workers.events``)."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron, func
from arq.connections import RedisSettings

from membership.db import resolve_redis_url
from membership.settings import get_settings
from workers.analytics import fit_churn_models, refresh_analytics
from workers.coupons import expire_coupons, release_coupon_reservations
from workers.journeys import (
    dispatch_journey_runs,
    evaluate_segments,
    sweep_journey_triggers,
    wake_journey_runs,
)
from workers.plugins import run_plugin_crons, run_plugin_jobs
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
        dispatch_journey_runs,
        sweep_journey_triggers,
        evaluate_segments,
        run_plugin_jobs,
        run_plugin_crons,
        refresh_analytics,
        fit_churn_models,
        # no result kept: the job id (runs and states) may come again, and then does nothing
        func(wake_journey_runs, keep_result=0),
    ]
    cron_jobs: ClassVar[list[Any]] = [
        cron(expire_points, second={30}, unique=True),
        # every 5 seconds: due waits, timeouts and runs entered by sweeps
        cron(dispatch_journey_runs, second=set(range(0, 60, 5)), unique=True),
        # every minute: daily triggers at their local hour, cron schedules to the minute
        cron(sweep_journey_triggers, second={15}, unique=True),
        cron(evaluate_segments, minute={0, 30}, second={20}, unique=True),
        cron(expire_coupons, second={40}, unique=True),
        # plugins: queued jobs every 5 seconds, their crons at the minute their schedule names
        cron(run_plugin_jobs, second=set(range(2, 60, 5)), unique=True),
        cron(run_plugin_crons, second={5}, unique=True),
        cron(release_coupon_reservations, second={50}, unique=True),
        # the analytics roll-up, from what the event handler marked
        cron(refresh_analytics, second={25, 55}, unique=True),
        # hourly: the churn models older than a day
        cron(fit_churn_models, minute={10}, second={35}, unique=True),
        # daily, 03:05 in China
        cron(evaluate_member_tiers, hour={19}, minute={5}, second={0}, unique=True),
    ]
    queue_name = f"{get_settings().redis_prefix}:queue"
    max_jobs = 10
    poll_delay = 0.5
    job_timeout = 300
    keep_result = 3600
