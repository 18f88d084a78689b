"""The check-in benchmark's data: a tenant with members, the gym preset enabled, a VISITS card
per member and two API keys.

Members are bulk-loaded by ``bench.order_dataset`` (the real migrations, the installed plugins'
migrations included, so the gym's tables exist; ``create_tenant``, ``seed_reference_data``, then
server-side ``INSERT … SELECT … FROM generate_series`` as the superuser, ``VACUUM (ANALYZE)``),
with a second small tenant whose rows row-level security has to filter out. No points entries or
orders are loaded: a check-in reads neither.

Then, as the app role through the services (the way the admin and the API make them):

* the gym preset enabled for the measured tenant (``enable_plugin`` with a system context):
  ``POINTS_PER_CHECK_IN`` points per check-in and the streak bonus on (``STREAK_BONUS`` points
  for ``STREAK_VISITS`` visits within ``STREAK_DAYS`` days), and one card product, a VISITS card
  of ``VISITS`` visits without a validity, which the preset creates;
* two secret API keys: one holding ``points:write`` and ``members:read`` (what ``checkIn``
  needs: its resolver asks for points:write, and the member it checks in is read through
  ``find_member``, which asks for members:read), one holding ``members:read`` and ``members:pii``
  for the member-lookup baseline.

Every member then gets one card of that product (``issue_cards``), written with one
``INSERT … SELECT … FROM generate_series`` per chunk as the superuser: started a day ago, never
ending, with all its visits left, so every check-in of the run finds a usable card and the visits
it used can be counted afterwards (``VISITS - visits_left``, summed over the cards).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from rich.console import Console

from bench.order_dataset import _MEMBER_ID, OrderDataset, build_order_dataset
from membership.activation.service import enable_plugin
from membership.db import close_db, init_db, parse_postgres_url, role_target
from membership.settings import get_settings
from tenants.api_keys import create_api_key
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.registry import get_tenant

__all__ = [
    "GYM",
    "POINTS_PER_CHECK_IN",
    "PRODUCT_NAME",
    "STREAK_BONUS",
    "VISITS",
    "CheckinDataset",
    "analyze_gym",
    "build_checkin_dataset",
    "issue_cards",
]

GYM = "gym"  # the plugin's entry-point name
PRODUCT_NAME = "Bench 1000 次卡"
VISITS = 1_000  # visits of every card: the product's upper bound
POINTS_PER_CHECK_IN = 10
STREAK_BONUS = 50
STREAK_VISITS = 3
STREAK_DAYS = 7
SMALL_TENANT_MEMBERS = 1_000
_CARD_CHUNK = 50_000


@dataclass
class CheckinDataset:
    database_url: str  # superuser URL of the benchmark database
    tenant_id: uuid.UUID
    slug: str
    members: int
    checkin_key: str  # secret key, points:write + members:read
    lookup_key: str  # secret key, members:read + members:pii
    product_id: uuid.UUID
    members_data: OrderDataset
    cards: int = 0

    def summary(self) -> dict[str, Any]:
        loaded = self.members_data.summary()
        return {
            "tenant_id": str(self.tenant_id),
            "members": self.members,
            "other_tenant_members": self.members_data.small.members,
            "gym": {
                "product": PRODUCT_NAME,
                "visits_per_card": VISITS,
                "cards": self.cards,
                "points_per_check_in": POINTS_PER_CHECK_IN,
                "streak_bonus_points": STREAK_BONUS,
                "streak_visits": STREAK_VISITS,
                "streak_days": STREAK_DAYS,
            },
            "setup_s": loaded["setup_s"],
            "load_s": loaded["load_s"],
            "steps": loaded["steps"],
        }


def gym_config() -> dict[str, Any]:
    """The preset's configuration for the measured tenant."""
    return {
        "products": [
            {"name": PRODUCT_NAME, "kind": "VISITS", "visits": VISITS, "price_yuan": 0},
        ],
        "points_per_check_in": POINTS_PER_CHECK_IN,
        "streak_visits": STREAK_VISITS,
        "streak_days": STREAK_DAYS,
        "streak_bonus_points": STREAK_BONUS,
    }


