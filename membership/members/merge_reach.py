"""What reaches a member follows a merge: identities, consents, subscribe credits and the
frequency cap's counts."""

from __future__ import annotations

import uuid

from tortoise.backends.base.client import BaseDBAsyncClient

__all__ = ["carry_over_for_merge"]


async def carry_over_for_merge(
    conn: BaseDBAsyncClient, *, source_id: uuid.UUID, target_id: uuid.UUID
) -> int:
    """What reaches a member follows a merge, in the merge's transaction: the source's
    identities move to the target; the target keeps its own consent for a channel and purpose and
    takes the source's where it has none; unused subscribe credits and the days' message counts add
    up; staff tasks and journey runs move to the target. Returns the number of identities
    moved."""
    _, moved = await conn.execute_query(
        "UPDATE member_identities SET member_id = $2 WHERE member_id = $1 RETURNING id",
        [source_id, target_id],
    )
    await conn.execute_query(
        """
        INSERT INTO member_consents
            (tenant_id, member_id, channel, purpose, granted, source, recorded_at, record_id)
        SELECT tenant_id, $2, channel, purpose, granted, source, recorded_at, record_id
        FROM member_consents WHERE member_id = $1
        ON CONFLICT (tenant_id, member_id, channel, purpose) DO NOTHING
        """,
        [source_id, target_id],
    )
    await conn.execute_query(
        """
        INSERT INTO subscribe_credits (tenant_id, member_id, template_code, remaining, updated_at)
        SELECT tenant_id, $2, template_code, remaining, updated_at
        FROM subscribe_credits WHERE member_id = $1 AND remaining > 0
        ON CONFLICT (tenant_id, member_id, template_code)
        DO UPDATE SET remaining = subscribe_credits.remaining + EXCLUDED.remaining
        """,
        [source_id, target_id],
    )
    await conn.execute_query("DELETE FROM subscribe_credits WHERE member_id = $1", [source_id])
    # Follow-ups follow the person: staff tasks and journey runs (a run waiting for the source's
    # coupon to be redeemed now waits on the target, who holds that coupon after the merge).
    await conn.execute_query(
        "UPDATE staff_tasks SET member_id = $2 WHERE member_id = $1", [source_id, target_id]
    )
    await conn.execute_query(
        "UPDATE journey_runs SET member_id = $2 WHERE member_id = $1", [source_id, target_id]
    )
    # one person, one frequency cap: the source's messages this week count for the target
    await conn.execute_query(
        """
        INSERT INTO member_message_days (tenant_id, member_id, day, sent)
        SELECT tenant_id, $2, day, sent FROM member_message_days WHERE member_id = $1
        ON CONFLICT (tenant_id, member_id, day)
        DO UPDATE SET sent = member_message_days.sent + EXCLUDED.sent
        """,
        [source_id, target_id],
    )
    return len(moved)
