"""WeChat mini-program subscribe messages (小程序订阅消息).

``POST /cgi-bin/message/subscribe/send`` with the member's openid, the template id, the
mini-program page to open (``message.link``), ``miniprogram_state`` (``formal`` unless the
tenant sets the optional ``miniprogramState`` credential to test a ``trial`` or ``developer``
build) and ``lang`` zh_CN. A member must have accepted the template in the mini-program first:
WeChat answers 43101 otherwise, which the platform reads as ``NO_CREDIT``.

Every keyword is limited by its type (:mod:`plugins.builtin.providers.wechat_fields`).
Receipts are the ``subscribe_msg_sent_event`` push, in XML or, when the mini-program is set to
push JSON, in JSON; one event may list several messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from plugins.builtin.providers.wechat_api import WeChatProvider, pushed_at
from plugins.builtin.providers.wechat_fields import keyword_rule
from plugins.channels import (
    Channel,
    CredentialField,
    DeliveryReceipt,
    FieldRule,
    HttpRequest,
    OutgoingMessage,
    ProviderFailure,
)

__all__ = ["WeChatSubscribe"]


class WeChatSubscribe(WeChatProvider):
    name = "wechat_subscribe"
    channel = Channel.WECHAT_SUBSCRIBE
    title = "WeChat mini-program subscribe message (小程序订阅消息)"
    credential_fields: ClassVar[Sequence[CredentialField]] = (
        *WeChatProvider.credential_fields,
        CredentialField(
            "miniprogramState",
            "Mini-program build to open (formal, trial or developer)",
            r"formal|trial|developer",
            required=False,
            example="formal",
        ),
    )

    def field_rule(self, field_name: str) -> FieldRule | None:
        return keyword_rule(field_name)

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
        return self._template_send(
            base_url,
            "/cgi-bin/message/subscribe/send",
            access_token,
            message,
            "subscribe message",
            {
                "miniprogram_state": credentials.get("miniprogramState") or "formal",
                "lang": "zh_CN",
                "page": message.link or None,
            },
        )

    def receipts_in(self, event: Mapping[str, Any]) -> Sequence[DeliveryReceipt]:
        if event.get("Event") != "subscribe_msg_sent_event":
            return ()
        sent = event.get("SubscribeMsgSentEvent")
        items = sent.get("List") if isinstance(sent, dict) else None
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list) or not items:
            raise ProviderFailure("PROVIDER_ERROR", f"subscribe_msg_sent_event without {event!r}.")
        return [_receipt(item, pushed_at(event)) for item in items]


def _receipt(item: Any, at: datetime | None) -> DeliveryReceipt:
    if not isinstance(item, dict) or not item.get("MsgID"):
        raise ProviderFailure("PROVIDER_ERROR", f"Not a sent subscribe message: {item!r}.")
    code = str(item.get("ErrorCode", ""))
    return DeliveryReceipt(
        provider_message_id=str(item["MsgID"]),
        delivered=code == "0",
        at=at,
        code=code,
        detail=str(item.get("ErrorStatus") or "") or None,
    )
