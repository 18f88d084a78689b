"""WeChat official-account template messages: the token, the send over HTTP to a server that
checks the token as WeChat does, every documented errcode, the field rules, and the signed
``TEMPLATESENDJOBFINISH`` push."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from plugins.builtin.providers.wechat_template import WeChatTemplate
from plugins.channels import (
    AccessToken,
    Channel,
    FieldRule,
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

PROVIDER = WeChatTemplate()
OPENID = "oZx3v5gH1kLmN2pQ7rS9tU4wYbC8"
TEMPLATE = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"


@pytest.fixture
async def server() -> AsyncIterator[ProviderServer]:
    async with running_provider_server() as running:
        yield running


def message(fields: dict[str, str] | None = None, recipient: str = OPENID) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=f"msg_{uuid.uuid4().hex[:12]}",
        channel=Channel.WECHAT_TEMPLATE,
        recipient=recipient,
        template_code=TEMPLATE,
        fields=fields or {"thing01": "会员积分到账", "amount02": "¥12.50"},
        link="https://members.example.com/points",
    )


async def token(server: ProviderServer, credentials: dict[str, str] = WECHAT) -> AccessToken:
    asked = PROVIDER.access_token_request(credentials, base_url=server.url("wechat"))
    assert asked is not None
    return PROVIDER.read_access_token(await exchange(asked))


async def send(
    server: ProviderServer, access_token: str, outgoing: OutgoingMessage | None = None
) -> SendResult:
    request = PROVIDER.send_request(
        WECHAT,
        outgoing or message(),
        base_url=server.url("wechat"),
        access_token=access_token,
        now=datetime.now(UTC),
        nonce="n",
    )
    return PROVIDER.read_send_response(await exchange(request))


def fits(rule: FieldRule | None, value: str) -> bool:
    assert rule is not None
    return len(value) <= rule.max_chars and (
        rule.pattern is None or re.fullmatch(rule.pattern, value) is not None
    )


async def test_the_token_is_obtained_with_the_app_credentials(server: ProviderServer) -> None:
    got = await token(server)
    assert got.expires_in == 7200
    assert got.value in server.tokens


@pytest.mark.parametrize(
    ("credentials", "code"),
    [
        ({**WECHAT, "appSecret": "0" * 32}, "40125"),
        ({**WECHAT, "appId": "wx0000000000000000"}, "40013"),
    ],
)
async def test_wrong_app_credentials_are_refused(
    server: ProviderServer, credentials: dict[str, str], code: str
) -> None:
    with pytest.raises(ProviderFailure) as failure:
        await token(server, credentials)
    assert (failure.value.reason, failure.value.code) == ("INVALID_CREDENTIALS", code)


async def test_a_send_is_accepted_and_carries_the_message(server: ProviderServer) -> None:
    outgoing = message()
    result = await send(server, (await token(server)).value, outgoing)
    assert result.outcome is SendOutcome.SENT
    assert result.provider_message_id and result.provider_message_id.isdecimal()
    body = server.sends("wechat")[0].json
    assert body == {
        "touser": OPENID,
        "template_id": TEMPLATE,
        "data": {"thing01": {"value": "会员积分到账"}, "amount02": {"value": "¥12.50"}},
        "client_msg_id": outgoing.message_id,
        "url": "https://members.example.com/points",
    }


async def test_an_unknown_token_asks_for_a_fresh_one(server: ProviderServer) -> None:
    result = await send(server, "78_not-a-token")
    assert (result.outcome, result.token_expired, result.code) == (SendOutcome.RETRY, True, "40001")


async def test_an_expired_token_asks_for_a_fresh_one_which_then_sends(
    server: ProviderServer,
) -> None:
    old = (await token(server)).value
    server.expire_tokens()
    expired = await send(server, old)
    assert (expired.outcome, expired.token_expired, expired.code) == (
        SendOutcome.RETRY,
        True,
        "42001",
    )
    assert (await send(server, (await token(server)).value)).outcome is SendOutcome.SENT


@pytest.mark.parametrize(
    ("errcode", "outcome", "reason", "retry_after"),
    [
        ("43101", SendOutcome.REJECTED, "NO_CREDIT", None),
        ("45009", SendOutcome.REJECTED, "QUOTA_EXCEEDED", None),
        ("47003", SendOutcome.REJECTED, "FIELD_TOO_LONG", None),
        ("-1", SendOutcome.RETRY, "THROTTLED", None),
        ("45011", SendOutcome.RETRY, "THROTTLED", 60.0),
        ("40003", SendOutcome.REJECTED, "INVALID_RECIPIENT", None),
        ("40037", SendOutcome.REJECTED, "PROVIDER_ERROR", None),
    ],
)
async def test_each_documented_errcode_is_mapped(
    server: ProviderServer,
    errcode: str,
    outcome: SendOutcome,
    reason: str,
    retry_after: float | None,
) -> None:
    access_token = (await token(server)).value
    server.fail_next("wechat", errcode)
    result = await send(server, access_token)
    assert (result.outcome, result.reason, result.code, result.retry_after) == (
        outcome,
        reason,
        errcode,
        retry_after,
    )
    assert result.token_expired is False
    assert result.detail


async def test_an_openid_wechat_does_not_know_is_an_invalid_recipient(
    server: ProviderServer,
) -> None:
    result = await send(server, (await token(server)).value, message(recipient="o" * 28))
    assert (result.reason, result.code) == ("INVALID_RECIPIENT", "40003")


async def test_a_thing_of_21_characters_is_refused_by_the_rule_and_by_wechat(
    server: ProviderServer,
) -> None:
    rule = PROVIDER.field_rule("thing01")
    assert fits(rule, "会" * 20)
    assert not fits(rule, "会" * 21)
    result = await send(server, (await token(server)).value, message({"thing01": "会" * 21}))
    assert (result.reason, result.code) == ("FIELD_TOO_LONG", "47003")


def test_legacy_keywords_take_20_characters_and_first_and_remark_no_rule() -> None:
    assert fits(PROVIDER.field_rule("keyword1"), "x" * 20)
    assert not fits(PROVIDER.field_rule("keyword1"), "x" * 21)
    assert PROVIDER.field_rule("first") is None
    assert PROVIDER.field_rule("remark") is None


def test_sending_without_a_token_is_refused() -> None:
    with pytest.raises(ProviderFailure):
        PROVIDER.send_request(
            WECHAT,
            message(),
            base_url=PROVIDER.default_base_url,
            access_token=None,
            now=datetime.now(UTC),
            nonce="n",
        )


def finished(status: str) -> str:
    return (
        "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        "<CreateTime>1767229200</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID>"
        f"<Status><![CDATA[{status}]]></Status></xml>"
    )


@pytest.mark.parametrize(
    ("status", "delivered", "code"),
    [
        ("success", True, None),
        ("failed:user block", False, "user block"),
        ("failed: system failed", False, "system failed"),
    ],
)
def test_a_signed_job_finished_push_is_a_receipt(
    status: str, delivered: bool, code: str | None
) -> None:
    (receipt,) = PROVIDER.read_receipts(wechat_push(finished(status)), WECHAT)
    assert receipt.provider_message_id == "200163836"
    assert (receipt.delivered, receipt.code, receipt.detail) == (delivered, code, status)
    assert receipt.at == datetime(2026, 1, 1, 1, 0, tzinfo=UTC)


def test_a_push_signed_with_another_token_is_refused() -> None:
    with pytest.raises(ProviderFailure) as failure:
        PROVIDER.read_receipts(wechat_push(finished("success"), token="someoneElse"), WECHAT)
    assert failure.value.reason == "INVALID_CREDENTIALS"


def test_a_push_without_a_signature_is_refused() -> None:
    unsigned = HttpRequest("POST", "https://members.example.com/receipts/wechat", {}, b"<xml/>")
    with pytest.raises(ProviderFailure):
        PROVIDER.read_receipts(unsigned, WECHAT)


def test_a_push_cannot_be_verified_without_the_server_token() -> None:
    without = {k: v for k, v in WECHAT.items() if k != "token"}
    with pytest.raises(ProviderFailure):
        PROVIDER.read_receipts(wechat_push(finished("success")), without)


def test_other_events_carry_no_receipt() -> None:
    follow = (
        "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName><CreateTime>1767229200</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    )
    assert PROVIDER.read_receipts(wechat_push(follow), WECHAT) == ()


def test_a_push_declaring_entities_is_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Event>&a;</Event></xml>'
    with pytest.raises(ProviderFailure):
        PROVIDER.read_receipts(wechat_push(bomb), WECHAT)


def test_credentials_in_wechats_format_pass() -> None:
    assert PROVIDER.check_credentials(WECHAT) == []
    assert PROVIDER.check_credentials({k: v for k, v in WECHAT.items() if k != "token"}) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("appId", "wx8a3f2c1d4e5b6a7"),  # 15 after wx
        ("appId", "ww8a3f2c1d4e5b6a79"),
        ("appSecret", "3f9c2b7e1a4d8f6c0b5e9a2d7c1f4b8"),
        ("appSecret", "3f9c2b7e1a4d8f6c0b5e9a2d7c1f4b8z"),
        ("token", "ab"),
        ("token", "with space"),
    ],
)
def test_credentials_out_of_format_are_named(name: str, value: str) -> None:
    problems = PROVIDER.check_credentials({**WECHAT, name: value})
    assert [p.field for p in problems] == [name]
