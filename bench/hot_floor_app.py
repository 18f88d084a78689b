"""The floors of the API's hot operations: each one's statements with nothing else around them.

One Starlette app, one asyncpg pool of the API's size, connected as the application's database
role, so row-level security applies as it does to the platform. Every route runs its work in one
transaction begun the way the platform begins one (``BEGIN; SELECT set_config('app.tenant_id',
…, true)`` in one simple query), with the fewest statements that write the same rows:

- ``/lookup``: one statement with no BEGIN or COMMIT, ``tenant_member`` (which sets the tenant and
  reads the member by phone, as the platform's lookup does), its tier's name from the tiers read
  at start;
- ``/earn`` and ``/spend`` (``recordOrder``): the member's row locked and read (its balance is
  in the entries it writes), then one statement of data-modifying CTEs: the order, the SPEND
  entry with the lots it consumes earliest expiry first and their allocations (``/spend``), the
  EARN entry and its lot, the member's totals, and the outbox events (``points.changed`` per
  entry, ``order.recorded``);
- ``/validate``: one SELECT of the coupon with its template, and whether the member exists;
- ``/redeem``: one statement: the coupon locked and checked, marked redeemed, the idempotency
  key, the ``coupon.redeemed`` event and the template's counters.

No authentication, no GraphQL, no earning rules engine (the demo programme's outcome computed
inline: a point per yuan of cash times the tier's multiplier), no logging or metrics. Requests
carry the API's bodies (``{"query": …, "variables": …}``) and get answers of the API's shape, so
the same load generator and checks drive both. The tenant comes from ``BENCH_TENANT_ID``; served
by the same uvicorn command line as the API.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bench.baseline_app import POOL_MAX
from membership.db import parse_postgres_url, reset_connection, role_target
from membership.ids import new_id

__all__ = ["ROUTES", "create_app"]

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    _Conn = PoolConnectionProxy[asyncpg.Record]

ROUTES = ("lookup", "earn", "spend", "validate", "redeem")

# One statement, no BEGIN or COMMIT: the function sets the tenant and reads (as the platform's
# lookup does); the tiers' names are read once at start, as the platform keeps its catalogue.
_LOOKUP = "SELECT id, name, phone, points_balance, tier_id FROM tenant_member($1, 'phone', $2)"
_TIERS = "SELECT id, name FROM tiers"
_LOCK_MEMBER = (
    "SELECT m.points_balance, m.last_order_at, t.points_multiplier "
    "FROM members m LEFT JOIN tiers t ON t.id = m.tier_id "
    "WHERE m.id = $1 AND m.merged_into_id IS NULL FOR UPDATE OF m"
)
_ENTRY = (
    "INSERT INTO points_entries (tenant_id, id, member_id, kind, points, balance_after, reason, "
    "order_id, corrects_id, available_at, expires_at, actor_type, actor_id, created_at) "
)
# $1 tenant, $2 order id, $3 external id, $4 member, $5 amount, $6 spent, $7 earned,
# $8 store, $9 items, $10 item quantity, $11 earning, $12 request hash, $13 now,
# $14 earn entry id, $15 balance after the earn, $16 reason, $17 lot id, $18 last order at,
# $19 events (jsonb array of {id, type, payload})
_ORDER_PARTS = (
    "source AS (INSERT INTO orders (id, tenant_id, external_id, member_id, amount, "
    "discount_amount, points_spent, points_earned, refunded_amount, points_reversed, "
    "points_returned, status, store_code, items, item_quantity, earning, request_hash, paid_at, "
    "created_at) VALUES ($2, $1, $3, $4, $5, 0, $6, $7, 0, 0, 0, 'COMPLETED', $8, $9::jsonb, "
    "$10, $11::jsonb, $12, $13, $13)), "
    f"entry AS ({_ENTRY}VALUES ($1, $14, $4, 'EARN', $7, $15, $16, $2, NULL, $13, NULL, "
    "'api_key', 'floor', $13)), "
    "lot AS (INSERT INTO points_lots (tenant_id, id, member_id, entry_id, order_id, pending, "
    "amount, remaining, available_at, expires_at, created_at) VALUES ($1, $17, $4, $14, $2, "
    "false, $7, $7, $13, NULL, $13)), "
    "member AS (UPDATE members SET points_balance = $15, total_spent = total_spent + $5, "
    "order_count = order_count + 1, last_order_at = $18, updated_at = $13 WHERE id = $4), "
    "events AS (INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at) "
    "SELECT $1, (e->>'id')::uuid, e->>'type', 1, $4, e->'payload', $13 "
    "FROM jsonb_array_elements($19::jsonb) AS e)"
)
_EARN = f"WITH {_ORDER_PARTS} SELECT 0"
# $20 spend entry id, $21 points spent (positive), $22 balance after the spend
_SPEND = (
    f"WITH {_ORDER_PARTS}, "
    f"spend AS ({_ENTRY}VALUES ($1, $20, $4, 'SPEND', -$21::bigint, $22, $16, $2, NULL, NULL, "
    "NULL, 'api_key', 'floor', $13)), "
    "open AS (SELECT id, remaining, sum(remaining) OVER (ORDER BY expires_at, created_at, id) "
    "AS upto FROM points_lots WHERE member_id = $4 AND remaining > 0 AND NOT pending "
    "AND (expires_at IS NULL OR expires_at > $13)), "
    "take AS (SELECT id, least(remaining, $21 - (upto - remaining)) AS points FROM open "
    "WHERE upto - remaining < $21), "
    "consumed AS (UPDATE points_lots l SET remaining = l.remaining - t.points FROM take t "
    "WHERE l.id = t.id AND l.remaining >= t.points RETURNING l.id, t.points), "
    "allocated AS (INSERT INTO points_allocations (tenant_id, entry_id, lot_id, points) "
    "SELECT $1, $20, id, points FROM consumed) "
    "SELECT coalesce(sum(points), 0)::bigint FROM consumed"
)
_VALIDATE = (
    "SELECT c.status, c.member_id, c.valid_from, c.valid_until, c.reserved_until, t.kind, "
    "t.amount_off, t.min_spend, t.budget, t.discount_given, "
    "EXISTS (SELECT 1 FROM members WHERE id = $2 AND merged_into_id IS NULL) AS member_ok "
    "FROM coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.code = $1"
)
# $1 code, $2 member, $3 amount, $4 now, $5 key, $6 tenant, $7 request hash, $8 event id
_REDEEM = (
    "WITH c AS (SELECT c.id, c.code, c.template_id, least(t.amount_off, $3) AS discount "
    "FROM coupons c JOIN coupon_templates t ON t.id = c.template_id "
    "WHERE c.code = $1 AND c.status = 'ISSUED' AND (c.member_id IS NULL OR c.member_id = $2) "
    "AND c.valid_from <= $4 AND c.valid_until > $4 AND $3 >= t.min_spend AND t.budget IS NULL "
    "AND (c.reserved_until IS NULL OR c.reserved_until <= $4) "
    "AND EXISTS (SELECT 1 FROM members WHERE id = $2 AND merged_into_id IS NULL) "
    "FOR UPDATE OF c), "
    "u AS (UPDATE coupons SET status = 'REDEEMED', member_id = $2, redeemed_at = $4, "
    "discount_amount = c.discount, order_amount = $3, reserved_for = NULL, "
    "reserved_until = NULL FROM c WHERE coupons.id = c.id "
    "RETURNING coupons.id, c.code, c.template_id, c.discount), "
    "k AS (INSERT INTO idempotency_keys (tenant_id, key, operation, request_hash, result_id, "
    "created_at) SELECT $6, $5, 'redeem_coupon', $7, id, $4 FROM u), "
    "e AS (INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at) "
    "SELECT $6, $8, 'coupon.redeemed', 1, $2, jsonb_build_object('memberId', $2::uuid, "
    "'couponId', id, 'code', code, 'templateId', template_id, 'discountAmount', discount, "
    "'orderId', NULL), $4 FROM u), "
    "t AS (UPDATE coupon_templates SET redeemed_count = redeemed_count + 1, "
    "discount_given = discount_given + u.discount, updated_at = $4 FROM u "
    "WHERE coupon_templates.id = u.template_id) "
    "SELECT id, discount FROM u"
)


def _user_error(field: str, code: str, message: str) -> dict[str, Any]:
    return {"data": {field: {"errors": [{"code": code, "field": None, "message": message}]}}}


def _event(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(new_id()), "type": event_type, "payload": payload}


def create_app() -> Starlette:
    """App factory for ``uvicorn bench.hot_floor_app:create_app --factory``."""
    target = role_target(parse_postgres_url(os.environ["DATABASE_URL"]), "app")
    tenant_id = uuid.UUID(os.environ["BENCH_TENANT_ID"])
    begin = f"BEGIN; SELECT set_config('app.tenant_id', '{tenant_id}', true)"
    pools: list[asyncpg.Pool] = []
    tiers: dict[uuid.UUID, str] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(
            **target.connect_kwargs(),
            min_size=1,
            max_size=POOL_MAX,
            server_settings={"jit": "off", "application_name": "bench-floor"},
            reset=reset_connection,
        )
        pools.append(pool)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f"SELECT set_config('app.tenant_id', '{tenant_id}', true)")
            tiers.update({r["id"]: r["name"] for r in await conn.fetch(_TIERS)})
        try:
            yield
        finally:
            await pool.close()

    async def in_tenant_tx(
        work: Callable[[_Conn], Awaitable[dict[str, Any]]],
    ) -> Response:
        async with pools[0].acquire() as conn:
            await conn.execute(begin)
            try:
                answer = await work(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
        return JSONResponse(answer)

    async def lookup(request: Request) -> Response:
        phone = (await request.json())["variables"]["phone"]
        row = await pools[0].fetchrow(_LOOKUP, tenant_id, phone)
        if row is None:
            return JSONResponse({"data": {"member": None}})
        tier_id = row["tier_id"]
        tier = None if tier_id is None else {"id": str(tier_id), "name": tiers.get(tier_id)}
        return JSONResponse(
            {
                "data": {
                    "member": {
                        "id": str(row["id"]),
                        "name": row["name"],
                        "phone": row["phone"],
                        "pointsBalance": int(row["points_balance"]),
                        "tier": tier,
                    }
                }
            }
        )

    async def order(request: Request) -> Response:
        given = (await request.json())["variables"]["input"]
        member = uuid.UUID(given["memberId"])
        amount = int(given["amount"])
        spent = int(given.get("pointsToSpend") or 0)
        items = given.get("items") or []
        request_hash = hashlib.sha256(
            json.dumps(given, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()

        async def work(conn: _Conn) -> dict[str, Any]:
            row = await conn.fetchrow(_LOCK_MEMBER, member)
            if row is None:
                return _user_error("recordOrder", "NOT_FOUND", "No such member in this tenant.")
            balance = int(row["points_balance"])
            # one point per yuan of cash (points paid count 1 fen each: the demo programme's
            # settings) times the tier's multiplier, rounded down
            multiplier = row["points_multiplier"] or Decimal(1)
            cash = amount - spent
            earned = int(cash * multiplier / 100)
            if spent > balance:
                return _user_error("recordOrder", "INSUFFICIENT_POINTS", "Not enough points.")
            now = datetime.now(UTC)
            order_id, entry_id, spend_id = new_id(), new_id(), new_id()
            reason = f"order {given['externalId']}"
            after_spend = balance - spent
            events = []
            if spent:
                events.append(
                    _event(
                        "points.changed",
                        {
                            "memberId": str(member),
                            "entryId": str(spend_id),
                            "kind": "SPEND",
                            "points": -spent,
                            "balance": after_spend,
                            "reason": reason,
                        },
                    )
                )
            events.append(
                _event(
                    "points.changed",
                    {
                        "memberId": str(member),
                        "entryId": str(entry_id),
                        "kind": "EARN",
                        "points": earned,
                        "balance": after_spend + earned,
                        "reason": reason,
                    },
                )
            )
            events.append(
                _event(
                    "order.recorded",
                    {
                        "memberId": str(member),
                        "orderId": str(order_id),
                        "externalId": given["externalId"],
                        "amount": amount,
                        "discountAmount": 0,
                        "pointsEarned": earned,
                        "pointsSpent": spent,
                        "storeCode": given.get("storeCode"),
                    },
                )
            )
            last = row["last_order_at"]
            values = [
                tenant_id,
                order_id,
                given["externalId"],
                member,
                amount,
                spent,
                earned,
                given.get("storeCode"),
                json.dumps(items),
                sum(int(i["quantity"]) for i in items) if items else None,
                json.dumps({"points": earned, "cashFen": cash, "multiplier": str(multiplier)}),
                request_hash,
                now,
                entry_id,
                after_spend + earned,
                reason,
                new_id(),
                now if last is None or last < now else last,
                json.dumps(events),
            ]
            if spent:
                taken = await conn.fetchval(_SPEND, *values, spend_id, spent, after_spend)
                if taken != spent:
                    raise RuntimeError(f"points ledger of member {member} is short")
            else:
                await conn.execute(_EARN, *values)
            order_row = {"id": str(order_id), "pointsEarned": earned}
            return {"data": {"recordOrder": {"order": order_row, "errors": []}}}

        return await in_tenant_tx(work)

    async def validate(request: Request) -> Response:
        variables = (await request.json())["variables"]
        amount = int(variables["amount"])

        async def work(conn: _Conn) -> dict[str, Any]:
            row = await conn.fetchrow(
                _VALIDATE, variables["code"], uuid.UUID(variables["memberId"])
            )
            if row is None or not row["member_ok"]:
                return _user_error("validateCoupon", "NOT_FOUND", "No such coupon or member.")
            now = datetime.now(UTC)
            valid = (
                row["status"] == "ISSUED"
                and str(row["member_id"]) == variables["memberId"]
                and row["valid_from"] <= now < row["valid_until"]
                and (row["reserved_until"] is None or row["reserved_until"] <= now)
                and amount >= row["min_spend"]
                and row["budget"] is None
            )
            discount = min(row["amount_off"] or 0, amount)
            result: dict[str, Any] = {"valid": valid, "discountAmount": discount, "errors": []}
            return {"data": {"validateCoupon": result}}

        return await in_tenant_tx(work)

    async def redeem(request: Request) -> Response:
        given = (await request.json())["variables"]["input"]
        member = uuid.UUID(given["memberId"])
        amount = int(given["orderAmount"])
        request_hash = hashlib.sha256(
            f"redeem_coupon:{given['code']}:{member}:{amount}".encode()
        ).hexdigest()

        async def work(conn: _Conn) -> dict[str, Any]:
            row = await conn.fetchrow(
                _REDEEM,
                given["code"],
                member,
                amount,
                datetime.now(UTC),
                given["idempotencyKey"],
                tenant_id,
                request_hash,
                new_id(),
            )
            if row is None:
                return _user_error("redeemCoupon", "COUPON_NOT_APPLICABLE", "Not redeemable.")
            coupon = {"id": str(row["id"]), "status": "REDEEMED"}
            result = {"coupon": coupon, "discountAmount": int(row["discount"]), "errors": []}
            return {"data": {"redeemCoupon": result}}

        return await in_tenant_tx(work)

    async def readyz(request: Request) -> Response:
        await pools[0].fetchval("SELECT 1")
        return PlainTextResponse("ok")

    handlers = {
        "lookup": lookup,
        "earn": order,
        "spend": order,
        "validate": validate,
        "redeem": redeem,
    }
    return Starlette(
        routes=[
            *(Route(f"/{name}", handlers[name], methods=["POST"]) for name in ROUTES),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan,
    )
