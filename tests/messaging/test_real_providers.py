"""The send path through real provider adapters, against a local server that answers as WeChat
and Alibaba document: a subscribe message sent and its signed receipt applied, a refusal (43101)
falling back to SMS, an expired token renewed without a second message, throttling retried, a
daily quota refused; Alibaba's unsigned receipt push accepted only at the channel's secret URL."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from membership.clock import FrozenClock
from membership.messaging.delivery import deliver_due
from membership.messaging.models import Message
from membership.messaging.send import SendRequest, send_message
from membership.messaging.transport import ProviderTransport
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.channels.provider_server import (
    ALIYUN,
    EXTERNAL_USERIDS,
    OPENIDS,
    TEMPLATES,
    WECHAT,
    WECOM_CUSTOMER,
    ProviderServer,
    running_provider_server,
    wechat_push,
)
from tests.conftest import Api, TenantFixture

OPENID = sorted(OPENIDS)[0]
TEMPLATE_ID = sorted(TEMPLATES)[0]

CONFIGURE = """mutation($input: ConfigureChannelInput!) {
  configureChannel(input: $input) { config { receiptToken credentials }
    errors { code field message } } }"""
CREATE_MEMBER = """mutation($phone: String!, $name: String) {
  createMember(input: {phone: $phone, name: $name}) { member { id } errors { code } } }"""
BIND = (
    """mutation($input: BindIdentityInput!) { bindIdentity(input: $input) { errors { code } } }"""
)
CONSENT = (
    """mutation($input: RecordConsentInput!) { recordConsent(input: $input) { errors { code } } }"""
)
SUBSCRIBE = """mutation($input: RecordSubscriptionInput!) {
  recordSubscription(input: $input) { credits errors { code } } }"""
TEMPLATE = """mutation($input: SaveMessageTemplateInput!) {
  saveMessageTemplate(input: $input) { errors { code field message } } }"""
SETTINGS = """mutation($input: UpdateMessagingSettingsInput!) {
  updateMessagingSettings(input: $input) { errors { code } } }"""


@pytest.fixture
async def server() -> AsyncIterator[ProviderServer]:
    async with running_provider_server() as running:
        yield running


async def setup(api: Api, tenant: TenantFixture, server: ProviderServer) -> tuple[str, str]:
    """A tenant whose subscribe messages go to the local WeChat, with a member who subscribed
    and consented; returns the member and the channel's receipt token."""
    token = tenant.owner_token
    configured = await api(
        CONFIGURE,
        {
            "input": {
                "channel": "WECHAT_SUBSCRIBE",
                "provider": "wechat_subscribe",
                "credentials": WECHAT,
                "baseUrl": server.url("wechat"),
            }
        },
        token,
    )
    assert configured["configureChannel"]["errors"] == []
    hint = configured["configureChannel"]["config"]["credentials"]
    assert hint["appId"] == WECHAT["appId"] and WECHAT["appSecret"] not in json.dumps(hint)
    await api(
        SETTINGS, {"input": {"clearQuietHours": True, "maxPerDay": 50, "maxPerWeek": 100}}, token
    )
    saved = await api(
        TEMPLATE,
        {
            "input": {
                "name": "points",
                "title": "Points",
                "purpose": "marketing",
                "content": {
                    "WECHAT_SUBSCRIBE": {
                        "templateCode": TEMPLATE_ID,
                        "fields": {"thing1": "{{member.name}}", "number2": "{{member.points}}"},
                    },
                    "SMS": {"templateCode": "SMS_1", "fields": {"name": "{{member.name}}"}},
                },
            }
        },
        token,
    )
    assert saved["saveMessageTemplate"]["errors"] == []
    phone = f"1387{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone, "name": "张三"}, token)
    member: str = made["createMember"]["member"]["id"]
    await api(
        BIND,
        {
            "input": {
                "memberId": member,
                "provider": "WECHAT_OPENID",
                "appId": WECHAT["appId"],
                "subject": OPENID,
            }
        },
        token,
    )
    for channel in ("WECHAT_SUBSCRIBE", "SMS"):
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
            token,
        )
    await api(
        SUBSCRIBE,
        {
            "input": {
                "memberId": member,
                "templateCode": TEMPLATE_ID,
                "count": 5,
                "idempotencyKey": f"sub-{member}",
            }
        },
        token,
    )
    return member, configured["configureChannel"]["config"]["receiptToken"]


