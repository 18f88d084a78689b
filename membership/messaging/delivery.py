"""Sending queued messages to their providers, with retries, fallback and receipts.

A due message is taken with a lease: one short transaction moves its ``next_attempt_at`` past
the attempt's deadline and commits, the provider is called outside any transaction, and a
second transaction records what came of it. A worker killed in between leaves the message
QUEUED; when the lease runs out it is sent again under the same message id, which the providers
that support it (Alibaba ``OutId``, Tencent ``SessionContext``, WeChat ``client_msg_id``) use to
drop the duplicate. Once a provider has answered, the message is no longer QUEUED, so a retried
job never sends it twice.

Before sending, consent is checked again: a member who withdrew it while the message waited for
quiet hours to end is not messaged (SKIPPED ``NO_CONSENT``). A provider's transient failure
(throttling, no answer, a 5xx) is retried on ``RETRY_DELAYS``, then FAILED. A refusal for good is
FAILED with the provider's reason; when the reason is about this channel (no credit, a quota, no
such recipient) the next channel of the message's fallback is tried through the same gate.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.members.models import Member
from membership.messaging import settings as messaging_settings
from membership.messaging.channels import ActiveChannel, active_channels
from membership.messaging.events import (
    MessageDelivered,
    MessageFailed,
    MessageSent,
    MessageSkipped,
)
from membership.messaging.gate import lock_member
from membership.messaging.models import Message, MessageTemplate, MessagingSettings
from membership.messaging.send import message_event, try_channels
from membership.messaging.transport import ProviderTransport
from membership.outbox import emit
from plugins.channels import (
    Channel,
    DeliveryReceipt,
    OutgoingMessage,
    ProviderFailure,
    SendOutcome,
    SendResult,
)
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["RETRY_DELAYS", "apply_receipts", "deliver_due"]

RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LEASE = timedelta(seconds=60)
BATCH = 50
# provider refusals that concern this channel only: another channel may still reach the member
FALLBACK_REASONS = frozenset({"NO_CREDIT", "QUOTA_EXCEEDED", "INVALID_RECIPIENT"})


_TAKE = """
UPDATE messages SET next_attempt_at = $2
WHERE id = ANY(ARRAY(SELECT id FROM messages
                     WHERE status = 'QUEUED' AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id LIMIT $3
                     FOR UPDATE SKIP LOCKED))
RETURNING *
"""
_CONSENTS = """
SELECT member_id, channel, purpose, granted FROM member_consents
WHERE (member_id, channel, purpose) IN (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]))
"""


@dataclass(frozen=True)
class _Batch:
    """What a batch of taken messages is sent with, read once for all of them."""

    messages: list[Message]
    settings: MessagingSettings
    consents: dict[tuple[uuid.UUID, str, str], bool]
    carriers: dict[Channel, ActiveChannel]


async def deliver_due(ctx: RequestContext, transport: ProviderTransport) -> int:
    """Send the tenant's due messages, a batch at a time; returns how many were attempted."""
    attempted = 0
    while True:
        batch = await _take(ctx)
        if batch is None:
            return attempted
        for message in batch.messages:
            await _deliver(ctx, transport, batch, message)
            attempted += 1


async def _take(ctx: RequestContext) -> _Batch | None:
    async with tenant_tx(ctx) as conn:
        now = ctx.clock.now()
        rows = await conn.execute_query_dict(_TAKE, [now, now + LEASE, BATCH])
        if not rows:
            return None
        messages = [Message._init_from_db(**row) for row in rows]
        settings = await messaging_settings.load(ctx)
        keys = [(m.member_id, m.channel, m.purpose) for m in messages if m.member_id]
        found = await conn.execute_query_dict(
            _CONSENTS, [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]]
        )
        carriers = await active_channels(ctx)
    consents = {(r["member_id"], r["channel"], r["purpose"]): r["granted"] for r in found}
    return _Batch(messages, settings, consents, carriers)


@dataclass(frozen=True)
class _Attempt:
    result: SendResult | None
    error: str | None = None


