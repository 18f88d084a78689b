"""Tencent Cloud SMS: the adapter's TC3-signed request, sent over HTTP to a server that verifies it
as Tencent does, and the adapter's reading of every answer Tencent documents."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from plugins.builtin.providers.tencent_sms import TencentSms
from plugins.channels import (
    Channel,
    HttpRequest,
    HttpResponse,
    OutgoingMessage,
    ProviderFailure,
    SendOutcome,
)
from tests.channels.provider_server import (
    TENCENT,
    ProviderServer,
    exchange,
    running_provider_server,
)

PROVIDER = TencentSms()


@pytest.fixture
async def server() -> AsyncIterator[ProviderServer]:
    async with running_provider_server() as running:
        yield running


def message(fields: dict[str, str] | None = None) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=f"msg_{uuid.uuid4().hex[:12]}",
        channel=Channel.SMS,
        recipient="+8613800138000",
        template_code="1234567",
        fields={"2": "5", "1": "张三", "3": "1200"} if fields is None else fields,
    )


def request(
    server: ProviderServer,
    credentials: dict[str, str] = TENCENT,
    outgoing: OutgoingMessage | None = None,
    now: datetime | None = None,
) -> HttpRequest:
    return PROVIDER.send_request(
        credentials,
        outgoing or message(),
        base_url=server.url("tencent"),
        access_token=None,
        now=now or datetime.now(UTC),
        nonce="unused",
    )


async def test_a_signed_send_is_accepted_and_carries_the_message(server: ProviderServer) -> None:
    outgoing = message()
    result = PROVIDER.read_send_response(await exchange(request(server, outgoing=outgoing)))
    assert result.outcome is SendOutcome.SENT
    assert result.provider_message_id and result.provider_message_id.startswith("2645:")
    sent = server.sends("tencent")[0]
    body = sent.json
    assert body["TemplateParamSet"] == ["张三", "5", "1200"]  # by the variables' numbers
    assert body["PhoneNumberSet"] == ["+8613800138000"]
    assert body["SessionContext"] == outgoing.message_id
    assert (body["SmsSdkAppId"], body["SignName"], body["TemplateId"]) == (
        "1400006666",
        "会员中心",
        "1234567",
    )
    assert sent.headers["x-tc-region"] == "ap-guangzhou"
    assert sent.headers["x-tc-version"] == "2021-01-11"


async def test_the_region_credential_is_sent(server: ProviderServer) -> None:
    await exchange(request(server, {**TENCENT, "region": "ap-beijing"}))
    assert server.sends("tencent")[0].headers["x-tc-region"] == "ap-beijing"


async def test_a_wrong_secret_key_is_invalid_credentials(server: ProviderServer) -> None:
    wrong = {**TENCENT, "secretKey": "x" * 32}
    result = PROVIDER.read_send_response(await exchange(request(server, wrong)))
    assert (result.outcome, result.reason, result.code) == (
        SendOutcome.REJECTED,
        "INVALID_CREDENTIALS",
        "AuthFailure.SignatureFailure",
    )


async def test_an_unknown_secret_id_is_invalid_credentials(server: ProviderServer) -> None:
    unknown = {**TENCENT, "secretId": "AKID" + "0" * 32}
    result = PROVIDER.read_send_response(await exchange(request(server, unknown)))
    assert (result.reason, result.code) == ("INVALID_CREDENTIALS", "AuthFailure.SecretIdNotFound")


async def test_a_changed_body_no_longer_verifies(server: ProviderServer) -> None:
    signed = request(server)
    tampered = HttpRequest(
        signed.method,
        signed.url,
        signed.headers,
        (signed.body or b"").replace(b"1400006666", b"1400006667"),
    )
    result = PROVIDER.read_send_response(await exchange(tampered))
    assert result.code == "AuthFailure.SignatureFailure"


async def test_a_stale_timestamp_is_worth_signing_again(server: ProviderServer) -> None:
    stale = datetime.now(UTC) - timedelta(minutes=10)
    result = PROVIDER.read_send_response(await exchange(request(server, now=stale)))
    assert (result.outcome, result.code) == (SendOutcome.RETRY, "AuthFailure.SignatureExpire")


@pytest.mark.parametrize(
    ("told", "outcome", "reason", "retry_after"),
    [
        ("RequestLimitExceeded", SendOutcome.RETRY, "THROTTLED", None),
        ("InternalError.Timeout", SendOutcome.RETRY, "PROVIDER_ERROR", None),
        ("LimitExceeded.PhoneNumberDailyLimit", SendOutcome.REJECTED, "QUOTA_EXCEEDED", None),
        ("LimitExceeded.PhoneNumberThirtySecondLimit", SendOutcome.RETRY, "THROTTLED", 30.0),
        (
            "FailedOperation.InsufficientBalanceInSmsPackage",
            SendOutcome.REJECTED,
            "NO_CREDIT",
            None,
        ),
        (
            "InvalidParameterValue.IncorrectPhoneNumber",
            SendOutcome.REJECTED,
            "INVALID_RECIPIENT",
            None,
        ),
        (
            "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
            SendOutcome.REJECTED,
            "FIELD_TOO_LONG",
            None,
        ),
        (
            "InvalidParameterValue.TemplateParameterLengthLimit",
            SendOutcome.REJECTED,
            "FIELD_TOO_LONG",
            None,
        ),
        ("FailedOperation.ContainSensitiveWord", SendOutcome.REJECTED, "PROVIDER_ERROR", None),
    ],
)
async def test_each_documented_error_is_mapped(
    server: ProviderServer,
    told: str,
    outcome: SendOutcome,
    reason: str,
    retry_after: float | None,
) -> None:
    server.fail_next("tencent", told)
    result = PROVIDER.read_send_response(await exchange(request(server)))
    assert (result.outcome, result.reason, result.code, result.retry_after) == (
        outcome,
        reason,
        told,
        retry_after,
    )


def test_fields_must_be_numbered_from_one() -> None:
    for fields in ({"name": "张三"}, {"1": "a", "3": "b"}):
        with pytest.raises(ProviderFailure):
            PROVIDER.send_request(
                TENCENT,
                message(fields),
                base_url=PROVIDER.default_base_url,
                access_token=None,
                now=datetime.now(UTC),
                nonce="n",
            )


def test_the_request_signs_the_real_host_and_scope() -> None:
    now = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    signed = PROVIDER.send_request(
        TENCENT,
        message(),
        base_url=PROVIDER.default_base_url,
        access_token=None,
        now=now,
        nonce="n",
    )
    assert signed.url == "https://sms.tencentcloudapi.com/"
    assert signed.headers["Host"] == "sms.tencentcloudapi.com"
    assert signed.headers["X-TC-Timestamp"] == str(int(now.timestamp()))
    assert signed.headers["Authorization"].startswith(
        f"TC3-HMAC-SHA256 Credential={TENCENT['secretId']}/2026-01-01/sms/tc3_request, "
        "SignedHeaders=content-type;host;x-tc-action, Signature="
    )


def test_an_answer_without_response_raises() -> None:
    with pytest.raises(ProviderFailure):
        PROVIDER.read_send_response(HttpResponse(200, {}, b'{"ok": true}'))


def test_an_unreadable_5xx_is_worth_retrying() -> None:
    result = PROVIDER.read_send_response(HttpResponse(504, {}, b"gateway timeout"))
    assert (result.outcome, result.reason) == (SendOutcome.RETRY, "PROVIDER_ERROR")


def test_status_callbacks_are_read_in_beijing_time() -> None:
    push = json.dumps(
        [
            {
                "user_receive_time": "2026-01-01 09:00:05",
                "nationcode": "86",
                "mobile": "13800138000",
                "report_status": "SUCCESS",
                "errmsg": "DELIVRD",
                "description": "用户短信送达成功",
                "sid": "2645:104571066915705365784949",
            },
            {
                "user_receive_time": "2026-01-01 09:10:00",
                "nationcode": "86",
                "mobile": "13900139000",
                "report_status": "FAIL",
                "errmsg": "MK:0005",
                "description": "用户手机号码停机",
                "sid": "2645:104571066915705365784950",
            },
        ],
        ensure_ascii=False,
    ).encode()
    delivered, failed = PROVIDER.read_receipts(HttpRequest("POST", "https://x/", {}, push), TENCENT)
    assert delivered.provider_message_id == "2645:104571066915705365784949"
    assert delivered.delivered is True
    assert delivered.at == datetime(2026, 1, 1, 1, 0, 5, tzinfo=UTC)
    assert (failed.delivered, failed.code, failed.detail) == (False, "MK:0005", "用户手机号码停机")


def test_a_callback_that_is_not_a_report_array_is_refused() -> None:
    with pytest.raises(ProviderFailure):
        PROVIDER.read_receipts(HttpRequest("POST", "https://x/", {}, b"sid=1"), TENCENT)


def test_credentials_in_tencents_format_pass() -> None:
    assert PROVIDER.check_credentials(TENCENT) == []
    assert PROVIDER.check_credentials({**TENCENT, "region": "ap-singapore"}) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("secretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhES"),  # 31 after AKID
        ("secretId", "LTAIz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"),
        ("secretKey", "Gu5t9xGARNpq86cd98joQYCN3Cozk1q!"),
        ("sdkAppId", "1500006666"),
        ("sdkAppId", "140000666"),
        ("region", "Guangzhou"),
    ],
)
def test_credentials_out_of_format_are_named(name: str, value: str) -> None:
    problems = PROVIDER.check_credentials({**TENCENT, name: value})
    assert [p.field for p in problems] == [name]


def test_no_field_rule_is_declared_since_the_limit_depends_on_the_account() -> None:
    assert PROVIDER.field_rule("1") is None
