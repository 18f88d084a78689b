"""Check-ins: a member comes in on their best usable card, once per key, and earns points.

The best usable card is the one ending soonest (cards that never end last, then the oldest):
started, not ended, not frozen today, and for a VISITS card with a visit left. A member with no
usable card is refused and nothing is used.

Points come from the tenant's configuration: ``points_per_check_in`` for each check-in, and
``streak_bonus_points`` when the member has come ``streak_visits`` times within ``streak_days``
days (counting from after their last bonus, so each bonus takes a new streak). They are granted
through the ledger under keys made from the check-in's key, in the check-in's transaction.

Concurrency: every card of the member is locked (``FOR UPDATE``, in id order) before the key is
looked up, so a member's check-ins are decided one after another: ten at once against ten visits
use exactly ten, and a key used twice at once counts once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from plugins.api.data import (
    DomainError,
    ErrorCode,
    emit_event,
    fetch,
    find_member,
    grant_points,
    tenant_transaction,
)
from plugins.gym.cards import CARD_SELECT, Card, card_from, check_key, config_of, read_card, today
from plugins.gym.events import CardVisitsLow

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient

    from plugins.gym.config import GymConfig
    from tenants.context import RequestContext

__all__ = ["CheckedIn", "check_in"]


@dataclass(frozen=True)
class CheckedIn:
    card: Card
    points_earned: int
    replayed: bool  # the key was used before: nothing new was written


MAX_STORE_CODE = 50


def _check_store(ctx: RequestContext, store_code: str | None) -> None:
    """A store code is 1 to 50 characters, and one of the caller's stores when the caller is a
    staff member assigned to some (as a sale at the counter is)."""
    field = ["input", "storeCode"]
    if store_code is not None and not 1 <= len(store_code) <= MAX_STORE_CODE:
        raise DomainError(ErrorCode.INVALID, "Store codes have 1 to 50 characters.", field)
    if ctx.actor.stores and store_code not in ctx.actor.stores:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "You check members in at your stores only: {stores}.",
            field,
            stores=", ".join(ctx.actor.stores),
        )


async def check_in(
    ctx: RequestContext, member_id: uuid.UUID, store_code: str | None, key: str
) -> CheckedIn:
    """Check the member in on their best usable card, once per key. The caller checks the
    permission."""
    check_key(key)
    _check_store(ctx, store_code)
    config = await config_of(ctx)
    now = ctx.clock.now()
    async with tenant_transaction(ctx) as conn:
        if await find_member(ctx, id=member_id) is None:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                "No member {id} in this tenant.",
                ["input", "memberId"],
                id=str(member_id),
            )
        await fetch(
            conn, "SELECT id FROM gym_cards WHERE member_id = $1 ORDER BY id FOR UPDATE", member_id
        )
        # Looked up only now, under the cards' lock: a concurrent use of the key has committed.
        seen = await fetch(
            conn, "SELECT member_id, card_id, points FROM gym_check_ins WHERE key = $1", key
        )
        if seen:
            if seen[0]["member_id"] != member_id:
                raise DomainError(
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "This idempotency key was used for another member's check-in.",
                    ["input", "idempotencyKey"],
                )
            card = await read_card(ctx, conn, seen[0]["card_id"])
            return CheckedIn(card, int(seen[0]["points"]), replayed=True)
        rows = await fetch(
            conn,
            CARD_SELECT
            + "WHERE c.member_id = $2 ORDER BY c.ends_at NULLS LAST, c.created_at, c.id",
            today(ctx),
            member_id,
        )
        usable = [c for c in (card_from(r, now) for r in rows) if c.usable(now)]
        if not usable:
            raise DomainError(
                ErrorCode.INVALID,
                "This member has no card to check in with: none is started, valid, not frozen "
                "today and with visits left.",
                ["input", "memberId"],
            )
        card = usable[0]
        points, bonus = await _points(conn, config, member_id, now)
        await fetch(
            conn,
            "INSERT INTO gym_check_ins (tenant_id, key, member_id, card_id, store_code, points, "
            "streak_bonus, checked_in_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            ctx.tenant.id,
            key,
            member_id,
            card.id,
            store_code,
            points,
            bonus,
            now,
        )
        if card.product.kind == "VISITS":
            await fetch(
                conn, "UPDATE gym_cards SET visits_left = visits_left - 1 WHERE id = $1", card.id
            )
        await _grant(ctx, config, member_id, key, bonus)
        after = await read_card(ctx, conn, card.id)
        if after.visits_left is not None and after.visits_left == config.reminder.visits_left:
            await emit_event(
                ctx,
                CardVisitsLow(
                    member_id=member_id,
                    card_id=card.id,
                    product_name=card.product.name,
                    visits_left=after.visits_left,
                ),
            )
    return CheckedIn(after, points, replayed=False)


async def _points(
    conn: BaseDBAsyncClient, config: GymConfig, member_id: uuid.UUID, now: datetime
) -> tuple[int, bool]:
    """This check-in's points, and whether it completes a streak."""
    bonus = False
    if config.streak_bonus_points > 0:
        window = now - timedelta(days=config.streak_days)
        rows = await fetch(
            conn,
            "SELECT count(*) AS n FROM gym_check_ins WHERE member_id = $1 AND checked_in_at > $2 "
            "AND checked_in_at > coalesce((SELECT max(checked_in_at) FROM gym_check_ins "
            "WHERE member_id = $1 AND streak_bonus), '-infinity')",
            member_id,
            window,
        )
        bonus = int(rows[0]["n"]) + 1 >= config.streak_visits
    points = config.points_per_check_in + (config.streak_bonus_points if bonus else 0)
    return points, bonus


async def _grant(
    ctx: RequestContext, config: GymConfig, member_id: uuid.UUID, key: str, bonus: bool
) -> None:
    if config.points_per_check_in > 0:
        await grant_points(
            ctx,
            member_id,
            config.points_per_check_in,
            "健身签到",
            idempotency_key=f"gym:check-in:{key}",
        )
    if bonus:
        await grant_points(
            ctx,
            member_id,
            config.streak_bonus_points,
            "连续签到奖励",
            idempotency_key=f"gym:check-in:{key}:streak",
        )
