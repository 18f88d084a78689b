"""WeCom (企业微信): messages to members through a staff member, and messages to staff.

``wecom_customer`` creates a customer-contact mass-message task
(``/cgi-bin/externalcontact/add_msg_template``, ``chat_type`` single) for one external contact:
WeCom does not deliver it at once but asks ``message.sender``, the staff member the member added,
to confirm it in the WeCom app. A SENT result therefore means the task exists; its ``msgid`` is
the task's. ``wecom_app`` sends an application text message (``/cgi-bin/message/send``) to a
staff member's WeCom account.

Both use ``GET /cgi-bin/gettoken?corpid=…&corpsecret=…``; the customer-contact secret and an
application's secret are different secrets of the same corp, so each provider holds its own.

WeCom counts text in UTF-8 bytes: 4000 for a mass-message task, 2048 for an application message
(it cuts the rest). ``max_text_chars`` holds the byte limit, which no text within it can exceed
in characters either, and :meth:`send_request` refuses text over the byte limit with
``FIELD_TOO_LONG`` rather than let WeCom cut it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from plugins.builtin.providers.json_answer import json_object, send_answer
from plugins.channels import (
    AccessToken,
    Channel,
    ChannelProvider,
    CredentialField,
    HttpRequest,
    HttpResponse,
    OutgoingMessage,
    ProviderFailure,
    RecipientKind,
    SendOutcome,
    SendResult,
)

__all__ = ["WeComApp", "WeComCustomer"]

# errcodes of WeCom's global code table that these APIs answer, by the platform's reason
_REJECTED: Mapping[int, str] = {
    45009: "QUOTA_EXCEEDED",
    40001: "INVALID_CREDENTIALS",  # invalid corpsecret
    40013: "INVALID_CREDENTIALS",  # invalid corpid
    41001: "INVALID_CREDENTIALS",  # no access_token: the credentials gave none
    41004: "INVALID_CREDENTIALS",  # corpsecret missing
    40056: "INVALID_CREDENTIALS",  # invalid agentid
    48002: "INVALID_CREDENTIALS",  # the secret has no permission for this API
    60020: "INVALID_CREDENTIALS",  # the caller's IP is not trusted by the application
    301002: "INVALID_CREDENTIALS",  # the secret cannot act for this application
    40003: "INVALID_RECIPIENT",  # invalid userid
    40096: "INVALID_RECIPIENT",  # invalid external userid
    41048: "INVALID_RECIPIENT",  # no customer to send to
    81013: "INVALID_RECIPIENT",  # every user, party and tag invalid
    45002: "FIELD_TOO_LONG",  # content size out of limit
}
_TOKEN_EXPIRED = frozenset({40014, 42001})  # invalid, expired access_token
_THROTTLED = frozenset({-1, 45033})  # system busy; too many concurrent calls


class _WeCom(ChannelProvider):
    channel = Channel.WECOM
    default_base_url = "https://qyapi.weixin.qq.com"
    text_bytes: ClassVar[int]
    _CORP: ClassVar[tuple[CredentialField, ...]] = (
        CredentialField(
            "corpId", "Corp ID (企业ID)", r"w[wx][0-9A-Za-z]{16}", example="ww1a2b3c4d5e6f7a8b"
        ),
        CredentialField("corpSecret", "Secret", r"[A-Za-z0-9_-]{43}", secret=True),
    )

    def access_token_request(
        self, credentials: Mapping[str, str], *, base_url: str
    ) -> HttpRequest | None:
        query = urlencode(
            {"corpid": credentials["corpId"], "corpsecret": credentials["corpSecret"]}
        )
        return HttpRequest("GET", f"{base_url.rstrip('/')}/cgi-bin/gettoken?{query}")

    def read_access_token(self, response: HttpResponse) -> AccessToken:
        body = json_object(response)
        if body is None:
            raise ProviderFailure(
                "PROVIDER_ERROR",
                f"WeCom answered HTTP {response.status} to the token request without JSON.",
                code=f"HTTP {response.status}",
            )
        token, expires_in = body.get("access_token"), body.get("expires_in")
        if body.get("errcode", 0) == 0 and isinstance(token, str) and token:
            return AccessToken(token, expires_in if isinstance(expires_in, int) else 7200)
        errcode = body.get("errcode")
        detail = f"WeCom refused the access token: {body.get('errmsg') or body!r}."
        if errcode in _THROTTLED:
            raise ProviderFailure("THROTTLED", detail, code=str(errcode))
        if errcode == 45009:
            raise ProviderFailure("QUOTA_EXCEEDED", detail, code=str(errcode))
        raise ProviderFailure("INVALID_CREDENTIALS", detail, code=str(errcode))

    def _post(
        self, base_url: str, path: str, access_token: str | None, body: Mapping[str, Any]
    ) -> HttpRequest:
        if not access_token:
            raise ProviderFailure("INVALID_CREDENTIALS", "WeCom needs an access token to send.")
        return HttpRequest(
            "POST",
            f"{base_url.rstrip('/')}{path}?access_token={quote(access_token, safe='')}",
            {"Content-Type": "application/json; charset=utf-8"},
            json.dumps(body, ensure_ascii=False).encode(),
        )

    def _text(self, message: OutgoingMessage) -> str:
        if not message.text:
            raise ProviderFailure("PROVIDER_ERROR", f"{self.title} sends text: give message.text.")
        size = len(message.text.encode())
        if size > self.text_bytes:
            raise ProviderFailure(
                "FIELD_TOO_LONG",
                f"{self.title} takes at most {self.text_bytes} bytes of UTF-8 text "
                f"(a Chinese character is 3); this text is {size}.",
            )
        return message.text

    def _answer(self, response: HttpResponse) -> dict[str, Any] | SendResult:
        """The answer's JSON when WeCom accepted the call, else what its errcode means."""
        body = send_answer(response, self.title)
        if isinstance(body, SendResult):
            return body
        errcode, detail = body.get("errcode"), str(body.get("errmsg") or "")
        if not isinstance(errcode, int):
            if response.status >= 500:
                return SendResult(SendOutcome.RETRY, reason="PROVIDER_ERROR", detail=detail)
            raise ProviderFailure("PROVIDER_ERROR", f"WeCom answered {body!r}.")
        code = str(errcode)
        if errcode == 0:
            return body
        if errcode in _TOKEN_EXPIRED:
            return SendResult(
                SendOutcome.RETRY,
                reason="PROVIDER_ERROR",
                code=code,
                detail=detail,
                token_expired=True,
            )
        if errcode in _THROTTLED:
            return SendResult(SendOutcome.RETRY, reason="THROTTLED", code=code, detail=detail)
        reason = _REJECTED.get(errcode, "PROVIDER_ERROR")
        return SendResult(SendOutcome.REJECTED, reason=reason, code=code, detail=detail)


