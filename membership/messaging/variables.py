"""The values of a template's variables for one member (``templates.VARIABLES``)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.members.models import Member
from tenants.context import RequestContext

__all__ = ["member_values"]

EXPIRING_DAYS = 30


async def member_values(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    coupon_id: uuid.UUID | None = None,
) -> dict[str, str]:
    """Every variable's value for ``member`` (and the coupon a message is about), in one query."""
    now = ctx.clock.now()
    tz = ZoneInfo(ctx.tenant.timezone)
    _, rows = await conn.execute_query(
        """
        SELECT
          (SELECT name FROM tiers WHERE id = $2) AS tier,
          (SELECT coalesce(sum(remaining), 0) FROM points_lots
            WHERE member_id = $1 AND remaining > 0 AND NOT pending
              AND expires_at IS NOT NULL AND expires_at <= $3) AS expiring,
          (SELECT min(expires_at) FROM points_lots
            WHERE member_id = $1 AND remaining > 0 AND NOT pending
              AND expires_at IS NOT NULL AND expires_at > $4) AS expires_at,
          (SELECT t.name FROM coupons c
            JOIN coupon_templates t ON t.id = c.template_id AND t.tenant_id = c.tenant_id
            WHERE c.id = $5 AND c.member_id = $1) AS coupon_name,
          (SELECT c.code FROM coupons c WHERE c.id = $5 AND c.member_id = $1) AS coupon_code,
          (SELECT c.valid_until FROM coupons c WHERE c.id = $5 AND c.member_id = $1)
            AS coupon_until
        """,
        [member.id, member.tier_id, now + timedelta(days=EXPIRING_DAYS), now, coupon_id],
    )
    row = rows[0]
    values = {
        "member.name": member.name or "会员",
        "member.phoneTail": member.phone[-4:],
        "member.tier": row["tier"] or "",
        "member.points": str(member.points_balance),
        "member.pendingPoints": str(member.pending_points),
        "points.expiring": str(row["expiring"]),
        "points.expiresOn": row["expires_at"].astimezone(tz).date().isoformat()
        if row["expires_at"]
        else "",
        "tenant.name": ctx.tenant.name,
        "coupon.name": row["coupon_name"] or "",
        "coupon.code": row["coupon_code"] or "",
        # a coupon is valid until the instant before its last day ends
        "coupon.expiresOn": (row["coupon_until"] - timedelta(microseconds=1))
        .astimezone(tz)
        .date()
        .isoformat()
        if row["coupon_until"]
        else "",
    }
    return values
