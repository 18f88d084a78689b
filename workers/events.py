"""The worker's side of the event backbone: the relay loop, handler jobs and delivery jobs.

``Dispatcher`` runs beside arq in every worker process. It relays committed events (polling the
partial index of unpublished events every ``relay_interval_seconds`` while idle, at once while
there is more) and wakes the jobs that act on them: ``handle_events`` for a tenant's
handlings, ``deliver_webhooks`` for one endpoint's deliveries. A job's id names its tenant or
endpoint, so one job runs per tenant or endpoint at a time. Once a second it also looks for work
that fell due without a wake-up (a retry's time came, a lease ran out because a worker died, a
wake-up was lost with Redis): PostgreSQL holds every piece of work, Redis only the wake-ups.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import Any

import structlog
from arq.connections import ArqRedis

from membership.clock import SystemClock
from membership.events.handlers import run_due_handlings, subscribe
from membership.events.relay import pending_tenants, relay_tenant
from membership.outbox import OutboxEvent
from membership.settings import get_settings
from membership.webhooks.deliveries import deliver_due, due_endpoints
from membership.webhooks.sender import WebhookSender
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tenants.sweeps import tenant_ids_due
from workers.coupons import generate_coupon_batch

__all__ = [
    "ArqJobs",
    "Dispatcher",
    "deliver_webhooks",
    "handle_events",
    "run_coupon_batch",
    "start_dispatcher",
    "stop_dispatcher",
]

log = structlog.get_logger("membership.worker")
SWEEP_SECONDS = 1.0


class ArqJobs:
    """The handlers' ``JobQueue``: an arq job whose id makes a second enqueue a no-op."""

    def __init__(self, redis: ArqRedis) -> None:
        self.redis = redis

    async def enqueue(self, function: str, *args: Any, job_id: str) -> None:
        await self.redis.enqueue_job(function, *args, _job_id=job_id)


# ---------------------------------------------------------------- the platform's subscribers


@subscribe("coupons.generate_batch", ["coupon_batch.created"])
async def start_coupon_batch(ctx: RequestContext, event: OutboxEvent, jobs: Any) -> None:
    """Bulk codes take a while: a job of their own, one per batch, which resumes if stopped."""
    await jobs.enqueue(
        "run_coupon_batch",
        str(ctx.tenant.id),
        event.payload["batchId"],
        job_id=f"coupon-batch:{event.payload['batchId']}",
    )


# ---------------------------------------------------------------- jobs


async def _system(tenant_id: str) -> RequestContext | None:
    tenant = await get_tenant(uuid.UUID(tenant_id))
    return RequestContext.system(tenant) if tenant is not None else None


async def handle_events(ctx: dict[str, Any], tenant_id: str) -> int:
    """Run a tenant's due handlings, in order per member."""
    system = await _system(tenant_id)
    if system is None:
        return 0
    return await run_due_handlings(system, ArqJobs(ctx["redis"]))


async def deliver_webhooks(ctx: dict[str, Any], tenant_id: str, endpoint_id: str) -> int:
    """Send one endpoint's due deliveries."""
    system = await _system(tenant_id)
    if system is None:
        return 0
    return await deliver_due(system, uuid.UUID(endpoint_id), ctx["webhook_sender"])


async def run_coupon_batch(ctx: dict[str, Any], tenant_id: str, batch_id: str) -> None:
    await generate_coupon_batch(tenant_id, {"batchId": batch_id})


# ---------------------------------------------------------------- the relay loop


class Dispatcher:
    """Relays events and wakes jobs; one per worker process (relays coordinate in PostgreSQL)."""

    def __init__(self, redis: ArqRedis) -> None:
        self.redis = redis
        self.interval = get_settings().relay_interval_seconds
        self._task: asyncio.Task[None] | None = None
        self._next_sweep = 0.0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="membership-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                busy = await self.pass_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database or Redis outage: log, wait, go on
                log.exception("relay_failed")
                busy = False
                await asyncio.sleep(1.0)
            if not busy:
                await asyncio.sleep(self.interval)

    async def pass_once(self) -> bool:
        """One relay pass over every tenant with pending events; True if there may be more."""
        more = False
        for tenant_id in await pending_tenants():
            system = await _system(str(tenant_id))
            if system is None:
                continue
            relayed = await relay_tenant(system)
            more = more or relayed.more
            if relayed.handlings:
                await self._wake_handlings(tenant_id)
            for endpoint_id in relayed.endpoints:
                await self._wake_deliveries(tenant_id, endpoint_id)
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + SWEEP_SECONDS
            await self.sweep()
        return more

    async def sweep(self) -> None:
        """Wake jobs for work that fell due on its own (retries, lapsed leases, lost wake-ups)."""
        now = SystemClock().now()
        for tenant_id in await tenant_ids_due("tenants_with_due_handlings", now):
            await self._wake_handlings(tenant_id)
        for tenant_id, endpoint_id in await due_endpoints(now):
            await self._wake_deliveries(tenant_id, endpoint_id)

    async def _wake_handlings(self, tenant_id: uuid.UUID) -> None:
        await self.redis.enqueue_job("handle_events", str(tenant_id), _job_id=f"handle:{tenant_id}")

    async def _wake_deliveries(self, tenant_id: uuid.UUID, endpoint_id: uuid.UUID) -> None:
        await self.redis.enqueue_job(
            "deliver_webhooks", str(tenant_id), str(endpoint_id), _job_id=f"deliver:{endpoint_id}"
        )


async def start_dispatcher(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    ctx["webhook_sender"] = WebhookSender(allow_private=settings.webhooks_allow_private_urls)
    dispatcher = Dispatcher(ctx["redis"])
    dispatcher.start()
    ctx["dispatcher"] = dispatcher


async def stop_dispatcher(ctx: dict[str, Any]) -> None:
    dispatcher: Dispatcher | None = ctx.get("dispatcher")
    if dispatcher is not None:
        await dispatcher.stop()
    sender: WebhookSender | None = ctx.get("webhook_sender")
    if sender is not None:
        await sender.close()
