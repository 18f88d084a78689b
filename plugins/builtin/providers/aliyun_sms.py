"""Alibaba Cloud SMS (阿里云短信): ``SendSms`` of the ``dysmsapi`` 2017-05-25 RPC API.

Requests are signed with the RPC signature, version 1.0: every parameter except ``Signature`` is
percent-encoded (RFC 3986: space as ``%20``, ``*`` as ``%2A``, ``~`` kept), sorted by name and
joined into the canonicalized query; the string to sign is ``POST&%2F&`` followed by that query,
percent-encoded once more; the signature is Base64(HMAC-SHA1(accessKeySecret + "&", string)).
The parameters travel as a form body, so template values of any length stay out of the URL.

Recipients are E.164: mainland numbers (+86) are sent as the 11-digit national number, which is
what Alibaba documents for domestic SMS; other numbers as country code and number, without "+".
``TemplateParam`` is the JSON of ``message.fields`` and ``OutId`` the platform's message id.

Receipts are Alibaba's HTTP push of ``SmsReport``: a JSON array of reports whose times are
Beijing time. Alibaba does not sign the push, so the receipt URL itself must stay unguessable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar
from urllib.parse import quote

from plugins.builtin.providers.json_answer import send_answer
from plugins.channels import (
    Channel,
    ChannelProvider,
    CredentialField,
    DeliveryReceipt,
    FieldRule,
    HttpRequest,
    HttpResponse,
    OutgoingMessage,
    ProviderFailure,
    RecipientKind,
    SendOutcome,
    SendResult,
)

__all__ = ["AliyunSms"]

API_VERSION = "2017-05-25"
# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for receipts
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
_E164 = re.compile(r"\+[1-9]\d{6,14}")

# Codes Alibaba documents for SendSms, by the platform's reason. Anything else is PROVIDER_ERROR.
_REJECTED: Mapping[str, str] = {
    "isv.AMOUNT_NOT_ENOUGH": "NO_CREDIT",
    "isv.OUT_OF_SERVICE": "NO_CREDIT",  # suspended for arrears
    "isv.DAY_LIMIT_CONTROL": "QUOTA_EXCEEDED",
    "isv.MONTH_LIMIT_CONTROL": "QUOTA_EXCEEDED",
    "isv.MOBILE_NUMBER_ILLEGAL": "INVALID_RECIPIENT",
    "isv.MOBILE_COUNT_OVER_LIMIT": "INVALID_RECIPIENT",
    "isv.PARAM_LENGTH_LIMIT": "FIELD_TOO_LONG",
    "InvalidAccessKeyId.NotFound": "INVALID_CREDENTIALS",
    "InvalidAccessKeyId.Inactive": "INVALID_CREDENTIALS",
    "SignatureDoesNotMatch": "INVALID_CREDENTIALS",
    "Forbidden.RAM": "INVALID_CREDENTIALS",
    "isp.RAM_PERMISSION_DENY": "INVALID_CREDENTIALS",
    "isv.SMS_SIGNATURE_ILLEGAL": "INVALID_CREDENTIALS",  # signName is a credential
    "isv.ACCOUNT_NOT_EXISTS": "INVALID_CREDENTIALS",
    "isv.ACCOUNT_ABNORMAL": "INVALID_CREDENTIALS",
}
_THROTTLED = frozenset({"Throttling", "Throttling.User", "Throttling.Api"})
_BUSY = frozenset({"isp.SYSTEM_ERROR", "ServiceUnavailable", "InternalError"})
# a replayed nonce or a stale timestamp is fixed by signing again, which a retry does
_SIGN_AGAIN = frozenset({"SignatureNonceUsed", "InvalidTimeStamp.Expired"})


def _percent_encode(value: str) -> str:
    """RFC 3986 encoding as Alibaba's RPC signature defines it (only ``A-Za-z0-9-_.~`` kept)."""
    return quote(value, safe="~")


def _string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """The RPC v1.0 string to sign for ``params`` (``Signature`` excluded)."""
    canonical = "&".join(
        f"{_percent_encode(k)}={_percent_encode(v)}"
        for k, v in sorted(params.items())
        if k != "Signature"
    )
    return f"{method}&{_percent_encode('/')}&{_percent_encode(canonical)}"


