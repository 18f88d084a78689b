"""The task inbox over GraphQL: who sees which tasks, in due-date order, page by page, in a
constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Api, TenantFixture, count_queries
from tests.tasks.conftest import member, staff_member, task

TASKS = """query($status: TaskStatus, $first: Int, $after: String, $mine: Boolean,
                 $overdue: Boolean, $assigneeId: ID) {
  tasks(status: $status, first: $first, after: $after, mine: $mine, overdue: $overdue,
        assigneeId: $assigneeId) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id title status dueAt overdue createdAt
      member { id name } assignee { id email } } }
  }
}"""


def titles(data: dict[str, Any]) -> list[str]:
    return [e["node"]["title"] for e in data["tasks"]["edges"]]


async def test_tasks_come_by_due_date_with_undated_ones_last_page_by_page(
    api: Api, tenant: TenantFixture
) -> None:
    now = datetime.now(UTC)
    for title, due in [
        ("undated A", None),
        ("in 3 days", now + timedelta(days=3)),
        ("yesterday", now - timedelta(days=1)),
        ("undated B", None),
        ("tomorrow", now + timedelta(days=1)),
    ]:
        await task(tenant, title=title, due_at=due, assign_to=None)
    seen: list[str] = []
    after = None
    while True:
        data = await api(TASKS, {"first": 2, "after": after}, tenant.owner_token)
        assert data["tasks"]["totalCount"] == 5
        seen += titles(data)
        if not data["tasks"]["pageInfo"]["hasNextPage"]:
            break
        after = data["tasks"]["pageInfo"]["endCursor"]
    assert seen == ["yesterday", "tomorrow", "in 3 days", "undated A", "undated B"]


async def test_overdue_is_open_and_past_due(api: Api, tenant: TenantFixture) -> None:
    now = datetime.now(UTC)
    late = await task(tenant, title="late", due_at=now - timedelta(hours=1), assign_to=None)
    await task(tenant, title="also late but done", due_at=now - timedelta(days=2), assign_to=None)
    await task(tenant, title="on time", due_at=now + timedelta(hours=1), assign_to=None)
    done = await api(TASKS, {"first": 10}, tenant.owner_token)
    closing = next(
        e["node"]["id"]
        for e in done["tasks"]["edges"]
        if e["node"]["title"] == "also late but done"
    )
    completed = await api(
        """mutation($id: ID!) { completeTask(id: $id) { errors { code } } }""",
        {"id": closing},
        tenant.owner_token,
    )
    assert completed["completeTask"]["errors"] == []
    data = await api(TASKS, {"overdue": True}, tenant.owner_token)
    assert [(e["node"]["id"], e["node"]["overdue"]) for e in data["tasks"]["edges"]] == [
        (str(late.id), True)
    ]
    assert data["tasks"]["totalCount"] == 1


async def test_mine_lists_the_callers_tasks_and_assignee_id_anyones(
    api: Api, tenant: TenantFixture
) -> None:
    clerk = await staff_member(api, tenant)
    marketer = await staff_member(api, tenant, "marketer")
    await task(tenant, title="for the clerk", assign_to=clerk.id)
    await task(tenant, title="for the marketer", assign_to=marketer.id)
    await task(tenant, title="for nobody", assign_to=None)
    mine = await api(TASKS, {"mine": True}, marketer.token)
    assert titles(mine) == ["for the marketer"]
    everyone = await api(TASKS, {}, marketer.token)  # marketers hold tasks:read
    assert sorted(titles(everyone)) == ["for nobody", "for the clerk", "for the marketer"]
    theirs = await api(TASKS, {"assigneeId": str(clerk.id)}, marketer.token)
    assert titles(theirs) == ["for the clerk"]


async def test_without_tasks_read_a_clerk_sees_only_their_own(
    api: Api, tenant: TenantFixture
) -> None:
    clerk = await staff_member(api, tenant)
    other = await staff_member(api, tenant)
    await task(tenant, title="for the clerk", assign_to=clerk.id)
    await task(tenant, title="for the other", assign_to=other.id)
    await task(tenant, title="for nobody", assign_to=None)
    data = await api(TASKS, {}, clerk.token)
    assert titles(data) == ["for the clerk"]
    assert data["tasks"]["totalCount"] == 1
    refused = await api.raw(TASKS, {"assigneeId": str(other.id)}, clerk.token)
    assert refused.json()["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_a_secret_key_needs_tasks_read(api: Api, tenant: TenantFixture) -> None:
    refused = await api.raw(TASKS, {}, tenant.secret_key)
    assert refused.json()["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_another_tenants_tasks_are_not_listed(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await task(other_tenant, title="theirs", assign_to=None)
    assert (await api(TASKS, {}, tenant.owner_token))["tasks"]["totalCount"] == 0


async def test_listing_tasks_with_members_and_assignees_takes_constant_queries(
    api: Api, tenant: TenantFixture
) -> None:
    managers = [await staff_member(api, tenant) for _ in range(3)]
    now = datetime.now(UTC)
    for index in range(30):
        member_id = await member(
            api, tenant, account_manager=managers[index % 3].id, name=f"Member {index}"
        )
        await task(tenant, member_id=member_id, due_at=now + timedelta(hours=index))
    await api(TASKS, {"first": 1}, tenant.owner_token)
    counts = []
    for first in (5, 30):
        with count_queries() as counter:
            data = await api(TASKS, {"first": first}, tenant.owner_token)
        nodes = [e["node"] for e in data["tasks"]["edges"]]
        assert len(nodes) == first
        assert all(n["member"]["name"] and n["assignee"]["email"] for n in nodes)
        counts.append(len(counter.queries))
    assert counts[0] == counts[1], counts


async def test_one_task_is_read_by_id_if_the_caller_may_see_it(
    api: Api, tenant: TenantFixture
) -> None:
    clerk = await staff_member(api, tenant)
    own = await task(tenant, title="own", assign_to=clerk.id)
    other = await task(tenant, title="other", assign_to=None)
    query = "query($id: ID!) { task(id: $id) { id title } }"
    assert (await api(query, {"id": str(own.id)}, clerk.token))["task"]["title"] == "own"
    assert (await api(query, {"id": str(other.id)}, clerk.token))["task"] is None
    assert (await api(query, {"id": str(other.id)}, tenant.owner_token))["task"]["title"] == "other"
