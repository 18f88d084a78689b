"""What recording an order needs to know, read in one round trip: the member, locked, and the
tenant's programme.

The earning settings, the tiers, the enabled earning rules and the tenant's enabled plugins come
back as JSON next to the member's row (locked FOR UPDATE: the order's one writer) and its
settlement probe (is anything pending due to mature, or open and due to expire?), in the order's
own transaction, so every decision is made on what the transaction sees.

The programme changes rarely and an order reads it every time: what its JSON text is made into
(settings, tiers, rule specs) is kept per text, so an unchanged programme is parsed once per
process. The text is the key, so an edit is seen by the very next order, in every process.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.earning.engine import RuleSpec
from membership.earning.rules import specs_of
from membership.members.models import Member
from membership.programme.models import PointsSettings
from membership.programme.settings import settings_of
from membership.tiers.models import Tier
from plugins.manager import CORE_PLUGIN
from tenants.context import RequestContext

__all__ = ["Programme", "read_programme"]

_SQL = """
SELECT
  m.*,
  (SELECT row_to_json(s) FROM points_settings s) AS settings__,
  (SELECT coalesce(json_agg(t ORDER BY t.rank DESC), '[]'::json) FROM tiers t) AS tiers__,
  (SELECT coalesce(json_agg(r ORDER BY r.created_at, r.id), '[]'::json)
     FROM earning_rules r WHERE r.enabled) AS rules__,
  (SELECT coalesce(array_agg(p.name), '{}'::text[]) FROM tenant_plugins p WHERE p.enabled)
    AS plugins__,
  due.mature_due AS mature_due__,
  due.expire_due AS expire_due__
FROM members m
CROSS JOIN LATERAL (
  SELECT coalesce(bool_or(l.pending AND l.available_at <= $2), false) AS mature_due,
         coalesce(bool_or(l.expires_at <= $2), false) AS expire_due
  FROM points_lots l
  WHERE l.member_id = m.id AND l.remaining > 0 AND (l.pending OR l.expires_at IS NOT NULL)
) due
WHERE m.id = $1 AND m.merged_into_id IS NULL
FOR UPDATE OF m
"""


@dataclass(frozen=True)
class Programme:
    """What an order is decided on: the settings, tiers and rules, and what is due to settle."""

    settings: PointsSettings
    tiers: Sequence[Tier]  # highest rank first
    rules: Sequence[RuleSpec]
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


@functools.lru_cache(maxsize=256)
def _settings(tenant_id: uuid.UUID, text: str | None) -> PointsSettings:
    return settings_of(tenant_id, _json(text))


@functools.lru_cache(maxsize=256)
def _tiers(text: str) -> tuple[Tier, ...]:
    return tuple(_tier(t) for t in _json(text))


@functools.lru_cache(maxsize=256)
def _rules(text: str, enabled: frozenset[str]) -> tuple[RuleSpec, ...]:
    return tuple(specs_of(_json(text), enabled))


async def read_programme(
    ctx: RequestContext, conn: BaseDBAsyncClient, member_id: uuid.UUID, now: datetime
) -> tuple[Member, Programme] | None:
    """The live member, locked for the order, with the programme and the member's settlement
    probe, in one statement on ``conn``; None when there is no such live member."""
    _, rows = await conn.execute_query(_SQL, [member_id, now])
    if not rows:
        return None
    row = dict(rows[0])
    extra = {k: row.pop(k) for k in [k for k in row if k.endswith("__")]}
    # The tenant's plugins come with the programme: read once, they serve the whole request.
    ctx.enabled_plugins = frozenset([CORE_PLUGIN, *extra["plugins__"]])
    # Shared by every order of an unchanged programme: read, never changed.
    programme = Programme(
        settings=_cached(_settings, ctx.tenant.id, extra["settings__"]),
        tiers=_cached(_tiers, extra["tiers__"]),
        rules=_cached(_rules, extra["rules__"], ctx.enabled_plugins),
        mature_due=bool(extra["mature_due__"]),
        expire_due=bool(extra["expire_due__"]),
    )
    return Member._init_from_db(**row), programme


def _cached(parse: Any, *key: Any) -> Any:
    """``parse(*key)``, kept per key while the JSON comes as text (asyncpg's default); a value
    already decoded (a json codec on the connection) is parsed every time."""
    if any(isinstance(part, (list, dict)) for part in key):
        return parse.__wrapped__(*key)
    return parse(*key)
