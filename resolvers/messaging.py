"""Identities, consent, channels, message templates, sending and the message log."""

from __future__ import annotations

from datetime import time
from typing import Any, cast

import strawberry

from membership.errors import DomainError, ErrorCode
from membership.members import identities
from membership.messaging import channels, consents, log, subscriptions, templates
from membership.messaging import settings as messaging_settings
from membership.messaging.preview import preview
from membership.messaging.send import SendRequest, send_message
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.scalars import JSON
from schema.types.common import page_info
from schema.types.members import Member, MemberPayload
from schema.types.messaging import (
    BindIdentityInput,
    Channel,
    ChannelConfig,
    ChannelConfigPayload,
    ChannelProvider,
    ConfigureChannelInput,
    Consent,
    ConsentPayload,
    IdentityInput,
    Message,
    MessageConnection,
    MessageEdge,
    MessageFilter,
    MessagePreview,
    MessageTemplate,
    MessageTemplatePayload,
    MessagingSettings,
    MessagingSettingsPayload,
    RecordConsentInput,
    RecordSubscriptionInput,
    SaveMessageTemplateInput,
    SendMessageInput,
    SendMessagePayload,
    SubscriptionPayload,
    TemplateVariable,
    UpdateMessagingSettingsInput,
)
from tenants.permissions import Permission

__all__ = ["MessagingMutations", "MessagingQueries"]


def _key(value: BindIdentityInput | IdentityInput) -> identities.IdentityKey:
    return identities.IdentityKey(value.provider, value.app_id, value.subject)


def _time(value: str | None, field: str) -> time | None:
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID, "Give a local time as HH:MM.", ["input", field]
        ) from None


@strawberry.type
class MessagingQueries:
    @strawberry.field(description="The member holding this identity (an openid, a unionid…).")
    async def member_by_identity(
        self, info: Info, provider: str, subject: str, app_id: str | None = None
    ) -> Member | None:
        row = await identities.member_by_identity(
            info.context.auth, identities.IdentityKey(provider, app_id, subject)
        )
        return Member.of(row) if row else None

    @strawberry.field(description="Messages, the latest first: the message log.")
    async def messages(
        self,
        info: Info,
        filter: MessageFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> MessageConnection:
        flt = filter or MessageFilter()
        page = await log.list_messages(
            info.context.auth,
            log.MessageFilter(
                member_id=parse_id(flt.member_id, ["filter", "memberId"])
                if flt.member_id
                else None,
                channel=flt.channel.value if flt.channel else None,
                status=flt.status.value if flt.status else None,
                skip_reason=flt.skip_reason,
                template=flt.template,
                since=flt.since,
                until=flt.until,
            ),
            first=first or 50,
            after=after,
        )
        edges = [MessageEdge.of(row) for row in page.rows]
        return MessageConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )

    @strawberry.field
    async def message_templates(self, info: Info) -> list[MessageTemplate]:
        return [MessageTemplate.of(r) for r in await templates.list_templates(info.context.auth)]

    @strawberry.field(description="The variables a template may use.")
    def template_variables(self) -> list[TemplateVariable]:
        return [TemplateVariable(name=k, description=v) for k, v in templates.VARIABLES.items()]

    @strawberry.field(
        description="A saved template (by name), or a draft's content before it is saved, "
        "rendered for one member on each of its channels, with what would stop it."
    )
    async def preview_message(
        self,
        info: Info,
        member_id: strawberry.ID,
        template: str | None = None,
        content: JSON | None = None,
    ) -> list[MessagePreview]:
        draft = cast(dict[str, Any], content) if isinstance(content, dict) else None
        found = await preview(info.context.auth, template, parse_id(member_id, ["memberId"]), draft)
        return [
            MessagePreview(
                channel=Channel(p.channel.value),
                body=p.body,
                fields=cast(JSON, p.fields),
                problems=p.problems,
            )
            for p in found
        ]

    @strawberry.field(description="Every provider installed, by channel.")
    def channel_providers(self) -> list[ChannelProvider]:
        return [ChannelProvider(_impl=p) for p in channels.providers().values()]

    @strawberry.field(description="The providers this tenant chose, with credentials hinted.")
    async def channel_configs(self, info: Info) -> list[ChannelConfig]:
        return [ChannelConfig.of(r) for r in await channels.list_channels(info.context.auth)]

    @strawberry.field
    async def messaging_settings(self, info: Info) -> MessagingSettings:
        ctx = info.context.auth
        # whoever records consent needs the programme's purposes
        if not (ctx.has(Permission.MESSAGES_SEND) or ctx.has(Permission.MEMBERS_READ)):
            ctx.require(Permission.CHANNELS_MANAGE)
        return MessagingSettings.of(await messaging_settings.load(info.context.auth))


