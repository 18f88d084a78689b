"""What recording an order needs to know of the tenant's programme, read in one round trip.

The earning settings, the tiers, the enabled earning rules and the tenant's enabled plugins come back as JSON next to the
member's settlement probe (is anything pending due to mature, or open and due to expire?), in the
order's own transaction, so every decision is made on what the transaction sees.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.earning.engine import RuleSpec
from membership.earning.rules import specs_of
from membership.programme.models import PointsSettings
from membership.programme.settings import settings_of
from membership.tiers.models import Tier
from plugins.manager import CORE_PLUGIN
from tenants.context import RequestContext

__all__ = ["Programme", "read_programme"]

_SQL = """
SELECT
  (SELECT row_to_json(s) FROM points_settings s) AS settings,
  (SELECT coalesce(json_agg(t ORDER BY t.rank DESC), '[]'::json) FROM tiers t) AS tiers,
  (SELECT coalesce(json_agg(r ORDER BY r.created_at, r.id), '[]'::json)
     FROM earning_rules r WHERE r.enabled) AS rules,
  (SELECT coalesce(array_agg(p.name), '{}'::text[]) FROM tenant_plugins p WHERE p.enabled)
    AS plugins,
  coalesce(bool_or(l.pending AND l.available_at <= $2), false) AS mature_due,
  coalesce(bool_or(l.expires_at <= $2), false) AS expire_due
FROM points_lots l
WHERE l.member_id = $1 AND l.remaining > 0 AND (l.pending OR l.expires_at IS NOT NULL)
"""


@dataclass(frozen=True)
class Programme:
    """What an order is decided on: the settings, tiers and rules, and what is due to settle."""

    settings: PointsSettings
    tiers: list[Tier]  # highest rank first
    rules: list[RuleSpec]
    mature_due: bool
    expire_due: bool


def _json(value: Any) -> Any:
    return json.loads(value, parse_float=Decimal) if isinstance(value, str) else value


def _tier(row: dict[str, Any]) -> Tier:
    return Tier(
        id=uuid.UUID(row["id"]),
        tenant_id=uuid.UUID(row["tenant_id"]),
        name=row["name"],
        rank=row["rank"],
        metric=row["metric"],
        threshold=row["threshold"],
        window_days=row["window_days"],
        calendar_year=row["calendar_year"],
        points_multiplier=Decimal(str(row["points_multiplier"])),
        created_at=datetime.fromisoformat(row["created_at"]),
    )


async def read_programme(
    ctx: RequestContext, conn: BaseDBAsyncClient, member_id: uuid.UUID, now: datetime
) -> Programme:
    """The programme and the member's settlement probe, in one statement on ``conn``."""
    _, rows = await conn.execute_query(_SQL, [member_id, now])
    row = rows[0]
    # The tenant's plugins come with the programme: read once, they serve the whole request.
    ctx.enabled_plugins = frozenset([CORE_PLUGIN, *row["plugins"]])
    return Programme(
        settings=settings_of(ctx.tenant.id, _json(row["settings"])),
        tiers=[_tier(t) for t in _json(row["tiers"])],
        rules=specs_of(_json(row["rules"]), ctx.enabled_plugins),
        mature_due=bool(row["mature_due"]),
        expire_due=bool(row["expire_due"]),
    )
