"""The journeys the benchmark runs, saved and activated through the platform's service.

* ``ORDER_GIFT``: entered on every ``order.recorded`` (``reentry: always``, so each order enters
  its own run), whose first step grants 1 point: the event-to-action path;
* ``DORMANT``: the daily ``inactivity`` trigger at 30 days, one ``addTag`` step: the sweep;
* ``WAKE``: a one-hour ``wait``, then 1 point, then the end: runs the benchmark writes straight
  into ``journey_runs`` as WAITING at ``hold`` and due, for the dispatcher and the wake job.
  Its trigger names an event type nothing emits, so nobody enters it on their own.

``install`` saves and activates a definition with a system context, as the admin's
``saveJourney`` and ``activateJourney`` do after their permission check.
"""

from __future__ import annotations

import uuid
from typing import Any

from membership.journeys.service import activate_journey, pause_journey, save_journey
from tenants.context import RequestContext

__all__ = [
    "DORMANT",
    "GIFT_STEP",
    "ORDER_GIFT",
    "WAKE",
    "WAKE_ACTION_STEP",
    "WAKE_WAIT_STEP",
    "install",
    "pause",
]

GIFT_STEP = "gift"
WAKE_WAIT_STEP = "hold"
WAKE_ACTION_STEP = "gift"

ORDER_GIFT: dict[str, Any] = {
    "trigger": {"type": "event", "event": "order.recorded"},
    "entry": GIFT_STEP,
    "reentry": "always",
    "steps": {
        GIFT_STEP: {"type": "grantPoints", "points": 1, "reason": "thanks", "next": "end"},
    },
}

DORMANT: dict[str, Any] = {
    "trigger": {"type": "inactivity", "days": 30},
    "entry": "tag",
    "reentry": "always",
    "steps": {"tag": {"type": "addTag", "tag": "dormant", "next": "end"}},
}

WAKE: dict[str, Any] = {
    "trigger": {"type": "event", "event": "bench.never"},
    "entry": WAKE_WAIT_STEP,
    "reentry": "always",
    "steps": {
        WAKE_WAIT_STEP: {"type": "wait", "duration": "PT1H", "next": WAKE_ACTION_STEP},
        WAKE_ACTION_STEP: {"type": "grantPoints", "points": 1, "reason": "woken", "next": "end"},
    },
}


async def install(ctx: RequestContext, name: str, definition: dict[str, Any]) -> uuid.UUID:
    """Save ``definition`` as a new journey and activate it (``ctx.clock`` stamps both)."""
    journey = await save_journey(ctx, journey_id=None, name=name, definition=definition)
    await activate_journey(ctx, journey.id)
    return journey.id


async def pause(ctx: RequestContext, journey_id: uuid.UUID) -> None:
    await pause_journey(ctx, journey_id)
