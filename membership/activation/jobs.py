"""Plugins' jobs and crons, run on the worker for the tenants that enabled the plugin.

A job is a row of ``plugin_jobs`` written in the transaction that asks for it, unique per
(tenant, plugin, key). The worker takes due jobs one at a time with ``FOR UPDATE SKIP LOCKED`` and
runs each in its tenant's transaction, marking it DONE in that same transaction: the job's own
writes and its DONE mark commit together, so a worker that dies half-way leaves the job to run
again and never applies it twice. A job that raises is rolled back and retried with backoff;
after the last attempt it is FAILED, with its error kept. A job whose plugin the tenant disabled
meanwhile is DROPPED.

Crons run every minute their schedule matches, for each tenant with the plugin enabled, one tenant
after another; a tenant's failure is logged and the others go on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import structlog
from croniter import croniter

from membership.activation.service import forget_enabled_plugins, is_enabled
from membership.errors import DomainError, ErrorCode
from membership.ids import new_id
from plugins.manager import loaded_plugins
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tenants.tx import tenant_tx

__all__ = [
    "RETRY_DELAYS",
    "enqueue",
    "next_cron_due",
    "next_job_due",
    "run_crons",
    "run_crons_due",
    "run_due_jobs",
]

log = structlog.get_logger("membership.plugins")

RETRY_DELAYS = (
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=10),
    timedelta(hours=1),
)
MAX_ARGS = 64_000


async def enqueue(
    ctx: RequestContext, plugin: str, job: str, args: Mapping[str, Any], *, key: str
) -> bool:
    """Queue ``plugin``'s ``job`` for the caller's tenant; False when ``key`` was queued before."""
    if (plugin, job) not in loaded_plugins().jobs:
        raise DomainError(
            ErrorCode.INVALID, "The plugin {plugin} has no job {job}.", plugin=plugin, job=job
        )
    if not await is_enabled(ctx, plugin):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "The plugin {plugin} is not enabled for this tenant; an administrator enables it "
            "on the plugins page.",
            plugin=plugin,
        )
    body = json.dumps(dict(args), ensure_ascii=False)
    if not 1 <= len(key) <= 200 or len(body) > MAX_ARGS:
        raise DomainError(
            ErrorCode.INVALID,
            "A job key has 1 to 200 characters and its arguments at most {limit}.",
            limit=MAX_ARGS,
        )
    now = ctx.clock.now()
    async with tenant_tx(ctx) as conn:
        rows = await conn.execute_query_dict(
            "INSERT INTO plugin_jobs (tenant_id, id, plugin, job, key, args, run_at, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7) ON CONFLICT DO NOTHING RETURNING id",
            [ctx.tenant.id, new_id(), plugin, job, key, body, now],
        )
    return bool(rows)


_TAKE = """
SELECT id, plugin, job, args, attempts FROM plugin_jobs
WHERE status = 'PENDING' AND run_at <= $1
ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
"""


async def run_due_jobs(ctx: RequestContext, *, limit: int = 100) -> int:
    """Run up to ``limit`` of the tenant's due jobs; returns how many were taken."""
    taken = 0
    while taken < limit:
        failed: tuple[uuid.UUID, int, str] | None = None
        try:
            async with tenant_tx(ctx) as conn:
                rows = await conn.execute_query_dict(_TAKE, [ctx.clock.now()])
                if not rows:
                    return taken
                row = rows[0]
                taken += 1
                status = await _run_one(ctx, row)
                await conn.execute_query(
                    "UPDATE plugin_jobs SET status = $2, attempts = attempts + 1, "
                    "finished_at = $3 WHERE id = $1",
                    [row["id"], status, ctx.clock.now()],
                )
        except _JobFailed as exc:
            failed = (exc.job_id, exc.attempts, exc.error)
        if failed is not None:
            await _record_failure(ctx, *failed)
    return taken


class _JobFailed(Exception):
    def __init__(self, job_id: uuid.UUID, attempts: int, error: str) -> None:
        super().__init__(error)
        self.job_id, self.attempts, self.error = job_id, attempts, error