async def build_checkin_dataset(
    admin_url: str, database: str, *, members: int, console: Console
) -> CheckinDataset:
    """Migrate ``database`` (already created), load the members, enable the gym, make the keys."""
    loaded = await build_order_dataset(
        admin_url,
        database,
        small_members=min(SMALL_TENANT_MEMBERS, members),
        small_entries=0,
        big_members=members,
        big_entries=0,
        orders_per_member=0,
        console=console,
    )
    tenant_data = loaded.big
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=database)
    await init_db(role_target(target, "app", settings), settings)
    try:
        tenant = await get_tenant(tenant_data.tenant_id)
        if tenant is None:
            raise RuntimeError(f"tenant {tenant_data.tenant_id} not found after the load")
        ctx = RequestContext.system(tenant)
        await enable_plugin(ctx, GYM, gym_config())
        checkin_key = await create_api_key(
            ctx,
            name="bench check-ins",
            kind="secret",
            scopes=[Permission.POINTS_WRITE.value, Permission.MEMBERS_READ.value],
        )
        lookup_key = await create_api_key(
            ctx,
            name="bench lookup",
            kind="secret",
            scopes=[Permission.MEMBERS_READ.value, Permission.MEMBERS_PII.value],
        )
    finally:
        await close_db()
    conn = await asyncpg.connect(loaded.database_url)
    try:
        product_id = await conn.fetchval(
            "SELECT id FROM gym_products WHERE tenant_id = $1 AND name = $2",
            tenant_data.tenant_id,
            PRODUCT_NAME,
        )
    finally:
        await conn.close()
    if product_id is None:
        raise RuntimeError("the gym preset did not create the bench's card product")
    return CheckinDataset(
        database_url=loaded.database_url,
        tenant_id=tenant_data.tenant_id,
        slug=tenant_data.slug,
        members=members,
        checkin_key=checkin_key.key,
        lookup_key=lookup_key.key,
        product_id=product_id,
        members_data=loaded,
    )


# $1 tenant, $2 product, $3/$7 member ordinals [lo, hi), $4 members, $5 starts at, $6 visits
# (_MEMBER_ID reads the ordinal ``i``, the tenant $1 and the members $4). One card per member.
_CARD_SQL = f"""
INSERT INTO gym_cards (tenant_id, id, member_id, product_id, starts_at, ends_at, visits_left,
                       sale_key, sale_request, created_at)
SELECT $1::uuid, uuid_v7(), m.id, $2::uuid, $5::timestamptz, NULL, $6::integer,
       'bench-card-' || m.i, m.id::text || '|' || $2::text || '|', $5::timestamptz
FROM (SELECT i, {_MEMBER_ID} AS id
      FROM generate_series($3::bigint, $7::bigint - 1) AS i) AS m
"""


async def issue_cards(dataset: CheckinDataset, console: Console) -> dict[str, Any]:
    """One never-ending card of ``VISITS`` visits per member, started a day ago."""
    starts_at = datetime.now().astimezone() - timedelta(days=1)
    conn = await asyncpg.connect(dataset.database_url)
    started = time.monotonic()
    try:
        for lo in range(0, dataset.members, _CARD_CHUNK):
            hi = min(lo + _CARD_CHUNK, dataset.members)
            await conn.execute(
                _CARD_SQL,
                dataset.tenant_id,
                dataset.product_id,
                lo,
                dataset.members,
                starts_at,
                VISITS,
                hi,
            )
        cards = await conn.fetchval(
            "SELECT count(*) FROM gym_cards WHERE tenant_id = $1", dataset.tenant_id
        )
    finally:
        await conn.close()
    seconds = time.monotonic() - started
    dataset.cards = int(cards)
    console.print(f"issued {dataset.cards:,} cards of {VISITS} visits in {seconds:.1f} s")
    return {
        "step": "issue gym cards",
        "rows": dataset.cards,
        "seconds": round(seconds, 2),
        "rows_per_s": round(dataset.cards / seconds) if seconds > 0 else None,
    }


async def analyze_gym(database_url: str) -> float:
    """``VACUUM (ANALYZE)`` the gym's tables, as a long-running database would have them."""
    conn = await asyncpg.connect(database_url)
    started = time.monotonic()
    try:
        for table in ("gym_products", "gym_cards", "gym_freezes", "gym_check_ins"):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
    return time.monotonic() - started
