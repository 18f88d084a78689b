"""The relay in batches, tenants with nothing pending costing nothing, and handlers: one member's
events in order, retries with backoff, dead letters and their replay."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from membership.clock import FrozenClock
from membership.db import PgTarget, role_target
from membership.events.handlers import MAX_ATTEMPTS, RETRY_DELAYS, run_due_handlings, subscribe
from membership.events.models import EventHandling
from membership.events.relay import pending_tenants, relay_tenant
from membership.members.events import BehaviourTracked
from membership.outbox import OutboxEvent, outbox_row
from membership.webhooks.endpoints import EndpointChanges, create_endpoint
from membership.webhooks.models import WebhookDelivery
from tenants.context import RequestContext
from tenants.registry import create_tenant
from tenants.sweeps import tenant_ids_due
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture, count_queries

DEAD_LETTERS = """{ deadLetters { totalCount edges { node {
  id eventType handler attempts lastError status } } } }"""
REPLAY = """mutation($id: ID!) { replayDeadLetter(id: $id) {
  deadLetter { status attempts } errors { code field } } }"""
CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""

_INSERT = (
    "INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at) "
    "SELECT $1, e.id, e.type, e.version, e.member_id, e.payload::jsonb, $2::timestamptz + e.n * interval '1 ms' "
    "FROM unnest($3::uuid[], $4::text[], $5::smallint[], $6::uuid[], $7::text[], $8::int[]) "
    "AS e (id, type, version, member_id, payload, n)"
)


async def queue_behaviour(
    ctx: RequestContext, reports: list[tuple[uuid.UUID, str, dict[str, Any]]]
) -> list[uuid.UUID]:
    """Write behaviour events straight into the outbox, in order, as emit() would."""
    rows = [
        outbox_row(
            BehaviourTracked(
                member_id=member_id,
                event_id=uuid.uuid4(),
                name=name,
                properties=properties,
                occurred_at=datetime.now(UTC).isoformat(),
            )
        )
        for member_id, name, properties in reports
    ]
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            _INSERT,
            [
                ctx.tenant.id,
                ctx.clock.now(),
                [r.id for r in rows],
                [r.type for r in rows],
                [r.version for r in rows],
                [r.member_id for r in rows],
                [r.payload for r in rows],
                list(range(len(rows))),
            ],
        )
    return [r.id for r in rows]


async def members(api: Api, tenant: TenantFixture, count: int) -> list[uuid.UUID]:
    made = []
    for _ in range(count):
        phone = f"1393{uuid.uuid4().int % 10_000_000:07d}"
        data = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
        made.append(uuid.UUID(data["createMember"]["member"]["id"]))
    return made


class NoJobs:
    async def enqueue(self, function: str, *args: Any, job_id: str) -> None:
        raise AssertionError("these handlers start no job")


async def test_one_pass_relays_thousands_of_events_in_a_constant_number_of_statements(
    api: Api, tenant: TenantFixture
) -> None:
    [member_id] = await members(api, tenant, 1)
    await create_endpoint(
        tenant.ctx,
        EndpointChanges(url="https://receiver.example.com/hook", event_types=["event.*"]),
    )
    await relay_tenant(tenant.ctx)  # what the member's creation left
    ids = await queue_behaviour(
        tenant.ctx, [(member_id, "page.viewed", {"n": n}) for n in range(3_000)]
    )
    with count_queries() as counted:
        relayed = await relay_tenant(tenant.ctx)
    assert (relayed.events, relayed.deliveries, relayed.more) == (3_000, 3_000, False)
    assert len(counted.queries) <= 8, counted.queries
    async with tenant_tx(tenant.ctx):
        assert await OutboxEvent.filter(id__in=ids, published_at=None).count() == 0
        assert await WebhookDelivery.filter(event_id__in=ids).count() == 3_000
    assert (await relay_tenant(tenant.ctx)).events == 0


async def test_tenants_with_nothing_pending_are_never_visited(
    database: PgTarget, api: Api, tenant: TenantFixture
) -> None:
    owner = await asyncpg.connect(**role_target(database, "owner").connect_kwargs())
    try:
        idle = [
            (await create_tenant(owner, slug=f"idle-{uuid.uuid4().hex[:10]}", name="Idle")).id
            for _ in range(25)
        ]
    finally:
        await owner.close()
    await members(api, tenant, 1)  # leaves a member.created pending
    with count_queries() as counted:
        pending = set(await pending_tenants())
    assert tenant.info.id in pending and pending.isdisjoint(idle)
    assert len(counted.queries) == 1  # one statement, however many tenants there are
    await relay_tenant(tenant.ctx)
    assert tenant.info.id not in set(await pending_tenants())

    now = datetime.now(UTC)
    for sweep in (
        "tenants_with_expiring_points",
        "tenants_with_maturing_points",
        "tenants_with_expiring_coupons",
        "tenants_with_lapsed_reservations",
        "tenants_with_due_handlings",
    ):
        assert set(await tenant_ids_due(sweep, now)).isdisjoint(idle), sweep  # type: ignore[arg-type]


async def test_points_that_fall_due_bring_their_tenant_into_the_sweep(
    api: Api, tenant: TenantFixture
) -> None:
    [member_id] = await members(api, tenant, 1)
    await api(
        """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { errors { code } } }""",
        {
            "input": {
                "memberId": str(member_id),
                "points": 100,
                "reason": "gift",
                "idempotencyKey": f"sweep-{member_id}",
            }
        },
        tenant.secret_key,
    )
    async with tenant_tx(tenant.ctx) as conn:
        await conn.execute_query(
            "UPDATE points_lots SET expires_at = now() - interval '1 minute' WHERE member_id = $1",
            [member_id],
        )
    due = await tenant_ids_due("tenants_with_expiring_points", datetime.now(UTC))
    assert tenant.info.id in due


# ---------------------------------------------------------------- handlers

handled: list[tuple[uuid.UUID, int]] = []
failures: dict[int, int] = {}  # step -> how many more times it fails


@subscribe("tests.recorder", ["event.step.done"])
async def record_step(ctx: RequestContext, event: OutboxEvent, jobs: Any) -> None:
    step = int(event.payload["properties"]["step"])
    if failures.get(step, 0) > 0:
        failures[step] -= 1
        raise RuntimeError(f"step {step} is not ready")
    handled.append((uuid.UUID(event.payload["memberId"]), step))


@pytest.fixture
def recorder() -> Any:
    handled.clear()
    failures.clear()
    yield
    handled.clear()
    failures.clear()


async def test_a_members_events_are_handled_in_order_and_a_failure_holds_only_that_member(
    api: Api, tenant: TenantFixture, recorder: None
) -> None:
    alice, bob = await members(api, tenant, 2)
    clock = FrozenClock(datetime.now(UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    await queue_behaviour(
        ctx,
        [
            (alice, "step.done", {"step": 1}),
            (bob, "step.done", {"step": 1}),
            (alice, "step.done", {"step": 2}),
            (bob, "step.done", {"step": 2}),
            (alice, "step.done", {"step": 3}),
            (bob, "step.done", {"step": 3}),
        ],
    )
    failures[2] = 2  # the first attempts of alice's and bob's step 2 fail
    await relay_tenant(ctx)
    async with tenant_tx(ctx):
        assert await EventHandling.filter(handler="tests.recorder").count() == 6

    await run_due_handlings(ctx, NoJobs())
    assert (alice, 1) in handled and (bob, 1) in handled
    assert all(step == 1 for _, step in handled)  # both step 2s failed; step 3s wait behind them
    async with tenant_tx(ctx):
        waiting = await EventHandling.filter(handler="tests.recorder", status="PENDING").count()
        retry = await EventHandling.filter(
            handler="tests.recorder", status="PENDING", attempts=1
        ).first()
    assert waiting == 4
    assert retry is not None and retry.last_error and "not ready" in retry.last_error
    assert retry.next_attempt_at == clock.now() + RETRY_DELAYS[0]

    for delay in RETRY_DELAYS[:2]:
        clock.advance(delay)
        await run_due_handlings(ctx, NoJobs())
    assert [s for m, s in handled if m == alice] == [1, 2, 3]
    assert [s for m, s in handled if m == bob] == [1, 2, 3]


async def test_a_handler_that_keeps_failing_becomes_a_dead_letter_staff_can_replay(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture, recorder: None
) -> None:
    [carol] = await members(api, tenant, 1)
    clock = FrozenClock(datetime.now(UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    await queue_behaviour(
        ctx, [(carol, "step.done", {"step": 9}), (carol, "step.done", {"step": 10})]
    )
    failures[9] = MAX_ATTEMPTS + 5
    await relay_tenant(ctx)
    await run_due_handlings(ctx, NoJobs())
    for delay in RETRY_DELAYS:
        clock.advance(delay)
        await run_due_handlings(ctx, NoJobs())
    # step 9 is dead after its last attempt; step 10 no longer waits for it
    assert handled == [(carol, 10)]
    listed = (await api(DEAD_LETTERS, token=tenant.owner_token))["deadLetters"]
    [dead] = [e["node"] for e in listed["edges"] if e["node"]["handler"] == "tests.recorder"]
    assert (dead["eventType"], dead["attempts"], dead["status"]) == (
        "event.step.done",
        MAX_ATTEMPTS,
        "DEAD",
    )
    assert "not ready" in dead["lastError"]
    assert (await api(DEAD_LETTERS, token=other_tenant.owner_token))["deadLetters"][
        "totalCount"
    ] == 0
    stranger = await api(REPLAY, {"id": dead["id"]}, other_tenant.owner_token)
    assert stranger["replayDeadLetter"]["errors"][0]["code"] == "NOT_FOUND"
    clerkless = await api(REPLAY, {"id": dead["id"]}, tenant.secret_key)
    assert clerkless["replayDeadLetter"]["errors"][0]["code"] == "PERMISSION_DENIED"

    failures[9] = 0
    replayed = await api(REPLAY, {"id": dead["id"]}, tenant.owner_token)
    assert replayed["replayDeadLetter"]["deadLetter"] == {"status": "PENDING", "attempts": 0}
    # the replay is due at the real time it was made; the frozen clock catches up
    clock.set(datetime.now(UTC) + timedelta(seconds=1))
    await run_due_handlings(ctx, NoJobs())
    assert handled == [(carol, 10), (carol, 9)]
    again = await api(REPLAY, {"id": dead["id"]}, tenant.owner_token)
    assert again["replayDeadLetter"]["errors"][0]["code"] == "INVALID"  # DONE now


def test_a_payload_is_json_with_camel_case_keys() -> None:
    row = outbox_row(
        BehaviourTracked(
            member_id=uuid.UUID(int=1),
            event_id=uuid.UUID(int=2),
            name="product.viewed",
            properties={"sku": "A"},
            occurred_at="2026-01-01T00:00:00+00:00",
        )
    )
    assert row.type == "event.product.viewed" and row.member_id == uuid.UUID(int=1)
    assert json.loads(row.payload) == {
        "memberId": str(uuid.UUID(int=1)),
        "eventId": str(uuid.UUID(int=2)),
        "name": "product.viewed",
        "properties": {"sku": "A"},
        "occurredAt": "2026-01-01T00:00:00+00:00",
    }
