"""The relay: committed events become handlings and webhook deliveries, thousands per pass.

``tenants_with_pending_events()`` (a sweep function over the partial index of unpublished
events) names the tenants that have anything to relay, so a tenant with nothing pending costs
nothing. For each, one transaction takes up to ``batch`` unpublished events in the order they
were written, writes one handling per subscribed handler and one delivery per matching enabled
endpoint (each a single multi-row INSERT), and marks the events published. A relay killed
half-way rolls back and the next pass does the same work again; the unique keys (event,
handler) and (endpoint, event) make a second pass over the same events write nothing twice.
A transaction-scoped advisory lock per tenant keeps two relays from interleaving one tenant's
events, so their handlings and deliveries are written in event order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from membership.events.handlers import subscriptions_for, type_matches
from membership.ids import new_ids
from membership.webhooks.endpoints import endpoint_matches
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["RelayPass", "pending_tenants", "relay_tenant"]


@dataclass
class RelayPass:
    events: int = 0
    handlings: int = 0
    deliveries: int = 0
    endpoints: set[uuid.UUID] = field(default_factory=set)  # endpoints with new deliveries
    more: bool = False  # a full batch: call again


async def pending_tenants() -> list[uuid.UUID]:
    """Tenants with unpublished events (one statement, whatever the number of tenants)."""
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query("SELECT t AS id FROM tenants_with_pending_events() t")
    return [row["id"] for row in rows]


_TAKE = """
SELECT id, type, member_id, created_at FROM outbox
WHERE published_at IS NULL
ORDER BY created_at, id
LIMIT $1
FOR UPDATE SKIP LOCKED
"""

_HANDLINGS = """
INSERT INTO event_handlings (tenant_id, id, event_id, event_type, handler, member_id, event_at,
                             next_attempt_at, created_at, updated_at)
SELECT $1, h.id, h.event_id, h.event_type, h.handler, h.member_id, h.event_at, $2, $2, $2
FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::uuid[], $8::timestamptz[])
     AS h (id, event_id, event_type, handler, member_id, event_at)
ON CONFLICT (tenant_id, event_id, handler) DO NOTHING
"""

_DELIVERIES = """
INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type,
                                next_attempt_at, created_at, updated_at)
SELECT $1, d.id, d.endpoint_id, d.event_id, d.event_type, $2, $2, $2
FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::text[]) AS d (id, endpoint_id, event_id,
                                                                   event_type)
ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING
"""


async def _wanted_by_tenant(conn: BaseDBAsyncClient, types: set[str]) -> dict[str, frozenset[str]]:
    """For the subscriptions whose interest depends on the tenant, the types they want now."""
    wanted: dict[str, frozenset[str]] = {}
    for event_type in types:
        for subscription in subscriptions_for(event_type):
            if subscription.listening is not None and subscription.name not in wanted:
                wanted[subscription.name] = await subscription.listening(conn)
    return wanted


async def relay_tenant(ctx: RequestContext, *, batch: int = 5000) -> RelayPass:
    """Relay up to ``batch`` of the tenant's unpublished events in one transaction."""
    result = RelayPass()
    async with tenant_tx(ctx) as conn:
        _, locked = await conn.execute_query(
            "SELECT pg_try_advisory_xact_lock(hashtextextended('relay:' || $1, 0)) AS ok",
            [str(ctx.tenant.id)],
        )
        if not locked[0]["ok"]:
            return result  # another relay has this tenant right now
        _, events = await conn.execute_query(_TAKE, [batch])
        if not events:
            return result
        _, endpoints = await conn.execute_query(
            "SELECT id, event_types FROM webhook_endpoints WHERE enabled"
        )
        now = ctx.clock.now()
        wanted = await _wanted_by_tenant(conn, {e["type"] for e in events})
        h_event, h_type, h_handler, h_member, h_at = [], [], [], [], []
        d_endpoint, d_event, d_type = [], [], []
        for event in events:
            for subscription in subscriptions_for(event["type"]):
                if subscription.name in wanted and not type_matches(
                    wanted[subscription.name], event["type"]
                ):
                    continue
                h_event.append(event["id"])
                h_type.append(event["type"])
                h_handler.append(subscription.name)
                h_member.append(event["member_id"])
                h_at.append(event["created_at"])
            for endpoint in endpoints:
                if endpoint_matches(endpoint["event_types"], event["type"]):
                    d_endpoint.append(endpoint["id"])
                    d_event.append(event["id"])
                    d_type.append(event["type"])
        if h_event:
            await conn.execute_query(
                _HANDLINGS,
                [
                    ctx.tenant.id,
                    now,
                    new_ids(len(h_event)),
                    h_event,
                    h_type,
                    h_handler,
                    h_member,
                    h_at,
                ],
            )
        if d_event:
            await conn.execute_query(
                _DELIVERIES,
                [ctx.tenant.id, now, new_ids(len(d_event)), d_endpoint, d_event, d_type],
            )
        await conn.execute_query(
            "UPDATE outbox SET published_at = $1 WHERE id = ANY($2::uuid[])",
            [now, [e["id"] for e in events]],
        )
    result.events = len(events)
    result.handlings = len(h_event)
    result.deliveries = len(d_event)
    result.endpoints = set(d_endpoint)
    result.more = len(events) == batch
    return result
