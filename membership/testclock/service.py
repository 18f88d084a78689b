"""Advancing a sandbox tenant's test clock: everything that falls due runs, in time order.

``advance_test_clock`` checks the request, marks the clock ADVANCING towards ``to`` (audited)
and runs the advance in the caller's process for up to ``inline_seconds``: a sandbox of a few
members finishes there and answers READY. A bigger one answers ADVANCING; the worker resumes the
advance (``resume_advances``, from the dispatcher's loop) and the clock reads READY once it is
done. The advance moves time step by step (``membership.testclock.schedule`` says how), saving
the clock at every instant, so a stopped advance goes on from where it was.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import structlog

import membership.testclock.platform_work
import membership.testclock.plugin_work  # noqa: F401  (registers the plugins' scheduled work)
from membership.errors import DomainError, ErrorCode
from membership.events.handlers import JobQueue
from membership.messaging.transport import ProviderTransport
from membership.testclock import state
from membership.testclock.platform_work import using_tools
from membership.testclock.schedule import ScheduledWork, registered
from membership.webhooks.sender import WebhookSender
from tenants import audit
from tenants.context import RequestContext, SandboxClock, TenantInfo
from tenants.permissions import Permission
from tenants.registry import get_tenant
from tenants.tx import tenant_tx

__all__ = ["INLINE_SECONDS", "advance_test_clock", "resume_advance", "resume_advances"]

log = structlog.get_logger("membership.testclock")

INLINE_SECONDS = 10.0  # how long a request runs an advance before leaving it to the worker
MAX_ROUNDS_PER_INSTANT = 100  # works making each other due at one instant, at most this often
_LOCK_WAIT_SECONDS = 1.0
# Advances one process runs at once: each holds a pooled connection for its lock.
MAX_RUNNERS = 2
_running: set[uuid.UUID] = set()


def _utc(at: datetime, timezone: str) -> datetime:
    """A time without an offset is read in the tenant's time zone."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(timezone))
    return at.astimezone(UTC)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _local(at: datetime, timezone: str) -> str:
    """A time as the tenant's merchants read it: local, to the minute, with its offset."""
    return at.astimezone(ZoneInfo(timezone)).isoformat(timespec="minutes")


async def advance_test_clock(
    ctx: RequestContext,
    to: datetime,
    *,
    inline_seconds: float | None = INLINE_SECONDS,
    jobs: JobQueue | None = None,
) -> SandboxClock:
    """Move the sandbox tenant's clock forward to ``to``, running what falls due on the way.

    Refused (INVALID on ``to``, nothing changes) for a live tenant, for a ``to`` before the
    clock's time, and while another advance is under way. Runs for up to ``inline_seconds``
    (None: to the end) and returns the clock: READY at ``to``, or ADVANCING while the worker
    finishes it.
    """
    ctx.require(Permission.PROGRAMME_MANAGE)
    clock = await state.read_clock(ctx.tenant.id)
    if clock is None:
        raise DomainError(
            ErrorCode.INVALID,
            "This is a live tenant: only a sandbox tenant's clock can be advanced.",
            ["to"],
        )
    target = _utc(to, ctx.tenant.timezone)
    if clock.status == "ADVANCING":
        raise _under_way(clock, ctx.tenant.timezone)
    if target < clock.frozen_time:
        raise DomainError(
            ErrorCode.INVALID,
            "The test clock only moves forward: it reads {now}; give a later time.",
            ["to"],
            now=_local(clock.frozen_time, ctx.tenant.timezone),
        )
    async with tenant_tx(ctx):
        if not await state.begin_advance(ctx, target):
            # another advance began in between
            raise _under_way(await state.read_clock(ctx.tenant.id) or clock, ctx.tenant.timezone)
        await audit.record(
            ctx,
            "test_clock.advance",
            "tenant",
            ctx.tenant.id,
            before={"frozenTime": _iso(clock.frozen_time)},
            after={"frozenTime": _iso(target)},
        )
    # after the commit, outside any transaction: the runner's lock takes a connection of its own
    log.info(
        "test_clock_advance", tenant=ctx.tenant.slug, frm=_iso(clock.frozen_time), to=_iso(target)
    )
    advanced = await resume_advance(
        ctx.tenant.id,
        budget_seconds=inline_seconds,
        lock_wait_seconds=_LOCK_WAIT_SECONDS,
        jobs=jobs,
        request_id=ctx.request_id,
    )
    return advanced or SandboxClock(target)


def _under_way(clock: SandboxClock, timezone: str) -> DomainError:
    return DomainError(
        ErrorCode.INVALID,
        "An advance to {target} is under way: try again once the test clock reads READY.",
        ["to"],
        target=_local(clock.advancing_to or clock.frozen_time, timezone),
    )