def _sign(secret: str, text: str) -> str:
    digest = hmac.new(f"{secret}&".encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _phone_number(recipient: str) -> str:
    if not _E164.fullmatch(recipient):
        raise ProviderFailure(
            "INVALID_RECIPIENT", f"{recipient!r} is not an E.164 phone number (+8613800138000)."
        )
    return recipient[3:] if recipient.startswith("+86") else recipient[1:]


class AliyunSms(ChannelProvider):
    name = "aliyun_sms"
    channel = Channel.SMS
    title = "Alibaba Cloud SMS (阿里云短信)"
    recipient = RecipientKind.PHONE
    default_base_url = "https://dysmsapi.aliyuncs.com"
    credential_fields: ClassVar[Sequence[CredentialField]] = (
        CredentialField(
            "accessKeyId",
            "AccessKey ID",
            r"LTAI[A-Za-z0-9]{12,30}",
            example="LTAI5tQ7xKp2Vb9mNc4Rz8Yw",
        ),
        CredentialField("accessKeySecret", "AccessKey secret", r"[A-Za-z0-9]{30}", secret=True),
        CredentialField(
            "signName",
            "SMS signature (短信签名)",
            r"[\u4e00-\u9fffA-Za-z0-9]{2,12}",
            example="会员中心",
        ),
    )

    def field_rule(self, field_name: str) -> FieldRule | None:
        # A template's variable property (number, date, name...) may allow fewer; 35 is the
        # most Alibaba takes for one variable of a notification template.
        return FieldRule(35, description="at most 35 characters")

    def send_request(
        self,
        credentials: Mapping[str, str],
        message: OutgoingMessage,
        *,
        base_url: str,
        access_token: str | None,
        now: datetime,
        nonce: str,
    ) -> HttpRequest:
        if not message.template_code:
            raise ProviderFailure("PROVIDER_ERROR", "Alibaba Cloud SMS needs a template code.")
        params = {
            "AccessKeyId": credentials["accessKeyId"],
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": message.message_id,
            "PhoneNumbers": _phone_number(message.recipient),
            "RegionId": "cn-hangzhou",
            "SignName": credentials["signName"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce,
            "SignatureVersion": "1.0",
            "TemplateCode": message.template_code,
            "TemplateParam": json.dumps(dict(message.fields), ensure_ascii=False),
            "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        params["Signature"] = _sign(credentials["accessKeySecret"], _string_to_sign("POST", params))
        body = "&".join(f"{_percent_encode(k)}={_percent_encode(v)}" for k, v in params.items())
        return HttpRequest(
            "POST",
            base_url.rstrip("/") + "/",
            {
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": "application/json",
            },
            body.encode(),
        )

    def read_send_response(self, response: HttpResponse) -> SendResult:
        body = send_answer(response, self.title)
        if isinstance(body, SendResult):
            return body
        code = body.get("Code")
        detail = str(body.get("Message") or "")
        if code == "OK" and response.status < 300:
            return SendResult(SendOutcome.SENT, provider_message_id=str(body.get("BizId")))
        if not isinstance(code, str):
            if response.status >= 500:
                return SendResult(SendOutcome.RETRY, reason="PROVIDER_ERROR", detail=detail)
            raise ProviderFailure("PROVIDER_ERROR", f"Alibaba Cloud SMS answered {body!r}.")
        return _failure(code, detail, response.status)

    def receipt_answer(self) -> HttpResponse:
        return HttpResponse(
            200, {"Content-Type": "application/json"}, '{"code":0,"msg":"成功"}'.encode()
        )

    def read_receipts(
        self, request: HttpRequest, credentials: Mapping[str, str]
    ) -> Sequence[DeliveryReceipt]:
        try:
            reports = json.loads(request.body or b"")
        except ValueError:
            reports = None
        if not isinstance(reports, list):
            raise ProviderFailure("PROVIDER_ERROR", "An SmsReport push is a JSON array.")
        return [_receipt(report) for report in reports]


def _failure(code: str, detail: str, status: int) -> SendResult:
    if code == "isv.BUSINESS_LIMIT_CONTROL":
        # one code for the minute, hour and day limits per number; only its message tells them
        # apart ("触发天级流控Permits:10"), and only the day's is not worth retrying today
        if "天级" in detail or "day" in detail.lower():
            return SendResult(
                SendOutcome.REJECTED, reason="QUOTA_EXCEEDED", code=code, detail=detail
            )
        hourly = "小时" in detail or "hour" in detail.lower()
        return SendResult(
            SendOutcome.RETRY,
            reason="THROTTLED",
            code=code,
            detail=detail,
            retry_after=3600.0 if hourly else 60.0,
        )
    if code in _THROTTLED:
        return SendResult(SendOutcome.RETRY, reason="THROTTLED", code=code, detail=detail)
    if code in _BUSY or code in _SIGN_AGAIN or status >= 500:
        return SendResult(SendOutcome.RETRY, reason="PROVIDER_ERROR", code=code, detail=detail)
    if code == "isv.TEMPLATE_PARAMS_ILLEGAL":
        # "模板变量里包含非法关键字": the content is refused, not its length
        return SendResult(SendOutcome.REJECTED, reason="PROVIDER_ERROR", code=code, detail=detail)
    reason = _REJECTED.get(code, "PROVIDER_ERROR")
    return SendResult(SendOutcome.REJECTED, reason=reason, code=code, detail=detail)


def _receipt(report: Any) -> DeliveryReceipt:
    if not isinstance(report, dict) or not report.get("biz_id"):
        raise ProviderFailure("PROVIDER_ERROR", f"Not an SmsReport: {report!r}.")
    at = None
    if report.get("report_time"):
        try:
            at = datetime.strptime(report["report_time"], "%Y-%m-%d %H:%M:%S")
        except (TypeError, ValueError) as error:
            raise ProviderFailure("PROVIDER_ERROR", f"Bad report_time in {report!r}.") from error
    success = report.get("success")
    return DeliveryReceipt(
        provider_message_id=str(report["biz_id"]),
        delivered=success is True or success == "true",
        at=at.replace(tzinfo=BEIJING) if at else None,
        code=report.get("err_code"),
        detail=report.get("err_msg"),
    )
