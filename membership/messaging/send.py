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
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from membership.members.models import Member
from membership.messaging import settings as messaging_settings
from membership.messaging.channels import ActiveChannel, active_channel
from membership.messaging.events import MessageSkipped
from membership.messaging.models import Message, MessageTemplate, MessagingSettings
from membership.messaging.templates import render, template_named
from membership.messaging.variables import member_values
from membership.outbox import emit
from plugins.channels import Channel, RecipientKind
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "SendRequest",
    "in_quiet_hours",
    "message_event",
    "quiet_hours_end",
    "send_message",
    "try_channels",
]

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


def in_quiet_hours(local: time, start: time | None, end: time | None) -> bool:
    if start is None or end is None:
        return False
    # a time column may come back carrying a zone; quiet hours are wall-clock times
    local, start, end = (t.replace(tzinfo=None) for t in (local, start, end))
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight, 21:00-09:00


def quiet_hours_end(now: datetime, tz: ZoneInfo, end: time) -> datetime:
    """The next moment quiet hours end, after ``now``."""
    local = now.astimezone(tz)
    end = end.replace(tzinfo=None)
    candidate = datetime.combine(local.date(), end, tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=tz)
    return candidate


async def send_message(ctx: RequestContext, request: SendRequest) -> list[Message]:
    """Send a template to a member through the gate; returns every message the cause made, the
    one queued (if any) last."""
    ctx.require(Permission.MESSAGES_SEND)
    settings = await messaging_settings.load(ctx)
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
    template = await template_named(ctx, request.template)
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
    async with tenant_tx(ctx) as conn:
        existing = await Message.filter(cause=cause).order_by("created_at", "id")
        if existing:
            return list(existing)
        await _lock_member(conn, request.member_id)
        existing = await Message.filter(cause=cause).order_by("created_at", "id")
        if existing:
            return list(existing)
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


async def _lock_member(conn: BaseDBAsyncClient, member_id: uuid.UUID) -> None:
    # Serialises sends to one member (counts, credits) without touching the member's row,
    # which orders and points lock.
    await conn.execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended('message:' || $1::text, 0))",
        [str(member_id)],
    )


