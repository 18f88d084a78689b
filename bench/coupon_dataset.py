"""The coupon benchmark's data: a tenant with members, keys, an AMOUNT_OFF template and coupons.

Members are bulk-loaded by ``bench.order_dataset`` (the real migrations, ``create_tenant``,
``seed_reference_data``, then server-side ``INSERT … SELECT … FROM generate_series`` as the
superuser, secondary indexes rebuilt, ``VACUUM (ANALYZE)``). That loader makes two tenants: the
measured one (``--members`` members) and a small one (up to 1,000 members) whose rows row-level
security has to filter out. No points entries or orders are loaded: coupons do not read them.

Then, as the app role through the services (the way the API makes them):

* two secret API keys of the measured tenant: one holding only ``coupons:write`` (validateCoupon
  and redeemCoupon), one holding ``members:read`` and ``members:pii`` (the member-lookup baseline
  compares the phone it gets back, so it must not come back masked);
* one AMOUNT_OFF template, ``¥20 off from ¥100``, valid 30 days from issue, with no issue limit
  and no budget.

Coupons issued to members (``issue_coupons``) are written with one ``INSERT … SELECT … FROM
generate_series`` per chunk, as the superuser with foreign-key checks skipped (the members exist
by construction), and counted in the template's ``issued_count`` as the issue service would.
Their codes are derived from an ordinal (``coupon_code``), and their member too
(``coupon_member``), so a load generator knows both without asking the database: the codes of a
set share a two-letter prefix and end in ten digits, always with a ``0``, which the random codes
of a batch (``membership.coupons.codes.ALPHABET``) never contain, so the two never collide.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench.order_dataset import (
    _MEMBER_ID,
    OrderDataset,
    TenantData,
    build_order_dataset,
    member_id,
)
from membership.coupons.templates import TemplateDraft, create_template
from membership.db import close_db, init_db, parse_postgres_url, role_target
from membership.settings import get_settings
from tenants.api_keys import create_api_key
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.registry import get_tenant

__all__ = [
    "AMOUNT_OFF",
    "MIN_SPEND",
    "ORDER_AMOUNT",
    "REDEEM_PREFIX",
    "VALIDATE_PREFIX",
    "CouponDataset",
    "analyze_coupons",
    "build_coupon_dataset",
    "coupon_code",
    "coupon_member",
    "coupon_setup",
    "issue_coupons",
]

AMOUNT_OFF = 2_000  # fen: ¥20 off
MIN_SPEND = 10_000  # from ¥100
ORDER_AMOUNT = 12_345  # every request's order amount: above the minimum spend
VALID_DAYS = 30
VALIDATE_PREFIX = "BV"  # coupons validateCoupon asks about, one per member
REDEEM_PREFIX = "BR"  # coupons redeemCoupon spends, each once
SMALL_TENANT_MEMBERS = 1_000
_ISSUE_CHUNK = 50_000


def coupon_code(prefix: str, n: int) -> str:
    """Code of coupon ``n`` of a set (``n`` < 10^10)."""
    return f"{prefix}{n:010d}"


def coupon_member(tenant_id: uuid.UUID | str, n: int, members: int) -> uuid.UUID:
    """The member coupon ``n`` of a set was issued to: member ``n % members``."""
    return member_id(tenant_id, n % members, members)


@dataclass
class CouponDataset:
    database_url: str  # superuser URL of the benchmark database
    tenant_id: uuid.UUID
    slug: str
    members: int
    coupon_key: str  # secret key, coupons:write only
    lookup_key: str  # secret key, members:read + members:pii
    template_id: uuid.UUID
    members_data: OrderDataset
    issued: dict[str, int]  # coupons issued so far per set prefix

    def summary(self) -> dict[str, Any]:
        loaded = self.members_data.summary()
        return {
            "tenant_id": str(self.tenant_id),
            "members": self.members,
            "other_tenant_members": self.members_data.small.members,
            "template": {
                "kind": "AMOUNT_OFF",
                "amount_off": AMOUNT_OFF,
                "min_spend": MIN_SPEND,
                "valid_days": VALID_DAYS,
            },
            "order_amount": ORDER_AMOUNT,
            "issued": dict(self.issued),
            "setup_s": loaded["setup_s"],
            "load_s": loaded["load_s"],
            "steps": loaded["steps"],
        }


async def build_coupon_dataset(
    admin_url: str, database: str, *, members: int, console: Console
) -> CouponDataset:
    """Migrate ``database`` (already created), load the members, make the keys and template."""
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
    return await coupon_setup(admin_url, database, loaded, loaded.big)


async def coupon_setup(
    admin_url: str, database: str, loaded: OrderDataset, tenant_data: TenantData
) -> CouponDataset:
    """The coupon keys and the template for a tenant ``build_order_dataset`` loaded."""
    settings = get_settings()
    target = replace(parse_postgres_url(admin_url), database=database)
    await init_db(role_target(target, "app", settings), settings)
    try:
        tenant = await get_tenant(tenant_data.tenant_id)
        if tenant is None:
            raise RuntimeError(f"tenant {tenant_data.tenant_id} not found after the load")
        ctx = RequestContext.system(tenant)
        coupon_key = await create_api_key(
            ctx, name="bench coupons", kind="secret", scopes=[Permission.COUPONS_WRITE.value]
        )
        lookup_key = await create_api_key(
            ctx,
            name="bench lookup",
            kind="secret",
            scopes=[Permission.MEMBERS_READ.value, Permission.MEMBERS_PII.value],
        )
        template = await create_template(
            ctx,
            TemplateDraft(
                name="Bench ¥20 off ¥100",
                kind="AMOUNT_OFF",
                amount_off=AMOUNT_OFF,
                min_spend=MIN_SPEND,
                valid_days=VALID_DAYS,
            ),
        )
    finally:
        await close_db()
    return CouponDataset(
        database_url=loaded.database_url,
        tenant_id=tenant_data.tenant_id,
        slug=tenant_data.slug,
        members=tenant_data.members,
        coupon_key=coupon_key.key,
        lookup_key=lookup_key.key,
        template_id=template.id,
        members_data=loaded,
        issued={},
    )


# $1 tenant, $2 template, $3 code prefix, $4 members, $5/$6 ordinals [lo, hi), $7 issued at,
# $8 valid until. _MEMBER_ID reads the member ordinal ``i``, the tenant $1 and the members $4.
_ISSUE = f"""
INSERT INTO coupons (tenant_id, id, template_id, code, member_id, status, valid_from,
                     valid_until, issued_at)
