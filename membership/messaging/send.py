"""The one send path: every message to a member passes the policy gate, in this order.

1. **Consent** for the channel and purpose. A capped purpose (``marketing`` by default) needs a
   grant; any other purpose needs only that the member has not withdrawn it.
2. **A send credit**: a mini-program subscribe message needs one of the member's subscriptions
   to that template (one per grant); SMS draws on the tenant's SMS balance when it keeps one;
   template messages count against the tenant's daily quota when it set one.
3. **The frequency cap** per member across all sources, per day and per week in the tenant's
   time zone, for capped purposes. It holds for every channel, so it ends the chain.
4. **Quiet hours** in the tenant's time zone, for capped purposes: the message waits (QUEUED
   with ``deferred_until``) and goes out when they end; it is not dropped.
5. **Fallback**: a channel that cannot take the message (no consent, no credit, no recipient,
   content over its limits, unavailable) leaves a SKIPPED message saying why, and the next
   channel in the tenant's order is tried.

A message that passes is QUEUED; the worker sends it (``delivery``). Everything here happens in
one transaction under a per-member advisory lock, so concurrent sends to one member see each
other's counts and credits: of ten concurrent sends against one subscription, one is queued.
Sends are idempotent per *cause* (a journey step, an API call's key): asking again with the same
cause returns the messages the first call made.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from membership.members.models import Member
from membership.messaging import settings as messaging_settings
from membership.messaging.channels import active_channels
from membership.messaging.events import MessageSkipped
from membership.messaging.gate import (
    Held,
    check,
    count_for_cap,
    in_quiet_hours,
    lock_member,
    quiet_hours_end,
    recipient,
    take_credit,
    wecom_sender,
)
from membership.messaging.models import Message, MessageTemplate, MessagingSettings
from membership.messaging.templates import render, variables_used
from membership.messaging.variables import member_values
from membership.outbox import emit
from plugins.channels import Channel
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["SendRequest", "message_event", "send_message", "try_channels"]

MAX_CAUSE = 200


@dataclass(frozen=True)
class SendRequest:
    member_id: uuid.UUID
    template: str  # the template's name
    cause: str  # what asks for it; the same cause sends once
    channels: Sequence[str] | None = (
        None  # None: the tenant's order, where the template has content
    )
    purpose: str | None = None  # None: the template's
    coupon_id: uuid.UUID | None = None  # the coupon a message is about


async def send_message(ctx: RequestContext, request: SendRequest) -> list[Message]:
    """Send a template to a member through the gate; returns every message the cause made, the
    one queued (if any) last. One transaction: the policy, the template and the gate are read
    once, under the member's lock."""
    ctx.require(Permission.MESSAGES_SEND)
    errors: list[DomainError] = []
    cause = request.cause.strip()
    if not cause or len(cause) > MAX_CAUSE:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "A cause (idempotency key) has 1 to {limit} characters.",
                ["input", "idempotencyKey"],
                limit=MAX_CAUSE,
            )
        )
    channels: list[Channel] = []
    for i, value in enumerate(request.channels or []):
        try:
            channels.append(messaging_settings.check_channel(value, ["input", "channels", str(i)]))
        except DomainError as exc:
            errors.append(exc)
    async with tenant_tx(ctx) as conn:
        settings = await messaging_settings.load(ctx)
        template = await MessageTemplate.get_or_none(name=request.template)
        if template is None:
            errors.append(
                DomainError(
                    ErrorCode.NOT_FOUND,
                    "No template named {name}.",
                    ["input", "template"],
                    name=request.template,
                )
            )
        purpose = request.purpose or (template.purpose if template else "")
        if request.purpose is not None:
            try:
                messaging_settings.check_purpose(settings, request.purpose, ["input", "purpose"])
            except DomainError as exc:
                errors.append(exc)
        if errors:
            raise DomainErrors(errors)
        assert template is not None
        wanted = channels or [Channel(c) for c in settings.fallback]
        order = [c for c in wanted if c.value in template.content]
        if not order:
            raise DomainError(
                ErrorCode.INVALID,
                "Template {name} has no content for {channels}.",
                ["input", "channels"],
                name=template.name,
                channels=", ".join(c.value for c in wanted),
            )
        await lock_member(conn, request.member_id)
        existing = await Message.filter(cause=cause)
        if existing:
            # in the order the channels were tried: one message per channel, all made at one
            # instant, and ids made in the same millisecond do not sort by creation
            position = {c.value: i for i, c in enumerate(order)}
            return sorted(existing, key=lambda m: (position.get(m.channel, len(position)), m.id))
        member = await Member.get_or_none(id=request.member_id, merged_into_id=None)
        if member is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
            )
        return await try_channels(
            ctx,
            conn,
            settings=settings,
            member=member,
            template=template,
            order=order,
            purpose=purpose,
            cause=cause,
            coupon_id=request.coupon_id,
        )


