"""Completing and cancelling tasks (audited, with the events a waiting journey hears), and the
tenant's default assignee."""

from __future__ import annotations

import uuid

from membership.outbox import OutboxEvent
from membership.tasks.models import StaffTask
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.tasks.conftest import member, staff_member, task

COMPLETE = """mutation($id: ID!, $note: String) {
  completeTask(id: $id, note: $note) {
    task { id status completedAt completionNote completedBy { id } }
    errors { code field message }
  }
}"""
CANCEL = """mutation($id: ID!, $note: String) {
  cancelTask(id: $id, note: $note) { task { id status } errors { code field message } }
}"""
AUDIT = """query($id: ID) { auditLog(targetType: "task", targetId: $id) {
  edges { node { action before after actorLabel } } } }"""
SET_DEFAULT = """mutation($staffId: ID) {
  setDefaultTaskAssignee(staffId: $staffId) {
    settings { defaultAssignee { id } } errors { code field message }
  }
}"""


async def test_the_assignee_completes_their_task_with_a_note(
    api: Api, tenant: TenantFixture
) -> None:
    clerk = await staff_member(api, tenant)
    member_id = await member(api, tenant, account_manager=clerk.id)
    run = uuid.uuid4()
    made = await task(tenant, member_id=member_id, journey_run_id=run)
    data = await api(COMPLETE, {"id": str(made.id), "note": " Called, will visit "}, clerk.token)
    payload = data["completeTask"]
    assert payload["errors"] == []
    assert payload["task"]["status"] == "DONE"
    assert payload["task"]["completionNote"] == "Called, will visit"
    assert payload["task"]["completedBy"] == {"id": str(clerk.id)}
    assert payload["task"]["completedAt"]
    async with tenant_tx(tenant.ctx):
        events = await OutboxEvent.filter(type="task.completed", member_id=member_id)
    assert [e.payload for e in events] == [
        {"taskId": str(made.id), "memberId": str(member_id), "journeyRunId": str(run)}
    ]
    audit = await api(AUDIT, {"id": str(made.id)}, tenant.owner_token)
    assert [e["node"]["action"] for e in audit["auditLog"]["edges"]] == ["task.complete"]
    assert audit["auditLog"]["edges"][0]["node"]["after"]["note"] == "Called, will visit"


async def test_completing_twice_is_refused_and_changes_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    made = await task(tenant, assign_to=None)
    first = await api(COMPLETE, {"id": str(made.id), "note": "first"}, tenant.owner_token)
    assert first["completeTask"]["errors"] == []
    again = await api(COMPLETE, {"id": str(made.id), "note": "second"}, tenant.owner_token)
    assert again["completeTask"] == {
        "task": None,
        "errors": [
            {
                "code": "INVALID",
                "field": ["id"],
                "message": "Only an open task can be closed; this one is DONE.",
            }
        ],
    }
    async with tenant_tx(tenant.ctx):
        stored = await StaffTask.get(id=made.id)
        assert stored.completion_note == "first"
        assert await OutboxEvent.filter(type="task.completed").count() == 1


async def test_another_tenants_task_or_an_unknown_id_is_not_found(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    theirs = await task(other_tenant, assign_to=None)
    for task_id in (str(theirs.id), str(uuid.uuid4()), "not-an-id"):
        data = await api(COMPLETE, {"id": task_id}, tenant.owner_token)
        assert data["completeTask"]["errors"][0]["code"] == "NOT_FOUND", task_id
    async with tenant_tx(other_tenant.ctx):
        assert (await StaffTask.get(id=theirs.id)).status == "OPEN"


async def test_a_clerk_cannot_complete_someone_elses_task(api: Api, tenant: TenantFixture) -> None:
    clerk = await staff_member(api, tenant)
    other = await staff_member(api, tenant)
    theirs = await task(tenant, assign_to=other.id)
    data = await api(COMPLETE, {"id": str(theirs.id)}, clerk.token)
    assert data["completeTask"]["errors"][0]["code"] == "NOT_FOUND"


async def test_seeing_all_tasks_is_not_closing_them(api: Api, tenant: TenantFixture) -> None:
    marketer = await staff_member(api, tenant, "marketer")  # tasks:read, not tasks:manage
    other = await staff_member(api, tenant)
    theirs = await task(tenant, assign_to=other.id)
    data = await api(COMPLETE, {"id": str(theirs.id)}, marketer.token)
    assert data["completeTask"]["errors"][0]["code"] == "PERMISSION_DENIED"


async def test_a_manager_cancels_a_task_and_the_assignee_may_not(
    api: Api, tenant: TenantFixture
) -> None:
    clerk = await staff_member(api, tenant)
    made = await task(tenant, assign_to=clerk.id)
    refused = await api(CANCEL, {"id": str(made.id)}, clerk.token)
    assert refused["cancelTask"]["errors"][0]["code"] == "PERMISSION_DENIED"
    cancelled = await api(CANCEL, {"id": str(made.id), "note": "moved away"}, tenant.owner_token)
    assert cancelled["cancelTask"]["task"]["status"] == "CANCELLED"
    async with tenant_tx(tenant.ctx):
        assert await OutboxEvent.filter(type="task.cancelled").count() == 1
        assert await OutboxEvent.filter(type="task.completed").count() == 0


async def test_the_default_assignee_is_set_read_and_cleared(
    api: Api, tenant: TenantFixture
) -> None:
    fallback = await staff_member(api, tenant)
    data = await api(SET_DEFAULT, {"staffId": str(fallback.id)}, tenant.owner_token)
    assert data["setDefaultTaskAssignee"] == {
        "settings": {"defaultAssignee": {"id": str(fallback.id)}},
        "errors": [],
    }
    read = await api("{ taskSettings { defaultAssignee { email } } }", token=tenant.owner_token)
    assert read["taskSettings"]["defaultAssignee"]["email"] == fallback.email
    cleared = await api(SET_DEFAULT, {"staffId": None}, tenant.owner_token)
    assert cleared["setDefaultTaskAssignee"]["settings"] == {"defaultAssignee": None}


async def test_the_default_assignee_needs_tasks_manage_and_active_staff_of_the_tenant(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    clerk = await staff_member(api, tenant)
    refused = await api(SET_DEFAULT, {"staffId": str(clerk.id)}, clerk.token)
    assert refused["setDefaultTaskAssignee"]["errors"][0]["code"] == "PERMISSION_DENIED"
    foreign = await staff_member(api, other_tenant)
    unknown = await api(SET_DEFAULT, {"staffId": str(foreign.id)}, tenant.owner_token)
    assert unknown["setDefaultTaskAssignee"]["errors"] == [
        {
            "code": "NOT_FOUND",
            "field": ["staffId"],
            "message": "No such active staff member in this tenant.",
        }
    ]
