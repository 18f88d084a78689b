"""The one send path: consent, subscribe credits under concurrency, the frequency cap, quiet
hours on a movable clock, fallback, provider retries without a second send, templates and
credentials refused before anything is sent."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from membership.clock import FrozenClock
from membership.messaging.delivery import deliver_due
from membership.messaging.models import FakeProviderSend, Message
from membership.messaging.transport import ProviderTransport
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture

CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""
BIND = """mutation($input: BindIdentityInput!) {
  bindIdentity(input: $input) { errors { code } } }"""
CONSENT = """mutation($input: RecordConsentInput!) {
  recordConsent(input: $input) { errors { code } } }"""
SUBSCRIBE = """mutation($input: RecordSubscriptionInput!) {
  recordSubscription(input: $input) { credits errors { code } } }"""
TEMPLATE = """mutation($input: SaveMessageTemplateInput!) {
  saveMessageTemplate(input: $input) { template { id name channels }
    errors { code field message } } }"""
SEND = """mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { messages { id channel status skipReason body detail }
    errors { code field message } } }"""
CONFIGURE = """mutation($input: ConfigureChannelInput!) {
  configureChannel(input: $input) { config { channel provider credentials }
    errors { code field message } } }"""
SETTINGS = """mutation($input: UpdateMessagingSettingsInput!) {
  updateMessagingSettings(input: $input) { settings { maxPerDay quietStart quietEnd }
    errors { code field message } } }"""

RECALL = {
    "name": "recall",
    "title": "Recall",
    "purpose": "marketing",
    "content": {
        "WECHAT_SUBSCRIBE": {
            "templateCode": "TPL_recall",
            "fields": {"thing1": "{{member.name}}", "number2": "{{member.points}}"},
            "link": "pages/coupons/index",
        },
        "SMS": {
            "templateCode": "SMS_001",
            "text": "${name}, you have ${points} points",
            "fields": {"name": "{{member.name}}", "points": "{{member.points}}"},
        },
    },
}


async def member_with(api: Api, tenant: TenantFixture, *, consent: list[str]) -> str:
    phone = f"1395{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
    member: str = made["createMember"]["member"]["id"]
    await api(
        BIND,
        {
            "input": {
                "memberId": member,
                "provider": "WECHAT_OPENID",
                "appId": "wxmini",
                "subject": f"o-{member}",
            }
        },
        tenant.secret_key,
    )
    for channel in consent:
        await api(
            CONSENT,
            {
                "input": {
                    "memberId": member,
                    "channel": channel,
                    "purpose": "marketing",
                    "granted": True,
                    "idempotencyKey": f"{channel}-{member}",
                }
            },
            tenant.secret_key,
        )
    return member


async def recall_template(api: Api, tenant: TenantFixture) -> None:
    saved = await api(TEMPLATE, {"input": RECALL}, tenant.secret_key)
    assert saved["saveMessageTemplate"]["errors"] == []


async def send(api: Api, tenant: TenantFixture, member: str, **extra: Any) -> dict[str, Any]:
    fields = {"memberId": member, "template": "recall", "idempotencyKey": uuid.uuid4().hex}
    result = await api(SEND, {"input": {**fields, **extra}}, tenant.secret_key)
    return result["sendMessage"]  # type: ignore[no-any-return]


async def test_ten_concurrent_sends_against_one_subscribe_credit_send_one(
    api: Api, tenant: TenantFixture
) -> None:
    await recall_template(api, tenant)
    changed = await api(
        SETTINGS,
        {"input": {"maxPerDay": 100, "maxPerWeek": 500, "clearQuietHours": True}},
        tenant.owner_token,
    )
    assert changed["updateMessagingSettings"]["settings"]["quietStart"] is None
    member = await member_with(api, tenant, consent=["WECHAT_SUBSCRIBE"])
    granted = await api(
        SUBSCRIBE,
        {"input": {"memberId": member, "templateCode": "TPL_recall", "idempotencyKey": "s1"}},
        tenant.secret_key,
    )
    assert granted["recordSubscription"]["credits"] == 1

    results = await asyncio.gather(
        *(send(api, tenant, member, channels=["WECHAT_SUBSCRIBE"]) for _ in range(10))
    )
    outcomes = sorted((r["messages"][0]["status"], r["messages"][0]["skipReason"]) for r in results)
    assert outcomes == [("QUEUED", None)] + [("SKIPPED", "NO_CREDIT")] * 9

    assert await deliver_due(tenant.ctx, ProviderTransport()) == 1
    async with tenant_tx(tenant.ctx):
        sent = await Message.filter(member_id=member, status="SENT").count()
        recorded = await FakeProviderSend.filter(channel="WECHAT_SUBSCRIBE").count()
    assert (sent, recorded) == (1, 1)


async def test_without_consent_the_next_channel_is_tried_and_a_replay_sends_nothing_new(
    api: Api, tenant: TenantFixture
) -> None:
    await recall_template(api, tenant)
    await api(SETTINGS, {"input": {"clearQuietHours": True}}, tenant.owner_token)
    member = await member_with(api, tenant, consent=["SMS"])
    key = f"recall-{member}"
    first = await send(api, tenant, member, idempotencyKey=key)
    assert [(m["channel"], m["status"], m["skipReason"]) for m in first["messages"]] == [
        ("WECHAT_SUBSCRIBE", "SKIPPED", "NO_CONSENT"),
        ("SMS", "QUEUED", None),
    ]
    assert first["messages"][1]["body"] == "会员, you have 0 points"
    again = await send(api, tenant, member, idempotencyKey=key)
    assert [m["id"] for m in again["messages"]] == [m["id"] for m in first["messages"]]


async def test_the_frequency_cap_holds_across_sources(api: Api, tenant: TenantFixture) -> None:
    await recall_template(api, tenant)
    await api(SETTINGS, {"input": {"maxPerDay": 2, "clearQuietHours": True}}, tenant.owner_token)
    member = await member_with(api, tenant, consent=["SMS"])
    statuses = []
    for _ in range(3):
        result = await send(api, tenant, member, channels=["SMS"])
        statuses.append((result["messages"][-1]["status"], result["messages"][-1]["skipReason"]))
    assert statuses == [("QUEUED", None), ("QUEUED", None), ("SKIPPED", "FREQUENCY_CAP")]


async def test_quiet_hours_defer_a_message_until_they_end(api: Api, tenant: TenantFixture) -> None:
    from membership.messaging.send import SendRequest, send_message

    await recall_template(api, tenant)
    await api(SETTINGS, {"input": {"quietStart": "21:00", "quietEnd": "09:00"}}, tenant.owner_token)
    member = await member_with(api, tenant, consent=["SMS"])
    clock = FrozenClock(datetime(2026, 12, 7, 14, 30, tzinfo=UTC))  # 22:30 in Shanghai
    ctx = RequestContext.system(tenant.info, clock=clock)
    made = await send_message(
        ctx, SendRequest(uuid.UUID(member), "recall", f"night-{member}", channels=["SMS"])
    )
    queued = made[-1]
    assert queued.status == "QUEUED"
    assert queued.deferred_until == datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # 09:00 local

    transport = ProviderTransport()
    clock.set(datetime(2026, 12, 8, 0, 59, tzinfo=UTC))
    assert await deliver_due(ctx, transport) == 0
    clock.set(datetime(2026, 12, 8, 1, 0, 30, tzinfo=UTC))
    assert await deliver_due(ctx, transport) == 1
    async with tenant_tx(ctx):
        message = await Message.get(id=queued.id)
    assert (message.status, message.sent_at) == ("SENT", clock.now())


@pytest.fixture
async def slow_provider() -> AsyncIterator[dict[str, Any]]:
    """A provider behind the fake adapter that does not answer the first request in time."""
    state: dict[str, Any] = {"requests": 0, "url": ""}

    async def handle(request: web.Request) -> web.Response:
        state["requests"] += 1
        if state["requests"] == 1:
            await asyncio.sleep(1.0)
        return web.json_response({"code": "OK", "id": f"p-{state['requests']}"})

    app = web.Application()
    app.router.add_post("/send", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state["url"] = f"http://127.0.0.1:{port}/send"
    yield state
    await runner.cleanup()


async def test_a_provider_that_times_out_is_retried_without_a_second_send_once_it_answered(
    api: Api, tenant: TenantFixture, slow_provider: dict[str, Any]
) -> None:
    from membership.messaging.send import SendRequest, send_message

    await recall_template(api, tenant)
    await api(SETTINGS, {"input": {"clearQuietHours": True}}, tenant.owner_token)
    configured = await api(
        CONFIGURE,
        {
            "input": {
                "channel": "SMS",
                "provider": "fake_sms",
                "credentials": {},
                "baseUrl": slow_provider["url"],
            }
        },
        tenant.owner_token,
    )
    assert configured["configureChannel"]["errors"] == []
    member = await member_with(api, tenant, consent=["SMS"])
    clock = FrozenClock(datetime(2026, 12, 7, 4, 0, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    made = await send_message(
        ctx, SendRequest(uuid.UUID(member), "recall", f"slow-{member}", channels=["SMS"])
    )
    transport = ProviderTransport(timeout=0.3)
    assert await deliver_due(ctx, transport) == 1
    async with tenant_tx(ctx):
        waiting = await Message.get(id=made[-1].id)
    assert (waiting.status, waiting.attempts) == ("QUEUED", 1)
    assert "no answer" in (waiting.detail or "")

    assert await deliver_due(ctx, transport) == 0  # not due before the retry delay
    clock.advance(timedelta(seconds=6))
    assert await deliver_due(ctx, transport) == 1
    clock.advance(timedelta(minutes=5))
    assert await deliver_due(ctx, transport) == 0
    async with tenant_tx(ctx):
        sent = await Message.get(id=made[-1].id)
    assert (sent.status, sent.attempts, sent.provider_message_id) == ("SENT", 2, "p-2")
    assert slow_provider["requests"] == 2
    await transport.close()


async def test_templates_are_checked_before_anything_is_sent(
    api: Api, tenant: TenantFixture
) -> None:
    bad = {
        "name": "bad",
        "title": "Bad",
        "purpose": "marketing",
        "content": {
            "WECHAT_SUBSCRIBE": {
                "templateCode": "TPL",
                "fields": {
                    "thing1": "这是一个超过二十个字符的固定文本内容用于测试长度",
                    "thing2": "{{member.nickname}}",
                },
            },
            "FAX": {"text": "hello"},
        },
    }
    refused = await api(TEMPLATE, {"input": bad}, tenant.secret_key)
    errors = {tuple(e["field"]) for e in refused["saveMessageTemplate"]["errors"]}
    assert errors == {
        ("input", "content", "WECHAT_SUBSCRIBE", "fields", "thing1"),
        ("input", "content", "WECHAT_SUBSCRIBE", "fields", "thing2"),
        ("input", "content", "FAX"),
    }
    await recall_template(api, tenant)
    member = await member_with(api, tenant, consent=["WECHAT_SUBSCRIBE"])
    await api(
        SUBSCRIBE,
        {"input": {"memberId": member, "templateCode": "TPL_recall", "idempotencyKey": "s"}},
        tenant.secret_key,
    )
    long_name = "一位名字非常非常非常非常非常非常非常长的会员朋友"
    await api(
        """mutation($id: ID!, $name: String!) { updateMember(id: $id, input: {name: $name}) {
        errors { code } } }""",
        {"id": member, "name": long_name},
        tenant.secret_key,
    )
    result = await send(api, tenant, member, channels=["WECHAT_SUBSCRIBE"])
    message = result["messages"][0]
    assert (message["status"], message["skipReason"]) == ("SKIPPED", "FIELD_TOO_LONG")


async def test_credentials_in_a_wrong_format_are_refused_and_nothing_is_saved(
    api: Api, tenant: TenantFixture
) -> None:
    refused = await api(
        CONFIGURE,
        {
            "input": {
                "channel": "SMS",
                "provider": "aliyun_sms",
                "credentials": {"accessKeyId": "nope", "accessKeySecret": "x", "signName": "测试"},
            }
        },
        tenant.owner_token,
    )
    fields = {tuple(e["field"]) for e in refused["configureChannel"]["errors"]}
    assert ("input", "credentials", "accessKeyId") in fields
    wrong_channel = await api(
        CONFIGURE,
        {"input": {"channel": "SMS", "provider": "wechat_template", "credentials": {}}},
        tenant.owner_token,
    )
    assert wrong_channel["configureChannel"]["errors"][0]["field"] == ["input", "provider"]
    listed = await api("{ channelConfigs { channel } }", None, tenant.owner_token)
    assert listed["channelConfigs"] == []


async def test_credentials_are_sealed_per_tenant_and_channel(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    from membership.messaging.credentials import open_credentials
    from membership.messaging.models import ChannelConfig

    secret = "k3J9dQ2mX7vL0pR5sT8wY1zA4bC6eF"
    saved = await api(
        CONFIGURE,
        {
            "input": {
                "channel": "SMS",
                "provider": "aliyun_sms",
                "credentials": {
                    "accessKeyId": "LTAI5tQ7xKp2Vb9mNc4Rz8Yw",
                    "accessKeySecret": secret,
                    "signName": "会员中心",
                },
            }
        },
        tenant.owner_token,
    )
    assert saved["configureChannel"]["config"]["credentials"]["accessKeySecret"] == "••••C6eF"
    async with tenant_tx(tenant.ctx):
        row = await ChannelConfig.get(channel="SMS")
    assert row.credentials is not None and secret.encode() not in row.credentials
    assert open_credentials(tenant.info.id, "SMS", row.credentials)["accessKeySecret"] == secret
    with pytest.raises(Exception):  # noqa: B017 (any failure to open is right)
        open_credentials(other_tenant.info.id, "SMS", row.credentials)
    with pytest.raises(Exception):  # noqa: B017
        open_credentials(tenant.info.id, "WECHAT_TEMPLATE", row.credentials)
    kept = await api(
        CONFIGURE,
        {"input": {"channel": "SMS", "provider": "aliyun_sms", "dailyQuota": 100}},
        tenant.owner_token,
    )
    assert kept["configureChannel"]["config"]["credentials"]["accessKeySecret"] == "••••C6eF"
    foreign = await api("{ channelConfigs { channel } }", None, other_tenant.owner_token)
    assert foreign["channelConfigs"] == []


async def test_the_weekly_cap_counts_the_tenants_week(api: Api, tenant: TenantFixture) -> None:
    from membership.messaging.send import SendRequest, send_message

    await recall_template(api, tenant)
    changed = await api(
        SETTINGS,
        {"input": {"maxPerDay": 2, "maxPerWeek": 3, "clearQuietHours": True}},
        tenant.owner_token,
    )
    assert changed["updateMessagingSettings"]["errors"] == []
    member = await member_with(api, tenant, consent=["SMS"])
    clock = FrozenClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai
    ctx = RequestContext.system(tenant.info, clock=clock)
    outcomes = []
    for day in range(8):
        for n in range(2):
            made = await send_message(
                ctx,
                SendRequest(uuid.UUID(member), "recall", f"w-{day}-{n}", channels=["SMS"]),
            )
            outcomes.append((day, made[-1].status, made[-1].skip_reason))
        clock.advance(timedelta(days=1))
    queued_days = [day for day, status, _ in outcomes if status == "QUEUED"]
    assert queued_days == [0, 0, 1, 7, 7]  # two on Monday, one on Tuesday; next Monday again
    assert {reason for _, status, reason in outcomes if status == "SKIPPED"} == {"FREQUENCY_CAP"}


async def test_a_bad_send_policy_is_refused_whole(api: Api, tenant: TenantFixture) -> None:
    refused = await api(
        SETTINGS,
        {
            "input": {
                "maxPerDay": 5,
                "maxPerWeek": 2,
                "quietStart": "22:00",
                "limitedPurposes": ["lottery"],
            }
        },
        tenant.owner_token,
    )
    fields = {tuple(e["field"]) for e in refused["updateMessagingSettings"]["errors"]}
    assert fields == {("input", "maxPerWeek"), ("input", "quietEnd"), ("input", "limitedPurposes")}
    current = await api("{ messagingSettings { maxPerDay quietStart } }", None, tenant.owner_token)
    assert current["messagingSettings"] == {"maxPerDay": 2, "quietStart": "21:00"}


async def test_a_provider_base_url_inside_the_network_is_refused(
    api: Api, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from membership.settings import get_settings

    monkeypatch.setattr(get_settings(), "channels_allow_private_urls", False)
    for url in ("http://127.0.0.1:8080/", "http://10.0.0.5/sms", "http://localhost/", "ftp://x"):
        refused = await api(
            CONFIGURE,
            {"input": {"channel": "SMS", "provider": "fake_sms", "baseUrl": url}},
            tenant.owner_token,
        )
        assert refused["configureChannel"]["errors"][0]["field"] == ["input", "baseUrl"], url
    transport = ProviderTransport()
    from plugins.channels import HttpRequest

    blocked = await transport.exchange(
        tenant.ctx, HttpRequest("POST", "http://127.0.0.1:9/x", {}, b"{}")
    )
    assert blocked.response is None and "not a public address" in (blocked.error or "")
    await transport.close()


async def test_a_daily_template_quota_and_the_sms_balance_are_send_credits(
    api: Api, tenant: TenantFixture
) -> None:
    token = tenant.owner_token
    await api(
        SETTINGS, {"input": {"clearQuietHours": True, "maxPerDay": 20, "maxPerWeek": 50}}, token
    )
    for channel, extra in (("WECHAT_TEMPLATE", {"dailyQuota": 1}), ("SMS", {"creditBalance": 1})):
        configured = await api(
            CONFIGURE,
            {"input": {"channel": channel, "provider": f"fake_{channel.lower()}", **extra}},
            token,
        )
        assert configured["configureChannel"]["errors"] == []
    saved = await api(
        TEMPLATE,
        {
            "input": {
                "name": "notice",
                "title": "Notice",
                "purpose": "service",
                "content": {
                    "WECHAT_TEMPLATE": {
                        "templateCode": "T1",
                        "fields": {"thing1": "{{member.name}}"},
                    },
                    "SMS": {"templateCode": "S1", "fields": {"name": "{{member.name}}"}},
                },
            }
        },
        token,
    )
    assert saved["saveMessageTemplate"]["errors"] == []
    member = await member_with(api, tenant, consent=[])
    outcomes = []
    for _ in range(3):
        result = await send(api, tenant, member, template="notice")
        outcomes.append([(m["channel"], m["status"], m["skipReason"]) for m in result["messages"]])
    assert outcomes == [
        [("WECHAT_TEMPLATE", "QUEUED", None)],
        [("WECHAT_TEMPLATE", "SKIPPED", "QUOTA_EXCEEDED"), ("SMS", "QUEUED", None)],
        [("WECHAT_TEMPLATE", "SKIPPED", "QUOTA_EXCEEDED"), ("SMS", "SKIPPED", "NO_CREDIT")],
    ]
    listed = await api("{ channelConfigs { channel creditBalance } }", None, token)
    assert {"channel": "SMS", "creditBalance": 0} in listed["channelConfigs"]


async def test_a_merged_members_messages_count_toward_the_survivors_cap(
    api: Api, tenant: TenantFixture
) -> None:
    await recall_template(api, tenant)
    await api(SETTINGS, {"input": {"maxPerDay": 2, "clearQuietHours": True}}, tenant.owner_token)
    source = await member_with(api, tenant, consent=["SMS"])
    target = await member_with(api, tenant, consent=["SMS"])
    for member in (source, source, target):
        sent = await send(api, tenant, member, channels=["SMS"])
        assert sent["messages"][-1]["status"] == "QUEUED"
    merged = await api(
        """mutation($s: ID!, $t: ID!) { mergeMembers(input: {sourceId: $s, targetId: $t}) {
        errors { code } } }""",
        {"s": source, "t": target},
        tenant.secret_key,
    )
    assert merged["mergeMembers"]["errors"] == []
    capped = await send(api, tenant, target, channels=["SMS"])
    assert capped["messages"][-1]["skipReason"] == "FREQUENCY_CAP"


async def test_a_draft_is_previewed_for_a_member_before_it_is_saved(
    api: Api, tenant: TenantFixture
) -> None:
    member = await member_with(api, tenant, consent=[])
    previewed = await api(
        """query($member: ID!, $content: JSON) { previewMessage(memberId: $member,
        content: $content) { channel body problems } }""",
        {
            "member": member,
            "content": {
                "WECHAT_SUBSCRIBE": {
                    "templateCode": "TPL",
                    "fields": {"thing1": "{{member.points}} 积分", "thing2": "{{member.nick}}"},
                },
                "SMS": {"templateCode": "S", "text": "${n}好", "fields": {"n": "{{member.name}}"}},
            },
        },
        tenant.owner_token,
    )
    by_channel = {p["channel"]: p for p in previewed["previewMessage"]}
    assert by_channel["SMS"] == {"channel": "SMS", "body": "会员好", "problems": []}
    assert by_channel["WECHAT_SUBSCRIBE"]["problems"] == ["unknown variable member.nick"]
    assert "thing1: 0 积分" in by_channel["WECHAT_SUBSCRIBE"]["body"]
