"""What a condition sees: the member and the event, as the CEL variables of ``journeys.cel``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from membership.members.models import CustomFieldDefinition, Member
from membership.tiers.models import Tier

__all__ = ["activation", "event_facts", "vocabulary_of"]


async def vocabulary_of(tenant_id: uuid.UUID) -> tuple[str, ...]:
    """The tenant's custom-field keys, which conditions may name as member.customFields.<key>."""
    keys = await CustomFieldDefinition.filter(tenant_id=tenant_id).values_list("key", flat=True)
    return tuple(sorted(str(k) for k in keys))


def event_facts(
    event_type: str, properties: dict[str, Any] | None, occurred_at: datetime
) -> dict[str, Any]:
    return {
        "type": event_type,
        "properties": properties or {},
        "occurredAt": occurred_at.isoformat(),
    }


def activation(
    member: Member,
    tier: Tier | None,
    custom_fields: tuple[str, ...],
    now: datetime,
    event: dict[str, Any] | None,
    analytics: tuple[str, float] = ("", 0.0),
) -> dict[str, Any]:
    """The values of every declared variable for one evaluation; ``analytics`` is the member's
    RFM class and churn risk (``membership.analytics.scores.journey_facts``)."""
    last = member.last_order_at or member.created_at
    data: dict[str, Any] = {
        "member.id": str(member.id),
        "member.name": member.name,
        "member.gender": member.gender,
        "member.birthday": member.birthday.isoformat() if member.birthday else None,
        "member.externalId": member.external_id,
        "member.sourceChannel": member.source_channel,
        "member.tags": list(member.tags or []),
        "member.tier.name": tier.name if tier else "",
        "member.tier.rank": tier.rank if tier else 0,
        "member.pointsBalance": int(member.points_balance),
        "member.pendingPoints": int(member.pending_points),
        "member.totalSpent": int(member.total_spent),
        "member.orderCount": int(member.order_count),
        "member.daysSinceLastOrder": max(0, (now - last).days),
        "member.daysSinceJoined": max(0, (now - member.created_at).days),
        "member.hasAccountManager": member.account_manager_id is not None,
        "member.createdAt": member.created_at,
        "member.rfmClass": analytics[0],
        "member.churnRisk": analytics[1],
        "now": now,
        "event.type": (event or {}).get("type", ""),
        "event.properties": (event or {}).get("properties", {}),
        "event.occurredAt": _instant((event or {}).get("occurredAt"), now),
    }
    values = member.custom_fields or {}
    for key in custom_fields:
        data[f"member.customFields.{key}"] = values.get(key)
    return data


def _instant(raw: object, default: datetime) -> datetime:
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            return default
    return default
