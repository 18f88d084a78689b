"""Free parking as a tier benefit (停车权益): how many hours a member parks free today.

The hours come from the mall's configuration, by the name of the member's tier
(``MallConfig.parking_hours_by_tier``): a tier the mapping does not name, or a member without a
tier, parks 0 hours free. "Today" is the date in the tenant's time zone, which is what a car
park's gate, a till and a member's mini-program agree on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from plugins.api.data import (
    find_member,
    plugin_config,
    require_enabled,
    tenant_transaction,
    tier_name,
)
from plugins.mall.config import NAME, MallConfig

if TYPE_CHECKING:
    from tenants.context import RequestContext

__all__ = ["ParkingBenefit", "parking_benefit"]


@dataclass(frozen=True)
class ParkingBenefit:
    member_id: uuid.UUID
    tier_name: str | None
    hours: int
    date: date


async def parking_benefit(ctx: RequestContext, member_id: uuid.UUID) -> ParkingBenefit | None:
    """The member's free parking today, or None when the tenant has no such member (a member
    token finds only its own member). Needs members:read, or a member token for itself."""
    await require_enabled(ctx, NAME)
    async with tenant_transaction(ctx):  # one connection for the reads below
        member = await find_member(ctx, id=member_id)
        if member is None:
            return None
        config = await plugin_config(ctx, NAME)
        name = None if member.tier_id is None else await tier_name(ctx, member.tier_id)
    if not isinstance(config, MallConfig):  # the platform validates with MANIFEST.config
        config = MallConfig.model_validate(config.model_dump())
    hours = 0 if name is None else config.parking_hours_by_tier.get(name, 0)
    today = ctx.clock.now().astimezone(ZoneInfo(ctx.tenant.timezone)).date()
    return ParkingBenefit(member_id=member.id, tier_name=name, hours=hours, date=today)
