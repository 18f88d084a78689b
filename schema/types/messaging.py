"""Consent, identities, channels, message templates and messages."""

from __future__ import annotations

from datetime import datetime, time
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from membership.members.models import MemberIdentity
from membership.messaging.consents import ConsentState
from membership.messaging.log import message_cursor
from membership.messaging.models import ChannelConfig as ChannelConfigModel
from membership.messaging.models import ConsentRecord as ConsentRecordModel
from membership.messaging.models import Message as MessageModel
from membership.messaging.models import MessageTemplate as TemplateModel
from membership.messaging.models import MessagingSettings as SettingsModel
from plugins.channels import ChannelProvider as ProviderImpl
from schema.context import Info
from schema.errors import UserError
from schema.scalars import JSON, Long
from schema.types.common import PageInfo

if TYPE_CHECKING:
    from schema.types.members import Member

__all__ = [
    "BindIdentityInput",
    "Channel",
    "ChannelConfig",
    "ChannelConfigPayload",
    "ChannelProvider",
    "ConfigureChannelInput",
    "Consent",
    "ConsentPayload",
    "ConsentRecord",
    "ConsentRecordConnection",
    "Identity",
    "IdentityInput",
    "Message",
    "MessageConnection",
    "MessageEdge",
    "MessageFilter",
    "MessagePayload",
    "MessageStatus",
    "MessageTemplate",
    "MessageTemplatePayload",
    "MessagingSettings",
    "MessagingSettingsPayload",
    "RecordConsentInput",
    "RecordSubscriptionInput",
    "SaveMessageTemplateInput",
    "SendMessageInput",
    "SendMessagePayload",
    "SubscriptionPayload",
    "UpdateMessagingSettingsInput",
]


@strawberry.enum
class Channel(Enum):
    SMS = "SMS"
    WECHAT_TEMPLATE = "WECHAT_TEMPLATE"
    WECHAT_SUBSCRIBE = "WECHAT_SUBSCRIBE"
    WECOM = "WECOM"


@strawberry.enum
class MessageStatus(Enum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


@strawberry.type(description="A member's consent for one channel and purpose, as it stands.")
class Consent:
    channel: Channel
    purpose: str
    granted: bool
    source: str | None
    recorded_at: datetime

    @classmethod
    def of(cls, state: ConsentState | ConsentRecordModel) -> Consent:
        return cls(
            channel=Channel(state.channel),
            purpose=state.purpose,
            granted=state.granted,
            source=state.source,
            recorded_at=state.recorded_at,
        )


@strawberry.type(description="One grant or withdrawal in the consent history, never changed.")
class ConsentRecord(Consent):
    id: strawberry.ID
    recorded_by: str = strawberry.field(
        description="Who recorded it: a staff login, a key, the member."
    )

    @classmethod
    def of_record(cls, row: ConsentRecordModel) -> ConsentRecord:
        return cls(
            id=strawberry.ID(str(row.id)),
            channel=Channel(row.channel),
            purpose=row.purpose,
            granted=row.granted,
            source=row.source,
            recorded_at=row.recorded_at,
            recorded_by=row.actor,
        )


@strawberry.type
class ConsentRecordEdge:
    node: ConsentRecord
    cursor: str


@strawberry.type
class ConsentRecordConnection:
    edges: list[ConsentRecordEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class RecordConsentInput:
    member_id: strawberry.ID
    channel: Channel
    purpose: str = strawberry.field(description='e.g. "marketing", "service"')
    granted: bool = strawberry.field(description="false withdraws; the history is kept")
    source: str | None = strawberry.field(
        default=None, description='where it was given: "pos", "mini-program", "import"…'
    )
    idempotency_key: str
    recorded_at: datetime | None = strawberry.field(
        default=None, description="When it was given, if earlier (an import); default now."
    )


@strawberry.type
class ConsentPayload:
    consent: Consent | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="An account of the member elsewhere.")
class Identity:
    provider: str = strawberry.field(
        description="WECHAT_OPENID, WECHAT_UNIONID, ALIPAY_USER, WECOM_EXTERNAL_USERID…"
    )
    app_id: str | None
    subject: str
    created_at: datetime

    @classmethod
    def of(cls, row: MemberIdentity) -> Identity:
        return cls(
            provider=row.provider,
            app_id=row.app_id or None,
            subject=row.subject,
            created_at=row.created_at,
        )


@strawberry.input
class BindIdentityInput:
    member_id: strawberry.ID
    provider: str
    app_id: str | None = None
    subject: str


@strawberry.input(description="A member named by an identity (an openid a mini-program knows).")
class IdentityInput:
    provider: str
    app_id: str | None = None
    subject: str


@strawberry.type(description="One attempt to reach a member on one channel, and its outcome.")
class Message:
    _row: strawberry.Private[MessageModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def channel(self) -> Channel:
        return Channel(self._row.channel)

    @strawberry.field(description="The template's name.")
    def template(self) -> str | None:
        return self._row.template_name

    @strawberry.field(description="As rendered for this member.")
    def body(self) -> str | None:
        return self._row.body

    @strawberry.field
    def status(self) -> MessageStatus:
        return MessageStatus(self._row.status)

    @strawberry.field(
        description="Why it was not sent: NO_CONSENT, NO_CREDIT, QUIET_HOURS, FREQUENCY_CAP, "
        "QUOTA_EXCEEDED, FIELD_TOO_LONG, NO_RECIPIENT, CHANNEL_UNAVAILABLE, or the provider's "
        "reason when it refused."
    )
    def skip_reason(self) -> str | None:
        return self._row.skip_reason

    @strawberry.field(description="The gate's or the provider's words about the outcome.")
    def detail(self) -> str | None:
        return self._row.detail

    @strawberry.field
    def purpose(self) -> str:
        return self._row.purpose

    @strawberry.field(description="What asked for it: a journey step, an API call's key.")
    def cause(self) -> str:
        return self._row.cause

    @strawberry.field(description="The provider that carries it (fake_sms in development…).")
    def provider(self) -> str | None:
        return self._row.provider

    @strawberry.field
    def member_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self._row.member_id)) if self._row.member_id else None

    @strawberry.field(description="The member messaged (batched across a page of the log).")
    async def member(
        self, info: Info
    ) -> Annotated[Member, strawberry.lazy("schema.types.members")] | None:
        from schema.types.members import Member

        if self._row.member_id is None:
            return None
        row = await info.context.member_loader.load(self._row.member_id)
        return Member.of(row) if row else None

    @strawberry.field
    def attempts(self) -> int:
        return int(self._row.attempts)

    @strawberry.field(description="Held back by quiet hours until then.")
    def deferred_until(self) -> datetime | None:
        return self._row.deferred_until  # type: ignore[no-any-return]

    @strawberry.field
    def sent_at(self) -> datetime | None:
        return self._row.sent_at  # type: ignore[no-any-return]

    @strawberry.field
    def delivered_at(self) -> datetime | None:
        return self._row.delivered_at  # type: ignore[no-any-return]

    @strawberry.field
    def created_at(self) -> datetime:
        return self._row.created_at  # type: ignore[no-any-return]

    @classmethod
    def of(cls, row: MessageModel) -> Message:
        return cls(_row=row)


