"""Message channels in the plugin contract: what a provider adapter declares, builds and reads.

A *channel* is a way to reach a member (:class:`Channel`: SMS, an official-account template
message, a mini-program subscribe message, WeCom). A *provider* is one company's API for a channel
(Alibaba Cloud SMS and Tencent Cloud SMS both carry SMS). Providers are registered by plugins
through the ``membership_channel_providers`` hook; the platform's own are registered the same way.

A provider never does I/O. It turns a tenant's credentials and one :class:`OutgoingMessage` into
the provider's signed :class:`HttpRequest`, and reads the provider's :class:`HttpResponse` into a
:class:`SendResult`. The platform makes the HTTP calls, caches access tokens, retries what may be
retried and records every outcome, so every provider is retried, throttled and audited alike,
and every adapter can be tested without a network::

    request = provider.send_request(credentials, message, access_token=..., now=..., nonce=...)
    result = provider.read_send_response(HttpResponse(status, headers, body))

Providers whose API needs an access token first (WeChat, WeCom) return a request from
:meth:`ChannelProvider.access_token_request`; the platform sends it, reads it with
:meth:`ChannelProvider.read_access_token`, keeps the token until shortly before it expires, and
drops it when a send answers with ``SendResult.token_expired``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

__all__ = [
    "AccessToken",
    "Channel",
    "ChannelProvider",
    "CredentialField",
    "CredentialProblem",
    "DeliveryReceipt",
    "FieldRule",
    "HttpRequest",
    "HttpResponse",
    "OutgoingMessage",
    "ProviderFailure",
    "RecipientKind",
    "SendOutcome",
    "SendResult",
]


class Channel(StrEnum):
    SMS = "SMS"
    WECHAT_TEMPLATE = "WECHAT_TEMPLATE"  # official-account template message (模板消息)
    WECHAT_SUBSCRIBE = "WECHAT_SUBSCRIBE"  # mini-program subscribe message (订阅消息)
    WECOM = "WECOM"  # WeCom: customer-contact mass-message task, confirmed by a staff member


class RecipientKind(StrEnum):
    """What a provider needs to address a member; the platform looks it up before sending."""

    PHONE = "PHONE"  # E.164, e.g. +8613800138000
    WECHAT_OPENID = "WECHAT_OPENID"  # the openid under the provider's ``appId`` credential
    WECOM_EXTERNAL_USERID = "WECOM_EXTERNAL_USERID"  # the member as a WeCom external contact
    WECOM_USERID = "WECOM_USERID"  # a staff member's WeCom account (messages to staff)


@dataclass(frozen=True)
class CredentialField:
    """One credential a provider needs, with the provider's own format as a regular expression
    (full match). ``secret`` fields are never shown again once saved."""

    name: str
    title: str
    pattern: str
    secret: bool = False
    required: bool = True
    example: str | None = None


@dataclass(frozen=True)
class CredentialProblem:
    field: str  # the credential's name
    message: str


@dataclass(frozen=True)
class FieldRule:
    """What a provider accepts in one field of a template's content: at most ``max_chars``
    characters, and (when given) matching ``pattern`` in full. ``description`` says it in words
    for the error a merchant reads, e.g. "at most 20 characters of text"."""

    max_chars: int
    pattern: str | None = None
    description: str = ""


@dataclass(frozen=True)
class OutgoingMessage:
    """One message, rendered and addressed, ready for a provider.

    ``message_id`` is the platform's id of the message: providers that accept a caller's id for
    de-duplication or receipts (Alibaba's ``OutId``, Tencent's ``SessionContext``, WeChat's
    ``client_msg_id``) are given it. ``template_code`` is the provider's template (an SMS template
    code, a WeChat template id); ``fields`` are its values by the provider's field names.
    ``text`` is the whole content for channels without provider templates (WeCom).
    """

    message_id: str
    channel: Channel
    recipient: str
    template_code: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    text: str | None = None
    link: str | None = None  # a page path (mini-program) or URL (official account) to open
    sender: str | None = None  # WeCom: the staff member's WeCom userid who confirms the task


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_in: int  # seconds


class SendOutcome(StrEnum):
    SENT = "SENT"  # the provider accepted it
    RETRY = "RETRY"  # a transient failure (throttling, busy, 5xx): the same send may be retried
    REJECTED = "REJECTED"  # the provider refused it for good; a retry would be refused again


@dataclass(frozen=True)
class SendResult:
    """What a provider answered, in the platform's words.

    ``reason`` is one of the platform's reasons when the send was not accepted: ``NO_CREDIT``
    (no subscription or no balance: WeChat 43101, Alibaba ``isv.AMOUNT_NOT_ENOUGH``),
    ``QUOTA_EXCEEDED`` (a daily quota: WeChat 45009), ``FIELD_TOO_LONG`` (WeChat 47003),
    ``THROTTLED``, ``INVALID_RECIPIENT``, ``INVALID_CREDENTIALS``, ``PROVIDER_ERROR``.
    ``code`` is the provider's own code, kept for support.
    """

    outcome: SendOutcome
    provider_message_id: str | None = None
    reason: str | None = None
    code: str | None = None
    detail: str | None = None
    retry_after: float | None = None  # seconds, when the provider said
    token_expired: bool = False  # drop the cached access token and retry with a fresh one


@dataclass(frozen=True)
class DeliveryReceipt:
    """A provider's report of what became of a message it accepted."""

    provider_message_id: str
    delivered: bool
    at: datetime | None = None
    code: str | None = None
    detail: str | None = None