async def resume_advance(
    tenant_id: uuid.UUID,
    *,
    budget_seconds: float | None = None,
    lock_wait_seconds: float = 0.0,
    jobs: JobQueue | None = None,
    transport: ProviderTransport | None = None,
    sender: WebhookSender | None = None,
    request_id: str | None = None,
) -> SandboxClock | None:
    """Run the tenant's advance under way, unless another runner has it, for up to
    ``budget_seconds`` (None: to the end); returns the clock as it is then (None: a live tenant).
    Safe to call at any time, from any process."""
    clock = await state.read_clock(tenant_id)
    if clock is None or clock.status != "ADVANCING" or len(_running) >= MAX_RUNNERS:
        return clock
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    wait_until = time.monotonic() + lock_wait_seconds
    _running.add(tenant_id)
    try:
        while True:
            async with state.runner_lock(tenant_id) as held:
                if held:
                    await _run_locked(tenant_id, deadline, jobs, transport, sender, request_id)
                    break
            if time.monotonic() >= wait_until:
                break  # another runner has it
            await asyncio.sleep(0.05)
    finally:
        _running.discard(tenant_id)
    return await state.read_clock(tenant_id)


async def _run_locked(
    tenant_id: uuid.UUID,
    deadline: float | None,
    jobs: JobQueue | None,
    transport: ProviderTransport | None,
    sender: WebhookSender | None,
    request_id: str | None,
) -> None:
    tenant = await get_tenant(tenant_id)
    if tenant is None or tenant.sandbox is None or tenant.sandbox.status != "ADVANCING":
        return  # finished by the runner before this one
    async with using_tools(jobs=jobs, transport=transport, sender=sender):
        await _advance(tenant, tenant.sandbox, deadline, request_id)


def _at(
    tenant: TenantInfo, sandbox: SandboxClock, at: datetime, request_id: str | None
) -> RequestContext:
    """The platform's context for the tenant with its clock at ``at``."""
    ctx = RequestContext.system(replace(tenant, sandbox=replace(sandbox, frozen_time=at)))
    if request_id:
        ctx.request_id = request_id
    return ctx


async def _advance(
    tenant: TenantInfo, sandbox: SandboxClock, deadline: float | None, request_id: str | None
) -> None:
    target = sandbox.advancing_to
    assert target is not None
    now = sandbox.frozen_time
    # Works that did nothing at ``now`` though due (their rows are another runner's, or stuck),
    # and works whose ``next_due`` failed: both wait until the clock moves on.
    stalled: set[str] = set()
    broken: set[str] = set()
    rounds = 0
    # Checked only here, never between moving the clock and running what is due at the instant:
    # a work that recurs on the calendar counts the instant the clock reads as done.
    while deadline is None or time.monotonic() < deadline:
        ctx = _at(tenant, sandbox, now, request_id)
        due = await _due(ctx, target, stalled, broken)
        if not due:
            break  # nothing more falls due by the target
        at = max(min(when for when, _ in due), now)
        if at > now:
            if not await state.move_clock(ctx, at):
                return  # no longer this advance's to move
            now, rounds = at, 0
            stalled.clear()
            broken.clear()
            ctx = _at(tenant, sandbox, now, request_id)
        rounds += 1
        for when, work in due:
            if when > now:
                continue
            if rounds > MAX_ROUNDS_PER_INSTANT or not await _run(ctx, work):
                stalled.add(work.name)
    else:
        return  # out of time: the clock stays at ``now``, ADVANCING, and the worker goes on
    finished = await state.finish_advance(_at(tenant, sandbox, now, request_id))
    log.info("test_clock_ready", tenant=tenant.slug, at=_iso(finished or target))


async def _due(
    ctx: RequestContext, target: datetime, stalled: set[str], broken: set[str]
) -> list[tuple[datetime, ScheduledWork]]:
    """Every work with something due by ``target``, and when (registration order); a stalled
    work counts only with something due after now."""
    now = ctx.clock.now()
    due = []
    for work in registered():
        if work.name in broken:
            continue
        try:
            when = await work.next_due(ctx)
        except Exception:  # one broken work must not stop the others' time
            log.exception("test_clock_next_due_failed", tenant=ctx.tenant.slug, work=work.name)
            broken.add(work.name)
            continue
        if when is None or when > target or (work.name in stalled and when <= now):
            continue
        due.append((when, work))
    return due


async def _run(ctx: RequestContext, work: ScheduledWork) -> bool:
    """Run one work at the context's instant; True when it did something."""
    try:
        done = await work.run_due(ctx)
    except Exception:
        log.exception("test_clock_work_failed", tenant=ctx.tenant.slug, work=work.name)
        return False
    return done > 0


async def resume_advances(
    *,
    jobs: JobQueue | None = None,
    transport: ProviderTransport | None = None,
    sender: WebhookSender | None = None,
) -> int:
    """Go on with every advance nobody runs (the worker's loop); returns how many it took."""
    taken = 0
    for tenant_id in await state.advancing_tenants():
        if tenant_id in _running:
            continue
        clock = await resume_advance(tenant_id, jobs=jobs, transport=transport, sender=sender)
        taken += clock is not None and clock.status == "READY"
    return taken
