"""What the stamp card does on its own: a stamp per qualifying order, idle cards lapsing, and the
journey steps that start on a full card or add a stamp.

Each runs in a context the platform gives, only for tenants that enabled the plugin, and goes
through :func:`stamp_card.cards.add_stamp` with a key of its own (the order's id, the journey
step's key), so a retried event or step never adds a second stamp.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from plugins.event_handlers import EventHandler, PluginEvent
from plugins.jobs import PluginCron
from plugins.journey_steps import ActionCall, JourneyAction, JourneyTrigger
from stamp_card.cards import add_stamp, config_of, lapse_idle_cards

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient

    from tenants.context import RequestContext

__all__ = ["ACTIONS", "CRONS", "HANDLERS", "TRIGGERS", "AddStampParams"]


async def stamp_for_order(ctx: RequestContext, conn: BaseDBAsyncClient, event: PluginEvent) -> None:
    """``order.recorded``: a stamp for an order of at least the tenant's minimum amount."""
    config = await config_of(ctx)
    amount = event.data.get("amount")
    order_id = event.data.get("orderId")
    if event.member_id is None or not isinstance(amount, int) or not order_id:
        return
    if amount <= 0 or amount < config.min_order_amount:
        return
    await add_stamp(ctx, conn, event.member_id, str(order_id), "order", config)


HANDLERS = (EventHandler("stamp_per_order", ("order.recorded",), stamp_for_order),)


async def lapse(ctx: RequestContext) -> None:
    await lapse_idle_cards(ctx)


# Every day at 02:15 UTC (10:15 in China), after the night's orders.
CRONS = (PluginCron("lapse_idle_cards", "15 2 * * *", lapse),)


TRIGGERS = (
    JourneyTrigger(
        event="stamp_card.completed",
        title={"zh-CN": "集点卡集满", "en": "Stamp card completed"},
        description="A member filled a stamp card; the card starts over.",
    ),
)


class AddStampParams(BaseModel):
    """The step takes no parameters: one stamp each time a run reaches it."""

    model_config = ConfigDict(extra="forbid")


async def add_stamp_step(call: ActionCall) -> Mapping[str, Any] | None:
    stamped = await add_stamp(call.ctx, call.conn, call.member_id, call.key, "journey")
    return {
        "stamps": stamped.card.stamps,
        "completed": stamped.completed,
        "memberId": str(call.member_id),
    }


ACTIONS = (
    JourneyAction(
        type="stamp_card.addStamp",
        title={"zh-CN": "盖一个章", "en": "Add a stamp"},
        params=AddStampParams,
        run=add_stamp_step,
    ),
)
