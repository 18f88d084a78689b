"""Making a task as a journey step does: in the caller's transaction, assigned to the member's
account manager or the tenant's default, once per source key, with ``task.created``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from membership.errors import DomainError, ErrorCode
from membership.outbox import OutboxEvent
from membership.tasks.models import StaffTask
from membership.tasks.service import create_task, unknown_staff
from membership.tasks.settings import set_default_assignee
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.tasks.conftest import member, staff_member, task

DEACTIVATE = """mutation($id: ID!) { deactivateStaff(id: $id) { errors { code } } }"""


async def test_a_task_for_a_member_goes_to_its_account_manager(
    api: Api, tenant: TenantFixture
) -> None:
    manager = await staff_member(api, tenant)
    member_id = await member(api, tenant, account_manager=manager.id)
    due = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    made = await task(tenant, member_id=member_id, title="  Call  this VIP ", due_at=due)
    assert (made.status, made.title, made.assignee_id, made.member_id, made.due_at) == (
        "OPEN",
        "Call this VIP",
        manager.id,
        member_id,
        due,
    )


async def test_without_an_account_manager_the_tenant_default_gets_it(
    api: Api, tenant: TenantFixture
) -> None:
    fallback = await staff_member(api, tenant, "marketer")
    member_id = await member(api, tenant)
    assert (await task(tenant, member_id=member_id)).assignee_id is None  # no default yet
    await set_default_assignee(tenant.ctx, fallback.id)
    assert (await task(tenant, member_id=member_id)).assignee_id == fallback.id
    assert (await task(tenant, member_id=None, assign_to=None)).assignee_id == fallback.id


async def test_an_account_manager_who_left_is_replaced_by_the_default(
    api: Api, tenant: TenantFixture
) -> None:
    leaver = await staff_member(api, tenant)
    fallback = await staff_member(api, tenant)
    member_id = await member(api, tenant, account_manager=leaver.id)
    await set_default_assignee(tenant.ctx, fallback.id)
    deactivated = await api(DEACTIVATE, {"id": str(leaver.id)}, tenant.owner_token)
    assert deactivated["deactivateStaff"]["errors"] == []
    assert (await task(tenant, member_id=member_id)).assignee_id == fallback.id


async def test_a_named_staff_member_gets_it_whoever_manages_the_member(
    api: Api, tenant: TenantFixture
) -> None:
    manager = await staff_member(api, tenant)
    chosen = await staff_member(api, tenant)
    member_id = await member(api, tenant, account_manager=manager.id)
    made = await task(tenant, member_id=member_id, assign_to=str(chosen.id))
    assert made.assignee_id == chosen.id


async def test_staff_of_another_tenant_or_no_staff_id_is_refused(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    foreign = await staff_member(api, other_tenant)
    with pytest.raises(DomainError) as refused:
        await task(tenant, assign_to=foreign.id)
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_FOUND, ["assignTo"])
    with pytest.raises(DomainError) as malformed:
        await task(tenant, assign_to="the manager")
    assert (malformed.value.code, malformed.value.field) == (ErrorCode.INVALID, ["assignTo"])


async def test_a_member_of_another_tenant_is_not_found(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    foreign = await member(api, other_tenant)
    with pytest.raises(DomainError) as refused:
        await task(tenant, member_id=foreign)
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_FOUND, ["memberId"])


async def test_a_source_key_makes_the_task_once_with_one_event(
    api: Api, tenant: TenantFixture
) -> None:
    member_id = await member(api, tenant)
    run = uuid.uuid4()
    key = f"journey-run:{run}:s5"
    first = await task(tenant, member_id=member_id, source_key=key, journey_run_id=run)
    again = await task(tenant, member_id=member_id, source_key=key, title="Changed", due_at=None)
    assert again.id == first.id and again.title == "Call this member"
    async with tenant_tx(tenant.ctx):
        assert await StaffTask.filter(source_key=key).count() == 1
        events = await OutboxEvent.filter(type="task.created", member_id=member_id)
    assert [e.payload for e in events] == [
        {
            "taskId": str(first.id),
            "memberId": str(member_id),
            "assigneeId": None,
            "dueAt": None,
            "journeyRunId": str(run),
        }
    ]


async def test_it_joins_the_callers_transaction_and_rolls_back_with_it(
    api: Api, tenant: TenantFixture
) -> None:
    member_id = await member(api, tenant)
    ctx = tenant.ctx
    with pytest.raises(RuntimeError):
        async with tenant_tx(ctx) as conn:
            made = await create_task(
                ctx,
                conn,
                member_id=member_id,
                title="Call",
                assign_to="accountManager",
                due_at=ctx.clock.now() + timedelta(days=1),
                source_key="rolled-back",
            )
            raise RuntimeError("the journey step failed after making it")
    async with tenant_tx(ctx):
        assert not await StaffTask.filter(id=made.id).exists()
        assert not await OutboxEvent.filter(type="task.created", member_id=member_id).exists()


async def test_a_title_is_required(api: Api, tenant: TenantFixture) -> None:
    with pytest.raises(DomainError) as refused:
        await task(tenant, title="   ")
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, ["title"])


async def test_unknown_staff_names_the_ids_that_are_not_active_staff_here(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    active = await staff_member(api, tenant)
    leaver = await staff_member(api, tenant)
    await api(DEACTIVATE, {"id": str(leaver.id)}, tenant.owner_token)
    foreign = await staff_member(api, other_tenant)
    nobody = uuid.uuid4()
    found = await unknown_staff(tenant.ctx, [active.id, leaver.id, foreign.id, nobody, active.id])
    assert found == {leaver.id, foreign.id, nobody}
    assert await unknown_staff(tenant.ctx, []) == set()
