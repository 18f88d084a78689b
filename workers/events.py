"""The worker's side of the event backbone: the relay, handlers, deliveries and bulk codes.

PostgreSQL holds every piece of event work: unpublished events, due handlings (row locks),
due deliveries (leases) and unfinished coupon batches. ``Dispatcher`` takes it from there
directly, in each worker process:

* it relays committed events, polling the partial index of unpublished events every
  ``relay_interval_seconds`` while idle, at once while there is more;
* it runs each tenant's handlings and each endpoint's deliveries as a task of their own, one at a
  time per tenant or endpoint in this process (a wake-up during a run makes it run once more),
  with at most ``MAX_TASKS`` tasks at once, so a dead receiver holds one task, never the rest;
* once a second it looks for work that fell due on its own: a retry's time came, the lease of a
  delivery cut off by a killed worker ran out, a handling was replayed, a message was queued or
  its quiet hours ended;
* every ``BATCH_SWEEP_SECONDS`` it resumes coupon batches that are not done (their job died);
* once a second it processes coupon issue runs not done (new ones, and those a worker dropped);
* it carries on advances of sandbox tenants' test clocks that a request left unfinished (or whose
  runner died), and leaves a tenant whose clock is being advanced to the advance.

Nothing here depends on Redis: a worker killed at any point leaves only row locks (released with
its connection) and leases (which run out), and the next worker, or this one restarted, takes
over. Several worker processes share the work safely: rows are taken with ``SKIP LOCKED``, the
relay holds a per-tenant advisory lock, and one member's handlings wait for the earlier ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

import membership.journeys.triggers  # noqa: F401  (registers the journeys' event handler)
from membership.clock import SystemClock
from membership.coupons.batches import open_batches
from membership.coupons.issue_runs import process_open_runs, tenants_with_open_runs
from membership.events.handlers import run_due_handlings, subscribe
from membership.events.relay import pending_tenants, relay_tenant
from membership.messaging.delivery import deliver_due as deliver_messages
from membership.messaging.transport import ProviderTransport
from membership.outbox import OutboxEvent
from membership.settings import get_settings
from membership.tasks import notices as _task_notices  # noqa: F401  (registers its handler)
from membership.testclock.service import resume_advance
from membership.testclock.state import advancing_tenants
from membership.webhooks.deliveries import deliver_due, due_endpoints
from membership.webhooks.sender import WebhookSender
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tenants.sweeps import advancing, tenant_ids_due
from workers import analytics as _analytics  # noqa: F401  (registers its handler)
from workers.coupons import generate_coupon_batch

__all__ = ["MAX_TASKS", "Dispatcher"]

log = structlog.get_logger("membership.worker")
SWEEP_SECONDS = 1.0
BATCH_SWEEP_SECONDS = 10.0
MAX_TASKS = 64


# ---------------------------------------------------------------- the platform's subscribers


@subscribe("coupons.generate_batch", ["coupon_batch.created"])
async def start_coupon_batch(ctx: RequestContext, event: OutboxEvent, jobs: Any) -> None:
    """Bulk codes take a while: a job of their own, one per batch, resumed if it stops."""
    await jobs.enqueue(
        "generate_coupon_batch",
        str(ctx.tenant.id),
        event.payload["batchId"],
        job_id=f"coupon-batch:{event.payload['batchId']}",
    )


async def _system(tenant_id: uuid.UUID | str) -> RequestContext | None:
    """The tenant's context, on its clock; None while its test clock is being advanced (the
    advance relays and handles its events in time order itself)."""
    tenant = await get_tenant(uuid.UUID(str(tenant_id)))
    if tenant is None or advancing(tenant):
        return None
    return RequestContext.system(tenant)


async def _coupon_batch(tenant_id: str, batch_id: str) -> None:
    await generate_coupon_batch(tenant_id, {"batchId": batch_id})


# What a handler may start with ``jobs.enqueue``: longer work, idempotent by its job id.
JOBS: dict[str, Callable[..., Awaitable[None]]] = {"generate_coupon_batch": _coupon_batch}


class Dispatcher:
    """Relays events and runs the work they make, in this worker process."""

    def __init__(self, sender: WebhookSender, transport: ProviderTransport | None = None) -> None:
        self.sender = sender
        self.transport = transport or ProviderTransport()
        self.interval = get_settings().relay_interval_seconds
        self.running: dict[str, asyncio.Task[None]] = {}
        self.again: set[str] = set()
        self.slots = asyncio.Semaphore(MAX_TASKS)
        self._loop_task: asyncio.Task[None] | None = None
        self._next_sweep = 0.0
        self._next_batch_sweep = 0.0

    # -- the handlers' JobQueue

    async def enqueue(self, function: str, *args: Any, job_id: str) -> None:
        job = JOBS[function]
        self.spawn(job_id, lambda: job(*args))

    # -- tasks

    def spawn(self, key: str, work: Callable[[], Awaitable[Any]]) -> None:
        """Run ``work`` as the task ``key``; if it is running, run it once more afterwards."""
        if key in self.running:
            self.again.add(key)
            return
        self.running[key] = asyncio.create_task(self._task(key, work), name=key)

    async def _task(self, key: str, work: Callable[[], Awaitable[Any]]) -> None:
        try:
            while True:
                self.again.discard(key)
                async with self.slots:
                    try:
                        await work()
                    except asyncio.CancelledError:
                        raise
                    except Exception:  # logged; the work is still in PostgreSQL, due again
                        log.exception("event_task_failed", task=key)
                if key not in self.again:
                    return
        finally:
            self.running.pop(key, None)

    def wake_handlings(self, tenant_id: uuid.UUID) -> None:
        async def work() -> None:
            system = await _system(tenant_id)
            if system is not None:
                await run_due_handlings(system, self)

        self.spawn(f"handle:{tenant_id}", work)

    def wake_deliveries(self, tenant_id: uuid.UUID, endpoint_id: uuid.UUID) -> None:
        async def work() -> None:
            system = await _system(tenant_id)
            if system is not None:
                await deliver_due(system, endpoint_id, self.sender)

        self.spawn(f"deliver:{endpoint_id}", work)

    def wake_messages(self, tenant_id: uuid.UUID) -> None:
        async def work() -> None:
            system = await _system(tenant_id)
            if system is not None:
                await deliver_messages(system, self.transport)

        self.spawn(f"messages:{tenant_id}", work)

    # -- the loop

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._run(), name="membership-relay")

    async def stop(self) -> None:
        tasks = [t for t in (self._loop_task, *self.running.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            try:
                # A task of its own: a connection broken mid-pass (PostgreSQL restarted) cannot
                # stay attached to this long-lived loop through tortoise's context variables.
                busy = await asyncio.create_task(self.pass_once())
            except asyncio.CancelledError:
                raise
            except Exception:  # PostgreSQL is down or restarting: log, wait, try again
                log.exception("relay_failed")
                busy = False
                await asyncio.sleep(1.0)
            if not busy:
                await asyncio.sleep(self.interval)

    async def pass_once(self) -> bool:
        """One relay pass over every tenant with pending events; True if there may be more."""
        more = False
        for tenant_id in await pending_tenants():
            system = await _system(tenant_id)
            if system is None:
                continue
            relayed = await relay_tenant(system)
            more = more or relayed.more
            if relayed.handlings:
                self.wake_handlings(tenant_id)
            for endpoint_id in relayed.endpoints:
                self.wake_deliveries(tenant_id, endpoint_id)
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            await self.sweep()
        if now >= self._next_batch_sweep:
            self._next_batch_sweep = now + BATCH_SWEEP_SECONDS
            await self.resume_batches()
        return more

    async def sweep(self) -> None:
        """Wake the work that fell due on its own (retries, lapsed leases, replays)."""
        at = SystemClock().now()
        for tenant_id in await tenant_ids_due("tenants_with_due_handlings", at):
            self.wake_handlings(tenant_id)
        for tenant_id, endpoint_id in await due_endpoints(at):
            self.wake_deliveries(tenant_id, endpoint_id)
        for tenant_id in await tenant_ids_due("tenants_with_due_messages", at):
            self.wake_messages(tenant_id)
        for tenant_id in await advancing_tenants():
            self.wake_test_clock(tenant_id)
        for tenant_id in await tenants_with_open_runs():
            self.wake_issue_runs(tenant_id)

    def wake_issue_runs(self, tenant_id: uuid.UUID) -> None:
        """Process the tenant's coupon issue runs not done (queued, or dropped by a worker)."""

        async def work() -> None:
            system = await _system(tenant_id)
            if system is not None:
                await process_open_runs(system)

        self.spawn(f"issue-runs:{tenant_id}", work)

    def wake_test_clock(self, tenant_id: uuid.UUID) -> None:
        """Go on with a sandbox tenant's advance that nobody runs (a request left it to the
        worker, or its runner died); a runner elsewhere keeps it, and this does nothing."""

        async def work() -> None:
            await resume_advance(tenant_id, jobs=self, transport=self.transport, sender=self.sender)

        self.spawn(f"test-clock:{tenant_id}", work)

    async def resume_batches(self) -> None:
        """Coupon batches not done whose job is not running here: start (or resume) them.
        Two workers on one batch make exactly its quantity, chunk by chunk."""
        for tenant_id in await tenant_ids_due("tenants_with_open_batches", SystemClock().now()):
            system = await _system(tenant_id)
            if system is None:
                continue
            for batch_id in await open_batches(system):
                await self.enqueue(
                    "generate_coupon_batch",
                    str(tenant_id),
                    str(batch_id),
                    job_id=f"coupon-batch:{batch_id}",
                )
