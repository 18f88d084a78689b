"""Runs end to end: entered by events, moved by waits and events, acting exactly once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from membership.clock import SystemClock
from membership.journeys.dispatch import run_due, wake_run
from membership.journeys.engine import event_of, receive_event
from membership.journeys.models import JourneyRun
from membership.journeys.triggers import on_event
from membership.outbox import OutboxEvent
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture, count_queries
from tests.coupons.test_issue import template
from tests.journeys.conftest import (
    ACTIVATE,
    PAUSE,
    NoJobs,
    activated,
    at,
    days_later,
    member_view,
    new_member,
    process_events,
    save,
    sms_template,
)

ADJUST = (
    """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { errors { code } } }"""
)
TRACK = """mutation($input: TrackEventInput!) { trackEvent(input: $input) { eventId errors { code } } }"""
REDEEM = """mutation($input: RedeemCouponInput!) {
  redeemCoupon(input: $input) { errors { code field message } } }"""
TASKS = (
    """query { tasks(first: 20) { totalCount edges { node { title status member { id } } } } }"""
)


def welcome(template_id: str) -> dict[str, Any]:
    return {
        "trigger": {"type": "event", "event": "member.created"},
        "entry": "gift",
        "steps": {
            "gift": {"type": "issueCoupon", "templateId": template_id, "next": "points"},
            "points": {"type": "grantPoints", "points": 100, "reason": "welcome", "next": "tag"},
            "tag": {"type": "addTag", "tag": "welcomed", "next": "end"},
        },
    }


def win_back(template_id: str) -> dict[str, Any]:
    return {
        "trigger": {"type": "event", "event": "campaign.recall"},
        "entry": "rich",
        "reentry": "always",
        "steps": {
            "rich": {
                "type": "condition",
                "if": "member.pointsBalance > 1000",
                "then": "coupon",
                "else": "end",
            },
            "coupon": {"type": "issueCoupon", "templateId": template_id, "next": "sms"},
            "sms": {"type": "sendMessage", "channel": "SMS", "template": "recall", "next": "wait"},
            "wait": {
                "type": "waitForEvent",
                "event": "coupon.redeemed",
                "timeout": "P3D",
                "onEvent": "end",
                "onTimeout": "call",
            },
            "call": {
                "type": "createTask",
                "title": "Call this member",
                "assignTo": "accountManager",
                "dueIn": "P1D",
                "next": "end",
            },
        },
    }


async def rich_member(api: Api, tenant: TenantFixture) -> str:
    member = await new_member(api, tenant)
    await api(
        ADJUST,
        {
            "input": {
                "memberId": member,
                "points": 1500,
                "reason": "seed",
                "idempotencyKey": f"s-{member}",
            }
        },
        tenant.secret_key,
    )
    return member


async def recall(api: Api, tenant: TenantFixture, member: str) -> None:
    tracked = await api(
        TRACK,
        {
            "input": {
                "memberId": member,
                "type": "campaign.recall",
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
        tenant.secret_key,
    )
    assert tracked["trackEvent"]["errors"] == []
    await process_events(tenant.ctx)


async def runs(tenant: TenantFixture, member: str) -> list[JourneyRun]:
    async with tenant_tx(tenant.ctx):
        return list(await JourneyRun.filter(member_id=uuid.UUID(member)).order_by("started_at"))


async def test_a_welcome_gift_arrives_once_on_sign_up(api: Api, tenant: TenantFixture) -> None:
    coupon_template = await template(api, tenant)
    await activated(api, tenant, welcome(coupon_template))
    member = await new_member(api, tenant)
    await process_events(tenant.ctx)
    # The same member.created event handled a second time (a redelivery) enters nobody again.
    async with tenant_tx(tenant.ctx):
        created = await OutboxEvent.get(member_id=uuid.UUID(member), type="member.created")
        await on_event(tenant.ctx, created, NoJobs())
    await process_events(tenant.ctx)

    view = await member_view(api, tenant, member)
    assert view["pointsBalance"] == 100
    assert view["tags"] == ["welcomed"]
    assert len(view["coupons"]["edges"]) == 1
    assert [(r["status"], r["currentStep"], r["version"]) for r in view["journeyRuns"]] == [
        ("COMPLETED", "end", 1)
    ]


async def test_win_back_unused_coupon_escalates_to_a_task(api: Api, tenant: TenantFixture) -> None:
    await sms_template(api, tenant, "recall", purpose="service")
    await activated(api, tenant, win_back(await template(api, tenant)))
    member = await rich_member(api, tenant)
    await recall(api, tenant, member)
    [run] = await runs(tenant, member)
    assert (run.status, run.current_step, run.waiting_for) == ("WAITING", "wait", "coupon.redeemed")

    await days_later(tenant, 2.9)  # not yet
    assert (await api(TASKS, token=tenant.owner_token))["tasks"]["totalCount"] == 0
    await days_later(tenant, 3.1)
    await days_later(tenant, 3.2)  # a second pass does nothing more

    tasks = (await api(TASKS, token=tenant.owner_token))["tasks"]
    assert tasks["totalCount"] == 1
    assert tasks["edges"][0]["node"]["title"] == "Call this member"
    assert tasks["edges"][0]["node"]["member"]["id"] == member
    [run] = await runs(tenant, member)
    assert run.status == "COMPLETED"


async def test_win_back_redeemed_coupon_means_no_task(api: Api, tenant: TenantFixture) -> None:
    await sms_template(api, tenant, "recall", purpose="service")
    await activated(api, tenant, win_back(await template(api, tenant)))
    member = await rich_member(api, tenant)
    await recall(api, tenant, member)
    [coupon] = (await member_view(api, tenant, member))["coupons"]["edges"]
    redeemed = await api(
        REDEEM,
        {
            "input": {
                "code": coupon["node"]["code"],
                "memberId": member,
                "orderAmount": 10_000,
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
        tenant.secret_key,
    )
    assert redeemed["redeemCoupon"]["errors"] == []
    await process_events(tenant.ctx)
    [run] = await runs(tenant, member)
    assert run.status == "COMPLETED"

    await days_later(tenant, 4)
    assert (await api(TASKS, token=tenant.owner_token))["tasks"]["totalCount"] == 0


async def test_a_member_below_the_condition_gets_nothing(api: Api, tenant: TenantFixture) -> None:
    await sms_template(api, tenant, "recall", purpose="service")
    await activated(api, tenant, win_back(await template(api, tenant)))
    member = await new_member(api, tenant)  # no points
    await recall(api, tenant, member)
    [run] = await runs(tenant, member)
    assert run.status == "COMPLETED"
    assert (await member_view(api, tenant, member))["coupons"]["edges"] == []


async def test_the_event_and_the_timeout_race_and_one_wins(api: Api, tenant: TenantFixture) -> None:
    await sms_template(api, tenant, "recall", purpose="service")
    await activated(api, tenant, win_back(await template(api, tenant)))
    member = await rich_member(api, tenant)
    await recall(api, tenant, member)
    [run] = await runs(tenant, member)
    late = at(tenant, run.next_wake_at)  # the timeout is due exactly now
    redeemed = event_of("coupon.redeemed", uuid.uuid4(), {"memberId": member}, late.clock.now())

    async def by_event() -> int:
        async with tenant_tx(late) as conn:
            return await receive_event(late, conn, redeemed, uuid.UUID(member))

    results = await asyncio.gather(
        *(by_event() for _ in range(3)), *(wake_run(late, run.id, run.state) for _ in range(3))
    )
    moved = sum(int(r) for r in results)
    assert moved == 1, results
    tasks = (await api(TASKS, token=tenant.owner_token))["tasks"]["totalCount"]
    [run] = await runs(tenant, member)
    assert run.status == "COMPLETED"
    assert tasks == (1 if any(results[3:]) else 0)


async def test_members_keep_the_version_they_entered_with(api: Api, tenant: TenantFixture) -> None:
    coupon_template = await template(api, tenant)
    journey = await activated(
        api,
        tenant,
        {
            "trigger": {"type": "event", "event": "member.created"},
            "entry": "hold",
            "steps": {
                "hold": {"type": "wait", "duration": "P1D", "next": "tag"},
                "tag": {"type": "addTag", "tag": "v1", "next": "end"},
            },
        },
    )
    first = await new_member(api, tenant)
    await process_events(tenant.ctx)
    draft = await save(
        api,
        tenant,
        {
            "trigger": {"type": "event", "event": "member.created"},
            "entry": "gift",
            "steps": {
                "gift": {"type": "issueCoupon", "templateId": coupon_template, "next": "tag"},
                "tag": {"type": "addTag", "tag": "v2", "next": "end"},
            },
        },
        journey,
    )
    assert draft["errors"] == []
    assert (draft["journey"]["version"], draft["journey"]["activeVersion"]) == (2, 1)
    # A draft changes nothing: a member joining now enters version 1.
    second = await new_member(api, tenant)
    await process_events(tenant.ctx)
    assert [r.version for r in await runs(tenant, second)] == [1]

    await api(ACTIVATE, {"id": journey}, tenant.owner_token)
    third = await new_member(api, tenant)
    await process_events(tenant.ctx)
    await days_later(tenant, 1.1)
    assert (await member_view(api, tenant, first))["tags"] == ["v1"]
    assert (await member_view(api, tenant, third))["tags"] == ["v2"]
    assert [r.version for r in await runs(tenant, third)] == [2]


async def test_pause_stops_entries_and_holds_runs(api: Api, tenant: TenantFixture) -> None:
    journey = await activated(
        api,
        tenant,
        {
            "trigger": {"type": "event", "event": "member.created"},
            "entry": "hold",
            "steps": {
                "hold": {"type": "wait", "duration": "PT1H", "next": "tag"},
                "tag": {"type": "addTag", "tag": "after", "next": "end"},
            },
        },
    )
    inside = await new_member(api, tenant)
    await process_events(tenant.ctx)
    paused = await api(PAUSE, {"id": journey}, tenant.owner_token)
    assert paused["pauseJourney"]["journey"]["status"] == "PAUSED"
    outside = await new_member(api, tenant)
    await process_events(tenant.ctx)
    await days_later(tenant, 1)
    assert await runs(tenant, outside) == []
    [held] = await runs(tenant, inside)
    assert (held.status, held.current_step) == ("WAITING", "hold")

    await api(ACTIVATE, {"id": journey}, tenant.owner_token)
    await days_later(tenant, 1)
    assert (await member_view(api, tenant, inside))["tags"] == ["after"]


async def test_reentry_once_enters_a_member_one_time(api: Api, tenant: TenantFixture) -> None:
    await activated(
        api,
        tenant,
        {
            "trigger": {"type": "event", "event": "campaign.recall"},
            "entry": "tag",
            "steps": {"tag": {"type": "addTag", "tag": "seen", "next": "end"}},
        },
    )
    member = await new_member(api, tenant)
    await recall(api, tenant, member)
    await recall(api, tenant, member)
    assert len(await runs(tenant, member)) == 1


async def test_a_bad_definition_is_refused_whole_and_saves_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    saved = await save(
        api,
        tenant,
        {
            "trigger": {"type": "schedule", "cron": "* * * * *"},
            "entry": "a",
            "steps": {
                "a": {"type": "issueCoupon", "templateId": str(uuid.uuid4()), "next": "b"},
                "b": {
                    "type": "createTask",
                    "title": "x",
                    "assignTo": str(uuid.uuid4()),
                    "next": "end",
                },
            },
        },
    )
    fields = sorted(".".join(e["field"]) for e in saved["errors"])
    assert fields == [
        "input.definition.trigger.cron",
    ]
    # The data references are checked once the definition itself is sound.
    saved = await save(
        api,
        tenant,
        {
            "trigger": {"type": "schedule", "cron": "0 10 * * 1"},
            "entry": "a",
            "steps": {
                "a": {"type": "issueCoupon", "templateId": str(uuid.uuid4()), "next": "b"},
                "b": {
                    "type": "createTask",
                    "title": "x",
                    "assignTo": str(uuid.uuid4()),
                    "next": "end",
                },
            },
        },
    )
    assert sorted(".".join(e["field"]) for e in saved["errors"]) == [
        "input.definition.steps.a.templateId",
        "input.definition.steps.b.assignTo",
    ]
    assert saved["journey"] is None
    listed = await api("{ journeys { id } }", token=tenant.owner_token)
    assert listed["journeys"] == []


async def test_due_runs_are_claimed_once(api: Api, tenant: TenantFixture) -> None:
    await activated(
        api,
        tenant,
        {
            "trigger": {"type": "event", "event": "member.created"},
            "entry": "hold",
            "steps": {
                "hold": {"type": "wait", "duration": "PT1H", "next": "tag"},
                "tag": {"type": "addTag", "tag": "woken", "next": "end"},
            },
        },
    )
    members = [await new_member(api, tenant) for _ in range(5)]
    await process_events(tenant.ctx)
    ctx = at(tenant, SystemClock().now() + timedelta(hours=2))
    # Two passes at once over the same due runs: each run is woken by one of them.
    woken = await asyncio.gather(run_due(ctx), run_due(ctx))
    assert sum(woken) == 5
    for member in members:
        assert (await member_view(api, tenant, member))["tags"] == ["woken"]


SIMULATE = """query($id: ID!, $member: ID!) { simulateJourney(id: $id, memberId: $member) {
  version enters reason steps { step type outcome detail at } } }"""


async def test_a_simulation_shows_the_path_and_why_and_does_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    await sms_template(api, tenant, "recall", purpose="service")
    journey = await activated(api, tenant, win_back(await template(api, tenant)))
    rich, poor = await rich_member(api, tenant), await new_member(api, tenant)

    path = (await api(SIMULATE, {"id": journey, "member": rich}, tenant.owner_token))[
        "simulateJourney"
    ]
    assert path["enters"] is True
    assert [(s["step"], s["outcome"]) for s in path["steps"]] == [
        ("rich", "then"),
        ("coupon", "would issue a coupon"),
        ("sms", "would send a message through the consent gate"),
        ("wait", "waits for the event, then times out"),
        ("call", "would create a task"),
        ("end", "completes"),
    ]
    assert path["steps"][0]["detail"]["values"] == {"member.pointsBalance": 1500}
    assert path["steps"][3]["detail"]["onEvent"] == "end"

    other = (await api(SIMULATE, {"id": journey, "member": poor}, tenant.owner_token))[
        "simulateJourney"
    ]
    assert [(s["step"], s["outcome"]) for s in other["steps"]] == [
        ("rich", "else"),
        ("end", "completes"),
    ]
    # Nothing was done for either member.
    assert await runs(tenant, rich) == [] and await runs(tenant, poor) == []
    assert (await member_view(api, tenant, rich))["coupons"]["edges"] == []


COMPLETE = """mutation($id: ID!) { completeTask(id: $id, note: "called") { errors { code } } }"""
TASK_IDS = """query { tasks(first: 20) { edges { node { id title } } } }"""


async def test_completing_the_task_resumes_the_run_that_made_it(
    api: Api, tenant: TenantFixture
) -> None:
    await activated(
        api,
        tenant,
        {
            "trigger": {"type": "event", "event": "campaign.recall"},
            "entry": "call",
            "reentry": "always",
            "steps": {
                "call": {
                    "type": "createTask",
                    "title": "Call",
                    "assignTo": "accountManager",
                    "next": "wait",
                },
                "wait": {
                    "type": "waitForEvent",
                    "event": "task.completed",
                    "timeout": "P7D",
                    "onEvent": "done",
                    "onTimeout": "end",
                },
                "done": {"type": "addTag", "tag": "called", "next": "end"},
            },
        },
    )
    member = await new_member(api, tenant)
    await recall(api, tenant, member)
    await recall(api, tenant, member)  # a second run, with a task of its own
    first, second = await runs(tenant, member)
    tasks = (await api(TASK_IDS, token=tenant.owner_token))["tasks"]["edges"]
    assert len(tasks) == 2
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT id FROM staff_tasks WHERE journey_run_id = $1", [first.id]
        )
    done = await api(COMPLETE, {"id": str(rows[0]["id"])}, tenant.owner_token)
    assert done["completeTask"]["errors"] == []
    await process_events(tenant.ctx)
    first, second = await runs(tenant, member)
    assert (first.status, second.status) == ("COMPLETED", "WAITING")
    assert (await member_view(api, tenant, member))["tags"] == ["called"]


async def test_a_webhook_step_delivers_to_its_endpoint(api: Api, tenant: TenantFixture) -> None:
    from membership.webhooks.endpoints import EndpointChanges, create_endpoint
    from membership.webhooks.models import WebhookDelivery

    endpoint, _ = await create_endpoint(
        tenant.ctx,
        EndpointChanges(url="https://hooks.example.com/journeys", event_types=["order.recorded"]),
    )
    await activated(
        api,
        tenant,
        {
            "trigger": {"type": "event", "event": "member.created"},
            "entry": "hook",
            "steps": {
                "hook": {"type": "callWebhook", "endpointId": str(endpoint.id), "next": "end"}
            },
        },
    )
    member = await new_member(api, tenant)
    await process_events(tenant.ctx)
    await process_events(tenant.ctx)
    async with tenant_tx(tenant.ctx):
        deliveries = await WebhookDelivery.filter(endpoint_id=endpoint.id)
    assert [d.event_type for d in deliveries] == ["journey.webhook"]
    [run] = await runs(tenant, member)
    assert run.status == "COMPLETED"


LIST = """{ journeys { id name status version definition
  versions { version publishedAt }
  funnel { entered completed atStep { step count } reached { step count } } } }"""
MEMBER_RUNS = """query($first: Int!) { members(first: $first) { edges { node {
  id journeyRuns { status currentStep journey { name } } } } } }"""


async def test_lists_cost_the_same_queries_however_long(api: Api, tenant: TenantFixture) -> None:
    async def add_journeys(count: int) -> None:
        for n in range(count):
            await activated(
                api,
                tenant,
                {
                    "trigger": {"type": "event", "event": "member.created"},
                    "entry": "hold",
                    "reentry": "always",
                    "steps": {"hold": {"type": "wait", "duration": f"PT{n + 1}H", "next": "end"}},
                },
            )

    counts = []
    members = []
    for more in (2, 4):
        await add_journeys(more)
        members.append(await new_member(api, tenant))
        await process_events(tenant.ctx)
        await api(LIST, token=tenant.owner_token)
        with count_queries() as counter:
            listed = (await api(LIST, token=tenant.owner_token))["journeys"]
        assert all(j["funnel"]["entered"] >= 1 for j in listed)
        with count_queries() as member_counter:
            page = (await api(MEMBER_RUNS, {"first": 10}, tenant.owner_token))["members"]
        assert sum(len(e["node"]["journeyRuns"]) for e in page["edges"]) >= 2
        counts.append((len(listed), len(counter.queries), len(member_counter.queries)))
    assert counts[0][0] < counts[1][0]
    assert counts[0][1:] == counts[1][1:], counts


MERGE = """mutation($input: MergeMembersInput!) {
  mergeMembers(input: $input) { member { id } errors { code field message } } }"""


async def test_a_merge_moves_runs_and_tasks_to_the_profile_kept(
    api: Api, tenant: TenantFixture
) -> None:
    await activated(
        api,
        tenant,
        {
            "trigger": {"type": "event", "event": "campaign.recall"},
            "entry": "call",
            "steps": {
                "call": {"type": "createTask", "title": "Call", "next": "wait"},
                "wait": {
                    "type": "waitForEvent",
                    "event": "coupon.redeemed",
                    "timeout": "P3D",
                    "onEvent": "end",
                    "onTimeout": "end",
                },
            },
        },
    )
    source, target = await new_member(api, tenant), await new_member(api, tenant)
    await recall(api, tenant, source)
    merged = await api(
        MERGE, {"input": {"sourceId": source, "targetId": target}}, tenant.secret_key
    )
    assert merged["mergeMembers"]["errors"] == []
    [run] = await runs(tenant, target)
    assert (run.status, run.current_step) == ("WAITING", "wait")
    tasks = (await api(TASKS, token=tenant.owner_token))["tasks"]["edges"]
    assert [t["node"]["member"]["id"] for t in tasks] == [target]
