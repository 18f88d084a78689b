"""A member's coupons (券包), newest first, by status.

A coupon still ISSUED whose validity has passed counts as EXPIRED at once, before the expiry job
writes it so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from membership.coupons.models import Coupon
from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, ErrorCode
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["STATUSES", "CouponPage", "coupon_cursor", "first_coupon_pages", "member_coupons"]

STATUSES = ("ISSUED", "REDEEMED", "EXPIRED", "VOIDED")
MAX_PAGE = 100


@dataclass(frozen=True)
class CouponPage:
    coupons: list[Coupon]
    total: int
    has_next: bool


def coupon_cursor(coupon: Coupon) -> str:
    return encode_cursor(coupon.issued_at, coupon.id)


def _status_sql(status: str | None, now: datetime, params: list[Any]) -> str:
    if status is None:
        return "TRUE"
    params.append(now)
    at = f"${len(params)}"
    if status == "ISSUED":
        return f"(status = 'ISSUED' AND valid_until > {at})"
    if status == "EXPIRED":
        return f"(status = 'EXPIRED' OR (status = 'ISSUED' AND valid_until <= {at}))"
    params.pop()
    params.append(status)
    return f"status = ${len(params)}"


def _check(
    ctx: RequestContext, member_ids: list[uuid.UUID], first: int, status: str | None
) -> None:
    for member_id in member_ids:
        if not (
            ctx.has(Permission.MEMBERS_READ)
            or (ctx.has(Permission.SELF_READ) and ctx.member_id == member_id)
        ):
            raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(
            ErrorCode.INVALID,
            "first must be between 0 and {MAX_PAGE}.",
            ["first"],
            MAX_PAGE=MAX_PAGE,
        )
    if status is not None and status not in STATUSES:
        raise DomainError(
            ErrorCode.INVALID,
            "Status must be one of: {statuses}.",
            ["status"],
            statuses=", ".join(STATUSES),
        )


async def first_coupon_pages(
    ctx: RequestContext, member_ids: list[uuid.UUID], *, first: int, status: str | None
) -> dict[uuid.UUID, CouponPage]:
    """The first page of many members' coupons in one query (a DataLoader's batch)."""
    _check(ctx, member_ids, first, status)
    ids = list(set(member_ids))
    params: list[Any] = [ids, first + 1]
    where = _status_sql(status, ctx.clock.now(), params)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT * FROM (SELECT c.*, row_number() OVER (PARTITION BY member_id "
            "ORDER BY issued_at DESC, id DESC) AS position, count(*) OVER "
            "(PARTITION BY member_id) AS total FROM coupons c "
            f"WHERE member_id = ANY($1::uuid[]) AND {where}) ranked WHERE position <= $2 "
            "ORDER BY member_id, position",
            params,
        )
    grouped: dict[uuid.UUID, list[Coupon]] = {i: [] for i in ids}
    totals: dict[uuid.UUID, int] = {}
    for row in rows:
        values = dict(row)
        values.pop("position")
        totals[values["member_id"]] = int(values.pop("total"))
        grouped[values["member_id"]].append(Coupon._init_from_db(**values))
    return {
        i: CouponPage(grouped[i][:first], totals.get(i, 0), has_next=len(grouped[i]) > first)
        for i in ids
    }


async def member_coupons(
    ctx: RequestContext,
    member_id: uuid.UUID,
    *,
    first: int,
    after: str | None,
    status: str | None,
) -> CouponPage:
    """One member's coupons after a cursor."""
    _check(ctx, [member_id], first, status)
    params: list[Any] = [member_id]
    where = _status_sql(status, ctx.clock.now(), params)
    async with tenant_tx(ctx) as conn:
        _, counted = await conn.execute_query(
            f"SELECT count(*) AS total FROM coupons WHERE member_id = $1 AND {where}", params
        )
        page_params = list(params)
        keyset = ""
        if after:
            issued_at, last_id = decode_cursor(after)
            page_params += [issued_at, last_id]
            n = len(page_params)
            keyset = f" AND (issued_at, id) < (${n - 1}, ${n})"
        page_params.append(first + 1)
        _, rows = await conn.execute_query(
            f"SELECT * FROM coupons WHERE member_id = $1 AND {where}{keyset} "
            f"ORDER BY issued_at DESC, id DESC LIMIT ${len(page_params)}",
            page_params,
        )
    coupons = [Coupon._init_from_db(**dict(r)) for r in rows]
    return CouponPage(coupons[:first], int(counted[0]["total"]), has_next=len(coupons) > first)
