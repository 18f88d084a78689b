"""The values of a template's variables for one member (``templates.VARIABLES``)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import timedelta
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.members.models import Member
from tenants.context import RequestContext

__all__ = ["member_values"]

EXPIRING_DAYS = 30
# what the member row and the tenant already say; anything else needs one query
_AT_HAND = frozenset(
    {"member.name", "member.phoneTail", "member.points", "member.pendingPoints", "tenant.name"}
)


async def member_values(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    coupon_id: uuid.UUID | None = None,
    *,
    wanted: Collection[str] | None = None,
) -> dict[str, str]:
    """The variables' values for ``member`` (and the coupon a message is about): those in
    ``wanted``, or every one; at most one query, none when the row says it all."""
    values = {
        "member.name": member.name or "会员",
        "member.phoneTail": member.phone[-4:],
        "member.points": str(member.points_balance),
        "member.pendingPoints": str(member.pending_points),
        "tenant.name": ctx.tenant.name,
    }
    if wanted is not None and _AT_HAND.issuperset(wanted):
        return values
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
          c.name AS coupon_name, c.code AS coupon_code, c.valid_until AS coupon_until
        FROM (SELECT 1) one
        LEFT JOIN (SELECT t.name, k.code, k.valid_until FROM coupons k
                   JOIN coupon_templates t ON t.id = k.template_id AND t.tenant_id = k.tenant_id
                   WHERE k.id = $5 AND k.member_id = $1) c ON true
        """,
        [member.id, member.tier_id, now + timedelta(days=EXPIRING_DAYS), now, coupon_id],
    )
    row = rows[0]
    values.update(
        {
            "member.tier": row["tier"] or "",
            "points.expiring": str(row["expiring"]),
            "points.expiresOn": row["expires_at"].astimezone(tz).date().isoformat()
            if row["expires_at"]
            else "",
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
    )
    return values
