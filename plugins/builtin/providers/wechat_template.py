"""WeChat official-account template messages (公众号模板消息).

``POST /cgi-bin/message/template/send`` with the member's openid, the template id, the link to
open (``message.link``, a URL) and ``client_msg_id`` = the platform's message id, which WeChat
uses to drop a repeated send. Receipts are the ``TEMPLATESENDJOBFINISH`` event.

Field rules: category templates (类目模板) name their keywords by type (``thing01``,
``amount3``) and WeChat refuses a value outside the type's rule (47003), so those follow
:mod:`plugins.builtin.providers.wechat_fields`. Legacy templates name them ``keyword1``…; WeChat
folds anything past 20 characters, so the platform refuses it rather than let a member read a
cut value. ``first`` and ``remark`` are no longer shown by WeChat and carry no rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from plugins.builtin.providers.wechat_api import WeChatProvider, pushed_at
from plugins.builtin.providers.wechat_fields import keyword_rule, keyword_type
from plugins.channels import (
    Channel,
    DeliveryReceipt,
    FieldRule,
    HttpRequest,
    OutgoingMessage,
    ProviderFailure,
)

__all__ = ["WeChatTemplate"]

_LEGACY = FieldRule(20, None, "at most 20 characters")


class WeChatTemplate(WeChatProvider):
    name = "wechat_template"
    channel = Channel.WECHAT_TEMPLATE
    title = "WeChat official-account template message (公众号模板消息)"

    def field_rule(self, field_name: str) -> FieldRule | None:
        if keyword_type(field_name) == "keyword":
            return _LEGACY
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
            "/cgi-bin/message/template/send",
            access_token,
            message,
            "template message",
            {"client_msg_id": message.message_id, "url": message.link or None},
        )

    def receipts_in(self, event: Mapping[str, Any]) -> Sequence[DeliveryReceipt]:
        if event.get("Event") != "TEMPLATESENDJOBFINISH":
            return ()
        msgid, status = event.get("MsgID"), str(event.get("Status") or "")
        if not msgid or not status:
            raise ProviderFailure("PROVIDER_ERROR", f"TEMPLATESENDJOBFINISH without {event!r}.")
        failure = status.removeprefix("failed:").strip() if status != "success" else None
        return (
            DeliveryReceipt(
                provider_message_id=str(msgid),
                delivered=failure is None,
                at=pushed_at(event),
                code=failure,  # "user block", "system failed"
                detail=status,
            ),
        )