async def try_channels(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    *,
    settings: MessagingSettings,
    member: Member,
    template: MessageTemplate,
    order: Sequence[Channel],
    purpose: str,
    cause: str,
    coupon_id: uuid.UUID | None,
) -> list[Message]:
    """Run the gate over ``order`` in the caller's transaction (which holds the member lock):
    SKIPPED messages for the channels that cannot take it, then the QUEUED one, if any."""
    made: list[Message] = []
    contents = [template.content.get(c.value) or {} for c in order]
    values = await member_values(ctx, conn, member, coupon_id, wanted=variables_used(contents))
    carriers = await active_channels(ctx)
    now = ctx.clock.now()
    for i, (channel, content) in enumerate(zip(order, contents, strict=True)):
        rest = [c.value for c in order[i + 1 :]]
        active = carriers.get(channel)
        row = Message(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            member_id=member.id,
            channel=channel.value,
            provider=active.provider.name if active else None,
            template_id=template.id,
            template_name=template.name,
            purpose=purpose,
            cause=cause,
            content={},
            fallback=rest,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        held: Held | None = None
        credit: str | None = None
        if active is None:
            held = Held("CHANNEL_UNAVAILABLE", "The tenant has no provider for this channel.")
        else:
            rendered = render(content, values, active.provider)
            row.body = rendered.body
            row.content = {
                "templateCode": rendered.template_code,
                "fields": rendered.fields,
                "text": rendered.text,
                "link": rendered.link,
                # a channel tried later (after a provider's refusal) renders the same coupon
                "couponId": str(coupon_id) if coupon_id else None,
            }
            row.recipient = await recipient(conn, member, active)
            if active.channel is Channel.WECOM:
                row.content["sender"] = await wecom_sender(conn, member, active)
            held = await check(
                conn,
                ctx,
                settings,
                member,
                active,
                purpose,
                rendered.problems,
                rendered.template_code,
            )
            if held is None and row.recipient is None:
                held = Held("NO_RECIPIENT", f"The member has no {active.provider.recipient}.")
            if held is None and active.channel is Channel.WECOM and not row.content["sender"]:
                held = Held(
                    "NO_RECIPIENT",
                    "No staff member to confirm the WeCom task: give the member an account "
                    "manager with a WeCom account, or the channel a default sender.",
                )
            if held is None:
                held, credit = await take_credit(conn, ctx, member, active, rendered.template_code)
        if held is not None:
            row.status, row.skip_reason, row.detail = "SKIPPED", held.reason, held.detail
            await row.save()
            await emit(ctx, message_event(MessageSkipped, row))
            made.append(row)
            if held.ends_chain:
                break
            continue
        row.status = "QUEUED"
        row.credit_code = credit
        if purpose in settings.limited_purposes and in_quiet_hours(
            now.astimezone(ZoneInfo(ctx.tenant.timezone)).time(),
            settings.quiet_start,
            settings.quiet_end,
        ):
            assert settings.quiet_end is not None
            row.deferred_until = quiet_hours_end(
                now, ZoneInfo(ctx.tenant.timezone), settings.quiet_end
            )
            row.detail = "Waiting for quiet hours to end."
        row.next_attempt_at = row.deferred_until or now
        await row.save()
        if purpose in settings.limited_purposes:
            await count_for_cap(conn, ctx, member.id)
        made.append(row)
        break
    return made


def message_event(cls: Any, row: Message) -> Any:
    """The event ``cls`` about ``row``."""
    return cls(
        member_id=row.member_id,
        message_id=row.id,
        channel=row.channel,
        template=row.template_name,
        purpose=row.purpose,
        cause=row.cause,
        reason=row.skip_reason,
    )