async def _deliver(
    ctx: RequestContext, transport: ProviderTransport, batch: _Batch, message: Message
) -> None:
    granted = batch.consents.get((message.member_id, message.channel, message.purpose))
    capped = message.purpose in batch.settings.limited_purposes
    if granted is False or (capped and not granted):
        async with tenant_tx(ctx) as conn:
            if await _finish(ctx, message, "SKIPPED", "NO_CONSENT", "Consent was withdrawn."):
                await _return_credit(conn, message)
        return
    active = batch.carriers.get(Channel(message.channel))
    attempt: _Attempt
    if active is None:
        attempt = _Attempt(
            SendResult(SendOutcome.REJECTED, reason="CHANNEL_UNAVAILABLE"),
            "The channel has no provider any more.",
        )
    else:
        attempt = await _call(ctx, transport, active, message)
    async with tenant_tx(ctx):
        await _record(ctx, message, attempt)


async def _call(
    ctx: RequestContext, transport: ProviderTransport, active: ActiveChannel, message: Message
) -> _Attempt:
    content = message.content or {}
    outgoing = OutgoingMessage(
        message_id=str(message.id),
        channel=active.channel,
        recipient=message.recipient or "",
        template_code=content.get("templateCode"),
        fields=content.get("fields") or {},
        text=content.get("text"),
        link=content.get("link"),
        sender=content.get("sender"),
    )
    for _ in range(2):  # a second time only with a fresh access token
        try:
            token = await transport.access_token(ctx, active)
        except ProviderFailure as exc:
            retry = exc.reason in ("PROVIDER_ERROR", "THROTTLED")
            return _Attempt(
                SendResult(
                    SendOutcome.RETRY if retry else SendOutcome.REJECTED,
                    reason=exc.reason,
                    code=exc.code,
                    detail=exc.detail,
                )
            )
        try:
            request = active.provider.send_request(
                active.credentials,
                outgoing,
                base_url=active.base_url,
                access_token=token,
                now=ctx.clock.now(),
                nonce=uuid.uuid4().hex,
            )
        except ProviderFailure as exc:
            return _Attempt(
                SendResult(
                    SendOutcome.REJECTED, reason=exc.reason, code=exc.code, detail=exc.detail
                )
            )
        exchanged = await transport.exchange(ctx, request, message.id)
        if exchanged.response is None:
            return _Attempt(None, exchanged.error)
        try:
            result = active.provider.read_send_response(exchanged.response)
        except ProviderFailure as exc:
            result = SendResult(
                SendOutcome.RETRY, reason=exc.reason, code=exc.code, detail=exc.detail
            )
        if result.token_expired:
            if token is not None:
                await transport.forget_token(ctx, active, token)
            continue
        return _Attempt(result)
    return _Attempt(SendResult(SendOutcome.RETRY, reason="TOKEN_EXPIRED"))


async def _record(ctx: RequestContext, message: Message, attempt: _Attempt) -> None:
    """Write what the attempt came to, unless the message is no longer QUEUED (another worker
    finished it after this one's lease ran out)."""
    now = ctx.clock.now()
    attempts = message.attempts + 1
    result = attempt.result
    if result is not None and result.outcome is SendOutcome.SENT:
        if await _change(
            message,
            "QUEUED",
            status="SENT",
            attempts=attempts,
            provider_message_id=result.provider_message_id,
            sent_at=now,
            next_attempt_at=None,
            detail=result.detail,
            updated_at=now,
        ):
            await emit(ctx, message_event(MessageSent, message))
        return
    if result is None or result.outcome is SendOutcome.RETRY:
        reason = result.reason if result else "NO_ANSWER"
        detail = attempt.error or (result.detail if result else None) or reason
        if attempts < MAX_ATTEMPTS:
            delay = RETRY_DELAYS[attempts - 1]
            if result is not None and result.retry_after:
                delay = max(delay, timedelta(seconds=result.retry_after))
            await _change(
                message,
                "QUEUED",
                attempts=attempts,
                next_attempt_at=now + delay,
                detail=f"Attempt {attempts} failed ({detail}); retrying.",
                updated_at=now,
            )
            return
        await _finish(ctx, message, "FAILED", reason, detail, attempts=attempts)
        return
    finished = await _finish(
        ctx, message, "FAILED", result.reason or "PROVIDER_ERROR", result.detail, attempts=attempts
    )
    if finished and result.reason in FALLBACK_REASONS and message.fallback:
        await _fall_back(ctx, message)


