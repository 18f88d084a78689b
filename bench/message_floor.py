"""The SQL floor: the least SQL that does a gate's and a delivery's work, hand-written on asyncpg.

Both run as the app role, so row-level security applies as it does to the platform; the floor's
pool sets the tenant once per connection (``set_config('app.tenant_id', …, false)``) instead of in
every transaction, and plans its statements once per connection (asyncpg's statement cache).

**Gate**, one transaction a message (four round trips: ``BEGIN``, two statements, ``COMMIT``):

1. the member's advisory lock, the same key the platform takes (``message:<member id>``), so
   that concurrent sends to one member see each other's messages;
2. one statement that reads the member's SMS marketing consent, counts the member's messages of
   today and of this week in the tenant's time zone, and inserts the QUEUED message, rendered
   (``SMS_TEXT`` with the member's name and points), only when consent is granted and both
   counts are under the cap; ``ON CONFLICT`` on ``(tenant_id, cause, channel)`` makes a repeated
   cause send nothing.

The lock cannot go into the second statement: a statement reads from the snapshot it started
with, so counts read after waiting for the lock in the same statement could miss a message
committed meanwhile.

**Delivery**: the take with a lease of batches of ``BATCH`` (one ``UPDATE … RETURNING``, as the
platform's take), then per message one statement that re-reads consent, records the fake
provider's send, writes the ``message.sent`` event to the outbox and marks the message SENT.
"""

from __future__ import annotations

import uuid

import asyncpg

from bench.message_dataset import MAX_PER_DAY, MAX_PER_WEEK, SMS_TEXT, MessageTenant
from membership.db import PgTarget, reset_connection
from membership.ids import new_id

__all__ = ["BATCH", "floor_deliver", "floor_send", "open_floor_pool"]

BATCH = 50  # messages a take leases, as membership.messaging.delivery

_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('message:' || $1::text, 0))"

_GATE = """
WITH consent AS (
    SELECT granted FROM member_consents
    WHERE member_id = $2 AND channel = 'SMS' AND purpose = 'marketing'
), counted AS (
    SELECT count(*) FILTER (WHERE created_at >= date_trunc('day', now(), $5)) AS today,
           count(*) AS week
    FROM messages
    WHERE member_id = $2 AND created_at >= date_trunc('week', now(), $5)
      AND purpose = 'marketing' AND status IN ('QUEUED', 'SENT', 'DELIVERED')
), member AS (
    SELECT id, tenant_id, phone, coalesce(name, '会员') AS name, points_balance::text AS points
    FROM members WHERE id = $2 AND merged_into_id IS NULL
)
INSERT INTO messages AS msg (
    tenant_id, id, member_id, channel, provider, template_id, template_name, purpose, cause,
    recipient, body, content, status, next_attempt_at, created_at, updated_at)
SELECT m.tenant_id, $1, m.id, 'SMS', 'fake_sms', $4, 'bench.recall', 'marketing', $3,
       m.phone, replace(replace($6::text, '${name}', m.name), '${points}', m.points),
       jsonb_build_object('templateCode', 'SMS_001', 'text', $6::text, 'link', NULL,
                          'fields', jsonb_build_object('name', m.name, 'points', m.points)),
       'QUEUED', now(), now(), now()
FROM member m, consent, counted
WHERE consent.granted AND counted.today < $7 AND counted.week < $8
ON CONFLICT (tenant_id, cause, channel) DO NOTHING
RETURNING msg.id
"""

_TAKE = """
UPDATE messages SET next_attempt_at = now() + interval '60 seconds'
WHERE id = ANY(ARRAY(
    SELECT id FROM messages WHERE status = 'QUEUED' AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED))
RETURNING id
"""

_SEND = """
WITH msg AS (
    SELECT m.tenant_id, m.id, m.member_id, m.channel, m.purpose, m.cause, m.template_name,
           m.recipient, m.content
    FROM messages m
    JOIN member_consents c ON c.member_id = m.member_id AND c.channel = m.channel
                          AND c.purpose = m.purpose AND c.granted
    WHERE m.id = $1 AND m.status = 'QUEUED'
), sent AS (
    INSERT INTO fake_provider_sends (
        tenant_id, id, message_id, provider, channel, recipient, request, sent_at)
    SELECT tenant_id, uuid_v7(), id, lower(channel), channel, recipient,
           jsonb_build_object('messageId', id, 'channel', channel, 'recipient', recipient,
                              'templateCode', content->'templateCode', 'text', content->'text',
                              'fields', content->'fields', 'link', content->'link', 'at', now()),
           now()
    FROM msg
    RETURNING id, message_id
), event AS (
    INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at)
    SELECT tenant_id, uuid_v7(), 'message.sent', 1, member_id,
           jsonb_build_object('memberId', member_id, 'messageId', id, 'channel', channel,
                              'template', template_name, 'purpose', purpose, 'cause', cause,
                              'reason', NULL),
           now()
    FROM msg
)
UPDATE messages SET status = 'SENT', attempts = attempts + 1, sent_at = now(),
       provider_message_id = 'fake-' || left(replace(sent.id::text, '-', ''), 16),
       next_attempt_at = NULL, updated_at = now()
FROM sent WHERE messages.id = sent.message_id
RETURNING messages.id
"""


async def open_floor_pool(target: PgTarget, tenant_id: uuid.UUID, size: int) -> asyncpg.Pool:
    """A pool of ``size`` connections as ``target``'s role, each set to ``tenant_id``."""

    async def set_tenant(conn: asyncpg.Connection) -> None:
        await conn.execute("SELECT set_config('app.tenant_id', $1, false)", str(tenant_id))

    pool = await asyncpg.create_pool(
        **target.connect_kwargs(),
        min_size=size,
        max_size=size,
        init=set_tenant,
        reset=reset_connection,  # asyncpg's default (RESET ALL) would forget the tenant
        server_settings={"jit": "off", "application_name": "bench-floor"},
    )
    assert pool is not None
    return pool


async def floor_send(
    pool: asyncpg.Pool, tenant: MessageTenant, member: uuid.UUID, cause: str
) -> bool:
    """The gate's work for one message; whether a message was queued."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(_LOCK, str(member))
        made = await conn.fetchval(
            _GATE,
            new_id(),
            member,
            cause,
            tenant.template_id,
            tenant.ctx.tenant.timezone,
            SMS_TEXT,
            MAX_PER_DAY,
            MAX_PER_WEEK,
        )
    return made is not None


async def floor_deliver(pool: asyncpg.Pool) -> tuple[int, int]:
    """Drain the tenant's due messages, a batch at a time: (taken, sent)."""
    taken = sent = 0
    while True:
        rows = await pool.fetch(_TAKE, BATCH)
        if not rows:
            return taken, sent
        taken += len(rows)
        async with pool.acquire() as conn:
            for row in rows:
                if await conn.fetchval(_SEND, row["id"]) is not None:
                    sent += 1
