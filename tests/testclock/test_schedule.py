"""The advance runs registered works in time order, never two runners at once, and a request
that runs out of time leaves the rest to the worker."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from membership.errors import DomainError
from membership.testclock.schedule import ScheduledWork, register, unregister
from membership.testclock.service import advance_test_clock, resume_advance, resume_advances
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tests.conftest import TenantFixture
from tests.testclock.conftest import Record, day


async def staff_context(sandbox: TenantFixture) -> RequestContext:
    tenant = await get_tenant(sandbox.info.id)
    assert tenant is not None
    return RequestContext.system(tenant)


async def test_works_run_in_time_order_with_the_clock_at_their_instant(
    sandbox: TenantFixture, recording: Record
) -> None:
    first = recording("first", sandbox.info.id, [day(3), day(1), day(10), day(40)])
    second = recording("second", sandbox.info.id, [day(5), day(2)])
    seen: list[datetime] = []

    async def clock_everywhere(ctx: RequestContext) -> int:
        # what any other process reads for the tenant while the work runs
        tenant = await get_tenant(ctx.tenant.id)
        assert tenant is not None and tenant.sandbox is not None
        seen.append(tenant.sandbox.frozen_time)
        return await second.run_due(ctx)

    unregister(second.name)
    register(ScheduledWork(second.name, second.next_due, clock_everywhere))

    clock = await advance_test_clock(await staff_context(sandbox), day(30))

    assert (clock.frozen_time, clock.status) == (day(30), "READY")
    assert first.ran == [day(1), day(3), day(10)]
    assert second.ran == [day(2), day(5)]
    assert seen == [day(2), day(5)]
    assert first.waiting == [day(40)]  # after the target: not run


async def test_a_work_made_due_by_another_runs_at_the_same_instant(
    sandbox: TenantFixture, recording: Record
) -> None:
    later = recording("later", sandbox.info.id, [])
    earlier = recording("earlier", sandbox.info.id, [day(2)])
    run_earlier = earlier.run_due

    async def makes_work(ctx: RequestContext) -> int:
        later.waiting.append(ctx.clock.now())  # as an expiry emits an event to handle
        return await run_earlier(ctx)

    unregister(earlier.name)
    register(ScheduledWork(earlier.name, earlier.next_due, makes_work))
    await advance_test_clock(await staff_context(sandbox), day(4))
    assert later.ran == [day(2)]


async def test_a_broken_work_does_not_stop_the_others(
    sandbox: TenantFixture, recording: Record
) -> None:
    async def never(ctx: RequestContext) -> datetime | None:
        raise RuntimeError("a plugin's bug")

    async def nothing(ctx: RequestContext) -> int:
        return 0

    register(ScheduledWork("tests.broken", never, nothing))
    try:
        works = recording("fine", sandbox.info.id, [day(1), day(2)])
        clock = await advance_test_clock(await staff_context(sandbox), day(3))
    finally:
        unregister("tests.broken")
    assert clock.status == "READY" and works.ran == [day(1), day(2)]


async def test_two_advances_at_once_do_not_interleave(
    sandbox: TenantFixture, recording: Record
) -> None:
    daily = recording("daily", sandbox.info.id, [day(n) for n in range(1, 25)])
    slow = daily.run_due

    async def slowly(ctx: RequestContext) -> int:
        await asyncio.sleep(0.02)
        return await slow(ctx)

    unregister(daily.name)
    register(ScheduledWork(daily.name, daily.next_due, slowly))
    ctx = await staff_context(sandbox)

    outcomes = await asyncio.gather(
        advance_test_clock(ctx, day(10)), advance_test_clock(ctx, day(20)), return_exceptions=True
    )

    refused = [o for o in outcomes if isinstance(o, DomainError)]
    done = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(refused) == 1 and len(done) == 1
    assert refused[0].field == ["to"] and "under way" in refused[0].message
    assert done[0].status == "READY"
    assert daily.ran == sorted(set(daily.ran))  # each instant once, in order
    assert daily.ran == [day(n) for n in range(1, 25) if day(n) <= done[0].frozen_time]


async def test_an_advance_out_of_time_is_finished_by_one_runner(
    sandbox: TenantFixture, recording: Record
) -> None:
    daily = recording("daily", sandbox.info.id, [day(n) for n in range(1, 8)])

    clock = await advance_test_clock(await staff_context(sandbox), day(7), inline_seconds=0)
    assert clock.status == "ADVANCING" and daily.ran == []
    with pytest.raises(DomainError, match="under way"):
        await advance_test_clock(await staff_context(sandbox), day(9))

    # the worker's loop and a second worker at once: one of them runs it, once
    finished = await asyncio.gather(resume_advance(sandbox.info.id), resume_advances())
    assert finished[0] is not None
    clock_now = await get_tenant(sandbox.info.id)
    assert clock_now is not None and clock_now.sandbox is not None
    assert (clock_now.sandbox.frozen_time, clock_now.sandbox.status) == (day(7), "READY")
    assert daily.ran == [day(n) for n in range(1, 8)]
