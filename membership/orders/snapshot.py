"""What recording an order needs to know, read in one round trip: the member, locked, and the
tenant's programme.

The earning settings, the tiers, the enabled earning rules and the tenant's enabled plugins come
back as JSON next to the member's row (locked FOR UPDATE: the order's one writer) and its
settlement probe (is anything pending due to mature, or open and due to expire?), in the order's
own transaction, so every decision is made on what the transaction sees.

The programme changes rarely and every order decides on it: each process keeps it parsed with the
tenant's programme revision (``programme_revisions``, moved on by any write to those tables in
the writer's transaction), and the statement sends the programme's JSON only when the revision
is another than the one held. An edit is seen by the very next order, in every process.
"""

from __future__ import annotations

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
from membership.rows import made
from membership.tiers.models import Tier
from plugins.manager import CORE_PLUGIN
from tenants.context import RequestContext
from tenants.tx import fetch

__all__ = ["Programme", "read_programme"]

# $3: the programme's revision this process holds parsed (NULL: none); the programme's JSON
# comes back only when the tenant's revision is another. A tenant whose programme was never
# written since revisions began is at revision 0.
_SQL = """
WITH rev AS (SELECT coalesce((SELECT revision FROM programme_revisions), 0) AS revision)
SELECT
  m.*,
  (SELECT revision FROM rev) AS revision__,
  CASE WHEN (SELECT revision FROM rev) = $3 THEN NULL ELSE json_build_array(
    (SELECT row_to_json(s) FROM points_settings s),
    (SELECT coalesce(json_agg(t ORDER BY t.rank DESC), '[]'::json) FROM tiers t),
    (SELECT coalesce(json_agg(r ORDER BY r.created_at, r.id), '[]'::json)
       FROM earning_rules r WHERE r.enabled),
    (SELECT coalesce(json_agg(p.name ORDER BY p.name), '[]'::json)
       FROM tenant_plugins p WHERE p.enabled)
  ) END AS programme__,
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


@dataclass(frozen=True)
class _Parsed:
    """The programme as parsed at one revision: shared by the orders of that revision, never
    changed."""

    settings: PointsSettings
    tiers: tuple[Tier, ...]
    rules: tuple[RuleSpec, ...]
    plugins: frozenset[str]


# tenant → (revision, the programme parsed at it)
_parsed: dict[uuid.UUID, tuple[int, _Parsed]] = {}
_TENANTS_KEPT = 10_000


def _parse(tenant_id: uuid.UUID, value: Any) -> _Parsed:
    settings, tiers, rules, plugins = _json(value)
    enabled = frozenset([CORE_PLUGIN, *plugins])
    return _Parsed(
        settings=settings_of(tenant_id, settings),
        tiers=tuple(_tier(t) for t in tiers),
        rules=tuple(specs_of(rules, enabled)),
        plugins=enabled,
    )


async def read_programme(
    ctx: RequestContext, conn: BaseDBAsyncClient, member_id: uuid.UUID, now: datetime
) -> tuple[Member, Programme] | None:
    """The live member, locked for the order, with the programme and the member's settlement
    probe, in one statement on ``conn``; None when there is no such live member."""
    tenant_id = ctx.tenant.id
    held = _parsed.get(tenant_id)
    rows = await fetch(conn, _SQL, [member_id, now, held[0] if held else None])
    if not rows:
        return None
    row = dict(rows[0])
    revision = row.pop("revision__")
    programme_json = row.pop("programme__")
    mature_due, expire_due = row.pop("mature_due__"), row.pop("expire_due__")
    if programme_json is not None:
        parsed = _parse(tenant_id, programme_json)
        if len(_parsed) >= _TENANTS_KEPT:
            _parsed.clear()
        _parsed[tenant_id] = (revision, parsed)
    else:
        assert held is not None and held[0] == revision
        parsed = held[1]
    # The tenant's plugins come with the programme: read once, they serve the whole request.
    ctx.enabled_plugins = parsed.plugins
    programme = Programme(
        settings=parsed.settings,
        tiers=parsed.tiers,
        rules=parsed.rules,
        mature_due=bool(mature_due),
        expire_due=bool(expire_due),
    )
    return made(Member, row), programme
