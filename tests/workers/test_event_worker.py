"""A real arq worker process relays committed events, runs their handlers and delivers webhooks."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from membership.db import PgTarget
from tests.conftest import Api, TenantFixture, make_tenant
from tests.webhooks.receiver import Receiver, running_receiver
from tests.workers.process import WorkerProcess, start_worker

CREATE_ENDPOINT = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id } secret errors { code field message } }
}"""
CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""
ADJUST = """mutation($input: AdjustPointsInput!) {
  adjustPoints(input: $input) { errors { code message } } }"""
RECORD = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { id } errors { code message } } }"""
DELIVERIES = """query($endpoint: ID!) { webhookDeliveries(endpointId: $endpoint) {
  edges { node { eventId status attempts } } } }"""


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as r:
        yield r


@pytest.fixture
def worker(database: PgTarget, redis_url: str, tmp_path: Path) -> Iterator[WorkerProcess]:
    process = start_worker(database, redis_url, tmp_path / "worker.log")
    yield process
    process.stop()


async def add_endpoint(
    api: Api, tenant: TenantFixture, url: str, types: list[str]
) -> dict[str, Any]:
    made = await api(
        CREATE_ENDPOINT, {"input": {"url": url, "eventTypes": types}}, tenant.owner_token
    )
    assert made["createWebhookEndpoint"]["errors"] == [], made
    return made["createWebhookEndpoint"]  # type: ignore[no-any-return]


def phone() -> str:
    return f"1391{uuid.uuid4().int % 10_000_000:07d}"


async def test_a_members_events_arrive_signed_once_each_and_in_order(
    api: Api,
    tenant: TenantFixture,
    receiver: Receiver,
    worker: WorkerProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from membership.settings import get_settings

    monkeypatch.setattr(get_settings(), "webhooks_allow_private_urls", True)
    made = await add_endpoint(api, tenant, receiver.url("/ordered"), [])
    member_id = (await api(CREATE_MEMBER, {"phone": phone()}, tenant.secret_key))["createMember"][
        "member"
    ]["id"]
    for n in range(1, 6):
        changed = await api(
            ADJUST,
            {
                "input": {
                    "memberId": member_id,
                    "points": n * 10,
                    "reason": f"step {n}",
                    "idempotencyKey": f"step-{member_id}-{n}",
                }
            },
            tenant.secret_key,
        )
        assert changed["adjustPoints"]["errors"] == []
    await api(
        RECORD,
        {"input": {"memberId": member_id, "externalId": f"W-{member_id[:8]}", "amount": 12_000}},
        tenant.secret_key,
    )
    await receiver.wait_for(7, path="/ordered", timeout=30)
    await asyncio.sleep(1.0)  # a second delivery of anything would show up by now
    arrivals = receiver.at("/ordered")
    types = [a.json["type"] for a in arrivals]
    assert types[0] == "member.created"
    assert types.count("points.changed") >= 5 and "order.recorded" in types
    balances = [a.json["data"]["balance"] for a in arrivals if a.json["type"] == "points.changed"]
    assert balances[:5] == [10, 30, 60, 100, 150]  # the order they happened in
    assert len({a.webhook_id for a in arrivals}) == len(arrivals)  # each event once
    assert all(a.verifies_with(made["secret"]) for a in arrivals)
    # the log agrees: every delivery SUCCEEDED on its first attempt
    log = await api(DELIVERIES, {"endpoint": made["endpoint"]["id"]}, tenant.owner_token)
    nodes = [e["node"] for e in log["webhookDeliveries"]["edges"]]
    assert {(n["status"], n["attempts"]) for n in nodes} == {("SUCCEEDED", 1)}
    assert {n["eventId"] for n in nodes} == {a.webhook_id for a in arrivals}
    # commit to arrival, as the receiver saw it (a generous bound: this is not a benchmark)
    lags = [a.at - datetime.fromisoformat(a.json["timestamp"]).timestamp() for a in arrivals]
    assert max(lags) < 10, lags


async def test_a_dead_receiver_does_not_hold_up_another_tenants_deliveries(
    api: Api,
    database: PgTarget,
    tenant: TenantFixture,
    receiver: Receiver,
    worker: WorkerProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from membership.settings import get_settings

    monkeypatch.setattr(get_settings(), "webhooks_allow_private_urls", True)
    other = await make_tenant(database, api)
    receiver.delay["/hanging"] = 60.0  # answers long after the 15 s deadline
    await add_endpoint(api, tenant, receiver.url("/hanging"), ["member.created"])
    await add_endpoint(api, other, receiver.url("/healthy"), ["member.created"])
    for _ in range(20):
        await api(CREATE_MEMBER, {"phone": phone()}, tenant.secret_key)
    await asyncio.sleep(0.5)  # the dead receiver's deliveries are under way
    started = time.monotonic()
    for _ in range(3):
        await api(CREATE_MEMBER, {"phone": phone()}, other.secret_key)
    await receiver.wait_for(3, path="/healthy", timeout=10)
    assert time.monotonic() - started < 10
    assert receiver.at("/hanging") == []  # still hanging
