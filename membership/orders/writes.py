"""Recording the common order in one statement: no points spent, no debt to repay.

The order, its EARN entry and lot (or its pending lot), the member's new totals and the
``order.recorded`` event are written by one statement of data-modifying CTEs, so the order costs
the database one round trip instead of five. It must write exactly what the ledger service would
(``post_entry``, ``add_pending``, ``emit``: its events come from ``outbox_row``); the ledger tests check both paths against the same
invariant. Foreign keys are checked at the end of the statement, when every row exists.
"""

from __future__ import annotations

import json
from datetime import timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from membership.ids import new_id
from membership.members.models import Member
from membership.orders.events import order_recorded
from membership.orders.models import Order
from membership.outbox import outbox_row
from membership.points.events import PointsChanged
from membership.points.expiry import ExpiryPolicy, expires_at
from membership.points.models import PointsSettings
from tenants.context import RequestContext

__all__ = ["write_earning_order"]

_SQL = """
WITH new_order AS (
  INSERT INTO orders (tenant_id, id, external_id, member_id, amount, points_earned, status,
                      store_code, items, earning, request_hash, paid_at, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, 'COMPLETED', $7, $8::jsonb, $9::jsonb, $10, $11, $12)
), entry AS (
  INSERT INTO points_entries (tenant_id, id, member_id, kind, points, balance_after, reason,
                              order_id, available_at, expires_at, actor_type, actor_id, created_at)
  SELECT $1, $13::uuid, $4, 'EARN', $6, $14, $15, $2, $12, $16, $17, $18, $12
  WHERE $13::uuid IS NOT NULL
), lot AS (
  INSERT INTO points_lots (tenant_id, id, member_id, entry_id, order_id, pending, amount,
                           remaining, available_at, expires_at, created_at)
  SELECT $1, $19::uuid, $4, $13::uuid, $2, $13::uuid IS NULL, $6, $6, $20, $16, $12
  WHERE $19::uuid IS NOT NULL
), member AS (
  UPDATE members SET points_balance = $14, pending_points = $21, total_spent = $22,
                     order_count = $23, last_order_at = $24, updated_at = $12
  WHERE id = $4
)
INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at)
SELECT $1, e.id, e.type, e.version, e.member_id, e.payload::jsonb, $12
FROM (VALUES ($25::uuid, $26::text, $27::smallint, $28::uuid, $29::text),
             ($30::uuid, $31::text, $32::smallint, $33::uuid, $34::text))
     AS e (id, type, version, member_id, payload)
WHERE e.id IS NOT NULL
"""


async def write_earning_order(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    order: Order,
    settings: PointsSettings,
) -> None:
    """Write ``order`` (not saved yet) for a locked ``member`` whose totals are already counted.

    Points earned inside the return window make a pending lot; otherwise an EARN entry and its
    lot, expiring under the tenant's policy. Raises IntegrityError if the order number exists.
    """
    now = order.created_at
    points = order.points_earned
    pending = bool(points and settings.return_window_days)
    entry_id = new_id() if points and not pending else None
    lot_id = new_id() if points else None
    expiry = None
    if entry_id is not None:
        policy = ExpiryPolicy(settings.expiry_policy, settings.expiry_period)
        expiry = expires_at(policy, now, ctx.tenant.timezone)
        member.points_balance += points
    if pending:
        member.pending_points += points
    available_at = order.paid_at + timedelta(days=settings.return_window_days) if pending else now
    reason = f"order {order.external_id}"
    earned_event: list[object] = [None] * 5
    if entry_id is not None:
        earned = PointsChanged(
            member_id=member.id,
            entry_id=entry_id,
            kind="EARN",
            points=points,
            balance=member.points_balance,
            reason=reason,
        )
        earned_event = outbox_row(earned).params()
    await conn.execute_query(
        _SQL,
        [
            ctx.tenant.id,
            order.id,
            order.external_id,
            member.id,
            order.amount,
            points,
            order.store_code,
            json.dumps(order.items),
            json.dumps(order.earning),
            order.request_hash,
            order.paid_at,
            now,
            entry_id,
            member.points_balance,
            reason,
            expiry,
            ctx.actor.kind,
            str(ctx.actor.id) if ctx.actor.id else None,
            lot_id,
            available_at,
            member.pending_points,
            member.total_spent,
            member.order_count,
            member.last_order_at,
            *outbox_row(order_recorded(order)).params(),
            *earned_event,
        ],
    )
    order._saved_in_db = True
