"""A coupon to every member of a filtered list: the list is snapshotted with the run, each member
is issued one coupon (or counted refused by error code), progress is what is committed, two
processors at once never issue twice, a bad request writes nothing, and a run is its tenant's
only. The last tests run the real worker process, which finds a new run by itself."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from membership.coupons import issue_runs
from membership.db import PgTarget
from membership.members import service as members
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import issue_api, template
from tests.workers.process import WorkerProcess, start_worker

ISSUE_TO_LIST = """mutation($input: IssueCouponToMembersInput!) {
  issueCouponToMembers(input: $input) {
    run { id total issued refused status template { id name } createdAt finishedAt }
    errors { code field message }
  }
}"""
RUN = """query($id: ID!) {
  couponIssueRun(id: $id) {
    id total issued refused status startedAt finishedAt error
    refusals { code count message }
    template { id name }
  }
}"""
RUNS = """query($first: Int) { couponIssueRuns(first: $first) { id total status } }"""
MEMBERS = """query($filter: MemberFilter, $after: String) {
  members(first: 100, after: $after, filter: $filter) {
    totalCount edges { node { id } } pageInfo { hasNextPage endCursor }
  }
}"""

_phones = iter(range(1, 10_000_000))


async def add_members(tenant: TenantFixture, count: int, tags: list[str]) -> list[uuid.UUID]:
    made = []
    for _ in range(count):
        phone = f"1372{next(_phones):07d}"
        changes = members.MemberChanges(phone=phone, tags=tags)
        made.append((await members.create_member(tenant.ctx, changes)).id)
    return made


async def issue_to_list(
    api: Api, token: str, template_id: str, filter: dict[str, Any] | None, key: str | None = None
) -> dict[str, Any]:
    variables = {
        "input": {
            "templateId": template_id,
            "filter": filter,
            "idempotencyKey": key or f"list-{uuid.uuid4()}",
        }
    }
    return (await api(ISSUE_TO_LIST, variables, token))["issueCouponToMembers"]  # type: ignore[no-any-return]


async def listed_ids(api: Api, token: str, filter: dict[str, Any]) -> set[str]:
    """The members the members query lists for ``filter``, every page."""
    ids: set[str] = set()
    after = None
    while True:
        page = (await api(MEMBERS, {"filter": filter, "after": after}, token))["members"]
        ids |= {e["node"]["id"] for e in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


async def coupons_by_member(tenant: TenantFixture, template_id: str) -> dict[uuid.UUID, int]:
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT member_id, count(*) AS n FROM coupons WHERE template_id = $1 GROUP BY 1",
            [uuid.UUID(template_id)],
        )
    return {row["member_id"]: row["n"] for row in rows}


async def table_counts(tenant: TenantFixture) -> dict[str, int]:
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT (SELECT count(*) FROM coupon_issue_runs) AS runs, "
            "(SELECT count(*) FROM coupon_issue_targets) AS targets, "
            "(SELECT count(*) FROM idempotency_keys) AS keys, "
            "(SELECT count(*) FROM coupons) AS coupons"
        )
    return dict(rows[0])


async def test_a_filtered_list_gets_one_coupon_each_and_nobody_else_with_refusals_counted(
    api: Api, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(issue_runs, "CHUNK", 2)
    template_id = await template(api, tenant, name="会员专享券", perMemberLimit=1)
    vips = await add_members(tenant, 5, ["vip"])
    others = await add_members(tenant, 3, ["walk-in"])
    # one VIP has this template's coupon already: over the per-member limit, refused
    had = await issue_api(api, tenant.secret_key, template_id, vips[0], f"before-{vips[0]}")
    assert had["errors"] == []
    expected = await listed_ids(api, tenant.owner_token, {"tag": "vip"})
    assert expected == {str(m) for m in vips}

    queued = await issue_to_list(api, tenant.owner_token, template_id, {"tag": "vip"})
    assert queued["errors"] == []
    run = queued["run"]
    assert (run["total"], run["issued"], run["refused"], run["status"]) == (5, 0, 0, "QUEUED")
    assert run["template"] == {"id": template_id, "name": "会员专享券"}

    seen: list[tuple[int, int, str]] = []
    done = await issue_runs.process_run(
        tenant.ctx,
        uuid.UUID(run["id"]),
        progress=lambda r: seen.append((r.issued, r.refused, r.status)),
    )
    # chunks of two, in member id order; the counts after each are what was committed
    assert [i + r for i, r, _ in seen] == [2, 4, 5]
    assert seen[-1] == (4, 1, "DONE") and {s for *_, s in seen[:-1]} == {"RUNNING"}
    assert (done.issued, done.refused, done.status) == (4, 1, "DONE")

    shown = (await api(RUN, {"id": run["id"]}, tenant.owner_token))["couponIssueRun"]
    assert (shown["issued"], shown["refused"], shown["status"]) == (4, 1, "DONE")
    assert shown["startedAt"] and shown["finishedAt"] and shown["error"] is None
    assert shown["refusals"] == [
        {
            "code": "COUPON_NOT_APPLICABLE",
            "count": 1,
            "message": "This member already has 1 coupons of this template.",
        }
    ]
    held = await coupons_by_member(tenant, template_id)
    assert held == {m: 1 for m in vips}  # the refused VIP keeps the one coupon it had
    assert not set(held) & set(others)
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT member_id, outcome, error_code FROM coupon_issue_targets WHERE run_id = $1",
            [uuid.UUID(run["id"])],
        )
    assert {r["member_id"]: (r["outcome"], r["error_code"]) for r in rows} == {
        vips[0]: ("REFUSED", "COUPON_NOT_APPLICABLE"),
        **{m: ("ISSUED", None) for m in vips[1:]},
    }


async def test_a_replayed_key_returns_the_same_run_and_another_request_under_it_is_refused(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant)
    await add_members(tenant, 3, ["spring"])
    first = await issue_to_list(api, tenant.owner_token, template_id, {"tag": "spring"}, "k-1")
    await issue_runs.process_run(tenant.ctx, uuid.UUID(first["run"]["id"]))
    await add_members(tenant, 2, ["spring"])  # joined the list after: not in the run

    again = await issue_to_list(api, tenant.owner_token, template_id, {"tag": "spring"}, "k-1")
    assert again["errors"] == [] and again["run"]["id"] == first["run"]["id"]
    assert (again["run"]["total"], again["run"]["issued"], again["run"]["status"]) == (
        3,
        3,
        "DONE",
    )
    other = await issue_to_list(api, tenant.owner_token, template_id, {"tag": "autumn"}, "k-1")
    assert other["run"] is None
    assert [(e["code"], e["field"]) for e in other["errors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    listed = (await api(RUNS, {"first": 10}, tenant.owner_token))["couponIssueRuns"]
    assert [r["id"] for r in listed] == [first["run"]["id"]]
    assert sum((await coupons_by_member(tenant, template_id)).values()) == 3
    # the send is audited once, by whom and to how many
    from tenants.audit import AuditEntry
    from tenants.tx import tenant_tx

    async with tenant_tx(tenant.ctx):
        entries = await AuditEntry.filter(action="coupon_issue_run.create")
    assert [(str(e.target_id), e.after["members"]) for e in entries] == [(first["run"]["id"], 3)]


async def test_two_processors_racing_on_one_run_issue_each_coupon_once(
    api: Api, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(issue_runs, "CHUNK", 3)
    template_id = await template(api, tenant)
    listed = await add_members(tenant, 25, ["race"])
    run = (await issue_to_list(api, tenant.owner_token, template_id, {"tag": "race"}))["run"]
    # two tasks: two transactions on two pool connections, as two workers would be
    both = await asyncio.gather(
        issue_runs.process_run(tenant.ctx, uuid.UUID(run["id"])),
        issue_runs.process_run(tenant.ctx, uuid.UUID(run["id"])),
    )
    assert [(r.issued, r.refused, r.status) for r in both] == [(25, 0, "DONE")] * 2
    assert await coupons_by_member(tenant, template_id) == {m: 1 for m in listed}


async def test_bad_requests_write_nothing(
    api: Api, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    template_id = await template(api, tenant)
    used_up = await template(api, tenant, totalLimit=1)
    [member] = await add_members(tenant, 1, ["few"])
    await add_members(tenant, 2, ["many"])
    assert (await issue_api(api, tenant.secret_key, used_up, member, "use-it"))["errors"] == []
    before = await table_counts(tenant)
    monkeypatch.setattr(issue_runs, "MAX_MEMBERS", 1)

    cases = [
        (str(uuid.uuid4()), {"tag": "few"}, "NOT_FOUND", ["input", "templateId"]),
        (used_up, {"tag": "few"}, "COUPON_NOT_APPLICABLE", ["input", "templateId"]),
        (template_id, {"tag": "nobody"}, "INVALID", ["input", "filter"]),
        (template_id, {"tag": "many"}, "INVALID", ["input", "filter"]),
        (template_id, None, "INVALID", ["input", "filter"]),  # everyone: 3 > 1
    ]
    for template_given, filter, code, field in cases:
        refused = await issue_to_list(api, tenant.owner_token, template_given, filter)
        assert refused["run"] is None, (template_given, filter)
        [error] = refused["errors"]
        assert (error["code"], error["field"]) == (code, field), error
        assert error["message"]
    blank = await issue_to_list(api, tenant.owner_token, template_id, {"tag": "few"}, key=" ")
    assert [e["code"] for e in blank["errors"]] == ["INVALID"]
    assert await table_counts(tenant) == before

    monkeypatch.setattr(issue_runs, "MAX_MEMBERS", 3)
    accepted = await issue_to_list(api, tenant.owner_token, template_id, None)
    assert accepted["errors"] == [] and accepted["run"]["total"] == 3


async def test_an_empty_list_is_refused_in_chinese_for_a_chinese_caller(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant)
    response = await api.raw(
        ISSUE_TO_LIST,
        {"input": {"templateId": template_id, "filter": {"tag": "x"}, "idempotencyKey": "zh"}},
        tenant.owner_token,
        headers={"accept-language": "zh-CN"},
    )
    [error] = response.json()["data"]["issueCouponToMembers"]["errors"]
    assert error["message"] == "该名单中没有会员；请更换筛选条件。"


async def test_another_tenant_cannot_read_a_run(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant)
    await add_members(tenant, 2, ["mine"])
    run = (await issue_to_list(api, tenant.owner_token, template_id, {"tag": "mine"}))["run"]
    assert (await api(RUN, {"id": run["id"]}, tenant.owner_token))["couponIssueRun"]
    assert (await api(RUN, {"id": run["id"]}, other_tenant.owner_token))["couponIssueRun"] is None
    assert (await api(RUNS, {}, other_tenant.owner_token))["couponIssueRuns"] == []
    assert await issue_runs.get_run(other_tenant.ctx, uuid.UUID(run["id"])) is None
    assert await issue_runs.open_runs(other_tenant.ctx) == []
    async with tenant_tx(other_tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT count(*) AS n FROM coupon_issue_targets")
    assert rows[0]["n"] == 0


# ---------------------------------------------------------------- with the worker process


@pytest.fixture
def worker(database: PgTarget, redis_url: str, tmp_path: Path) -> Iterator[WorkerProcess]:
    process = start_worker(database, redis_url, tmp_path / "worker.log")
    yield process
    process.stop()


async def wait_for_run(
    api: Api, tenant: TenantFixture, run_id: str, *, within: float, worker: WorkerProcess
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        shown = (await api(RUN, {"id": run_id}, tenant.owner_token))["couponIssueRun"]
        if shown["status"] in ("DONE", "FAILED"):
            return shown  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, (shown, worker.output()[-3000:])
        await asyncio.sleep(0.05)


async def test_the_worker_finds_a_new_run_by_itself_and_issues_the_whole_list(
    api: Api, tenant: TenantFixture, worker: WorkerProcess
) -> None:
    template_id = await template(api, tenant)
    # a first run, queued while the worker starts up: done once the worker is up
    warm_up = await add_members(tenant, 3, ["warm-up"])
    first = (await issue_to_list(api, tenant.owner_token, template_id, {"tag": "warm-up"}))["run"]
    assert (await wait_for_run(api, tenant, first["id"], within=60, worker=worker))["issued"] == 3
    listed = await add_members(tenant, 40, ["worker"])

    run = (await issue_to_list(api, tenant.owner_token, template_id, {"tag": "worker"}))["run"]
    queued_at = time.monotonic()
    while True:
        shown = (await api(RUN, {"id": run["id"]}, tenant.owner_token))["couponIssueRun"]
        if shown["status"] != "QUEUED":
            break
        # the worker sweeps for runs once a second
        assert time.monotonic() - queued_at < 2.5, worker.output()[-3000:]
        await asyncio.sleep(0.02)
    shown = await wait_for_run(api, tenant, run["id"], within=60, worker=worker)
    assert (shown["issued"], shown["refused"], shown["status"]) == (40, 0, "DONE")
    assert await coupons_by_member(tenant, template_id) == {m: 1 for m in warm_up + listed}


async def test_a_run_cut_off_by_a_killed_worker_is_resumed_and_issues_each_coupon_once(
    api: Api,
    tenant: TenantFixture,
    database: PgTarget,
    redis_url: str,
    tmp_path: Path,
) -> None:
    template_id = await template(api, tenant)
    listed = await add_members(tenant, 2_000, ["big"])
    first = start_worker(database, redis_url, tmp_path / "first.log")
    try:
        run = (await issue_to_list(api, tenant.owner_token, template_id, {"tag": "big"}))["run"]
        deadline = time.monotonic() + 60
        while True:
            shown = (await api(RUN, {"id": run["id"]}, tenant.owner_token))["couponIssueRun"]
            if shown["issued"] >= 400:
                break
            assert time.monotonic() < deadline, first.output()[-3000:]
            await asyncio.sleep(0.02)
        first.kill()
        cut_at = (await api(RUN, {"id": run["id"]}, tenant.owner_token))["couponIssueRun"]
        assert cut_at["status"] == "RUNNING" and 400 <= cut_at["issued"] < 2_000
        held = await coupons_by_member(tenant, template_id)
        # what is shown is what is committed: the coupons issued are exactly the count
        assert sum(held.values()) == cut_at["issued"]
    finally:
        first.kill()
    second = start_worker(database, redis_url, tmp_path / "second.log")
    try:
        started = time.monotonic()
        shown = await wait_for_run(api, tenant, run["id"], within=120, worker=second)
        elapsed = time.monotonic() - started
    finally:
        second.stop()
    assert (shown["issued"], shown["refused"], shown["status"]) == (2_000, 0, "DONE")
    assert await coupons_by_member(tenant, template_id) == {m: 1 for m in listed}
    print(f"resumed {2_000 - cut_at['issued']} members in {elapsed:.1f}s")
