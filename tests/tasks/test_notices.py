"""The assignee's WeCom notice of a new task: sent after commit by the ``task.created`` handler,
once per task however often the handling runs, through the fake provider or ``wecom_app``."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from membership.clock import FrozenClock
from membership.events.handlers import run_due_handlings
from membership.events.models import EventHandling
from membership.events.relay import relay_tenant
from membership.messaging.models import FakeProviderSend
from membership.messaging.transport import ProviderTransport
from membership.settings import get_settings
from membership.tasks.models import StaffTask
from membership.tasks.notices import send_task_notice
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.channels.provider_server import (
    WECOM_APP,
    WECOM_CUSTOMER,
    ProviderServer,
    running_provider_server,
)
from tests.conftest import Api, TenantFixture
from tests.tasks.conftest import member, staff_member, task

CONFIGURE = """mutation($input: ConfigureChannelInput!) {
  configureChannel(input: $input) { errors { code field message } }
}"""
HANDLER = "tasks.notify_assignee"


class Jobs:
    """What the worker's dispatcher gives handlers: a job queue carrying the transport."""

    def __init__(self) -> None:
        self.transport = ProviderTransport(allow_private=True)

    async def enqueue(self, function: str, *args: Any, job_id: str) -> None:
        raise AssertionError("the notice starts no job")


@pytest.fixture
async def jobs() -> AsyncIterator[Jobs]:
    made = Jobs()
    yield made
    await made.transport.close()


@pytest.fixture
async def server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ProviderServer]:
    monkeypatch.setattr(get_settings(), "channels_allow_private_urls", True)
    async with running_provider_server() as running:
        yield running


async def handle(tenant: TenantFixture, jobs: Jobs, *, at: datetime | None = None) -> None:
    """Relay what was committed and run the handlings due (at ``at``, default now)."""
    await relay_tenant(tenant.ctx)
    ctx = RequestContext.system(tenant.info, clock=FrozenClock(at or datetime.now(UTC)))
    await run_due_handlings(ctx, jobs)


async def fake_sends(tenant: TenantFixture, task_id: uuid.UUID) -> list[FakeProviderSend]:
    async with tenant_tx(tenant.ctx):
        return list(await FakeProviderSend.filter(message_id=task_id))


async def stored(tenant: TenantFixture, task_id: uuid.UUID) -> StaffTask:
    async with tenant_tx(tenant.ctx):
        return await StaffTask.get(id=task_id)


async def configure_wecom(
    api: Api, tenant: TenantFixture, server: ProviderServer, provider: str
) -> None:
    credentials = WECOM_APP if provider == "wecom_app" else WECOM_CUSTOMER
    variables = {
        "input": {
            "channel": "WECOM",
            "provider": provider,
            "credentials": credentials,
            "baseUrl": server.url("wecom"),
        }
    }
    configured = await api(CONFIGURE, variables, tenant.owner_token)
    assert configured["configureChannel"]["errors"] == []


