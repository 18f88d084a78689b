"""The fake provider: the default for every channel in development and tests.

It stands in for SMS, WeChat and WeCom without any account. Its request goes to the URL
``fake://<channel>``, which the platform's transport does not send anywhere: it records the
request in ``fake_provider_sends`` and answers as a provider that accepted it. With a ``base_url``
set, the request is POSTed there instead, so a test can put a real HTTP server (a slow one, a
failing one) behind the fake.

Its answer is JSON ``{"code": "OK", "id": "…"}``; a server behind it may answer
``{"code": "<reason>"}`` with any of the platform's reasons (``NO_CREDIT``, ``THROTTLED``…), and a
5xx, to exercise the send path's handling of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from plugins.channels import (
    Channel,
    ChannelProvider,
    CredentialField,
    FieldRule,
    HttpRequest,
    HttpResponse,
    OutgoingMessage,
    RecipientKind,
    SendOutcome,
    SendResult,
)

__all__ = ["FAKE_PROVIDERS", "FakeProvider"]

_RETRIED = frozenset({"THROTTLED", "PROVIDER_BUSY"})
_RECIPIENT = {
    Channel.SMS: RecipientKind.PHONE,
    Channel.WECHAT_TEMPLATE: RecipientKind.WECHAT_OPENID,
    Channel.WECHAT_SUBSCRIBE: RecipientKind.WECHAT_OPENID,
    Channel.WECOM: RecipientKind.WECOM_EXTERNAL_USERID,
}


class FakeProvider(ChannelProvider):
    """A provider for one channel that sends nothing anywhere."""

    credential_fields: ClassVar = (
        CredentialField(
            "appId",
            "App id of the simulated account (the app under which openids are bound)",
            r"[A-Za-z0-9_-]{1,64}",
            required=False,
            example="wx0123456789abcdef",
        ),
    )
    default_base_url: ClassVar[str] = "fake://"

    def __init__(self, channel: Channel) -> None:
        self.channel = channel  # type: ignore[misc]
        self.name = f"fake_{channel.value.lower()}"  # type: ignore[misc]
        self.title = f"Fake {channel.value} (development, sends nothing)"  # type: ignore[misc]
        self.recipient = _RECIPIENT[channel]  # type: ignore[misc]

    def field_rule(self, field_name: str) -> FieldRule | None:
        # The subscribe-message rule most merchants meet first, so that it shows in development.
        if self.channel is Channel.WECHAT_SUBSCRIBE and field_name.rstrip("0123456789") == "thing":
            return FieldRule(20, description="at most 20 characters of text")
        return None

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
            "messageId": message.message_id,
            "channel": message.channel.value,
            "recipient": message.recipient,
            "templateCode": message.template_code,
            "fields": dict(message.fields),
            "text": message.text,
            "link": message.link,
            "sender": message.sender,
            "at": now.isoformat(),
        }
        url = f"fake://{self.channel.value}" if base_url == "fake://" else base_url
        return HttpRequest(
            "POST",
            url,
            {"Content-Type": "application/json"},
            json.dumps(body, ensure_ascii=False).encode(),
        )

    def read_send_response(self, response: HttpResponse) -> SendResult:
        if response.status >= 500:
            return SendResult(SendOutcome.RETRY, reason="PROVIDER_ERROR", code=str(response.status))
        try:
            answer = json.loads(response.body)
            code = str(answer["code"])
        except (ValueError, KeyError, TypeError):
            return SendResult(
                SendOutcome.RETRY, reason="PROVIDER_ERROR", detail="unreadable answer"
            )
        if code == "OK":
            return SendResult(SendOutcome.SENT, provider_message_id=str(answer.get("id") or ""))
        outcome = SendOutcome.RETRY if code in _RETRIED else SendOutcome.REJECTED
        return SendResult(outcome, reason=code, code=code, detail=answer.get("detail"))


FAKE_PROVIDERS = tuple(FakeProvider(channel) for channel in Channel)
