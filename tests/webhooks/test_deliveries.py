"""Endpoints and deliveries through the API, relayed and sent in this process to a real receiver.

The worker's loop is ``relay_tenant`` then ``deliver_due``; here the test calls them itself, with
a frozen clock where the retry schedule matters. tests/workers/ runs the same through a real arq
worker process.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from membership.clock import FrozenClock
from membership.events.relay import relay_tenant
from membership.settings import get_settings
from membership.webhooks.deliveries import deliver_due
from membership.webhooks.schedule import MAX_ATTEMPTS
from membership.webhooks.sender import WebhookSender
from tenants.context import RequestContext
from tests.conftest import Api, TenantFixture
from tests.webhooks.receiver import Receiver, running_receiver

CREATE = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    endpoint { id url eventTypes enabled createdAt } secret errors { code field message }
  }
}"""
ROTATE = """mutation($id: ID!) { rotateWebhookSecret(id: $id) {
  endpoint { id previousSecretExpiresAt } secret errors { code field message } } }"""
DISABLE = """mutation($id: ID!) { disableWebhookEndpoint(id: $id) {
  endpoint { enabled disabledReason } errors { code field message } } }"""
UPDATE = """mutation($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) {
    endpoint { enabled disabledReason eventTypes } errors { code field message } } }"""
ENDPOINTS = "{ webhookEndpoints { id url enabled disabledReason } }"
DELIVERIES = """query($endpoint: ID!, $status: WebhookDeliveryStatus) {
  webhookDeliveries(endpointId: $endpoint, status: $status) {
    totalCount
    edges { node {
      id eventId eventType status attempts lastResponseStatus nextAttemptAt payload
      attemptLog { attempt responseStatus latencyMs responseExcerpt error }
    } }
  }
}"""
REPLAY = """mutation($id: ID!) { replayWebhookDelivery(id: $id) {
  delivery { id status } errors { code field message } } }"""
REPLAY_SINCE = """mutation($endpoint: ID!, $since: DateTime!, $status: WebhookDeliveryStatus) {
  replayWebhookDeliveries(endpointId: $endpoint, since: $since, status: $status) {
    count errors { code field message } } }"""
TEST = """mutation($id: ID!) { sendTestWebhook(id: $id) {
  delivery { id eventType status } errors { code field message } } }"""
CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone, name: "Webhook"}) { member { id } errors { code } } }"""


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as r:
        yield r


@pytest.fixture
def private_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "webhooks_allow_private_urls", True)


@pytest.fixture
async def sender() -> AsyncIterator[WebhookSender]:
    s = WebhookSender(allow_private=True)
    yield s
    await s.close()


async def endpoint(
    api: Api, tenant: TenantFixture, url: str, types: list[str] | None = None
) -> dict[str, Any]:
    made = await api(CREATE, {"input": {"url": url, "eventTypes": types or []}}, tenant.owner_token)
    assert made["createWebhookEndpoint"]["errors"] == [], made
    return made["createWebhookEndpoint"]  # type: ignore[no-any-return]


async def member(api: Api, tenant: TenantFixture) -> str:
    phone = f"1390{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
    return made["createMember"]["member"]["id"]  # type: ignore[no-any-return]


async def deliveries(api: Api, tenant: TenantFixture, endpoint_id: str) -> list[dict[str, Any]]:
    data = await api(DELIVERIES, {"endpoint": endpoint_id}, tenant.owner_token)
    return [e["node"] for e in data["webhookDeliveries"]["edges"]]


async def test_a_member_created_is_signed_delivered_and_logged(
    api: Api, tenant: TenantFixture, receiver: Receiver, private_urls: None, sender: WebhookSender
) -> None:
    made = await endpoint(api, tenant, receiver.url())
    assert made["secret"].startswith("whsec_")
    member_id = await member(api, tenant)

    relayed = await relay_tenant(tenant.ctx)
    assert relayed.events >= 1 and relayed.deliveries >= 1
    await deliver_due(tenant.ctx, uuid.UUID(made["endpoint"]["id"]), sender)

    created = [a for a in receiver.arrivals if a.json["type"] == "member.created"]
    assert len(created) == 1
    arrival = created[0]
    assert arrival.verifies_with(made["secret"])
    assert arrival.json["data"]["memberId"] == member_id
    assert arrival.headers["content-type"] == "application/json"
    logged = next(
        d
        for d in await deliveries(api, tenant, made["endpoint"]["id"])
        if d["eventType"] == "member.created"
    )
    assert logged["eventId"] == arrival.webhook_id  # the webhook-id is the event's id
    assert (logged["status"], logged["attempts"], logged["lastResponseStatus"]) == (
        "SUCCEEDED",
        1,
        200,
    )
    assert logged["attemptLog"][0]["responseExcerpt"] == "answered 200"
    assert logged["payload"]["data"]["memberId"] == member_id

    # relaying again writes nothing twice, and nothing is due
    again = await relay_tenant(tenant.ctx)
    assert again.deliveries == 0
    assert await deliver_due(tenant.ctx, uuid.UUID(made["endpoint"]["id"]), sender) == 0


async def test_an_endpoint_gets_only_the_types_it_asked_for(
    api: Api, tenant: TenantFixture, receiver: Receiver, private_urls: None, sender: WebhookSender
) -> None:
    orders_only = await endpoint(api, tenant, receiver.url("/orders"), ["order.recorded"])
    behaviour = await endpoint(api, tenant, receiver.url("/behaviour"), ["event.*"])
    member_id = await member(api, tenant)
    tracked = await api(
        """mutation($input: TrackEventInput!) { trackEvent(input: $input) { eventId errors { code } } }""",
        {
            "input": {
                "memberId": member_id,
                "type": "product.viewed",
                "properties": {"sku": "A-1"},
                "idempotencyKey": f"view-{member_id}",
            }
        },
        tenant.secret_key,
    )
    assert tracked["trackEvent"]["errors"] == []
    await relay_tenant(tenant.ctx)
    for made in (orders_only, behaviour):
        await deliver_due(tenant.ctx, uuid.UUID(made["endpoint"]["id"]), sender)
    assert receiver.at("/orders") == []
    [viewed] = receiver.at("/behaviour")
    assert viewed.json["type"] == "event.product.viewed"
    assert viewed.json["data"]["properties"] == {"sku": "A-1"}


async def test_failures_retry_on_the_schedule_for_over_a_day_then_fail(
    api: Api, tenant: TenantFixture, receiver: Receiver, private_urls: None, sender: WebhookSender
) -> None:
    receiver.status["/down"] = 503
    made = await endpoint(api, tenant, receiver.url("/down"), ["member.created"])
    endpoint_id = uuid.UUID(made["endpoint"]["id"])
    clock = FrozenClock(datetime.now(UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    await member(api, tenant)
    await relay_tenant(ctx)

    first = clock.now()
    assert await deliver_due(ctx, endpoint_id, sender) == 1
    [pending] = await deliveries(api, tenant, made["endpoint"]["id"])
    assert (pending["status"], pending["attempts"], pending["lastResponseStatus"]) == (
        "PENDING",
        1,
        503,
    )
    retry_at = datetime.fromisoformat(pending["nextAttemptAt"])
    assert timedelta(seconds=1) <= retry_at - first <= timedelta(seconds=10)
    assert pending["attemptLog"][0]["responseExcerpt"] == "answered 503"

    assert await deliver_due(ctx, endpoint_id, sender) == 0  # not due yet
    for _ in range(MAX_ATTEMPTS - 1):
        [row] = await deliveries(api, tenant, made["endpoint"]["id"])
        clock.set(datetime.fromisoformat(row["nextAttemptAt"]))
        assert await deliver_due(ctx, endpoint_id, sender) == 1
    [failed] = await deliveries(api, tenant, made["endpoint"]["id"])
    assert (failed["status"], failed["attempts"], failed["nextAttemptAt"]) == (
        "FAILED",
        MAX_ATTEMPTS,
        None,
    )
    assert [a["attempt"] for a in failed["attemptLog"]] == list(range(1, MAX_ATTEMPTS + 1))
    assert clock.now() - first >= timedelta(hours=24)
    assert len({a.webhook_id for a in receiver.at("/down")}) == 1  # one id on every attempt

    # replay: one more attempt now, under the same webhook-id
    receiver.status["/down"] = 200
    replayed = await api(REPLAY, {"id": failed["id"]}, tenant.owner_token)
    assert replayed["replayWebhookDelivery"]["delivery"]["status"] == "PENDING"
    assert await deliver_due(ctx, endpoint_id, sender) == 1
    [done] = await deliveries(api, tenant, made["endpoint"]["id"])
    assert (done["status"], done["attempts"]) == ("SUCCEEDED", MAX_ATTEMPTS + 1)
    assert receiver.at("/down")[-1].webhook_id == done["eventId"]


async def test_a_410_disables_the_endpoint_and_parks_its_deliveries(
    api: Api, tenant: TenantFixture, receiver: Receiver, private_urls: None, sender: WebhookSender
) -> None:
    receiver.status["/gone"] = 410
    made = await endpoint(api, tenant, receiver.url("/gone"), ["member.created"])
    for _ in range(2):
        await member(api, tenant)
    await relay_tenant(tenant.ctx)
    await deliver_due(tenant.ctx, uuid.UUID(made["endpoint"]["id"]), sender)
    [shown] = [
        e
        for e in (await api(ENDPOINTS, token=tenant.owner_token))["webhookEndpoints"]
        if e["id"] == made["endpoint"]["id"]
    ]
    assert shown["enabled"] is False and "410" in shown["disabledReason"]
    statuses = sorted(d["status"] for d in await deliveries(api, tenant, made["endpoint"]["id"]))
    assert statuses == ["FAILED", "FAILED"]
    # a disabled endpoint's new events are not delivered, and a replay is refused with a reason
    await member(api, tenant)
    assert (await relay_tenant(tenant.ctx)).deliveries == 0
    refused = await api(
        REPLAY,
        {"id": (await deliveries(api, tenant, made["endpoint"]["id"]))[0]["id"]},
        tenant.owner_token,
    )
    assert refused["replayWebhookDelivery"]["errors"][0]["code"] == "INVALID"
    enabled = await api(
        UPDATE, {"id": made["endpoint"]["id"], "input": {"enabled": True}}, tenant.owner_token
    )
    assert enabled["updateWebhookEndpoint"]["endpoint"] == {
        "enabled": True,
        "disabledReason": None,
        "eventTypes": ["member.created"],
    }


async def test_a_slow_receiver_times_out_and_is_retried(
    api: Api,
    tenant: TenantFixture,
    receiver: Receiver,
    private_urls: None,
    sender: WebhookSender,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "webhooks_timeout_seconds", 0.3)
    receiver.delay["/slow"] = 2.0
    made = await endpoint(api, tenant, receiver.url("/slow"), ["webhook.test"])
    await api(TEST, {"id": made["endpoint"]["id"]}, tenant.owner_token)
    await deliver_due(tenant.ctx, uuid.UUID(made["endpoint"]["id"]), sender)
    [row] = await deliveries(api, tenant, made["endpoint"]["id"])
    assert row["status"] == "PENDING" and row["lastResponseStatus"] is None
    [attempt] = row["attemptLog"]
    assert "timeout" in attempt["error"] and 250 <= attempt["latencyMs"] < 2000


async def test_rotation_signs_with_both_secrets_and_a_test_event_reaches_one_endpoint(
    api: Api, tenant: TenantFixture, receiver: Receiver, private_urls: None, sender: WebhookSender
) -> None:
    made = await endpoint(api, tenant, receiver.url("/rotating"))
    other = await endpoint(api, tenant, receiver.url("/other"))
    rotated = (await api(ROTATE, {"id": made["endpoint"]["id"]}, tenant.owner_token))[
        "rotateWebhookSecret"
    ]
    assert rotated["secret"] != made["secret"] and rotated["endpoint"]["previousSecretExpiresAt"]
    sent = await api(TEST, {"id": made["endpoint"]["id"]}, tenant.owner_token)
    assert sent["sendTestWebhook"]["delivery"]["eventType"] == "webhook.test"
    await relay_tenant(tenant.ctx)
    for e in (made, other):
        await deliver_due(tenant.ctx, uuid.UUID(e["endpoint"]["id"]), sender)
    [test] = [a for a in receiver.at("/rotating") if a.json["type"] == "webhook.test"]
    assert test.verifies_with(rotated["secret"]) and test.verifies_with(made["secret"])
    assert len(test.headers["webhook-signature"].split(" ")) == 2
    assert [a for a in receiver.at("/other") if a.json["type"] == "webhook.test"] == []


async def test_replay_since_a_time_and_tenants_see_only_their_deliveries(
    api: Api,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    receiver: Receiver,
    private_urls: None,
    sender: WebhookSender,
) -> None:
    made = await endpoint(api, tenant, receiver.url("/since"), ["member.created"])
    before = datetime.now(UTC)
    for _ in range(3):
        await member(api, tenant)
    await relay_tenant(tenant.ctx)
    await deliver_due(tenant.ctx, uuid.UUID(made["endpoint"]["id"]), sender)
    assert len(receiver.at("/since")) == 3
    replayed = await api(
        REPLAY_SINCE,
        {"endpoint": made["endpoint"]["id"], "since": before.isoformat(), "status": "SUCCEEDED"},
        tenant.owner_token,
    )
    assert replayed["replayWebhookDeliveries"] == {"count": 3, "errors": []}
    await deliver_due(tenant.ctx, uuid.UUID(made["endpoint"]["id"]), sender)
    assert len(receiver.at("/since")) == 6
    assert len({a.webhook_id for a in receiver.at("/since")}) == 3

    delivery_id = (await deliveries(api, tenant, made["endpoint"]["id"]))[0]["id"]
    stranger = await api(REPLAY, {"id": delivery_id}, other_tenant.owner_token)
    assert stranger["replayWebhookDelivery"]["errors"][0]["code"] == "NOT_FOUND"
    theirs = await api(DELIVERIES, {"endpoint": made["endpoint"]["id"]}, other_tenant.owner_token)
    assert theirs["webhookDeliveries"]["totalCount"] == 0
    listed = (await api(ENDPOINTS, token=other_tenant.owner_token))["webhookEndpoints"]
    assert made["endpoint"]["id"] not in {e["id"] for e in listed}


@pytest.mark.parametrize(
    ("url", "types", "field"),
    [
        ("not a url", [], ["input", "url"]),
        ("ftp://example.com/hook", [], ["input", "url"]),
        (
            "https://example.com/hook",
            ["member.created", "nope.unknown"],
            ["input", "eventTypes", "1"],
        ),
        ("https://example.com/hook", ["Member.Created"], ["input", "eventTypes", "0"]),
        ("http://127.0.0.1:9/hook", [], ["input", "url"]),
        ("http://10.1.2.3/hook", [], ["input", "url"]),
        ("http://169.254.169.254/latest", [], ["input", "url"]),
        ("http://localhost/hook", [], ["input", "url"]),
    ],
)
async def test_bad_endpoints_are_refused_with_the_field_and_nothing_is_made(
    api: Api, tenant: TenantFixture, url: str, types: list[str], field: list[str]
) -> None:
    made = await api(CREATE, {"input": {"url": url, "eventTypes": types}}, tenant.owner_token)
    payload = made["createWebhookEndpoint"]
    assert payload["endpoint"] is None and payload["secret"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", field)]
    assert (await api(ENDPOINTS, token=tenant.owner_token))["webhookEndpoints"] == []


async def test_webhooks_need_the_webhooks_scope(api: Api, tenant: TenantFixture) -> None:
    made = await api(
        CREATE, {"input": {"url": "https://example.com/h", "eventTypes": []}}, tenant.secret_key
    )
    assert made["createWebhookEndpoint"]["errors"][0]["code"] == "PERMISSION_DENIED"
