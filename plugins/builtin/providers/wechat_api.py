"""What WeChat's official-account and mini-program APIs share: the access token, the
credentials, the ``errcode`` of every answer, and the signed push of events to the server URL.

The token is the plain ``GET /cgi-bin/token?grant_type=client_credential`` one (valid 7200 s).
Pushes are read in plaintext mode only: WeChat signs them with
``sha1(sorted([token, timestamp, nonce]))`` in the URL's query, which proves the push is
WeChat's (it does not cover the body, so the receipt URL must be HTTPS). In safe mode WeChat
encrypts the body with the EncodingAESKey, which the platform does not hold.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from plugins.builtin.providers.json_answer import json_object, send_answer
from plugins.channels import (
    AccessToken,
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

__all__ = ["WeChatProvider", "pushed_at"]

# errcodes WeChat documents for the token, template and subscribe APIs, by the platform's reason
_REJECTED: Mapping[int, str] = {
    43101: "NO_CREDIT",  # the member refused, or cancelled the subscription
    45009: "QUOTA_EXCEEDED",  # the API's daily quota
    47003: "FIELD_TOO_LONG",  # "argument invalid! data.thing1.value invalid"
    40003: "INVALID_RECIPIENT",  # not an openid of this appId
    40013: "INVALID_CREDENTIALS",  # invalid appid
    40125: "INVALID_CREDENTIALS",  # invalid appsecret
    41002: "INVALID_CREDENTIALS",  # appid missing
    41004: "INVALID_CREDENTIALS",  # appsecret missing
    40164: "INVALID_CREDENTIALS",  # the caller's IP is not on the account's allowlist
    89503: "INVALID_CREDENTIALS",  # the caller's IP waits for the administrator's approval
    48001: "INVALID_CREDENTIALS",  # the account has no permission for the API
    40037: "PROVIDER_ERROR",  # template id invalid
    41030: "PROVIDER_ERROR",  # mini-program page invalid
    43116: "PROVIDER_ERROR",  # template banned for abuse
}
_TOKEN_EXPIRED = frozenset({40001, 40014, 42001})  # invalid, malformed, expired access_token
_THROTTLED: Mapping[int, float | None] = {-1: None, 45011: 60.0}  # system busy; per minute


class WeChatProvider(ChannelProvider):
    """A WeChat API reached with the ``appId``'s access token; subclasses build the send and
    read their own push event from :meth:`receipts_in`."""

    recipient = RecipientKind.WECHAT_OPENID
    default_base_url = "https://api.weixin.qq.com"
    credential_fields: ClassVar[Sequence[CredentialField]] = (
        CredentialField("appId", "AppID", r"wx[0-9a-f]{16}", example="wx8a3f2c1d4e5b6a79"),
        CredentialField("appSecret", "AppSecret", r"[0-9a-f]{32}", secret=True),
        CredentialField(
            "token",
            "Server token (服务器配置令牌), for delivery receipts",
            r"[A-Za-z0-9]{3,32}",
            secret=True,
            required=False,
        ),
    )

    def access_token_request(
        self, credentials: Mapping[str, str], *, base_url: str
    ) -> HttpRequest | None:
        query = urlencode(
            {
                "grant_type": "client_credential",
                "appid": credentials["appId"],
                "secret": credentials["appSecret"],
            }
        )
        return HttpRequest("GET", f"{base_url.rstrip('/')}/cgi-bin/token?{query}")

    def read_access_token(self, response: HttpResponse) -> AccessToken:
        body = json_object(response)
        if body is None:
            raise ProviderFailure(
                "PROVIDER_ERROR",
                f"WeChat answered HTTP {response.status} to the token request without JSON.",
                code=f"HTTP {response.status}",
            )
        token, expires_in = body.get("access_token"), body.get("expires_in")
        if isinstance(token, str) and token and isinstance(expires_in, int):
            return AccessToken(token, expires_in)
        errcode = body.get("errcode")
        detail = f"WeChat refused the access token: {body.get('errmsg') or body!r}."
        if not isinstance(errcode, int):
            raise ProviderFailure("PROVIDER_ERROR", detail)
        if errcode in _THROTTLED:
            raise ProviderFailure("THROTTLED", detail, code=str(errcode))
        if errcode == 45009:  # the token API's own daily quota
            raise ProviderFailure("QUOTA_EXCEEDED", detail, code=str(errcode))
        # every other refusal is about the AppID, the AppSecret or the caller's IP allowlist
        raise ProviderFailure("INVALID_CREDENTIALS", detail, code=str(errcode))

    def read_send_response(self, response: HttpResponse) -> SendResult:
        body = send_answer(response, self.title)
        if isinstance(body, SendResult):
            return body
        errcode, detail = body.get("errcode"), str(body.get("errmsg") or "")
        if not isinstance(errcode, int):
            if response.status >= 500:
                return SendResult(SendOutcome.RETRY, reason="PROVIDER_ERROR", detail=detail)
            raise ProviderFailure("PROVIDER_ERROR", f"WeChat answered {body!r}.")
        code = str(errcode)
        if errcode == 0:
            return SendResult(SendOutcome.SENT, provider_message_id=str(body.get("msgid")))
        if errcode in _TOKEN_EXPIRED:
            return SendResult(
                SendOutcome.RETRY,
                reason="PROVIDER_ERROR",
                code=code,
                detail=detail,
                token_expired=True,
            )
        if errcode in _THROTTLED:
            return SendResult(
                SendOutcome.RETRY,
                reason="THROTTLED",
                code=code,
                detail=detail,
                retry_after=_THROTTLED[errcode],
            )
        reason = _REJECTED.get(errcode, "PROVIDER_ERROR")
        return SendResult(SendOutcome.REJECTED, reason=reason, code=code, detail=detail)

    def read_receipts(
        self, request: HttpRequest, credentials: Mapping[str, str]
    ) -> Sequence[DeliveryReceipt]:
        query = parse_qs(urlsplit(request.url).query)
        _verify_push(query, credentials.get("token"))
        if query.get("encrypt_type", ["raw"])[0] != "raw":
            raise ProviderFailure(
                "PROVIDER_ERROR",
                "The push is encrypted: set the message encryption mode to plaintext (明文模式).",
            )
        return self.receipts_in(_push_event(request.body or b""))

    def verify_receipt_url(
        self, request: HttpRequest, credentials: Mapping[str, str]
    ) -> HttpResponse | None:
        """WeChat checks the server URL with a signed GET and expects ``echostr`` back."""
        query = parse_qs(urlsplit(request.url).query)
        if request.method != "GET" or "echostr" not in query:
            return None
        _verify_push(query, credentials.get("token"))
        return HttpResponse(200, {"Content-Type": "text/plain"}, query["echostr"][0].encode())

    def receipts_in(self, event: Mapping[str, Any]) -> Sequence[DeliveryReceipt]:
        """The receipts in one pushed event (XML elements as nested dicts of strings); other
        events pushed to the same URL carry none."""
        return ()

    def _template_send(
        self,
        base_url: str,
        path: str,
        access_token: str | None,
        message: OutgoingMessage,
        what: str,
        extra: Mapping[str, Any],
    ) -> HttpRequest:
        """The JSON POST both template APIs take: recipient, template, ``data`` by keyword, and
        what each adds (``extra``, with None values left out)."""
        if not message.template_code:
            raise ProviderFailure("PROVIDER_ERROR", f"A {what} needs a template id.")
        body: dict[str, Any] = {
            "touser": message.recipient,
            "template_id": message.template_code,
            "data": {key: {"value": value} for key, value in message.fields.items()},
            **{key: value for key, value in extra.items() if value is not None},
        }
        return HttpRequest(
            "POST",
            self._url(base_url, path, access_token),
            {"Content-Type": "application/json; charset=utf-8"},
            json.dumps(body, ensure_ascii=False).encode(),
        )

    @staticmethod
    def _url(base_url: str, path: str, access_token: str | None) -> str:
        if not access_token:
            raise ProviderFailure("INVALID_CREDENTIALS", "WeChat needs an access token to send.")
        return f"{base_url.rstrip('/')}{path}?access_token={quote(access_token, safe='')}"


def pushed_at(event: Mapping[str, Any]) -> datetime | None:
    """When WeChat says it pushed ``event`` (``CreateTime``, Unix seconds)."""
    created = str(event.get("CreateTime") or "")
    return datetime.fromtimestamp(int(created), UTC) if created.isdecimal() else None


def _verify_push(query: Mapping[str, list[str]], token: str | None) -> None:
    if not token:
        raise ProviderFailure(
            "INVALID_CREDENTIALS", "Set the server token to verify WeChat's pushes."
        )
    signature, timestamp, nonce = (
        query.get(name, [""])[0] for name in ("signature", "timestamp", "nonce")
    )
    expected = hashlib.sha1("".join(sorted((token, timestamp, nonce))).encode()).hexdigest()
    if not (signature and timestamp and nonce) or not hmac.compare_digest(expected, signature):
        raise ProviderFailure(
            "INVALID_CREDENTIALS", "The push's signature does not match the server token."
        )


def _push_event(body: bytes) -> Mapping[str, Any]:
    text = body.strip()
    if text.startswith(b"{"):  # mini-programs may be set to push JSON
        try:
            event = json.loads(text)
        except ValueError:
            event = None
        if not isinstance(event, dict):
            raise ProviderFailure("PROVIDER_ERROR", "The push is not a JSON object.")
        return event
    # a DTD is never part of WeChat's XML; refusing it rules out entity expansion
    if b"<!DOCTYPE" in text.upper() or b"<!ENTITY" in text.upper():
        raise ProviderFailure("PROVIDER_ERROR", "The push declares a DTD.")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ProviderFailure("PROVIDER_ERROR", f"The push is not XML: {error}.") from error
    value = _element(root)
    if not isinstance(value, dict):
        raise ProviderFailure("PROVIDER_ERROR", "The push has no fields.")
    return value


def _element(element: ElementTree.Element) -> Any:
    if len(element) == 0:
        return (element.text or "").strip()
    value: dict[str, Any] = {}
    for child in element:
        item = _element(child)
        if child.tag in value:  # a repeated element (<List>) becomes a list
            previous = value[child.tag]
            value[child.tag] = [*previous, item] if isinstance(previous, list) else [previous, item]
        else:
            value[child.tag] = item
    return value