@strawberry.type
class MessageEdge:
    node: Message
    cursor: str

    @classmethod
    def of(cls, row: MessageModel) -> MessageEdge:
        return cls(node=Message.of(row), cursor=message_cursor(row))


@strawberry.type
class MessageConnection:
    edges: list[MessageEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class MessageFilter:
    member_id: strawberry.ID | None = None
    channel: Channel | None = None
    status: MessageStatus | None = None
    skip_reason: str | None = None
    template: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@strawberry.input
class SendMessageInput:
    member_id: strawberry.ID
    template: str = strawberry.field(description="The template's name.")
    idempotency_key: str = strawberry.field(
        description="The cause: asking again with it returns the first call's messages."
    )
    channels: list[Channel] | None = strawberry.field(
        default=None, description="Tried in this order; default the programme's order."
    )
    purpose: str | None = strawberry.field(default=None, description="Default the template's.")
    coupon_id: strawberry.ID | None = strawberry.field(
        default=None, description="The coupon the message is about (coupon.* variables)."
    )


@strawberry.type
class SendMessagePayload:
    messages: list[Message] = strawberry.field(
        default_factory=list,
        description="Every channel tried, in order: the skipped ones, then the queued one.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MessagePayload:
    message: Message | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RecordSubscriptionInput:
    member_id: strawberry.ID
    template_code: str = strawberry.field(description="The WeChat subscribe template id accepted.")
    count: int = 1
    source: str | None = None
    idempotency_key: str


@strawberry.type
class SubscriptionPayload:
    credits: int = strawberry.field(
        default=0, description="Messages of this template the member may now be sent."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MessageTemplate:
    _row: strawberry.Private[TemplateModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def name(self) -> str:
        return self._row.name

    @strawberry.field
    def title(self) -> str:
        return self._row.title

    @strawberry.field
    def purpose(self) -> str:
        return self._row.purpose

    @strawberry.field(
        description="By channel: templateCode, fields (with {{variables}}), text, link."
    )
    def content(self) -> JSON:
        return self._row.content  # type: ignore[no-any-return]

    @strawberry.field
    def channels(self) -> list[Channel]:
        return [Channel(c) for c in self._row.content]

    @strawberry.field
    def updated_at(self) -> datetime:
        return self._row.updated_at

    @classmethod
    def of(cls, row: TemplateModel) -> MessageTemplate:
        return cls(_row=row)


@strawberry.input
class SaveMessageTemplateInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="None: a new template.")
    name: str
    title: str
    purpose: str
    content: JSON


@strawberry.type
class MessageTemplatePayload:
    template: MessageTemplate | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="A template variable and what it says.")
class TemplateVariable:
    name: str
    description: str


@strawberry.type(description="A template rendered for one member, as each channel would carry it.")
class MessagePreview:
    channel: Channel
    body: str
    fields: JSON
    problems: list[str]


@strawberry.type
class CredentialField:
    name: str
    title: str
    secret: bool
    required: bool
    example: str | None


@strawberry.type(description="A provider that can carry a channel (from the platform or a plugin).")
class ChannelProvider:
    _impl: strawberry.Private[ProviderImpl]

    @strawberry.field
    def name(self) -> str:
        return self._impl.name

    @strawberry.field
    def title(self) -> str:
        return self._impl.title

    @strawberry.field
    def channel(self) -> Channel:
        return Channel(self._impl.channel.value)

    @strawberry.field
    def credential_fields(self) -> list[CredentialField]:
        return [
            CredentialField(
                name=f.name, title=f.title, secret=f.secret, required=f.required, example=f.example
            )
            for f in self._impl.credential_fields
        ]


@strawberry.type(description="The provider a tenant chose for a channel; secrets never shown.")
class ChannelConfig:
    _row: strawberry.Private[ChannelConfigModel]

    @strawberry.field
    def channel(self) -> Channel:
        return Channel(self._row.channel)

    @strawberry.field
    def provider(self) -> str:
        return self._row.provider

    @strawberry.field(description="Plain values, and each secret as ••••1234.")
    def credentials(self) -> JSON:
        return self._row.credential_hint  # type: ignore[no-any-return]

    @strawberry.field
    def base_url(self) -> str | None:
        return self._row.base_url

    @strawberry.field
    def enabled(self) -> bool:
        return self._row.enabled

    @strawberry.field(description="Template messages a day, counted in the tenant's time zone.")
    def daily_quota(self) -> int | None:
        return self._row.daily_quota

    @strawberry.field(description="SMS left to send; null: not counted.")
    def credit_balance(self) -> Long | None:
        return self._row.credit_balance

    @strawberry.field(
        description="The unguessable part of this channel's delivery-receipt URL (providers "
        "such as Alibaba and Tencent do not sign their receipt pushes)."
    )
    def receipt_token(self) -> str:
        return self._row.receipt_token

    @strawberry.field
    def updated_at(self) -> datetime:
        return self._row.updated_at

    @classmethod
    def of(cls, row: ChannelConfigModel) -> ChannelConfig:
        return cls(_row=row)


@strawberry.input
class ConfigureChannelInput:
    channel: Channel
    provider: str
    credentials: JSON | None = strawberry.field(
        default=None, description="None keeps the saved ones (same provider)."
    )
    base_url: str | None = None
    enabled: bool = True
    daily_quota: int | None = None
    credit_balance: Long | None = None


@strawberry.type
class ChannelConfigPayload:
    config: ChannelConfig | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MessagingSettings:
    _row: strawberry.Private[SettingsModel]

    @strawberry.field(description="The purposes consent is recorded for.")
    def purposes(self) -> list[str]:
        return list(self._row.purposes)

    @strawberry.field(description="Purposes held to the frequency cap and quiet hours.")
    def limited_purposes(self) -> list[str]:
        return list(self._row.limited_purposes)

    @strawberry.field
    def max_per_day(self) -> int:
        return self._row.max_per_day

    @strawberry.field
    def max_per_week(self) -> int:
        return self._row.max_per_week

    @strawberry.field(description="Local time (the tenant's zone), HH:MM.")
    def quiet_start(self) -> str | None:
        return _hhmm(self._row.quiet_start)

    @strawberry.field
    def quiet_end(self) -> str | None:
        return _hhmm(self._row.quiet_end)

    @strawberry.field(description="The order channels are tried in.")
    def fallback(self) -> list[Channel]:
        return [Channel(c) for c in self._row.fallback]

    @classmethod
    def of(cls, row: SettingsModel) -> MessagingSettings:
        return cls(_row=row)


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


@strawberry.input
class UpdateMessagingSettingsInput:
    purposes: list[str] | None = None
    limited_purposes: list[str] | None = None
    max_per_day: int | None = None
    max_per_week: int | None = None
    quiet_start: str | None = strawberry.field(default=None, description="HH:MM")
    quiet_end: str | None = strawberry.field(default=None, description="HH:MM")
    clear_quiet_hours: bool = False
    fallback: list[Channel] | None = None


@strawberry.type
class MessagingSettingsPayload:
    settings: MessagingSettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