async def _run_one(ctx: RequestContext, row: Mapping[str, Any]) -> str:
    plugin, name = row["plugin"], row["job"]
    job = loaded_plugins().jobs.get((plugin, name))
    if job is None or not await is_enabled(ctx, plugin):
        log.info("plugin_job_dropped", plugin=plugin, job=name, installed=job is not None)
        return "DROPPED"
    args = row["args"]
    try:
        await job.run(ctx, json.loads(args) if isinstance(args, str) else args)
    except Exception as exc:
        log.exception("plugin_failed", plugin=plugin, job=name, error=repr(exc))
        raise _JobFailed(row["id"], row["attempts"], repr(exc)[:1000]) from exc
    return "DONE"


async def _record_failure(
    ctx: RequestContext, job_id: uuid.UUID, attempts: int, error: str
) -> None:
    last = attempts >= len(RETRY_DELAYS)
    delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS) - 1)]
    now = ctx.clock.now()
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            "UPDATE plugin_jobs SET attempts = attempts + 1, last_error = $2, run_at = $3, "
            "status = CASE WHEN $4 THEN 'FAILED' ELSE status END, "
            "finished_at = CASE WHEN $4 THEN $5 ELSE finished_at END "
            "WHERE id = $1 AND status = 'PENDING'",
            [job_id, error, now + delay, last, now],
        )


async def run_crons(at: datetime) -> int:
    """Run every plugin cron whose schedule matches the minute of ``at`` (UTC), for each tenant
    with its plugin enabled; returns how many tenant runs there were."""
    from tortoise import Tortoise

    minute = at.replace(second=0, microsecond=0)
    runs = 0
    for (plugin, name), cron in loaded_plugins().crons.items():
        if not croniter.match(cron.schedule, minute):
            continue
        conn = Tortoise.get_connection("default")
        rows = await conn.execute_query_dict(
            "SELECT t AS id FROM tenants_with_plugin($1) t", [plugin]
        )
        for row in rows:
            tenant = await get_tenant(row["id"])
            if tenant is None or tenant.sandbox is not None:
                continue  # a sandbox tenant's crons run when its test clock passes them
            runs += 1
            try:
                await cron.run(RequestContext.system(tenant))
            except Exception as exc:
                log.exception(
                    "plugin_failed", plugin=plugin, cron=name, tenant=tenant.slug, error=repr(exc)
                )
    return runs


# -- a sandbox tenant's test clock (membership.testclock.plugin_work)


async def next_job_due(ctx: RequestContext) -> datetime | None:
    """When the tenant's next queued plugin job falls due; None when none is queued."""
    async with tenant_tx(ctx) as conn:
        rows = await conn.execute_query_dict(
            "SELECT min(run_at) AS at FROM plugin_jobs WHERE status = 'PENDING'", []
        )
    at: datetime | None = rows[0]["at"]
    return at


async def _enabled_crons(ctx: RequestContext) -> list[tuple[str, str, Any]]:
    forget_enabled_plugins(ctx)
    return [
        (plugin, name, cron)
        for (plugin, name), cron in loaded_plugins().crons.items()
        if await is_enabled(ctx, plugin)
    ]


async def next_cron_due(ctx: RequestContext) -> datetime | None:
    """The next instant, strictly after the tenant's now, at which one of its plugins' crons runs."""
    now = ctx.clock.now()
    times = [
        croniter(cron.schedule, now).get_next(datetime) for _, _, cron in await _enabled_crons(ctx)
    ]
    return min(times, default=None)


async def run_crons_due(ctx: RequestContext) -> int:
    """Run the tenant's plugin crons whose instant is exactly the tenant's now."""
    now = ctx.clock.now()
    if now.second or now.microsecond:
        return 0
    ran = 0
    for plugin, name, cron in await _enabled_crons(ctx):
        if croniter.match(cron.schedule, now):
            ran += 1
            try:
                await cron.run(ctx)
            except Exception as exc:
                log.exception("plugin_failed", plugin=plugin, cron=name, error=repr(exc))
    return ran
