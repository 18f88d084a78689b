"""The WeCom notice of a new task to its assignee: an application text message.

It is sent after the task's transaction commits, by the handler of ``task.created``, when the
tenant carries WeCom with the ``wecom_app`` provider (or the fake provider, in development and
tests) and the assignee has a WeCom account (``staff.wecom_user_id``). A tenant whose WeCom
channel is its customer-contact provider sends staff nothing this way.

The handler runs in its handling's transaction with the task's row locked. It sets
``notified_at`` before calling WeCom, in that same transaction, so the mark and the handling's
DONE commit together: a handling taken again finds the mark and sends nothing. A transient
failure (no answer, throttling) raises, which rolls the mark back and retries the handling with
backoff; a refusal for good (an unknown userid, bad credentials) clears the mark and keeps
WeCom's reason in ``notice_error``. The one window for a second notice is a worker dying
between WeCom's acceptance and the commit.
"""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from membership.events.handlers import subscribe
from membership.members.phones import mask_phone
from membership.messaging.channels import ActiveChannel, active_channels
from membership.messaging.transport import ProviderTransport
from membership.outbox import OutboxEvent
from membership.tasks.models import TaskStatus
from plugins.channels import Channel, OutgoingMessage, ProviderFailure, SendOutcome, SendResult
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["NoticeNotSent", "notify_assignee", "send_task_notice"]

PROVIDER = "wecom_app"

_TASK = """
SELECT t.id, t.title, t.due_at, t.status, t.notified_at,
       s.wecom_user_id, m.name AS member_name, m.phone AS member_phone
FROM staff_tasks t
LEFT JOIN staff s ON s.tenant_id = t.tenant_id AND s.id = t.assignee_id AND s.active
LEFT JOIN members m ON m.tenant_id = t.tenant_id AND m.id = t.member_id
WHERE t.id = $1
FOR UPDATE OF t
"""

_transport: ProviderTransport | None = None


class NoticeNotSent(Exception):
    """WeCom did not take the notice this time (no answer, throttled): retry the handling."""


def _carries_staff_notices(carrier: ActiveChannel | None) -> bool:
    return carrier is not None and (
        carrier.provider.name == PROVIDER or carrier.provider.name.startswith("fake_")
    )


def _text(ctx: RequestContext, task: dict[str, Any]) -> str:
    lines = [f"新任务：{task['title']}"]
    if task["member_phone"]:
        who = task["member_name"] or mask_phone(task["member_phone"])
        lines.append(f"会员：{who}")
    if task["due_at"] is not None:
        local = task["due_at"].astimezone(ZoneInfo(ctx.tenant.timezone))
        lines.append(f"截止：{local:%Y-%m-%d %H:%M}")
    return "\n".join(lines)


async def _send(
    ctx: RequestContext,
    transport: ProviderTransport,
    carrier: ActiveChannel,
    message: OutgoingMessage,
    task_id: uuid.UUID,
) -> SendResult:
    """One send through the platform's transport, renewing an expired access token once."""
    provider = carrier.provider
    for _ in range(2):
        try:
            token = await transport.access_token(ctx, carrier)
            request = provider.send_request(
                carrier.credentials,
                message,
                base_url=carrier.base_url,
                access_token=token,
                now=ctx.clock.now(),
                nonce=uuid.uuid4().hex,
            )
        except ProviderFailure as exc:
            transient = exc.reason in ("PROVIDER_ERROR", "THROTTLED")
            outcome = SendOutcome.RETRY if transient else SendOutcome.REJECTED
            return SendResult(outcome, reason=exc.reason, code=exc.code, detail=exc.detail)
        exchanged = await transport.exchange(ctx, request, task_id)
        if exchanged.response is None:
            return SendResult(SendOutcome.RETRY, reason="NO_ANSWER", detail=exchanged.error)
        try:
            result = provider.read_send_response(exchanged.response)
        except ProviderFailure as exc:
            return SendResult(
                SendOutcome.RETRY, reason=exc.reason, code=exc.code, detail=exc.detail
            )
        if not result.token_expired:
            return result
        if token is not None:
            await transport.forget_token(ctx, carrier, token)
    return SendResult(SendOutcome.RETRY, reason="TOKEN_EXPIRED")


async def send_task_notice(
    ctx: RequestContext, task_id: uuid.UUID, transport: ProviderTransport
) -> bool:
    """Send the task's assignee its WeCom notice unless it was sent; True when WeCom took it
    now. Raises :class:`NoticeNotSent` on a transient failure (nothing is recorded)."""
    async with tenant_tx(ctx) as conn:
        rows = await conn.execute_query_dict(_TASK, [task_id])
        if not rows:
            return False
        task = rows[0]
        if (
            task["status"] != TaskStatus.OPEN
            or task["notified_at"] is not None
            or not task["wecom_user_id"]
        ):
            return False
        carrier = (await active_channels(ctx)).get(Channel.WECOM)
        if carrier is None or not _carries_staff_notices(carrier):
            return False
        await conn.execute_query(
            "UPDATE staff_tasks SET notified_at = $2, notice_error = NULL WHERE id = $1",
            [task_id, ctx.clock.now()],
        )
        message = OutgoingMessage(
            message_id=str(task_id),
            channel=Channel.WECOM,
            recipient=task["wecom_user_id"],
            text=_text(ctx, task),
        )
        result = await _send(ctx, transport, carrier, message, task_id)
        if result.outcome is SendOutcome.SENT:
            return True
        if result.outcome is SendOutcome.RETRY:
            raise NoticeNotSent(f"{result.reason}: {result.detail or result.code or ''}")
        error = ": ".join(p for p in (result.reason, result.detail or result.code) if p)
        await conn.execute_query(
            "UPDATE staff_tasks SET notified_at = NULL, notice_error = $2 WHERE id = $1",
            [task_id, error[:500]],
        )
        return False


def _transport_for(jobs: Any) -> ProviderTransport:
    """The worker's transport (its dispatcher, which runs the handlers, carries the one with the
    access tokens shared through Redis); a transport of this process for any other caller."""
    global _transport
    carried = getattr(jobs, "transport", None)
    if isinstance(carried, ProviderTransport):
        return carried
    if _transport is None:
        _transport = ProviderTransport()
    return _transport


@subscribe("tasks.notify_assignee", ["task.created"])
async def notify_assignee(ctx: RequestContext, event: OutboxEvent, jobs: Any) -> None:
    """``task.created``: the assignee's WeCom notice, once per task."""
    await send_task_notice(ctx, uuid.UUID(event.payload["taskId"]), _transport_for(jobs))