@strawberry.type
class MessagingMutations:
    @strawberry.mutation(description="Bind an identity to a member; binding it again is a no-op.")
    @returns_errors(MemberPayload)
    async def bind_identity(self, info: Info, input: BindIdentityInput) -> MemberPayload:
        row = await identities.bind_identity(
            info.context.auth, parse_id(input.member_id, ["input", "memberId"]), _key(input)
        )
        return MemberPayload(member=Member.of(row))

    @strawberry.mutation(description="Remove one identity from a member.")
    @returns_errors(MemberPayload)
    async def unbind_identity(self, info: Info, input: BindIdentityInput) -> MemberPayload:
        row = await identities.unbind_identity(
            info.context.auth, parse_id(input.member_id, ["input", "memberId"]), _key(input)
        )
        return MemberPayload(member=Member.of(row))

    @strawberry.mutation(
        description="Record a grant or withdrawal of consent; the history is kept."
    )
    @returns_errors(ConsentPayload)
    async def record_consent(self, info: Info, input: RecordConsentInput) -> ConsentPayload:
        row = await consents.record_consent(
            info.context.auth,
            consents.ConsentToRecord(
                member_id=parse_id(input.member_id, ["input", "memberId"]),
                channel=input.channel.value,
                purpose=input.purpose,
                granted=input.granted,
                source=input.source,
                idempotency_key=input.idempotency_key,
                recorded_at=input.recorded_at,
            ),
        )
        return ConsentPayload(consent=Consent.of(row))

    @strawberry.mutation(
        description="Credits to send a mini-program subscribe template: one per accepted "
        "subscription (wx.requestSubscribeMessage)."
    )
    @returns_errors(SubscriptionPayload)
    async def record_subscription(
        self, info: Info, input: RecordSubscriptionInput
    ) -> SubscriptionPayload:
        left = await subscriptions.record_subscription(
            info.context.auth,
            subscriptions.SubscriptionGrant(
                member_id=parse_id(input.member_id, ["input", "memberId"]),
                template_code=input.template_code,
                idempotency_key=input.idempotency_key,
                count=input.count,
                source=input.source,
            ),
        )
        return SubscriptionPayload(credits=left)

    @strawberry.mutation(
        description="Send a template to a member through the send policy: consent, credit, "
        "frequency cap, quiet hours, then the next channel."
    )
    @returns_errors(SendMessagePayload)
    async def send_message(self, info: Info, input: SendMessageInput) -> SendMessagePayload:
        rows = await send_message(
            info.context.auth,
            SendRequest(
                member_id=parse_id(input.member_id, ["input", "memberId"]),
                template=input.template,
                cause=input.idempotency_key,
                channels=[c.value for c in input.channels] if input.channels else None,
                purpose=input.purpose,
                coupon_id=parse_id(input.coupon_id, ["input", "couponId"])
                if input.coupon_id
                else None,
            ),
        )
        return SendMessagePayload(messages=[Message.of(r) for r in rows])

    @strawberry.mutation(description="Create a message template, or change one (with id).")
    @returns_errors(MessageTemplatePayload)
    async def save_message_template(
        self, info: Info, input: SaveMessageTemplateInput
    ) -> MessageTemplatePayload:
        row = await templates.save_template(
            info.context.auth,
            templates.TemplateDraft(
                name=input.name,
                title=input.title,
                purpose=input.purpose,
                content=cast(dict[str, Any], input.content),
            ),
            parse_id(input.id, ["input", "id"]) if input.id else None,
        )
        return MessageTemplatePayload(template=MessageTemplate.of(row))

    @strawberry.mutation(description="Delete a template no message was sent with.")
    @returns_errors(MessageTemplatePayload)
    async def delete_message_template(
        self, info: Info, id: strawberry.ID
    ) -> MessageTemplatePayload:
        row = await templates.delete_template(info.context.auth, parse_id(id, ["id"]))
        return MessageTemplatePayload(template=MessageTemplate.of(row))

    @strawberry.mutation(description="Choose a channel's provider and give its credentials.")
    @returns_errors(ChannelConfigPayload)
    async def configure_channel(
        self, info: Info, input: ConfigureChannelInput
    ) -> ChannelConfigPayload:
        credentials = input.credentials
        if credentials is not None and not (
            isinstance(credentials, dict) and all(isinstance(v, str) for v in credentials.values())
        ):
            raise DomainError(
                ErrorCode.INVALID,
                "Credentials are an object of text values.",
                ["input", "credentials"],
            )
        row = await channels.configure_channel(
            info.context.auth,
            channels.ChannelSetup(
                channel=input.channel.value,
                provider=input.provider,
                credentials=credentials,
                base_url=input.base_url,
                enabled=input.enabled,
                daily_quota=input.daily_quota,
                credit_balance=input.credit_balance,
            ),
        )
        return ChannelConfigPayload(config=ChannelConfig.of(row))

    @strawberry.mutation(description="Change the send policy; only the fields given change.")
    @returns_errors(MessagingSettingsPayload)
    async def update_messaging_settings(
        self, info: Info, input: UpdateMessagingSettingsInput
    ) -> MessagingSettingsPayload:
        row = await messaging_settings.update(
            info.context.auth,
            messaging_settings.SettingsChanges(
                purposes=input.purposes,
                limited_purposes=input.limited_purposes,
                max_per_day=input.max_per_day,
                max_per_week=input.max_per_week,
                quiet_start=_time(input.quiet_start, "quietStart"),
                quiet_end=_time(input.quiet_end, "quietEnd"),
                clear_quiet_hours=input.clear_quiet_hours,
                fallback=[c.value for c in input.fallback] if input.fallback else None,
            ),
        )
        return MessagingSettingsPayload(settings=MessagingSettings.of(row))