class WeComCustomer(_WeCom):
    name = "wecom_customer"
    title = "WeCom customer contact (企业微信客户联系)"
    recipient = RecipientKind.WECOM_EXTERNAL_USERID
    text_bytes = 4000
    max_text_chars = 4000
    credential_fields: ClassVar[Sequence[CredentialField]] = (
        *_WeCom._CORP,
        CredentialField(
            "defaultSender",
            "Default sender (默认发送员工 userid), for members without an account manager in WeCom",
            r"[A-Za-z0-9_.@-]{1,64}",
            required=False,
            example="zhangsan",
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
        if not message.sender:
            raise ProviderFailure(
                "PROVIDER_ERROR", "A WeCom mass-message task needs the staff member (sender)."
            )
        body = {
            "chat_type": "single",
            "external_userid": [message.recipient],
            "sender": message.sender,
            "text": {"content": self._text(message)},
        }
        return self._post(base_url, "/cgi-bin/externalcontact/add_msg_template", access_token, body)

    def read_send_response(self, response: HttpResponse) -> SendResult:
        body = self._answer(response)
        if isinstance(body, SendResult):
            return body
        failed = body.get("fail_list") or []
        if failed:
            return SendResult(
                SendOutcome.REJECTED,
                reason="INVALID_RECIPIENT",
                code="fail_list",
                detail=f"WeCom cannot send to {', '.join(map(str, failed))}: not a customer of "
                "the sender, or the sender cannot message them.",
            )
        msgid = body.get("msgid")
        if not msgid:
            raise ProviderFailure("PROVIDER_ERROR", f"WeCom created no task: {body!r}.")
        return SendResult(
            SendOutcome.SENT,
            provider_message_id=str(msgid),
            detail="The task waits for the staff member to confirm it in WeCom.",
        )


class WeComApp(_WeCom):
    name = "wecom_app"
    title = "WeCom application message to staff (企业微信应用消息)"
    recipient = RecipientKind.WECOM_USERID
    text_bytes = 2048
    max_text_chars = 2048
    credential_fields: ClassVar[Sequence[CredentialField]] = (
        *_WeCom._CORP,
        CredentialField("agentId", "AgentId (应用ID)", r"\d{1,10}", example="1000002"),
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
        body = {
            "touser": message.recipient,
            "msgtype": "text",
            "agentid": int(credentials["agentId"]),
            "text": {"content": self._text(message)},
        }
        return self._post(base_url, "/cgi-bin/message/send", access_token, body)

    def read_send_response(self, response: HttpResponse) -> SendResult:
        body = self._answer(response)
        if isinstance(body, SendResult):
            return body
        for field, why in (
            ("invaliduser", "not a member of the corp"),
            ("unlicenseduser", "has no WeCom licence"),
        ):
            users = body.get(field)
            if users:
                return SendResult(
                    SendOutcome.REJECTED,
                    reason="INVALID_RECIPIENT",
                    code=field,
                    detail=f"WeCom did not send to {str(users).replace('|', ', ')}: {why}.",
                )
        msgid = body.get("msgid")
        return SendResult(SendOutcome.SENT, provider_message_id=str(msgid) if msgid else None)
