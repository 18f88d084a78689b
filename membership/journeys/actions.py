"""What a journey's action steps do, each in the run's own transaction.

An action is recorded in ``journey_actions`` under (run, step, visit) before it acts: the row and
the action's effects (a coupon, points, a tag, a task, a queued message, a webhook delivery)
commit together with the run's move, so an action is done exactly once whatever happens to the
worker. A refusal the platform explains (a coupon template used up, no consent) is the action's
outcome, recorded, and the run goes on; only an unexpected error rolls the step back.

A plugin's step (``plugins.journey_steps``) is called the same way, in the run's transaction, with
its parameters as the action's model and a key unique to (run, step, visit). What it writes
before refusing (a ``DomainError``) is undone with a savepoint: a refusal changes nothing. A step
of a plugin the tenant has disabled since the journey was activated is a refusal naming it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog
from tortoise.backends.base.client import BaseDBAsyncClient

from membership.activation.service import is_enabled
from membership.coupons.issue import issue_locked
from membership.coupons.models import CouponTemplate
from membership.errors import DomainError
from membership.ids import new_id
from membership.journeys.definition import Step
from membership.journeys.events import JourneyWebhook
from membership.journeys.models import JourneyRun
from membership.journeys.plugin_steps import plugin_action
from membership.members.models import Member
from membership.members.service import MemberChanges, update_member
from membership.messaging.send import SendRequest, send_message
from membership.outbox import emit
from membership.points.ledger import grant
from membership.tasks.service import create_task
from plugins.journey_steps import ActionCall
from tenants.context import RequestContext

__all__ = ["ActionOutcome", "record_step", "run_action"]

log = structlog.get_logger("membership.journeys")


@dataclass
class ActionOutcome:
    outcome: str
    detail: dict[str, Any] = field(default_factory=dict)


async def run_action(
    ctx: RequestContext, conn: BaseDBAsyncClient, run: JourneyRun, step: Step
) -> ActionOutcome | None:
    """Do ``step`` for ``run`` once; None when this visit of the step was done already."""
    # (A statement that starts with INSERT is run without its rows: WITH returns them.)
    _, claimed = await conn.execute_query(
        "WITH claimed AS (INSERT INTO journey_actions (tenant_id, run_id, step, visit, type, "
        "outcome, at) VALUES ($1, $2, $3, $4, $5, 'started', $6) ON CONFLICT DO NOTHING "
        "RETURNING 1) SELECT 1 FROM claimed",
        [ctx.tenant.id, run.id, step.id, run.visit, step.type, ctx.clock.now()],
    )
    if not claimed:
        return None
    try:
        if step.plugin is not None:
            result = await _plugin_step(ctx, conn, run, step)
        else:
            result = await _ACTIONS[step.type](ctx, conn, run, step)
    except DomainError as exc:
        result = ActionOutcome("refused", {"code": exc.code.value, "reason": exc.message})
    await conn.execute_query(
        "UPDATE journey_actions SET outcome = $1, detail = $2::jsonb "
        "WHERE run_id = $3 AND step = $4 AND visit = $5",
        [result.outcome, json.dumps(result.detail), run.id, step.id, run.visit],
    )
    return result


async def record_step(
    ctx: RequestContext, conn: BaseDBAsyncClient, run: JourneyRun, step: Step, outcome: str
) -> None:
    """Record a step that acts on nothing (a condition's branch, a wait begun): the funnel
    counts every step a run went through."""
    await conn.execute_query(
        "INSERT INTO journey_actions (tenant_id, run_id, step, visit, type, outcome, at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        [ctx.tenant.id, run.id, step.id, run.visit, step.type, outcome, ctx.clock.now()],
    )


def _cause(run: JourneyRun, step: Step) -> str:
    return f"journey:{run.id}:{step.id}:{run.visit}"


async def _issue_coupon(
    ctx: RequestContext, conn: BaseDBAsyncClient, run: JourneyRun, step: Step
) -> ActionOutcome:
    template_id = uuid.UUID(step.params["templateId"])
    template = await CouponTemplate.filter(id=template_id).select_for_update().first()
    if template is None:
        return ActionOutcome("refused", {"reason": "the coupon template was deleted"})
    coupon = await issue_locked(ctx, template, run.member_id)
    return ActionOutcome("issued", {"couponId": str(coupon.id), "code": coupon.code})


async def _grant_points(
    ctx: RequestContext, conn: BaseDBAsyncClient, run: JourneyRun, step: Step
) -> ActionOutcome:
    member = await Member.filter(id=run.member_id).select_for_update().get()
    entry = await grant(
        ctx,
        conn,
        member,
        int(step.params["points"]),
        str(step.params["reason"]),
        source=f"journey:{run.journey_id}",
    )
    return ActionOutcome("granted", {"entryId": str(entry.id), "points": entry.points})


async def _tag(
    ctx: RequestContext, conn: BaseDBAsyncClient, run: JourneyRun, step: Step
) -> ActionOutcome:
    member = await Member.filter(id=run.member_id).select_for_update().get()
    tag = str(step.params["tag"])
    tags = list(member.tags or [])
    if step.type == "addTag":
        if tag in tags:
            return ActionOutcome("unchanged", {"tag": tag})
        tags.append(tag)
    else:
        if tag not in tags:
            return ActionOutcome("unchanged", {"tag": tag})
        tags.remove(tag)
    await update_member(ctx, member.id, MemberChanges(tags=tags))
    return ActionOutcome("added" if step.type == "addTag" else "removed", {"tag": tag})


async def _send_message(
    ctx: RequestContext, conn: BaseDBAsyncClient, run: JourneyRun, step: Step
) -> ActionOutcome:
    channel = step.params.get("channel")
    messages = await send_message(
        ctx,
        SendRequest(
            member_id=run.member_id,
            template=str(step.params["template"]),
            cause=_cause(run, step),
            channels=[channel] if channel else None,
            purpose=step.params.get("purpose"),
            coupon_id=await _last_coupon(conn, run),
        ),
    )
    last = messages[-1] if messages else None
    if last is None:
        return ActionOutcome("skipped", {})
    detail: dict[str, Any] = {"messageId": str(last.id), "channel": last.channel}
    if last.status == "SKIPPED":
        detail["skipReason"] = last.skip_reason
        return ActionOutcome("skipped", detail)
    return ActionOutcome("queued", detail)


async def _last_coupon(conn: BaseDBAsyncClient, run: JourneyRun) -> uuid.UUID | None:
    """The coupon this run issued last: the one a message after it talks about."""
    _, rows = await conn.execute_query(
        "SELECT detail->>'couponId' AS coupon FROM journey_actions "
        "WHERE run_id = $1 AND type = 'issueCoupon' AND detail ? 'couponId' "
        "ORDER BY visit DESC LIMIT 1",
        [run.id],
    )
    return uuid.UUID(rows[0]["coupon"]) if rows else None


async def _create_task(
    ctx: RequestContext, conn: BaseDBAsyncClient, run: JourneyRun, step: Step
) -> ActionOutcome:
    assign_to = step.params.get("assignTo", "accountManager")
    due = ctx.clock.now() + step.duration if step.duration else None
    task = await create_task(
        ctx,
        conn,
        member_id=run.member_id,
        title=str(step.params["title"]),
        assign_to=assign_to if assign_to == "accountManager" else uuid.UUID(assign_to),
        due_at=due,
        source_key=_cause(run, step),
        journey_run_id=run.id,
    )
    assignee = str(task.assignee_id) if task.assignee_id else None
    return ActionOutcome("created", {"taskId": str(task.id), "assigneeId": assignee})


async def _call_webhook(
    ctx: RequestContext, conn: BaseDBAsyncClient, run: JourneyRun, step: Step
) -> ActionOutcome:
    endpoint_id = uuid.UUID(step.params["endpointId"])
    _, endpoints = await conn.execute_query(
        "SELECT id FROM webhook_endpoints WHERE id = $1 AND enabled", [endpoint_id]
    )
    if not endpoints:
        return ActionOutcome("refused", {"reason": "the webhook endpoint is disabled or gone"})
    event = JourneyWebhook(
        member_id=run.member_id,
        journey_id=run.journey_id,
        run_id=run.id,
        step=step.id,
        endpoint_id=endpoint_id,
    )
    event_id = await emit(ctx, event)
    # The delivery goes to the named endpoint whatever event types it subscribed to; the relay's
    # own pass over this event finds the row there (one delivery per endpoint and event).
    now = ctx.clock.now()
    await conn.execute_query(
        "INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, "
        "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6) "
        "ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING",
        [ctx.tenant.id, new_id(), endpoint_id, event_id, event.type, now],
    )
    return ActionOutcome("queued", {"eventId": str(event_id), "endpointId": str(endpoint_id)})


async def _plugin_step(
    ctx: RequestContext, conn: BaseDBAsyncClient, run: JourneyRun, step: Step
) -> ActionOutcome:
    plugin = str(step.plugin)
    found = plugin_action(step.type)
    if found is None:  # uninstalled while this process had the version parsed
        return ActionOutcome("refused", {"plugin": plugin, "reason": "the plugin is not installed"})
    if not await is_enabled(ctx, plugin):
        return ActionOutcome(
            "refused",
            {"plugin": plugin, "reason": f"the plugin {plugin} is not enabled for this tenant"},
        )
    action = found[1]
    call = ActionCall(
        ctx=ctx,
        conn=conn,
        member_id=run.member_id,
        params=action.params.model_validate(step.params),
        key=_cause(run, step),
    )
    await conn.execute_query("SAVEPOINT journey_plugin_step")
    try:
        done = await action.run(call)
    except DomainError as exc:
        await conn.execute_query("ROLLBACK TO SAVEPOINT journey_plugin_step")
        detail = {"plugin": plugin, "code": exc.code.value, "reason": exc.message}
        return ActionOutcome("refused", detail)
    except Exception:
        log.exception(
            "plugin_failed",
            plugin=plugin,
            hook="journey_action",
            step_type=step.type,
            tenant=ctx.tenant.slug,
            run=str(run.id),
            step=step.id,
        )
        raise
    await conn.execute_query("RELEASE SAVEPOINT journey_plugin_step")
    return ActionOutcome("done", _as_json(done))


def _as_json(done: object) -> dict[str, Any]:
    """What a plugin's action returned, as the JSON the run's timeline shows."""
    if done is None:
        return {}
    value = dict(done) if isinstance(done, Mapping) else {"result": done}
    loaded: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return loaded


_ACTIONS = {
    "issueCoupon": _issue_coupon,
    "grantPoints": _grant_points,
    "addTag": _tag,
    "removeTag": _tag,
    "sendMessage": _send_message,
    "createTask": _create_task,
    "callWebhook": _call_webhook,
}
