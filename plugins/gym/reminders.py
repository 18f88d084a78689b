"""Renewal reminders: the events journeys start on, and the daily cron that emits
``gym.card.ending``.

The cron runs every day at 01:00 UTC (09:00 in China) for each tenant with the preset enabled and
emits ``gym.card.ending`` for each card ending within the tenant's ``reminder.days_before`` days,
once per card and end date: the card remembers the end date it was emitted for, so a second run
emits nothing, and a freeze that moves the end date earns the card a new reminder later.
``gym.card.visits_low`` is emitted by the check-in that brings a VISITS card down to the
reminder count (:mod:`plugins.gym.checkins`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from plugins.api.data import emit_event, fetch, tenant_transaction
from plugins.gym.cards import config_of
from plugins.gym.events import CardEnding
from plugins.jobs import PluginCron
from plugins.journey_steps import JourneyTrigger

if TYPE_CHECKING:
    from tenants.context import RequestContext

__all__ = ["CRONS", "TRIGGERS", "emit_card_endings"]


async def emit_card_endings(ctx: RequestContext) -> int:
    """Emit ``gym.card.ending`` for every card ending soon not yet reminded of; returns how
    many."""
    config = await config_of(ctx)
    now = ctx.clock.now()
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(
            conn,
            "WITH due AS (UPDATE gym_cards c SET reminded_for = c.ends_at FROM gym_products p "
            "WHERE p.tenant_id = c.tenant_id AND p.id = c.product_id "
            "AND c.ends_at > $1 AND c.ends_at <= $2 "
            "AND c.reminded_for IS DISTINCT FROM c.ends_at "
            "AND (c.visits_left IS NULL OR c.visits_left > 0) "
            "RETURNING c.id, c.member_id, c.ends_at, p.name) "
            "SELECT id, member_id, ends_at, name FROM due ORDER BY ends_at, id",
            now,
            now + timedelta(days=config.reminder.days_before),
        )
        for row in rows:
            await emit_event(
                ctx,
                CardEnding(
                    member_id=row["member_id"],
                    card_id=row["id"],
                    product_name=row["name"],
                    ends_at=row["ends_at"],
                ),
            )
    return len(rows)


async def _daily(ctx: RequestContext) -> None:
    await emit_card_endings(ctx)


CRONS = (PluginCron("card_endings", "0 1 * * *", _daily),)

TRIGGERS = (
    JourneyTrigger(
        event="gym.card.ending",
        title={"zh-CN": "会员卡即将到期", "en": "Card ending soon"},
        description="A member's card ends within the reminder window; once per card and end date.",
    ),
    JourneyTrigger(
        event="gym.card.visits_low",
        title={"zh-CN": "次卡次数将用完", "en": "Visits running low"},
        description="A check-in brought a VISITS card down to the reminder count.",
    ),
)