async def test_the_assignee_is_told_on_wecom_once_through_the_fake_provider(
    api: Api, tenant: TenantFixture, jobs: Jobs
) -> None:
    clerk = await staff_member(api, tenant, wecom_user_id="zhangsan")
    member_id = await member(api, tenant, account_manager=clerk.id, name="王芳")
    due = datetime(2030, 5, 6, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai
    made = await task(tenant, member_id=member_id, title="回访：30 天未消费", due_at=due)
    await handle(tenant, jobs)
    [sent] = await fake_sends(tenant, made.id)
    assert (sent.provider, sent.channel, sent.recipient) == ("wecom", "WECOM", "zhangsan")
    assert sent.request["text"] == "新任务：回访：30 天未消费\n会员：王芳\n截止：2030-05-06 09:30"
    assert (await stored(tenant, made.id)).notified_at is not None


async def test_a_handling_run_again_sends_nothing_more(
    api: Api, tenant: TenantFixture, jobs: Jobs
) -> None:
    clerk = await staff_member(api, tenant, wecom_user_id="zhangsan")
    made = await task(tenant, assign_to=clerk.id)
    await handle(tenant, jobs)
    async with tenant_tx(tenant.ctx):
        # as a worker would after losing the DONE mark: the same handling, due again
        await EventHandling.filter(handler=HANDLER).update(
            status="PENDING", next_attempt_at=datetime.now(UTC)
        )
    await handle(tenant, jobs)
    assert await send_task_notice(tenant.ctx, made.id, jobs.transport) is False
    assert len(await fake_sends(tenant, made.id)) == 1


async def test_an_assignee_without_a_wecom_account_is_not_messaged(
    api: Api, tenant: TenantFixture, jobs: Jobs
) -> None:
    clerk = await staff_member(api, tenant)
    made = await task(tenant, assign_to=clerk.id)
    await handle(tenant, jobs)
    assert await fake_sends(tenant, made.id) == []
    assert (await stored(tenant, made.id)).notified_at is None


async def test_the_wecom_app_provider_sends_an_application_text_message(
    api: Api, tenant: TenantFixture, jobs: Jobs, server: ProviderServer
) -> None:
    await configure_wecom(api, tenant, server, "wecom_app")
    clerk = await staff_member(api, tenant, wecom_user_id="lisi")
    made = await task(tenant, assign_to=clerk.id, title="Call back")
    await handle(tenant, jobs)
    [sent] = [r for r in server.sends("wecom") if r.path.endswith("/message/send")]
    assert sent.json == {
        "touser": "lisi",
        "msgtype": "text",
        "agentid": int(WECOM_APP["agentId"]),
        "text": {"content": "新任务：Call back"},
    }
    assert (await stored(tenant, made.id)).notified_at is not None


async def test_a_busy_wecom_is_tried_again_and_told_once(
    api: Api, tenant: TenantFixture, jobs: Jobs, server: ProviderServer
) -> None:
    await configure_wecom(api, tenant, server, "wecom_app")
    clerk = await staff_member(api, tenant, wecom_user_id="lisi")
    made = await task(tenant, assign_to=clerk.id)
    server.fail_next("wecom", "-1")  # system busy
    await handle(tenant, jobs)
    assert (await stored(tenant, made.id)).notified_at is None
    async with tenant_tx(tenant.ctx):
        handling = await EventHandling.get(handler=HANDLER)
    assert (handling.status, handling.attempts) == ("PENDING", 1)
    await handle(tenant, jobs, at=datetime.now(UTC) + timedelta(seconds=5))
    sends = [r for r in server.sends("wecom") if r.path.endswith("/message/send")]
    assert len(sends) == 2  # the busy answer, then the one WeCom took
    assert (await stored(tenant, made.id)).notified_at is not None


async def test_a_userid_wecom_does_not_know_is_recorded_not_retried(
    api: Api, tenant: TenantFixture, jobs: Jobs, server: ProviderServer
) -> None:
    await configure_wecom(api, tenant, server, "wecom_app")
    clerk = await staff_member(api, tenant, wecom_user_id="wangwu")
    made = await task(tenant, assign_to=clerk.id)
    await handle(tenant, jobs)
    row = await stored(tenant, made.id)
    assert row.notified_at is None
    assert row.notice_error is not None and row.notice_error.startswith("INVALID_RECIPIENT")
    async with tenant_tx(tenant.ctx):
        assert (await EventHandling.get(handler=HANDLER)).status == "DONE"


async def test_a_tenant_on_wecom_customer_contact_sends_staff_nothing(
    api: Api, tenant: TenantFixture, jobs: Jobs, server: ProviderServer
) -> None:
    await configure_wecom(api, tenant, server, "wecom_customer")
    clerk = await staff_member(api, tenant, wecom_user_id="lisi")
    made = await task(tenant, assign_to=clerk.id)
    await handle(tenant, jobs)
    assert server.sends("wecom") == []
    assert (await stored(tenant, made.id)).notified_at is None