async def _change(message: Message, from_status: str, **changes: Any) -> bool:
    """Update the message's row if it still has ``from_status`` (and ``message`` with it)."""
    changed = await Message.filter(id=message.id, status=from_status).update(**changes)
    if changed:
        for name, value in changes.items():
            setattr(message, name, value)
    return bool(changed)


async def _return_credit(conn: BaseDBAsyncClient, message: Message) -> None:
    """Give back the credit a message took when it is not sent after all."""
    if message.channel == Channel.WECHAT_SUBSCRIBE.value and message.credit_code:
        await conn.execute_query(
            "UPDATE subscribe_credits SET remaining = remaining + 1 "
            "WHERE member_id = $1 AND template_code = $2",
            [message.member_id, message.credit_code],
        )
    elif message.credit_code == "SMS":
        await conn.execute_query(
            "UPDATE channel_configs SET credit_balance = credit_balance + 1 WHERE channel = 'SMS'"
        )


async def _finish(
    ctx: RequestContext,
    message: Message,
    status: str,
    reason: str | None,
    detail: str | None,
    *,
    attempts: int | None = None,
    from_status: str = "QUEUED",
) -> bool:
    """Close the message as SKIPPED or FAILED with its reason; False when it had moved on."""
    now = ctx.clock.now()
    changes: dict[str, Any] = {
        "status": status,
        "skip_reason": reason,
        "detail": detail,
        "next_attempt_at": None,
        "updated_at": now,
    }
    if attempts is not None:
        changes["attempts"] = attempts
    if not await _change(message, from_status, **changes):
        return False
    await emit(
        ctx, message_event(MessageSkipped if status == "SKIPPED" else MessageFailed, message)
    )
    return True


async def _fall_back(ctx: RequestContext, message: Message) -> None:
    async with tenant_tx(ctx) as conn:
        await lock_member(conn, message.member_id)
        member = await Member.get_or_none(id=message.member_id, merged_into_id=None)
        template = (
            await MessageTemplate.get_or_none(id=message.template_id)
            if message.template_id
            else None
        )
        if member is None or template is None:
            return
        await try_channels(
            ctx,
            conn,
            settings=await messaging_settings.load(ctx),
            member=member,
            template=template,
            order=[Channel(c) for c in message.fallback],
            purpose=message.purpose,
            cause=message.cause,
            coupon_id=uuid.UUID(coupon) if (coupon := message.content.get("couponId")) else None,
        )


async def apply_receipts(
    ctx: RequestContext, provider: str, receipts: Sequence[DeliveryReceipt]
) -> int:
    """Mark the messages these receipts name DELIVERED or FAILED; returns how many changed."""
    changed = 0
    async with tenant_tx(ctx):
        for receipt in receipts:
            message = (
                await Message.filter(
                    provider=provider,
                    provider_message_id=receipt.provider_message_id,
                    status="SENT",
                )
                .select_for_update()
                .first()
            )
            if message is None:
                continue
            now = ctx.clock.now()
            if receipt.delivered:
                await _change(
                    message,
                    "SENT",
                    status="DELIVERED",
                    delivered_at=receipt.at or now,
                    updated_at=now,
                )
                await emit(ctx, message_event(MessageDelivered, message))
            else:
                await _finish(
                    ctx,
                    message,
                    "FAILED",
                    "UNDELIVERED",
                    receipt.detail or receipt.code,
                    from_status="SENT",
                )
            changed += 1
    return changed
