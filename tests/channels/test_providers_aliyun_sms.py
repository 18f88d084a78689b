"""Alibaba Cloud SMS: the adapter's signed request, sent over HTTP to a server that verifies it as
Alibaba does, and the adapter's reading of every answer Alibaba documents."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl

import pytest

from plugins.builtin.providers.aliyun_sms import AliyunSms
from plugins.channels import (
    Channel,
    HttpRequest,
    HttpResponse,
    OutgoingMessage,
    ProviderFailure,
    SendOutcome,
)
from tests.channels.provider_server import (
    ALIYUN,
    ProviderServer,
    exchange,
    running_provider_server,
)

PROVIDER = AliyunSms()
FIELDS = {"name": "张三", "points": "1200"}


@pytest.fixture
async def server() -> AsyncIterator[ProviderServer]:
    async with running_provider_server() as running:
        yield running


def message(recipient: str = "+8613800138000") -> OutgoingMessage:
    return OutgoingMessage(
        message_id=f"msg_{uuid.uuid4().hex[:12]}",
        channel=Channel.SMS,
        recipient=recipient,
        template_code="SMS_465960123",
        fields=FIELDS,
    )


def request(
    server: ProviderServer,
    credentials: dict[str, str] = ALIYUN,
    outgoing: OutgoingMessage | None = None,
    now: datetime | None = None,
) -> HttpRequest:
    return PROVIDER.send_request(
        credentials,
        outgoing or message(),
        base_url=server.url("aliyun"),
        access_token=None,
        now=now or datetime.now(UTC),
        nonce=str(uuid.uuid4()),
    )


async def test_a_signed_send_is_accepted_and_carries_the_message(server: ProviderServer) -> None:
    outgoing = message()
    result = PROVIDER.read_send_response(await exchange(request(server, outgoing=outgoing)))
    assert result.outcome is SendOutcome.SENT
    assert result.provider_message_id and result.provider_message_id.endswith("^0")
    form = dict(parse_qsl(server.sends("aliyun")[0].body.decode()))
    assert form["PhoneNumbers"] == "13800138000"  # the national number for +86
    assert form["OutId"] == outgoing.message_id
    assert form["SignName"] == "会员中心"
    assert form["TemplateCode"] == "SMS_465960123"
    assert json.loads(form["TemplateParam"]) == FIELDS


async def test_other_countries_are_sent_with_their_country_code(server: ProviderServer) -> None:
    result = PROVIDER.read_send_response(
        await exchange(request(server, outgoing=message("+85291234567")))
    )
    assert result.outcome is SendOutcome.SENT
    assert dict(parse_qsl(server.sends("aliyun")[0].body.decode()))["PhoneNumbers"] == (
        "85291234567"
    )


async def test_a_wrong_secret_is_invalid_credentials(server: ProviderServer) -> None:
    wrong = {**ALIYUN, "accessKeySecret": "A" * 30}
    result = PROVIDER.read_send_response(await exchange(request(server, wrong)))
    assert (result.outcome, result.reason, result.code) == (
        SendOutcome.REJECTED,
        "INVALID_CREDENTIALS",
        "SignatureDoesNotMatch",
    )


async def test_an_unknown_access_key_is_invalid_credentials(server: ProviderServer) -> None:
    unknown = {**ALIYUN, "accessKeyId": "LTAI" + "0" * 20}
    result = PROVIDER.read_send_response(await exchange(request(server, unknown)))
    assert (result.outcome, result.reason, result.code) == (
        SendOutcome.REJECTED,
        "INVALID_CREDENTIALS",
        "InvalidAccessKeyId.NotFound",
    )


async def test_a_replayed_request_is_refused_and_worth_signing_again(
    server: ProviderServer,
) -> None:
    signed = request(server)
    assert PROVIDER.read_send_response(await exchange(signed)).outcome is SendOutcome.SENT
    replayed = PROVIDER.read_send_response(await exchange(signed))
    assert (replayed.outcome, replayed.code) == (SendOutcome.RETRY, "SignatureNonceUsed")


async def test_a_stale_timestamp_is_refused_and_worth_signing_again(
    server: ProviderServer,
) -> None:
    stale = datetime.now(UTC) - timedelta(hours=1)
    result = PROVIDER.read_send_response(await exchange(request(server, now=stale)))
    assert (result.outcome, result.code) == (SendOutcome.RETRY, "InvalidTimeStamp.Expired")


@pytest.mark.parametrize(
    ("told", "outcome", "reason", "retry_after"),
    [
        ("isv.AMOUNT_NOT_ENOUGH", SendOutcome.REJECTED, "NO_CREDIT", None),
        ("isv.BUSINESS_LIMIT_CONTROL", SendOutcome.RETRY, "THROTTLED", 60.0),
        ("isv.BUSINESS_LIMIT_CONTROL/hour", SendOutcome.RETRY, "THROTTLED", 3600.0),
        ("isv.BUSINESS_LIMIT_CONTROL/day", SendOutcome.REJECTED, "QUOTA_EXCEEDED", None),
        ("isv.DAY_LIMIT_CONTROL", SendOutcome.REJECTED, "QUOTA_EXCEEDED", None),
        ("Throttling.User", SendOutcome.RETRY, "THROTTLED", None),
        ("isv.MOBILE_NUMBER_ILLEGAL", SendOutcome.REJECTED, "INVALID_RECIPIENT", None),
        ("isv.PARAM_LENGTH_LIMIT", SendOutcome.REJECTED, "FIELD_TOO_LONG", None),
        ("isv.TEMPLATE_PARAMS_ILLEGAL", SendOutcome.REJECTED, "PROVIDER_ERROR", None),
        ("isp.SYSTEM_ERROR", SendOutcome.RETRY, "PROVIDER_ERROR", None),
        ("ServiceUnavailable", SendOutcome.RETRY, "PROVIDER_ERROR", None),
        ("HTTP 502", SendOutcome.RETRY, "PROVIDER_ERROR", None),
    ],
)
async def test_each_documented_error_is_mapped(
    server: ProviderServer,
    told: str,
    outcome: SendOutcome,
    reason: str,
    retry_after: float | None,
) -> None:
    server.fail_next("aliyun", told)
    result = PROVIDER.read_send_response(await exchange(request(server)))
    assert (result.outcome, result.reason, result.retry_after) == (outcome, reason, retry_after)
    if told != "HTTP 502":
        assert result.code == told.split("/")[0]
        assert result.detail


def test_the_same_now_and_nonce_sign_the_same_request() -> None:
    now = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    outgoing = message()

    def build(nonce: str) -> HttpRequest:
        return PROVIDER.send_request(
            ALIYUN,
            outgoing,
            base_url="https://dysmsapi.aliyuncs.com",
            access_token=None,
            now=now,
            nonce=nonce,
        )

    first, again, other = build("n-1"), build("n-1"), build("n-2")
    assert first == again
    assert first.body != other.body
    form = dict(parse_qsl((first.body or b"").decode()))
    assert form["Timestamp"] == "2026-01-01T01:00:00Z"  # UTC, as Alibaba requires
    assert form["SignatureNonce"] == "n-1"
    assert first.url == "https://dysmsapi.aliyuncs.com/"


def test_a_recipient_that_is_not_e164_is_refused_before_sending() -> None:
    with pytest.raises(ProviderFailure) as failure:
        PROVIDER.send_request(
            ALIYUN,
            message("13800138000"),
            base_url="https://dysmsapi.aliyuncs.com",
            access_token=None,
            now=datetime.now(UTC),
            nonce="n",
        )
    assert failure.value.reason == "INVALID_RECIPIENT"


def test_an_answer_that_is_not_json_raises() -> None:
    with pytest.raises(ProviderFailure):
        PROVIDER.read_send_response(HttpResponse(200, {}, b"<html>ok</html>"))


def test_receipts_are_read_in_beijing_time() -> None:
    push = json.dumps(
        [
            {
                "phone_number": "13800138000",
                "send_time": "2026-01-01 09:00:00",
                "report_time": "2026-01-01 09:00:05",
                "success": True,
                "err_code": "DELIVERED",
                "err_msg": "用户接收成功",
                "sms_size": "1",
                "biz_id": "932702304080415357^0",
                "out_id": "msg_1",
            },
            {
                "phone_number": "13900139000",
                "send_time": "2026-01-01 09:00:00",
                "report_time": "2026-01-01 09:01:00",
                "success": False,
                "err_code": "MK:0001",
                "err_msg": "用户关机",
                "sms_size": "1",
                "biz_id": "932702304080415358^0",
                "out_id": "msg_2",
            },
        ],
        ensure_ascii=False,
    ).encode()
    delivered, failed = PROVIDER.read_receipts(
        HttpRequest("POST", "https://example.com/receipts/aliyun", {}, push), ALIYUN
    )
    assert delivered.provider_message_id == "932702304080415357^0"
    assert delivered.delivered is True
    assert delivered.at == datetime(2026, 1, 1, 1, 0, 5, tzinfo=UTC)
    assert (failed.delivered, failed.code, failed.detail) == (False, "MK:0001", "用户关机")


def test_a_push_that_is_not_an_sms_report_is_refused() -> None:
    with pytest.raises(ProviderFailure):
        PROVIDER.read_receipts(HttpRequest("POST", "https://x/", {}, b'{"a": 1}'), ALIYUN)
    with pytest.raises(ProviderFailure):
        PROVIDER.read_receipts(
            HttpRequest("POST", "https://x/", {}, b'[{"success": true}]'), ALIYUN
        )


def test_credentials_in_alibabas_format_pass() -> None:
    assert PROVIDER.check_credentials(ALIYUN) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("accessKeyId", "AKIA5tQ7xKp2Vb9mNc4Rz8Yw"),  # not an Alibaba AccessKey
        ("accessKeyId", "LTAI5tQ7x"),
        ("accessKeySecret", "k3J9dQ2mX7vL0pR5sT8wY1zA4bC6e"),  # 29 characters
        ("signName", "会"),
        ("signName", "会员中心会员中心会员中心会"),  # 13 characters
    ],
)
def test_credentials_out_of_format_are_named(name: str, value: str) -> None:
    problems = PROVIDER.check_credentials({**ALIYUN, name: value})
    assert [p.field for p in problems] == [name]


def test_a_template_variable_takes_at_most_35_characters() -> None:
    rule = PROVIDER.field_rule("name")
    assert rule is not None
    assert (rule.max_chars, rule.pattern) == (35, None)
