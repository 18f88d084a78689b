"""A worker killed at any point never does an action twice and never loses a run; losing the
queue loses no timer."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from membership.clock import SystemClock
from membership.journeys import engine
from membership.journeys.dispatch import claim_due, run_due, wake_run, wake_runs
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import template
from tests.journeys.conftest import activated, at, member_view, new_member, process_events, runs_of


def gift_after_an_hour(template_id: str) -> dict[str, object]:
    return {
        "trigger": {"type": "event", "event": "member.created"},
        "entry": "hold",
        "steps": {
            "hold": {"type": "wait", "duration": "PT1H", "next": "gift"},
            "gift": {"type": "issueCoupon", "templateId": template_id, "next": "points"},
            "points": {"type": "grantPoints", "points": 50, "reason": "gift", "next": "end"},
        },
    }


async def test_a_step_cut_off_before_its_commit_is_done_once_when_run_again(
    api: Api, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    await activated(api, tenant, gift_after_an_hour(await template(api, tenant)))
    member = await new_member(api, tenant)
    await process_events(tenant.ctx)
    [run] = await runs_of(tenant, member)
    later = at(tenant, SystemClock().now() + timedelta(hours=2))

    # The worker dies after the coupon and the points were written, before the run's move
    # commits: everything of the step rolls back together.
    real_finish = engine._finish

    async def killed(*args: object, **kwargs: object) -> None:
        raise SystemExit("worker killed")

    monkeypatch.setattr(engine, "_finish", killed)
    with pytest.raises(SystemExit):
        await wake_run(later, run.id, run.state)
    view = await member_view(api, tenant, member)
    assert (view["pointsBalance"], view["coupons"]["edges"]) == (0, [])

    monkeypatch.setattr(engine, "_finish", real_finish)
    assert await run_due(later) == 1
    assert await run_due(later) == 0
    view = await member_view(api, tenant, member)
    assert view["pointsBalance"] == 50
    assert len(view["coupons"]["edges"]) == 1
    [run] = await runs_of(tenant, member)
    assert run.status == "COMPLETED"


async def test_a_lost_queue_loses_no_timer(api: Api, tenant: TenantFixture) -> None:
    await activated(api, tenant, gift_after_an_hour(await template(api, tenant)))
    members = [await new_member(api, tenant) for _ in range(3)]
    await process_events(tenant.ctx)
    later = at(tenant, SystemClock().now() + timedelta(hours=2))
    lost: list[tuple[uuid.UUID, int]] = []

    async def into_a_queue_that_dies(wake: list[tuple[uuid.UUID, int]]) -> None:
        lost.extend(wake)

    assert await claim_due(later, into_a_queue_that_dies) == 3
    # Redis went away with the three wake-ups: PostgreSQL still says they are due.
    assert await claim_due(later, into_a_queue_that_dies) == 3
    assert await run_due(later) == 3
    # The stale wake-ups, delivered late, do nothing: the runs' state moved on.
    assert await wake_runs(later, lost) == 0
    assert len(lost) == 6
    for member in members:
        assert (await member_view(api, tenant, member))["pointsBalance"] == 50
