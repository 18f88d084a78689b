"""WeCom: the customer-contact mass-message task and the application message to staff, sent over
HTTP to a server that checks the corp's token as WeCom does, with WeCom's errcodes and limits."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from plugins.builtin.providers.wecom import WeComApp, WeComCustomer
from plugins.channels import (
    Channel,
    ChannelProvider,
    HttpRequest,
    HttpResponse,
    OutgoingMessage,
    ProviderFailure,
    SendOutcome,
    SendResult,
)
from tests.channels.provider_server import (
    WECOM_APP,
    WECOM_CUSTOMER,
    ProviderServer,
    exchange,
    running_provider_server,
)

CUSTOMER, APP = WeComCustomer(), WeComApp()
EXTERNAL_USERID = "wmqfasd1e19278asdasdasdasdasdasd"


@pytest.fixture
async def server() -> AsyncIterator[ProviderServer]:
    async with running_provider_server() as running:
        yield running


def to_customer(
    text: str = "您的积分已到账：1200 分。", recipient: str = EXTERNAL_USERID
) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=f"msg_{uuid.uuid4().hex[:12]}",
        channel=Channel.WECOM,
        recipient=recipient,
        text=text,
        sender="zhangsan",
    )


def to_staff(
    text: str = "会员张三的积分异常，请核对。", recipient: str = "lisi"
) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=f"msg_{uuid.uuid4().hex[:12]}",
        channel=Channel.WECOM,
        recipient=recipient,
        text=text,
    )


async def token(
    server: ProviderServer, provider: ChannelProvider, credentials: dict[str, str]
) -> str:
    asked = provider.access_token_request(credentials, base_url=server.url("wecom"))
    assert asked is not None
    return provider.read_access_token(await exchange(asked)).value


def build(
    provider: ChannelProvider,
    credentials: dict[str, str],
    outgoing: OutgoingMessage,
    access_token: str | None,
    base_url: str = "https://qyapi.weixin.qq.com",
) -> HttpRequest:
    return provider.send_request(
        credentials,
        outgoing,
        base_url=base_url,
        access_token=access_token,
        now=datetime.now(UTC),
        nonce="n",
    )


async def send_to_customer(
    server: ProviderServer, outgoing: OutgoingMessage | None = None, access_token: str | None = None
) -> SendResult:
    access_token = access_token or await token(server, CUSTOMER, WECOM_CUSTOMER)
    request = build(
        CUSTOMER, WECOM_CUSTOMER, outgoing or to_customer(), access_token, server.url("wecom")
    )
    return CUSTOMER.read_send_response(await exchange(request))


async def send_to_staff(
    server: ProviderServer, outgoing: OutgoingMessage | None = None
) -> SendResult:
    access_token = await token(server, APP, WECOM_APP)
    request = build(APP, WECOM_APP, outgoing or to_staff(), access_token, server.url("wecom"))
    return APP.read_send_response(await exchange(request))


async def test_a_customer_task_is_created_and_waits_for_the_staff_member(
    server: ProviderServer,
) -> None:
    result = await send_to_customer(server)
    assert result.outcome is SendOutcome.SENT
    assert result.provider_message_id and result.provider_message_id.startswith("msg")
    assert result.detail and "confirm" in result.detail
    assert server.sends("wecom")[0].json == {
        "chat_type": "single",
        "external_userid": [EXTERNAL_USERID],
        "sender": "zhangsan",
        "text": {"content": "您的积分已到账：1200 分。"},
    }


async def test_a_customer_wecom_cannot_reach_is_an_invalid_recipient(
    server: ProviderServer,
) -> None:
    result = await send_to_customer(
        server, to_customer(recipient="wmUnknownCustomer000000000000000")
    )
    assert (result.outcome, result.reason, result.code) == (
        SendOutcome.REJECTED,
        "INVALID_RECIPIENT",
        "fail_list",
    )


async def test_a_customer_task_takes_4000_bytes_of_text(server: ProviderServer) -> None:
    fits = "积" * 1333  # 3999 bytes
    assert (await send_to_customer(server, to_customer(fits))).outcome is SendOutcome.SENT
    with pytest.raises(ProviderFailure) as failure:
        build(CUSTOMER, WECOM_CUSTOMER, to_customer(fits + "分"), "token")
    assert failure.value.reason == "FIELD_TOO_LONG"


def test_a_customer_task_needs_the_staff_member() -> None:
    without_sender = OutgoingMessage("m", Channel.WECOM, EXTERNAL_USERID, text="hi")
    with pytest.raises(ProviderFailure):
        build(CUSTOMER, WECOM_CUSTOMER, without_sender, "token")


async def test_a_staff_message_is_sent(server: ProviderServer) -> None:
    result = await send_to_staff(server)
    assert result.outcome is SendOutcome.SENT
    assert result.provider_message_id
    assert server.sends("wecom")[0].json == {
        "touser": "lisi",
        "msgtype": "text",
        "agentid": 1000002,
        "text": {"content": "会员张三的积分异常，请核对。"},
    }


async def test_a_staff_member_wecom_does_not_know_is_an_invalid_recipient(
    server: ProviderServer,
) -> None:
    result = await send_to_staff(server, to_staff(recipient="nobody"))
    assert (result.outcome, result.reason, result.code) == (
        SendOutcome.REJECTED,
        "INVALID_RECIPIENT",
        "81013",
    )


def test_an_invalid_user_in_an_accepted_answer_is_an_invalid_recipient() -> None:
    answer = b'{"errcode":0,"errmsg":"ok","invaliduser":"nobody","msgid":"x"}'
    result = APP.read_send_response(HttpResponse(200, {}, answer))
    assert (result.outcome, result.reason, result.code) == (
        SendOutcome.REJECTED,
        "INVALID_RECIPIENT",
        "invaliduser",
    )


def test_a_staff_message_takes_2048_bytes_of_text() -> None:
    assert APP.max_text_chars == 2048
    build(APP, WECOM_APP, to_staff("a" * 2048), "token")
    with pytest.raises(ProviderFailure) as failure:
        build(APP, WECOM_APP, to_staff("积" * 683), "token")  # 2049 bytes
    assert failure.value.reason == "FIELD_TOO_LONG"


@pytest.mark.parametrize(
    ("credentials", "code"),
    [
        ({**WECOM_CUSTOMER, "corpSecret": "x" * 43}, "40001"),
        ({**WECOM_CUSTOMER, "corpId": "ww0000000000000000"}, "40013"),
    ],
)
async def test_wrong_corp_credentials_are_refused(
    server: ProviderServer, credentials: dict[str, str], code: str
) -> None:
    with pytest.raises(ProviderFailure) as failure:
        await token(server, CUSTOMER, credentials)
    assert (failure.value.reason, failure.value.code) == ("INVALID_CREDENTIALS", code)


async def test_an_expired_token_asks_for_a_fresh_one(server: ProviderServer) -> None:
    old = await token(server, CUSTOMER, WECOM_CUSTOMER)
    server.expire_tokens()
    result = await send_to_customer(server, access_token=old)
    assert (result.outcome, result.token_expired, result.code) == (SendOutcome.RETRY, True, "42001")
    assert (await send_to_customer(server)).outcome is SendOutcome.SENT


async def test_an_unknown_token_asks_for_a_fresh_one(server: ProviderServer) -> None:
    result = await send_to_customer(server, access_token="not-a-token")
    assert (result.outcome, result.token_expired, result.code) == (SendOutcome.RETRY, True, "40014")


@pytest.mark.parametrize(
    ("errcode", "outcome", "reason"),
    [
        ("45009", SendOutcome.REJECTED, "QUOTA_EXCEEDED"),
        ("45033", SendOutcome.RETRY, "THROTTLED"),
        ("-1", SendOutcome.RETRY, "THROTTLED"),
        ("41001", SendOutcome.REJECTED, "INVALID_CREDENTIALS"),
        ("40013", SendOutcome.REJECTED, "INVALID_CREDENTIALS"),
    ],
)
async def test_each_documented_errcode_is_mapped(
    server: ProviderServer, errcode: str, outcome: SendOutcome, reason: str
) -> None:
    access_token = await token(server, CUSTOMER, WECOM_CUSTOMER)
    server.fail_next("wecom", errcode)
    result = await send_to_customer(server, access_token=access_token)
    assert (result.outcome, result.reason, result.code, result.token_expired) == (
        outcome,
        reason,
        errcode,
        False,
    )


def test_credentials_in_wecoms_format_pass() -> None:
    assert CUSTOMER.check_credentials(WECOM_CUSTOMER) == []
    assert APP.check_credentials(WECOM_APP) == []
    assert CUSTOMER.check_credentials({**WECOM_CUSTOMER, "corpId": "wx1a2b3c4d5e6f7a8b"}) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("corpId", "wa1a2b3c4d5e6f7a8b"),
        ("corpId", "ww1a2b3c4d5e6f7a8"),
        ("corpSecret", "x" * 42),
        ("corpSecret", "x" * 42 + "!"),
        ("agentId", "agent1"),
    ],
)
def test_credentials_out_of_format_are_named(name: str, value: str) -> None:
    problems = APP.check_credentials({**WECOM_APP, name: value})
    assert [p.field for p in problems] == [name]


def test_the_customer_task_has_no_agent_id() -> None:
    problems = CUSTOMER.check_credentials(WECOM_APP)
    assert [p.field for p in problems] == ["agentId"]
