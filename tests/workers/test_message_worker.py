"""A real worker process sends queued messages: the API queues, the worker's once-a-second sweep
finds them and the fake provider records exactly one send each."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from membership.db import PgTarget
from membership.messaging.models import FakeProviderSend
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.workers.process import WorkerProcess, start_worker

CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone, name: "王五"}) { member { id } errors { code } } }"""
CONSENT = (
    """mutation($input: RecordConsentInput!) { recordConsent(input: $input) { errors { code } } }"""
)
TEMPLATE = """mutation($input: SaveMessageTemplateInput!) {
  saveMessageTemplate(input: $input) { errors { code field message } } }"""
SETTINGS = """mutation($input: UpdateMessagingSettingsInput!) {
  updateMessagingSettings(input: $input) { errors { code } } }"""
SEND = """mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { messages { id status } errors { code message } } }"""
MESSAGES = """query($id: ID!) { member(id: $id) { messages { totalCount
  edges { node { id status channel body sentAt } } } } }"""


@pytest.fixture
def worker(database: PgTarget, redis_url: str, tmp_path: Path) -> Iterator[WorkerProcess]:
    process = start_worker(database, redis_url, tmp_path / "worker.log")
    yield process
    process.stop()


async def test_the_worker_sends_each_queued_message_once(
    api: Api, tenant: TenantFixture, worker: WorkerProcess
) -> None:
    token = tenant.owner_token
    changed = await api(SETTINGS, {"input": {"clearQuietHours": True}}, token)
    assert changed["updateMessagingSettings"]["errors"] == []
    saved = await api(
        TEMPLATE,
        {
            "input": {
                "name": "hello",
                "title": "Hello",
                "purpose": "marketing",
                "content": {
                    "SMS": {
                        "templateCode": "SMS_1",
                        "text": "${name}，欢迎",
                        "fields": {"name": "{{member.name}}"},
                    }
                },
            }
        },
        token,
    )
    assert saved["saveMessageTemplate"]["errors"] == []
    members = []
    for _ in range(3):
        phone = f"1386{uuid.uuid4().int % 10_000_000:07d}"
        member = (await api(CREATE_MEMBER, {"phone": phone}, token))["createMember"]["member"]["id"]
        await api(
            CONSENT,
            {
                "input": {
                    "memberId": member,
                    "channel": "SMS",
                    "purpose": "marketing",
                    "granted": True,
                    "idempotencyKey": f"c-{member}",
                }
            },
            token,
        )
        members.append(member)
    for member in members:
        for _ in range(2):  # the same cause twice: one message
            sent = await api(
                SEND,
                {
                    "input": {
                        "memberId": member,
                        "template": "hello",
                        "idempotencyKey": f"hello-{member}",
                    }
                },
                token,
            )
            assert sent["sendMessage"]["messages"][0]["status"] in ("QUEUED", "SENT")

    deadline = time.monotonic() + 20
    statuses: list[str] = []
    while time.monotonic() < deadline:
        statuses = []
        for member in members:
            found = await api(MESSAGES, {"id": member}, token)
            statuses += [e["node"]["status"] for e in found["member"]["messages"]["edges"]]
        if statuses == ["SENT"] * 3:
            break
        await asyncio.sleep(0.3)
    assert statuses == ["SENT"] * 3, worker.output()[-6000:]
    found = await api(MESSAGES, {"id": members[0]}, token)
    assert found["member"]["messages"]["edges"][0]["node"]["body"] == "王五，欢迎"
    async with tenant_tx(tenant.ctx):
        recorded = await FakeProviderSend.filter(
            message_id__in=[
                uuid.UUID(e["node"]["id"]) for e in found["member"]["messages"]["edges"]
            ]
        ).count()
        total = await FakeProviderSend.all().count()
    assert (recorded, total) == (1, 3)