@dataclass(frozen=True)
class _Held:
    reason: str
    detail: str | None = None
    ends_chain: bool = False


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
    values = await member_values(ctx, conn, member, coupon_id)
    now = ctx.clock.now()
    for i, channel in enumerate(order):
        rest = [c.value for c in order[i + 1 :]]
        active = await active_channel(ctx, channel)
        content = template.content.get(channel.value) or {}
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
        held: _Held | None = None
        credit: str | None = None
        if active is None:
            held = _Held("CHANNEL_UNAVAILABLE", "The tenant has no provider for this channel.")
        else:
            rendered = render(content, values, active.provider)
            row.body = rendered.body
            row.content = {
                "templateCode": rendered.template_code,
                "fields": rendered.fields,
                "text": rendered.text,
                "link": rendered.link,
            }
            row.recipient = await _recipient(conn, member, active)
            if active.channel is Channel.WECOM:
                row.content["sender"] = await _wecom_sender(conn, member, active)
            held = await _gate(
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
                held = _Held("NO_RECIPIENT", f"The member has no {active.provider.recipient}.")
            if held is None and active.channel is Channel.WECOM and not row.content["sender"]:
                held = _Held(
                    "NO_RECIPIENT",
                    "No staff member to confirm the WeCom task: give the member an account "
                    "manager with a WeCom account, or the channel a default sender.",
                )
            if held is None:
                held, credit = await _take_credit(conn, ctx, member, active, rendered.template_code)
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


async def _recipient(conn: BaseDBAsyncClient, member: Member, active: ActiveChannel) -> str | None:
    kind = active.provider.recipient
    if kind is RecipientKind.PHONE:
        return member.phone
    provider = "WECHAT_OPENID" if kind is RecipientKind.WECHAT_OPENID else kind.value
    app_id = active.credentials.get("appId") or active.credentials.get("corpId")
    if app_id:
        sql = "SELECT subject FROM member_identities WHERE member_id = $1 AND provider = $2 AND app_id = $3 LIMIT 1"
        args: list[Any] = [member.id, provider, app_id]
    else:  # the fake provider: any account of that kind
        sql = "SELECT subject FROM member_identities WHERE member_id = $1 AND provider = $2 ORDER BY created_at LIMIT 1"
        args = [member.id, provider]
    _, rows = await conn.execute_query(sql, args)
    return rows[0]["subject"] if rows else None


async def _wecom_sender(
    conn: BaseDBAsyncClient, member: Member, active: ActiveChannel
) -> str | None:
    """Who confirms a WeCom task to the member: their account manager, else the default."""
    if member.account_manager_id is not None:
        _, rows = await conn.execute_query(
            "SELECT wecom_user_id FROM staff WHERE id = $1 AND active", [member.account_manager_id]
        )
        if rows and rows[0]["wecom_user_id"]:
            return str(rows[0]["wecom_user_id"])
    fake = active.provider.name.startswith("fake_")
    return active.credentials.get("defaultSender") or ("fake-staff" if fake else None)


async def _gate(
    conn: BaseDBAsyncClient,
    ctx: RequestContext,
    settings: MessagingSettings,
    member: Member,
    active: ActiveChannel,
    purpose: str,
    problems: list[str],
    template_code: str | None,
) -> _Held | None:
    capped = purpose in settings.limited_purposes
    _, rows = await conn.execute_query(
        "SELECT granted FROM member_consents WHERE member_id = $1 AND channel = $2 AND purpose = $3",
        [member.id, active.channel.value, purpose],
    )
    granted = rows[0]["granted"] if rows else None
    if granted is False or (capped and granted is not True):
        return _Held(
            "NO_CONSENT",
            f"The member {'withdrew' if granted is False else 'has not given'} consent to "
            f"{purpose} messages on {active.channel.value}.",
        )
    if problems:
        return _Held("FIELD_TOO_LONG", "; ".join(problems))
    held = await _credit_available(conn, ctx, member, active, template_code)
    if held is not None:
        return held
    if capped:
        held = await _cap(conn, ctx, settings, member)
        if held is not None:
            return held
    return None


async def _cap(
    conn: BaseDBAsyncClient, ctx: RequestContext, settings: MessagingSettings, member: Member
) -> _Held | None:
    tz = ZoneInfo(ctx.tenant.timezone)
    local = ctx.clock.now().astimezone(tz)
    day = datetime.combine(local.date(), time(0), tzinfo=tz)
    week = day - timedelta(days=local.weekday())
    _, rows = await conn.execute_query(
        """
        SELECT count(*) FILTER (WHERE created_at >= $3) AS today, count(*) AS week
        FROM messages
        WHERE member_id = $1 AND created_at >= $2 AND purpose = ANY($4::text[])
          AND status IN ('QUEUED', 'SENT', 'DELIVERED')
        """,
        [member.id, week, day, list(settings.limited_purposes)],
    )
    today, this_week = rows[0]["today"], rows[0]["week"]
    if today >= settings.max_per_day:
        return _Held(
            "FREQUENCY_CAP", f"{today} messages today; the cap is {settings.max_per_day}.", True
        )
    if this_week >= settings.max_per_week:
        return _Held(
            "FREQUENCY_CAP",
            f"{this_week} messages this week; the cap is {settings.max_per_week}.",
            True,
        )
    return None


async def _credit_available(
    conn: BaseDBAsyncClient,
    ctx: RequestContext,
    member: Member,
    active: ActiveChannel,
    template_code: str | None,
) -> _Held | None:
    """Whether a credit is there to take (taken only once every check has passed)."""
    if active.channel is Channel.WECHAT_SUBSCRIBE:
        _, rows = await conn.execute_query(
            "SELECT 1 FROM subscribe_credits WHERE member_id = $1 AND template_code = $2 "
            "AND remaining > 0",
            [member.id, template_code or ""],
        )
        if not rows:
            return _NO_SUBSCRIPTION
        return None
    config = active.config
    if config is None:
        return None
    if active.channel is Channel.SMS and config.credit_balance is not None:
        if config.credit_balance <= 0:
            return _NO_SMS_BALANCE
    elif config.daily_quota is not None:
        day = ctx.clock.now().astimezone(ZoneInfo(ctx.tenant.timezone)).date()
        _, rows = await conn.execute_query(
            "SELECT sent FROM message_counters WHERE channel = $1 AND day = $2",
            [active.channel.value, day],
        )
        if rows and rows[0]["sent"] >= config.daily_quota:
            return _quota_held(config.daily_quota)
    return None


_NO_SUBSCRIPTION = _Held(
    "NO_CREDIT", "The member has no subscription to this subscribe template left."
)
_NO_SMS_BALANCE = _Held("NO_CREDIT", "The SMS balance is used up.")


def _quota_held(quota: int) -> _Held:
    return _Held("QUOTA_EXCEEDED", f"Today's quota of {quota} is used up.")


async def _take_credit(
    conn: BaseDBAsyncClient,
    ctx: RequestContext,
    member: Member,
    active: ActiveChannel,
    template_code: str | None,
) -> tuple[_Held | None, str | None]:
    """Use one send credit where the channel needs one; the held reason when there is none."""
    if active.channel is Channel.WECHAT_SUBSCRIBE:
        rows = await conn.execute_query_dict(
            "UPDATE subscribe_credits SET remaining = remaining - 1, updated_at = $3 "
            "WHERE member_id = $1 AND template_code = $2 AND remaining > 0 RETURNING remaining",
            [member.id, template_code or "", ctx.clock.now()],
        )
        if not rows:
            return _NO_SUBSCRIPTION, None
        return None, template_code
    config = active.config
    if config is None:
        return None, None
    if active.channel is Channel.SMS and config.credit_balance is not None:
        rows = await conn.execute_query_dict(
            "UPDATE channel_configs SET credit_balance = credit_balance - 1 "
            "WHERE channel = 'SMS' AND credit_balance > 0 RETURNING credit_balance",
        )
        if not rows:
            return _NO_SMS_BALANCE, None
        return None, "SMS"
    if config.daily_quota is not None:
        day = ctx.clock.now().astimezone(ZoneInfo(ctx.tenant.timezone)).date()
        rows = await conn.execute_query_dict(
            """
            INSERT INTO message_counters AS c (tenant_id, channel, day, sent)
            VALUES ($1, $2, $3, 1)
            ON CONFLICT (tenant_id, channel, day) DO UPDATE SET sent = c.sent + 1
            WHERE c.sent < $4
            RETURNING sent
            """,
            [ctx.tenant.id, active.channel.value, day, config.daily_quota],
        )
        if not rows or rows[0]["sent"] > config.daily_quota:
            return _quota_held(config.daily_quota), None
        return None, f"quota:{day.isoformat()}"
    return None, None
