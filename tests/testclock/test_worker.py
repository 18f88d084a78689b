"""The worker and a sandbox tenant: its events reach its webhooks at once, signed on real time;
a failed delivery is retried when the clock passes its retry, not before; and an advance a
request left unfinished is finished by the worker's dispatcher."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from membership.settings import get_settings
from membership.testclock.service import advance_test_clock
from membership.webhooks.deliveries import due_endpoints
from membership.webhooks.sender import WebhookSender
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tests.conftest import Api, TenantFixture
from tests.testclock.conftest import START, day
from tests.webhooks.receiver import Receiver, running_receiver
from tests.webhooks.test_deliveries import endpoint, member
from workers.events import Dispatcher


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as r:
        yield r


@pytest.fixture
async def dispatcher(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Dispatcher]:
    monkeypatch.setattr(get_settings(), "webhooks_allow_private_urls", True)
    made = Dispatcher(WebhookSender(allow_private=True))
    try:
        yield made
    finally:
        await made.stop()
        await made.sender.close()
        await made.transport.close()


async def staff_context(sandbox: TenantFixture) -> RequestContext:
    tenant = await get_tenant(sandbox.info.id)
    assert tenant is not None
    return RequestContext.system(tenant)


async def test_events_reach_webhooks_at_once_and_retries_wait_for_the_clock(
    api: Api, sandbox: TenantFixture, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    receiver.status["/down"] = 503
    up = await endpoint(api, sandbox, receiver.url("/up"), ["member.created"])
    down = await endpoint(api, sandbox, receiver.url("/down"), ["member.created"])
    await member(api, sandbox)

    await dispatcher.pass_once()  # relays the event and starts both endpoints' deliveries
    for made in (up, down):
        task = dispatcher.running.get(f"deliver:{made['endpoint']['id']}")
        if task is not None:
            await task

    [arrival] = receiver.at("/up")
    assert arrival.verifies_with(up["secret"])  # the signature's timestamp is real time
    assert datetime.fromisoformat(arrival.json["timestamp"]) == START  # the event's, frozen
    assert len(receiver.at("/down")) == 1
    # the retry falls due seconds after the frozen time: not by the worker's clock
    down_id = uuid.UUID(down["endpoint"]["id"])
    assert down_id not in {e for _, e in await due_endpoints(datetime.now(UTC))}

    await advance_test_clock(await staff_context(sandbox), day(1))
    assert len(receiver.at("/down")) > 1  # retried on the way, as the schedule says
    assert len(receiver.at("/up")) == 1


async def test_the_dispatcher_finishes_an_advance_a_request_left(
    sandbox: TenantFixture, dispatcher: Dispatcher
) -> None:
    clock = await advance_test_clock(await staff_context(sandbox), day(10), inline_seconds=0)
    assert clock.status == "ADVANCING"

    await dispatcher.sweep()
    task = dispatcher.running.get(f"test-clock:{sandbox.info.id}")
    assert task is not None
    await asyncio.wait_for(task, 60)

    tenant = await get_tenant(sandbox.info.id)
    assert tenant is not None and tenant.sandbox is not None
    assert (tenant.sandbox.frozen_time, tenant.sandbox.status) == (day(10), "READY")
