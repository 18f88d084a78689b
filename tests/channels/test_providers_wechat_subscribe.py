"""WeChat mini-program subscribe messages: the send over HTTP to a server that checks the token as
WeChat does, the keyword rules by type, and the signed ``subscribe_msg_sent_event`` push."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from plugins.builtin.providers.wechat_subscribe import WeChatSubscribe
from plugins.channels import (
    Channel,
    HttpRequest,
    OutgoingMessage,
    ProviderFailure,
    SendOutcome,
    SendResult,
)
from tests.channels.provider_server import (
    WECHAT,
    ProviderServer,
    exchange,
    running_provider_server,
    wechat_push,
)

PROVIDER = WeChatSubscribe()
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
TEMPLATE = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"


@pytest.fixture
async def server() -> AsyncIterator[ProviderServer]:
    async with running_provider_server() as running:
        yield running


def message(fields: dict[str, str] | None = None) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=f"msg_{uuid.uuid4().hex[:12]}",
        channel=Channel.WECHAT_SUBSCRIBE,
        recipient=OPENID,
        template_code=TEMPLATE,
        fields=fields or {"thing1": "积分到账", "number2": "1200", "date3": "2026年1月1日"},
        link="pages/points/index?from=message",
    )


async def send(
    server: ProviderServer,
    outgoing: OutgoingMessage | None = None,
    credentials: dict[str, str] = WECHAT,
) -> SendResult:
    asked = PROVIDER.access_token_request(credentials, base_url=server.url("wechat"))
    assert asked is not None
    token = PROVIDER.read_access_token(await exchange(asked))
    request = PROVIDER.send_request(
        credentials,
        outgoing or message(),
        base_url=server.url("wechat"),
        access_token=token.value,
        now=datetime.now(UTC),
        nonce="n",
    )
    return PROVIDER.read_send_response(await exchange(request))


async def test_a_send_is_accepted_and_carries_the_message(server: ProviderServer) -> None:
    result = await send(server)
    assert result.outcome is SendOutcome.SENT
    assert result.provider_message_id and result.provider_message_id.isdecimal()
    body = server.sends("wechat")[0].json
    assert body == {
        "touser": OPENID,
        "template_id": TEMPLATE,
        "data": {
            "thing1": {"value": "积分到账"},
            "number2": {"value": "1200"},
            "date3": {"value": "2026年1月1日"},
        },
        "miniprogram_state": "formal",
        "lang": "zh_CN",
        "page": "pages/points/index?from=message",
    }


async def test_a_trial_build_can_be_opened(server: ProviderServer) -> None:
    await send(server, credentials={**WECHAT, "miniprogramState": "trial"})
    assert server.sends("wechat")[0].json["miniprogram_state"] == "trial"


async def test_a_member_without_a_subscription_is_no_credit(server: ProviderServer) -> None:
    server.fail_next("wechat", "43101")
    result = await send(server)
    assert (result.outcome, result.reason, result.code) == (
        SendOutcome.REJECTED,
        "NO_CREDIT",
        "43101",
    )


async def test_a_thing_of_21_characters_is_refused_by_wechat(server: ProviderServer) -> None:
    result = await send(server, message({"thing1": "a" * 21}))
    assert (result.outcome, result.reason, result.code) == (
        SendOutcome.REJECTED,
        "FIELD_TOO_LONG",
        "47003",
    )
    assert (await send(server, message({"thing1": "a" * 20}))).outcome is SendOutcome.SENT


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("thing1", "会" * 20, True),
        ("thing1", "会" * 21, False),
        ("number2", "1200.50", True),
        ("number2", "12a", False),
        ("number2", "1" * 33, False),
        ("letter3", "ABCxyz", True),
        ("letter3", "abc1", False),
        ("symbol4", "%$#", True),
        ("symbol4", "%%%%%%", False),
        ("character_string5", "NO.2026-0001_A", True),
        ("character_string5", "订单1", False),
        ("time6", "15:01", True),
        ("time6", "2019年10月1日 15:01", True),
        ("time6", "15:01~16:30", True),
        ("time6", "下午三点", False),
        ("date7", "2019年10月1日", True),
        ("date7", "2026-01-01 09:00", True),
        ("date7", "2026年1月1日~2026年1月7日", True),
        ("date7", "明天", False),
        ("amount8", "¥12.50", True),
        ("amount8", "100元", True),
        ("amount8", "12345678901", False),
        ("phone_number9", "+86-0766-66888866", True),
        ("phone_number9", "+86-0766-668888661", False),
        ("car_number10", "粤A8Z888挂", True),
        ("car_number10", "粤A8Z8888挂", False),
        ("name11", "张三", True),
        ("name11", "欧阳" * 5 + "娜", False),  # 11 with Chinese
        ("name11", "Alexandra Johnson", True),
        ("name11", "a" * 21, False),
        ("phrase12", "配送中", True),
        ("phrase12", "正在配送中啊", False),
        ("phrase12", "abc", False),
    ],
)
def test_each_keyword_type_has_wechats_rule(field: str, value: str, ok: bool) -> None:
    rule = PROVIDER.field_rule(field)
    assert rule is not None
    fits = len(value) <= rule.max_chars and (
        rule.pattern is None or re.fullmatch(rule.pattern, value) is not None
    )
    assert fits is ok, rule.description


def test_types_without_a_rule_have_none() -> None:
    assert PROVIDER.field_rule("enum1") is None
    assert PROVIDER.field_rule("const2") is None


def sent_event(*items: tuple[str, int, str]) -> str:
    lists = "".join(
        f"<List><TemplateId><![CDATA[{TEMPLATE}]]></TemplateId><MsgID>{msgid}</MsgID>"
        f"<ErrorCode>{code}</ErrorCode><ErrorStatus><![CDATA[{status}]]></ErrorStatus></List>"
        for msgid, code, status in items
    )
    return (
        "<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName><CreateTime>1767229200</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_sent_event]]></Event>"
        f"<SubscribeMsgSentEvent>{lists}</SubscribeMsgSentEvent></xml>"
    )


def test_a_signed_sent_event_lists_a_receipt_per_message() -> None:
    push = sent_event(("1864323726461255680", 0, "success"), ("1864323726461255681", 20001, "fail"))
    delivered, failed = PROVIDER.read_receipts(wechat_push(push), WECHAT)
    assert (delivered.provider_message_id, delivered.delivered, delivered.code) == (
        "1864323726461255680",
        True,
        "0",
    )
    assert delivered.at == datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
    assert (failed.provider_message_id, failed.delivered, failed.code, failed.detail) == (
        "1864323726461255681",
        False,
        "20001",
        "fail",
    )


def test_a_single_message_event_is_one_receipt() -> None:
    (receipt,) = PROVIDER.read_receipts(wechat_push(sent_event(("42", 0, "success"))), WECHAT)
    assert (receipt.provider_message_id, receipt.delivered) == ("42", True)


def test_a_json_push_is_read_like_xml() -> None:
    push = json.dumps(
        {
            "ToUserName": "gh_123456789abc",
            "FromUserName": OPENID,
            "CreateTime": 1767229200,
            "MsgType": "event",
            "Event": "subscribe_msg_sent_event",
            "SubscribeMsgSentEvent": {
                "List": {
                    "TemplateId": TEMPLATE,
                    "MsgID": "1864323726461255680",
                    "ErrorCode": "0",
                    "ErrorStatus": "success",
                }
            },
        }
    )
    (receipt,) = PROVIDER.read_receipts(wechat_push(push), WECHAT)
    assert (receipt.provider_message_id, receipt.delivered) == ("1864323726461255680", True)
    assert receipt.at == datetime(2026, 1, 1, 1, 0, tzinfo=UTC)


def test_a_push_signed_with_another_token_is_refused() -> None:
    push = wechat_push(sent_event(("42", 0, "success")), token="notTheServerToken")
    with pytest.raises(ProviderFailure) as failure:
        PROVIDER.read_receipts(push, WECHAT)
    assert failure.value.reason == "INVALID_CREDENTIALS"


def test_an_encrypted_push_is_refused_with_what_to_change() -> None:
    push = wechat_push("<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>")
    encrypted = HttpRequest(push.method, push.url + "&encrypt_type=aes", push.headers, push.body)
    with pytest.raises(ProviderFailure) as failure:
        PROVIDER.read_receipts(encrypted, WECHAT)
    assert "plaintext" in failure.value.detail


def test_a_template_finished_event_is_not_a_subscribe_receipt() -> None:
    other = (
        "<xml><CreateTime>1767229200</CreateTime><MsgType>event</MsgType>"
        "<Event>TEMPLATESENDJOBFINISH</Event><MsgID>1</MsgID><Status>success</Status></xml>"
    )
    assert PROVIDER.read_receipts(wechat_push(other), WECHAT) == ()


def test_the_build_credential_is_one_of_wechats_three() -> None:
    assert PROVIDER.check_credentials({**WECHAT, "miniprogramState": "developer"}) == []
    problems = PROVIDER.check_credentials({**WECHAT, "miniprogramState": "beta"})
    assert [p.field for p in problems] == ["miniprogramState"]