class ProviderFailure(Exception):
    """A provider's answer that cannot be read as it documents (or an access-token refusal)."""

    def __init__(self, reason: str, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.code = code


class ChannelProvider(ABC):
    """One provider's API for one channel. Subclasses set the class attributes and implement
    :meth:`send_request` and :meth:`read_send_response`; the rest has working defaults."""

    name: ClassVar[str]  # unique across plugins, lower-case: "aliyun_sms"
    channel: ClassVar[Channel]
    title: ClassVar[str]  # shown to merchants: "Alibaba Cloud SMS (阿里云短信)"
    recipient: ClassVar[RecipientKind]
    credential_fields: ClassVar[Sequence[CredentialField]] = ()
    default_base_url: ClassVar[str]
    max_text_chars: ClassVar[int] = 500  # the whole text, for channels without templates

    def check_credentials(self, credentials: Mapping[str, str]) -> list[CredentialProblem]:
        """Problems with ``credentials`` against the provider's own formats; none when usable."""
        problems = []
        known = {f.name for f in self.credential_fields}
        for name in credentials:
            if name not in known:
                problems.append(CredentialProblem(name, f"{self.title} has no credential {name}."))
        for spec in self.credential_fields:
            value = credentials.get(spec.name)
            if not value:
                if spec.required:
                    problems.append(CredentialProblem(spec.name, f"{spec.title} is required."))
                continue
            if not re.fullmatch(spec.pattern, value):
                hint = f" (for example {spec.example})" if spec.example else ""
                problems.append(
                    CredentialProblem(
                        spec.name, f"{spec.title} is not in {self.title}'s format{hint}."
                    )
                )
        return problems

    def field_rule(self, field_name: str) -> FieldRule | None:
        """The limits of one template field, or None when the provider sets none (subscribe
        messages limit a field by its type prefix: "thing1" is a ``thing``, at most 20)."""
        return None

    def access_token_request(
        self, credentials: Mapping[str, str], *, base_url: str
    ) -> HttpRequest | None:
        """The request that obtains an access token, or None when the API needs none."""
        return None

    def read_access_token(self, response: HttpResponse) -> AccessToken:
        raise NotImplementedError

    @abstractmethod
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
        """The provider's signed request that sends ``message``; raises
        :class:`ProviderFailure` when the message cannot be put in the provider's form (a
        recipient or text it does not take), which fails the message without a call."""

    @abstractmethod
    def read_send_response(self, response: HttpResponse) -> SendResult:
        """What the provider's answer to :meth:`send_request` means."""

    def read_receipts(
        self, request: HttpRequest, credentials: Mapping[str, str]
    ) -> Sequence[DeliveryReceipt]:
        """Delivery receipts the provider pushed to the platform's receipt URL (raise
        :class:`ProviderFailure` for a request that is not the provider's). None by default.
        A provider that does not sign its pushes relies on the URL's unguessable token."""
        return ()

    def receipt_answer(self) -> HttpResponse:
        """What the provider expects back from a push it made, so it does not push again."""
        return HttpResponse(200, {"Content-Type": "text/plain"}, b"success")

    def verify_receipt_url(
        self, request: HttpRequest, credentials: Mapping[str, str]
    ) -> HttpResponse | None:
        """The answer to a provider checking the receipt URL before it pushes to it (WeChat's
        GET with ``echostr``), or None when the request is not such a check."""
        return None