def context(tenant: TenantFixture) -> tuple[RequestContext, FrozenClock]:
    clock = FrozenClock(datetime.now(UTC))
    return RequestContext.system(tenant.info, clock=clock), clock


async def message(ctx: RequestContext, message_id: uuid.UUID) -> Message:
    async with tenant_tx(ctx):
        return await Message.get(id=message_id)


async def test_a_subscribe_message_is_sent_signed_and_its_receipt_marks_it_delivered(
    api: Api, tenant: TenantFixture, server: ProviderServer
) -> None:
    member, receipt_token = await setup(api, tenant, server)
    ctx, _ = context(tenant)
    (queued,) = await send_message(
        ctx, SendRequest(uuid.UUID(member), "points", "e2e-1", channels=["WECHAT_SUBSCRIBE"])
    )
    transport = ProviderTransport()
    assert await deliver_due(ctx, transport) == 1
    sent = await message(ctx, queued.id)
    assert sent.status == "SENT" and sent.provider_message_id
    (call,) = server.sends("wechat")
    assert call.json["touser"] == OPENID
    assert call.json["data"]["thing1"] == {"value": "张三"}

    xml = (
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA["
        f"{OPENID}]]></FromUserName><CreateTime>1767229200</CreateTime><MsgType><![CDATA[event]]>"
        "</MsgType><Event><![CDATA[subscribe_msg_sent_event]]></Event><SubscribeMsgSentEvent>"
        f"<List><TemplateId><![CDATA[{TEMPLATE_ID}]]></TemplateId><MsgID>"
        f"{sent.provider_message_id}</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]>"
        "</ErrorStatus></List></SubscribeMsgSentEvent></xml>"
    )
    url = f"/channels/receipts/{tenant.info.slug}/WECHAT_SUBSCRIBE/{receipt_token}"
    forged = wechat_push(xml, token="notTheToken")
    refused = await api.client.post(url + "?" + forged.url.split("?", 1)[1], content=forged.body)
    assert refused.status_code == 400
    assert (await message(ctx, queued.id)).status == "SENT"

    push = wechat_push(xml)
    wrong_url = await api.client.post(
        f"/channels/receipts/{tenant.info.slug}/WECHAT_SUBSCRIBE/guess?"
        + push.url.split("?", 1)[1],
        content=push.body,
    )
    assert wrong_url.status_code == 404
    answered = await api.client.post(url + "?" + push.url.split("?", 1)[1], content=push.body)
    assert (answered.status_code, answered.text) == (200, "success")
    delivered = await message(ctx, queued.id)
    assert delivered.status == "DELIVERED"

    echo = wechat_push("")
    check = await api.client.get(url + "?" + echo.url.split("?", 1)[1] + "&echostr=abc123")
    assert (check.status_code, check.text) == (200, "abc123")
    await transport.close()


async def test_a_refused_subscribe_message_falls_back_to_sms(
    api: Api, tenant: TenantFixture, server: ProviderServer
) -> None:
    member, _ = await setup(api, tenant, server)
    ctx, _ = context(tenant)
    server.fail_next("wechat", "43101")
    coupon = uuid.uuid4()  # what the message is about travels to the channel tried next
    (queued,) = await send_message(
        ctx, SendRequest(uuid.UUID(member), "points", "e2e-2", coupon_id=coupon)
    )
    transport = ProviderTransport()
    await deliver_due(ctx, transport)
    refused = await message(ctx, queued.id)
    assert (refused.status, refused.skip_reason) == ("FAILED", "NO_CREDIT")
    async with tenant_tx(ctx):
        rows = await Message.filter(cause="e2e-2").order_by("created_at")
    assert [(m.channel, m.status) for m in rows] == [
        ("WECHAT_SUBSCRIBE", "FAILED"),
        ("SMS", "SENT"),  # the fake SMS provider, due at once, sent in the same pass
    ]
    assert rows[1].content["couponId"] == str(coupon)
    await transport.close()


async def test_an_expired_token_is_renewed_and_throttling_is_retried_without_a_second_send(
    api: Api, tenant: TenantFixture, server: ProviderServer
) -> None:
    member, _ = await setup(api, tenant, server)
    ctx, clock = context(tenant)
    transport = ProviderTransport()
    (first,) = await send_message(
        ctx, SendRequest(uuid.UUID(member), "points", "e2e-3", channels=["WECHAT_SUBSCRIBE"])
    )
    await deliver_due(ctx, transport)
    server.expire_tokens()
    (second,) = await send_message(
        ctx, SendRequest(uuid.UUID(member), "points", "e2e-4", channels=["WECHAT_SUBSCRIBE"])
    )
    await deliver_due(ctx, transport)
    assert (await message(ctx, second.id)).status == "SENT"

    server.fail_next("wechat", "-1")
    (third,) = await send_message(
        ctx, SendRequest(uuid.UUID(member), "points", "e2e-5", channels=["WECHAT_SUBSCRIBE"])
    )
    await deliver_due(ctx, transport)
    waiting = await message(ctx, third.id)
    assert (waiting.status, waiting.attempts) == ("QUEUED", 1)
    clock.advance(timedelta(seconds=6))
    await deliver_due(ctx, transport)
    assert (await message(ctx, third.id)).status == "SENT"
    # first, second (after one refusal for the token), third twice: one accepted send each
    accepted = [r for r in server.sends("wechat") if r.path.endswith("/send")]
    assert len(accepted) == 5
    assert (await message(ctx, first.id)).attempts == 1
    await transport.close()


async def test_a_daily_quota_is_a_refusal_not_a_retry(
    api: Api, tenant: TenantFixture, server: ProviderServer
) -> None:
    member, _ = await setup(api, tenant, server)
    ctx, _ = context(tenant)
    server.fail_next("wechat", "45009")
    (queued,) = await send_message(
        ctx, SendRequest(uuid.UUID(member), "points", "e2e-6", channels=["WECHAT_SUBSCRIBE"])
    )
    transport = ProviderTransport()
    await deliver_due(ctx, transport)
    refused = await message(ctx, queued.id)
    assert (refused.status, refused.skip_reason, refused.attempts) == (
        "FAILED",
        "QUOTA_EXCEEDED",
        1,
    )
    await transport.close()


async def test_alibabas_receipt_push_is_taken_only_at_the_channels_secret_url(
    api: Api, tenant: TenantFixture, server: ProviderServer
) -> None:
    configured = await api(
        CONFIGURE,
        {
            "input": {
                "channel": "SMS",
                "provider": "aliyun_sms",
                "credentials": ALIYUN,
                "baseUrl": server.url("aliyun"),
            }
        },
        tenant.owner_token,
    )
    receipt_token = configured["configureChannel"]["config"]["receiptToken"]
    await api(SETTINGS, {"input": {"clearQuietHours": True}}, tenant.owner_token)
    await api(
        TEMPLATE,
        {
            "input": {
                "name": "sms",
                "title": "SMS",
                "purpose": "service",
                "content": {
                    "SMS": {"templateCode": "SMS_465960123", "fields": {"name": "{{member.name}}"}}
                },
            }
        },
        tenant.owner_token,
    )
    made = await api(CREATE_MEMBER, {"phone": "13800138000", "name": "李四"}, tenant.owner_token)
    member = made["createMember"]["member"]["id"]
    ctx, _ = context(tenant)
    (queued,) = await send_message(ctx, SendRequest(uuid.UUID(member), "sms", "ali-1"))
    transport = ProviderTransport()
    await deliver_due(ctx, transport)
    sent = await message(ctx, queued.id)
    assert sent.status == "SENT", sent.detail
    report = [
        {
            "phone_number": "13800138000",
            "send_time": "2026-12-06 12:00:00",
            "report_time": "2026-12-06 12:00:05",
            "success": False,
            "err_code": "DELIVRD_FAIL",
            "err_msg": "用户停机",
            "sms_size": "1",
            "biz_id": sent.provider_message_id,
            "out_id": str(sent.id),
        }
    ]
    url = f"/channels/receipts/{tenant.info.slug}/SMS/"
    guessed = await api.client.post(url + hashlib.sha1(b"x").hexdigest(), json=report)
    assert guessed.status_code == 404
    answered = await api.client.post(url + receipt_token, json=report)
    assert answered.status_code == 200 and answered.json() == {"code": 0, "msg": "成功"}
    failed = await message(ctx, queued.id)
    assert (failed.status, failed.skip_reason) == ("FAILED", "UNDELIVERED")
    await transport.close()


STAFF_WECOM = """mutation($id: ID!, $userid: String) {
  setStaffWecomUserId(id: $id, wecomUserId: $userid) { staff { wecomUserId }
    errors { code field } } }"""
CREATE_STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { staff { id } errors { code } } }"""


async def test_a_wecom_task_goes_to_the_members_account_manager_to_confirm(
    api: Api, tenant: TenantFixture, server: ProviderServer
) -> None:
    token = tenant.owner_token
    staff = []
    for name in ("zhangsan", "lisi"):
        made = await api(
            CREATE_STAFF,
            {
                "input": {
                    "email": f"{name}@{tenant.info.slug}.example.com",
                    "password": "staff-pass-123",
                    "role": "clerk",
                }
            },
            token,
        )
        staff.append(made["createStaff"]["staff"]["id"])
    await api(STAFF_WECOM, {"id": staff[0], "userid": "zhangsan"}, token)
    taken = await api(STAFF_WECOM, {"id": staff[1], "userid": "zhangsan"}, token)
    assert taken["setStaffWecomUserId"]["errors"] == [
        {"code": "DUPLICATE", "field": ["wecomUserId"]}
    ]
    configured = await api(
        CONFIGURE,
        {
            "input": {
                "channel": "WECOM",
                "provider": "wecom_customer",
                "credentials": WECOM_CUSTOMER,
                "baseUrl": server.url("wecom"),
            }
        },
        token,
    )
    assert configured["configureChannel"]["errors"] == []
    await api(SETTINGS, {"input": {"clearQuietHours": True}}, token)
    await api(
        TEMPLATE,
        {
            "input": {
                "name": "care",
                "title": "Care",
                "purpose": "service",
                "content": {"WECOM": {"text": "{{member.name}}，您的积分 {{member.points}}"}},
            }
        },
        token,
    )
    made = await api(
        """mutation($phone: String!, $manager: ID) { createMember(input: {phone: $phone,
        name: "赵六", accountManagerId: $manager}) { member { id } errors { code } } }""",
        {"phone": f"1385{uuid.uuid4().int % 10_000_000:07d}", "manager": staff[0]},
        token,
    )
    member = made["createMember"]["member"]["id"]
    orphan = (
        await api(CREATE_MEMBER, {"phone": f"1384{uuid.uuid4().int % 10_000_000:07d}"}, token)
    )["createMember"]["member"]["id"]
    for who in (member, orphan):
        await api(
            BIND,
            {
                "input": {
                    "memberId": who,
                    "provider": "WECOM_EXTERNAL_USERID",
                    "appId": WECOM_CUSTOMER["corpId"],
                    "subject": sorted(EXTERNAL_USERIDS)[0] if who == member else "wm-orphan",
                }
            },
            token,
        )
    ctx, _ = context(tenant)
    (queued,) = await send_message(ctx, SendRequest(uuid.UUID(member), "care", "wecom-1"))
    (held,) = await send_message(ctx, SendRequest(uuid.UUID(orphan), "care", "wecom-2"))
    assert (held.status, held.skip_reason) == ("SKIPPED", "NO_RECIPIENT")
    transport = ProviderTransport()
    await deliver_due(ctx, transport)
    sent = await message(ctx, queued.id)
    assert sent.status == "SENT" and "confirm" in (sent.detail or "")
    (task,) = server.sends("wecom")
    assert task.json["sender"] == "zhangsan"
    assert task.json["text"]["content"] == "赵六，您的积分 0"
    await transport.close()
