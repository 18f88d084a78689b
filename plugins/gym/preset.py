"""Setting a tenant up as a gym: the default card products, the renewal SMS template and the two
renewal reminder journeys (a card ending soon; a VISITS card nearly used up).

Written against the public plugin API only, as a partner's preset would be. It runs once per
tenant, inside ``enablePlugin``; products, templates and journeys the tenant already has under
these names are kept as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plugins.api import setup
from plugins.gym.config import GymConfig
from plugins.gym.products import ProductDraft, ensure_product

if TYPE_CHECKING:
    from tenants.context import RequestContext

__all__ = ["JOURNEYS", "RENEWAL_TEMPLATE", "renewal_journey", "set_up"]

FEN_PER_YUAN = 100
RENEWAL_TEMPLATE = "gym-renewal"
# journey name -> the gym event it starts on
JOURNEYS = {
    "续卡提醒（即将到期）": "gym.card.ending",
    "续卡提醒（次数将尽）": "gym.card.visits_low",
}


def renewal_journey(event: str) -> dict[str, Any]:
    """On the event, the renewal SMS; every time the event comes (the events come once per card
    and end date, or once per card reaching the count)."""
    return {
        "trigger": {"type": "event", "event": event},
        "entry": "sms",
        "reentry": "always",
        "steps": {
            "sms": {
                "type": "sendMessage",
                "channel": "SMS",
                "template": RENEWAL_TEMPLATE,
                "next": "end",
            }
        },
    }


async def set_up(ctx: RequestContext, config: GymConfig) -> None:
    """Everything the gym needs, in the caller's transaction."""
    for product in config.products:
        await ensure_product(
            ctx,
            ProductDraft(
                name=product.name,
                kind=product.kind,
                days=product.days,
                visits=product.visits,
                price=product.price_yuan * FEN_PER_YUAN,
            ),
        )
    reminder = config.reminder
    sms: dict[str, Any] = {"templateCode": reminder.sms_template_code, "text": reminder.text}
    if "${name}" in reminder.text:
        sms["fields"] = {"name": "{{member.name}}"}
    await setup.ensure_message_template(
        ctx,
        setup.MessageTemplateSpec(
            name=RENEWAL_TEMPLATE, title="续卡提醒", purpose="service", content={"SMS": sms}
        ),
    )
    for name, event in JOURNEYS.items():
        await setup.ensure_journey(ctx, name, renewal_journey(event))