SELECT $1::uuid, uuid_v7(), $2::uuid, $3::text || lpad(s.n::text, 10, '0'), {_MEMBER_ID},
       'ISSUED', $7::timestamptz, $8::timestamptz, $7::timestamptz
FROM (SELECT g AS n, g % $4::bigint AS i
      FROM generate_series($5::bigint, $6::bigint - 1) AS g) AS s
"""


async def issue_coupons(
    dataset: CouponDataset, prefix: str, count: int, console: Console
) -> dict[str, Any]:
    """Issue ``count`` more coupons of set ``prefix`` (ordinals after those issued before),
    valid from an hour ago for ``VALID_DAYS`` days; returns the step's timing."""
    first = dataset.issued.get(prefix, 0)
    issued_at = datetime.now().astimezone() - timedelta(hours=1)
    valid_until = issued_at + timedelta(days=VALID_DAYS)
    conn = await asyncpg.connect(dataset.database_url)
    started = time.monotonic()
    try:
        await conn.execute("SET session_replication_role = replica; SET jit = off")
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            task = progress.add_task(f"issue {prefix} coupons", total=count)
            for lo in range(first, first + count, _ISSUE_CHUNK):
                hi = min(lo + _ISSUE_CHUNK, first + count)
                await conn.execute(
                    _ISSUE,
                    dataset.tenant_id,
                    dataset.template_id,
                    prefix,
                    dataset.members,
                    lo,
                    hi,
                    issued_at,
                    valid_until,
                )
                progress.advance(task, hi - lo)
        await conn.execute(
            "UPDATE coupon_templates SET issued_count = issued_count + $3 "
            "WHERE tenant_id = $1 AND id = $2",
            dataset.tenant_id,
            dataset.template_id,
            count,
        )
        await conn.execute("RESET session_replication_role")
    finally:
        await conn.close()
    seconds = time.monotonic() - started
    dataset.issued[prefix] = first + count
    return {
        "step": f"issue {prefix} {first}…{first + count - 1}",
        "rows": count,
        "seconds": round(seconds, 2),
        "rows_per_s": round(count / seconds) if seconds > 0 else None,
    }


async def analyze_coupons(database_url: str) -> float:
    """``VACUUM (ANALYZE)`` the coupon tables, as a long-running database would have them."""
    conn = await asyncpg.connect(database_url)
    started = time.monotonic()
    try:
        for table in ("coupons", "coupon_templates", "coupon_batches"):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
    return time.monotonic() - started
