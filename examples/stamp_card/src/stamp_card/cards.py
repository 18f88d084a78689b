"""Stamp cards: adding a stamp (exactly once per key) and reading a card.

Every way a stamp arrives (the ``addStamp`` mutation, an ``order.recorded`` event, a journey
step) comes through :func:`add_stamp` inside the tenant's transaction it is given, so the stamp,
the card, the reward points and the ``stamp_card.completed`` event commit or roll back together.

Concurrency: the member's card row is locked (``FOR UPDATE``) before the key is looked up, so
stamps for one member are added one after another: two requests with the same key find the
first one's row once it has committed (a replay), and any number of different keys each add
exactly one stamp.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from plugins.api.data import (
    DomainError,
    ErrorCode,
    emit_event,
    fetch,
    grant_points,
    plugin_config,
    tenant_transaction,
)
from stamp_card.config import NAME, StampCardConfig
from stamp_card.events import StampCardCompleted

if TYPE_CHECKING:  # the types the contract's signatures name; nothing of them runs here
    from tortoise.backends.base.client import BaseDBAsyncClient

    from tenants.context import RequestContext

__all__ = ["Card", "Source", "Stamped", "add_stamp", "config_of", "lapse_idle_cards", "read_card"]

Source = Literal["api", "order", "journey"]

MAX_KEY = 150  # a caller's key; stored with its source in front, within the column's 200


@dataclass(frozen=True)
class Card:
    member_id: uuid.UUID
    stamps: int  # on the card now
    completed: int  # cards filled so far
    updated_at: datetime | None  # the last stamp (None: never stamped)


@dataclass(frozen=True)
class Stamped:
    card: Card
    completed: bool  # this stamp filled the card
    replayed: bool  # the key was used before: nothing new was written


async def config_of(ctx: RequestContext) -> StampCardConfig:
    """The tenant's configuration (PERMISSION_DENIED naming the plugin unless enabled)."""
    config = await plugin_config(ctx, NAME)
    if not isinstance(config, StampCardConfig):
        raise TypeError(f"{NAME} configuration came back as {type(config).__name__}")
    return config


async def read_card(ctx: RequestContext, member_id: uuid.UUID) -> Card:
    """The member's card; an empty one when the member has never had a stamp."""
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(
            conn,
            "SELECT stamps, completed, updated_at FROM stamp_card_cards WHERE member_id = $1",
            member_id,
        )
    if not rows:
        return Card(member_id, 0, 0, None)
    return Card(member_id, rows[0]["stamps"], rows[0]["completed"], rows[0]["updated_at"])


def _stored_key(source: Source, key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY:
        raise DomainError(
            ErrorCode.INVALID,
            "An idempotency key has 1 to {limit} characters.",
            ["idempotencyKey"],
            limit=MAX_KEY,
        )
    # Keys of different sources never meet: an order's id is not a caller's key.
    return f"{source}:{key}"


async def add_stamp(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member_id: uuid.UUID,
    key: str,
    source: Source,
    config: StampCardConfig | None = None,
) -> Stamped:
    """Add one stamp to the member's card, once per (source, key), in ``conn``'s transaction.

    The stamp that fills the card grants ``reward_points`` (points:write), emits
    ``stamp_card.completed`` and empties the card. A key used before for the same member
    returns the card as it is, ``replayed``; for another member it is IDEMPOTENCY_KEY_REUSED.
    The caller has checked that the member exists.
    """
    stored = _stored_key(source, key)
    config = config or await config_of(ctx)
    now = ctx.clock.now()
    await fetch(
        conn,
        "INSERT INTO stamp_card_cards (tenant_id, member_id, updated_at) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING",
        ctx.tenant.id,
        member_id,
        now,
    )
    card = (
        await fetch(
            conn,
            "SELECT stamps, completed, updated_at FROM stamp_card_cards WHERE member_id = $1 "
            "FOR UPDATE",
            member_id,
        )
    )[0]
    # Looked up only now, under the card's lock: a concurrent use of the key has committed.
    seen = await fetch(
        conn, "SELECT member_id, completed FROM stamp_card_stamps WHERE key = $1", stored
    )
    if seen:
        if seen[0]["member_id"] != member_id:
            raise DomainError(
                ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This idempotency key was used for another member's stamp.",
                ["idempotencyKey"],
            )
        current = Card(member_id, card["stamps"], card["completed"], card["updated_at"])
        return Stamped(current, completed=seen[0]["completed"], replayed=True)

    stamps, completed = card["stamps"] + 1, card["completed"]
    filled = stamps >= config.stamps_needed
    if filled:
        stamps, completed = 0, completed + 1
        if config.reward_points > 0:
            await grant_points(
                ctx,
                member_id,
                config.reward_points,
                f"{config.card_name}集满",
                idempotency_key=f"{NAME}:{stored}",
            )
        await emit_event(
            ctx,
            StampCardCompleted(
                member_id=member_id,
                card_name=config.card_name,
                stamps_needed=config.stamps_needed,
                times_completed=completed,
                reward_points=config.reward_points,
                stamp_key=stored,
            ),
        )
    await fetch(
        conn,
        "INSERT INTO stamp_card_stamps (tenant_id, key, member_id, source, stamps_after, "
        "completed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        ctx.tenant.id,
        stored,
        member_id,
        source,
        stamps,
        filled,
        now,
    )
    await fetch(
        conn,
        "UPDATE stamp_card_cards SET stamps = $2, completed = $3, updated_at = $4 "
        "WHERE member_id = $1",
        member_id,
        stamps,
        completed,
        now,
    )
    return Stamped(Card(member_id, stamps, completed, now), completed=filled, replayed=False)


async def lapse_idle_cards(ctx: RequestContext) -> int:
    """Empty the cards with no stamp for ``lapse_after_days`` (when the tenant set it); returns
    how many. Safe to run again: an emptied card is not idle any more."""
    config = await config_of(ctx)
    if config.lapse_after_days is None:
        return 0
    now = ctx.clock.now()
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(
            conn,
            "WITH lapsed AS (UPDATE stamp_card_cards SET stamps = 0, updated_at = $1 "
            "WHERE stamps > 0 AND updated_at <= $2 RETURNING 1) SELECT count(*) AS n FROM lapsed",
            now,
            now - timedelta(days=config.lapse_after_days),
        )
    return int(rows[0]["n"])
