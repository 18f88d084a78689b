"""Tencent Cloud SMS (腾讯云短信): ``SendSms`` of API 3.0, version 2021-01-11.

Requests are signed with TC3-HMAC-SHA256 as Tencent documents it: the canonical request (method,
path, empty query, the ``content-type``, ``host`` and ``x-tc-action`` headers, the SHA-256 of the
JSON body), the string to sign (``TC3-HMAC-SHA256``, the timestamp, the credential scope
``<UTC date>/sms/tc3_request`` and the canonical request's SHA-256), and a signing key derived
by HMAC-SHA256 from ``"TC3" + secretKey`` over the date, the service and ``tc3_request``.

Template parameters: Tencent templates number their variables ``{1}``, ``{2}``…, and
``TemplateParamSet`` is the ordered list of their values. ``message.fields`` therefore uses the
keys ``"1"``, ``"2"``… (the variable numbers), sorted numerically; any other key is refused.
How long one value may be depends on the tenant's Tencent account (12 characters for personally
verified accounts, no limit for verified companies), so no field rule is declared here and
Tencent's ``TemplateParameterLengthLimit`` answer is read as ``FIELD_TOO_LONG``.

TC3 has no nonce (``nonce`` is unused); ``now`` is the signed ``X-TC-Timestamp``, which Tencent
accepts for five minutes. ``SessionContext`` is the platform's message id. Receipts are Tencent's status callback: a JSON
array of reports in Beijing time. Tencent does not sign callbacks, so the receipt URL itself must
stay unguessable.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar
from urllib.parse import urlsplit

from plugins.builtin.providers.json_answer import send_answer
from plugins.channels import (
    Channel,
    ChannelProvider,
    CredentialField,
    DeliveryReceipt,
    HttpRequest,
    HttpResponse,
    OutgoingMessage,
    ProviderFailure,
    RecipientKind,
    SendOutcome,
    SendResult,
)

__all__ = ["TencentSms"]

SERVICE = "sms"
API_VERSION = "2021-01-11"
DEFAULT_REGION = "ap-guangzhou"
CONTENT_TYPE = "application/json; charset=utf-8"
# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for receipts
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
_E164 = re.compile(r"\+[1-9]\d{6,14}")

# Codes Tencent documents for SendSms, request-level (Response.Error) and per number
# (SendStatusSet[].Code) alike, by the platform's reason. Anything else is PROVIDER_ERROR.
_REJECTED: Mapping[str, str] = {
    "AuthFailure.SignatureFailure": "INVALID_CREDENTIALS",
    "AuthFailure.SecretIdNotFound": "INVALID_CREDENTIALS",
    "AuthFailure.InvalidSecretId": "INVALID_CREDENTIALS",
    "AuthFailure.UnauthorizedOperation": "INVALID_CREDENTIALS",
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": "INVALID_CREDENTIALS",
    "InvalidParameterValue.SdkAppIdNotExist": "INVALID_CREDENTIALS",
    "FailedOperation.SignatureIncorrectOrUnapproved": "INVALID_CREDENTIALS",  # signName
    "FailedOperation.InsufficientBalanceInSmsPackage": "NO_CREDIT",
    "UnauthorizedOperation.SerivceSuspendDueToArrears": "NO_CREDIT",
    "FailedOperation.PhoneNumberInBlacklist": "NO_CREDIT",  # the member opted out
    "LimitExceeded.PhoneNumberDailyLimit": "QUOTA_EXCEEDED",
    "LimitExceeded.PhoneNumberSameContentDailyLimit": "QUOTA_EXCEEDED",
    "LimitExceeded.DailyLimit": "QUOTA_EXCEEDED",
    "InvalidParameterValue.IncorrectPhoneNumber": "INVALID_RECIPIENT",
    "FailedOperation.PhoneNumberParseFail": "INVALID_RECIPIENT",
    "UnsupportedOperation.UnsupportedRegion": "INVALID_RECIPIENT",
    "InvalidParameterValue.TemplateParameterLengthLimit": "FIELD_TOO_LONG",
    # the values do not fit the approved template's variables (count, kind or length)
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": "FIELD_TOO_LONG",
    "InvalidParameterValue.TemplateParameterFormatError": "FIELD_TOO_LONG",
}
# per number and time window; the number can be sent to again once the window has passed
_WINDOWS: Mapping[str, float] = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": 30.0,
    "LimitExceeded.PhoneNumberOneHourLimit": 3600.0,
    "LimitExceeded.DeliveryFrequencyLimit": 30.0,
}
# a stale timestamp is fixed by signing again, which a retry does
_SIGN_AGAIN = frozenset({"AuthFailure.SignatureExpire"})


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _template_params(fields: Mapping[str, str]) -> list[str]:
    numbers = sorted(int(key) for key in fields if key.isdecimal())
    if len(numbers) != len(fields) or numbers != list(range(1, len(fields) + 1)):
        raise ProviderFailure(
            "PROVIDER_ERROR",
            "Tencent Cloud SMS templates number their variables: give the fields as "
            f'"1", "2"… in order, not {sorted(fields)!r}.',
        )
    return [fields[str(number)] for number in numbers]


class TencentSms(ChannelProvider):
    name = "tencent_sms"
    channel = Channel.SMS
    title = "Tencent Cloud SMS (腾讯云短信)"
    recipient = RecipientKind.PHONE
    default_base_url = "https://sms.tencentcloudapi.com"
    credential_fields: ClassVar[Sequence[CredentialField]] = (
        CredentialField(
            "secretId",
            "SecretId",
            r"AKID[A-Za-z0-9]{32}",
            example="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        ),
        CredentialField("secretKey", "SecretKey", r"[A-Za-z0-9]{32}", secret=True),
        CredentialField("sdkAppId", "SMS SdkAppId (短信应用 ID)", r"14\d{8}", example="1400006666"),
        CredentialField(
            "signName",
            "SMS signature (短信签名)",
            r"[\u4e00-\u9fffA-Za-z0-9]{2,12}",
            example="会员中心",
        ),
        CredentialField(
            "region",
            "Region (地域)",
            r"[a-z]{2}-[a-z]+(?:-\d+)?",
            required=False,
            example=DEFAULT_REGION,
        ),
    )

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
            raise ProviderFailure("PROVIDER_ERROR", "Tencent Cloud SMS needs a template id.")
        if not _E164.fullmatch(message.recipient):
            raise ProviderFailure(
                "INVALID_RECIPIENT",
                f"{message.recipient!r} is not an E.164 phone number (+8613800138000).",
            )
        payload = json.dumps(
            {
                "PhoneNumberSet": [message.recipient],
                "SmsSdkAppId": credentials["sdkAppId"],
                "SignName": credentials["signName"],
                "TemplateId": message.template_code,
                "TemplateParamSet": _template_params(message.fields),
                "SessionContext": message.message_id,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        url = urlsplit(base_url)
        host, path = url.netloc.lower(), url.path or "/"
        if not path.endswith("/"):
            path += "/"
        timestamp = int(now.timestamp())
        date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        signed_headers = "content-type;host;x-tc-action"
        canonical_request = "\n".join(
            (
                "POST",
                path,
                "",
                f"content-type:{CONTENT_TYPE}\nhost:{host}\nx-tc-action:sendsms\n",
                signed_headers,
                _sha256(payload),
            )
        )
        scope = f"{date}/{SERVICE}/tc3_request"
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{_sha256(canonical_request.encode())}"
        key = _hmac(f"TC3{credentials['secretKey']}".encode(), date)
        key = _hmac(_hmac(key, SERVICE), "tc3_request")
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        authorization = (
            f"TC3-HMAC-SHA256 Credential={credentials['secretId']}/{scope}, "
            f"SignedHeaders={signed_headers}, Signature={signature}"
        )
        return HttpRequest(
            "POST",
            f"{url.scheme}://{host}{path}",
            {
                "Authorization": authorization,
                "Content-Type": CONTENT_TYPE,
                "Host": host,
                "X-TC-Action": "SendSms",
                "X-TC-Version": API_VERSION,
                "X-TC-Timestamp": str(timestamp),
                "X-TC-Region": credentials.get("region") or DEFAULT_REGION,
            },
            payload,
        )

    def read_send_response(self, response: HttpResponse) -> SendResult:
        body = send_answer(response, self.title)
        if isinstance(body, SendResult):
            return body
        answer = body.get("Response")
        if not isinstance(answer, dict):
            raise ProviderFailure("PROVIDER_ERROR", f"Tencent Cloud SMS answered {body!r}.")
        error = answer.get("Error")
        if isinstance(error, dict):
            return _failure(str(error.get("Code")), str(error.get("Message") or ""))
        statuses = answer.get("SendStatusSet")
        if not isinstance(statuses, list) or not statuses or not isinstance(statuses[0], dict):
            raise ProviderFailure("PROVIDER_ERROR", f"Tencent Cloud SMS answered {body!r}.")
        status = statuses[0]
        code, detail = str(status.get("Code")), str(status.get("Message") or "")
        if code == "Ok":
            return SendResult(
                SendOutcome.SENT, provider_message_id=str(status.get("SerialNo")), detail=detail
            )
        return _failure(code, detail)

    def receipt_answer(self) -> HttpResponse:
        return HttpResponse(
            200, {"Content-Type": "application/json"}, b'{"result":0,"errmsg":"OK"}'
        )

    def read_receipts(
        self, request: HttpRequest, credentials: Mapping[str, str]
    ) -> Sequence[DeliveryReceipt]:
        try:
            reports = json.loads(request.body or b"")
        except ValueError:
            reports = None
        if not isinstance(reports, list):
            raise ProviderFailure(
                "PROVIDER_ERROR", "A Tencent SMS status callback is a JSON array."
            )
        return [_receipt(report) for report in reports]


def _failure(code: str, detail: str) -> SendResult:
    if code.startswith("RequestLimitExceeded"):
        return SendResult(SendOutcome.RETRY, reason="THROTTLED", code=code, detail=detail)
    if code in _WINDOWS:
        return SendResult(
            SendOutcome.RETRY,
            reason="THROTTLED",
            code=code,
            detail=detail,
            retry_after=_WINDOWS[code],
        )
    if code.startswith("InternalError") or code in _SIGN_AGAIN:
        return SendResult(SendOutcome.RETRY, reason="PROVIDER_ERROR", code=code, detail=detail)
    reason = _REJECTED.get(code, "PROVIDER_ERROR")
    return SendResult(SendOutcome.REJECTED, reason=reason, code=code, detail=detail)


def _receipt(report: Any) -> DeliveryReceipt:
    if not isinstance(report, dict) or not report.get("sid"):
        raise ProviderFailure("PROVIDER_ERROR", f"Not a Tencent SMS status report: {report!r}.")
    at = None
    if report.get("user_receive_time"):
        try:
            at = datetime.strptime(report["user_receive_time"], "%Y-%m-%d %H:%M:%S")
        except (TypeError, ValueError) as error:
            raise ProviderFailure(
                "PROVIDER_ERROR", f"Bad user_receive_time in {report!r}."
            ) from error
    return DeliveryReceipt(
        provider_message_id=str(report["sid"]),
        delivered=report.get("report_status") == "SUCCESS",
        at=at.replace(tzinfo=BEIJING) if at else None,
        code=report.get("errmsg"),
        detail=report.get("description"),
    )
