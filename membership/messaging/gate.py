"""The send gate's checks, each in the caller's transaction under the member's lock: who the
message goes to, consent, send credits, the frequency cap and quiet hours (``send`` runs them in
order and records the outcome)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.members.models import Member
from membership.messaging.channels import ActiveChannel
from membership.messaging.models import MessagingSettings
from plugins.channels import Channel, RecipientKind
from tenants.context import RequestContext

__all__ = [
    "Held",
    "check",
    "count_for_cap",
    "in_quiet_hours",
    "lock_member",
    "quiet_hours_end",
    "recipient",
    "take_credit",
    "wecom_sender",
]


async def lock_member(conn: BaseDBAsyncClient, member_id: uuid.UUID) -> None:
    """Serialise sends to one member (counts, credits) without touching the member's row,
    which orders and points lock."""
    await conn.execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended('message:' || $1::text, 0))",
        [str(member_id)],
    )


@dataclass(frozen=True)
class Held:
    """Why a channel cannot take the message; ``ends_chain``: no other channel may either."""

    reason: str
    detail: str | None = None
    ends_chain: bool = False


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


async def recipient(conn: BaseDBAsyncClient, member: Member, active: ActiveChannel) -> str | None:
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


async def wecom_sender(
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


async def check(
    conn: BaseDBAsyncClient,
    ctx: RequestContext,
    settings: MessagingSettings,
    member: Member,
    active: ActiveChannel,
    purpose: str,
    problems: list[str],
    template_code: str | None,
) -> Held | None:
    capped = purpose in settings.limited_purposes
    _, rows = await conn.execute_query(
        "SELECT granted FROM member_consents WHERE member_id = $1 AND channel = $2 AND purpose = $3",
        [member.id, active.channel.value, purpose],
    )
    granted = rows[0]["granted"] if rows else None
    if granted is False or (capped and granted is not True):
        return Held(
            "NO_CONSENT",
            f"The member {'withdrew' if granted is False else 'has not given'} consent to "
            f"{purpose} messages on {active.channel.value}.",
        )
    if problems:
        return Held("FIELD_TOO_LONG", "; ".join(problems))
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
) -> Held | None:
    tz = ZoneInfo(ctx.tenant.timezone)
    today = ctx.clock.now().astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    # per-member day counters: a handful of rows by primary key, however many messages the
    # tenant sends (a count over ``messages`` would read the tenant's week)
    _, rows = await conn.execute_query(
        "SELECT coalesce(sum(sent) FILTER (WHERE day = $3), 0) AS today, "
        "coalesce(sum(sent), 0) AS week FROM member_message_days "
        "WHERE member_id = $1 AND day >= $2",
        [member.id, monday, today],
    )
    today_count, this_week = rows[0]["today"], rows[0]["week"]
    if today_count >= settings.max_per_day:
        return Held(
            "FREQUENCY_CAP",
            f"{today_count} messages today; the cap is {settings.max_per_day}.",
            True,
        )
    if this_week >= settings.max_per_week:
        return Held(
            "FREQUENCY_CAP",
            f"{this_week} messages this week; the cap is {settings.max_per_week}.",
            True,
        )
    return None


async def count_for_cap(conn: BaseDBAsyncClient, ctx: RequestContext, member_id: uuid.UUID) -> None:
    """Count a queued message of a capped purpose on the member's day."""
    day = ctx.clock.now().astimezone(ZoneInfo(ctx.tenant.timezone)).date()
    await conn.execute_query(
        "INSERT INTO member_message_days AS d (tenant_id, member_id, day, sent) "
        "VALUES ($1, $2, $3, 1) ON CONFLICT (tenant_id, member_id, day) "
        "DO UPDATE SET sent = d.sent + 1",
        [ctx.tenant.id, member_id, day],
    )


async def _credit_available(
    conn: BaseDBAsyncClient,
    ctx: RequestContext,
    member: Member,
    active: ActiveChannel,
    template_code: str | None,
) -> Held | None:
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


_NO_SUBSCRIPTION = Held(
    "NO_CREDIT", "The member has no subscription to this subscribe template left."
)
_NO_SMS_BALANCE = Held("NO_CREDIT", "The SMS balance is used up.")


def _quota_held(quota: int) -> Held:
    return Held("QUOTA_EXCEEDED", f"Today's quota of {quota} is used up.")


async def take_credit(
    conn: BaseDBAsyncClient,
    ctx: RequestContext,
    member: Member,
    active: ActiveChannel,
    template_code: str | None,
) -> tuple[Held | None, str | None]:
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
