"""Members' cards: selling one (once per key, recorded as an order so the payment earns points),
freezing one (once per key, within the tenant's limits) and reading them with their status.

A card's status is read at the tenant's now: USED_UP (a VISITS card at 0), EXPIRED (past
``ends_at``), FROZEN (today, in the tenant's time zone, falls within one of its freezes) or
ACTIVE. A freeze moves ``ends_at`` by its length, so a frozen day is never lost.

Concurrency: a freeze locks its card row (``FOR UPDATE``) before it looks its key up and checks
the limits, so two freezes of one card are decided one after the other; a sale's key is claimed
by a unique index (a concurrent sale with the same key waits and then replays).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from plugins.api.data import (
    DomainError,
    DomainErrors,
    ErrorCode,
    fetch,
    find_member,
    plugin_config,
    record_order,
    tenant_transaction,
)
from plugins.gym.config import NAME, GymConfig
from plugins.gym.products import Product, product_from

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient

    from tenants.context import RequestContext

__all__ = [
    "CARD_SELECT",
    "Card",
    "Status",
    "card_from",
    "cards_of",
    "check_key",
    "config_of",
    "freeze_card",
    "read_card",
    "sell_card",
    "today",
]

Status = Literal["ACTIVE", "FROZEN", "EXPIRED", "USED_UP"]
MAX_KEY = 80  # within an order number's 100 characters once prefixed with "gym:card:"

# A card with its product and whether it is frozen on the day given as $1.
CARD_SELECT = (
    "SELECT c.id, c.member_id, c.starts_at, c.ends_at, c.visits_left, c.created_at, "
    "p.id AS p_id, p.name AS p_name, p.kind AS p_kind, p.days AS p_days, "
    "p.visits AS p_visits, p.price AS p_price, "
    "EXISTS (SELECT 1 FROM gym_freezes f WHERE f.tenant_id = c.tenant_id AND f.card_id = c.id "
    "AND f.from_date <= $1 AND f.until_date >= $1) AS frozen "
    "FROM gym_cards c JOIN gym_products p ON p.tenant_id = c.tenant_id AND p.id = c.product_id "
)


@dataclass(frozen=True)
class Card:
    id: uuid.UUID
    member_id: uuid.UUID
    product: Product
    starts_at: datetime
    ends_at: datetime | None
    visits_left: int | None
    status: Status

    def usable(self, now: datetime) -> bool:
        """A check-in may use it now: started, and neither ended, used up nor frozen today."""
        return self.status == "ACTIVE" and self.starts_at <= now


async def config_of(ctx: RequestContext) -> GymConfig:
    """The tenant's configuration (PERMISSION_DENIED naming the plugin unless enabled)."""
    config = await plugin_config(ctx, NAME)
    if not isinstance(config, GymConfig):
        return GymConfig.model_validate(config.model_dump())
    return config


def today(ctx: RequestContext) -> date:
    """The tenant's date now, in its time zone."""
    return ctx.clock.now().astimezone(ZoneInfo(ctx.tenant.timezone)).date()


def _status(row: dict[str, Any], now: datetime) -> Status:
    if row["p_kind"] == "VISITS" and row["visits_left"] == 0:
        return "USED_UP"
    if row["ends_at"] is not None and row["ends_at"] <= now:
        return "EXPIRED"
    if row["frozen"]:
        return "FROZEN"
    return "ACTIVE"


def card_from(row: dict[str, Any], now: datetime) -> Card:
    """A card from a row of :data:`CARD_SELECT`, its status at ``now``."""
    return Card(
        id=row["id"],
        member_id=row["member_id"],
        product=product_from(row, "p_"),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        visits_left=row["visits_left"],
        status=_status(row, now),
    )


def check_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY:
        raise DomainError(
            ErrorCode.INVALID,
            "An idempotency key has 1 to {limit} characters.",
            ["input", "idempotencyKey"],
            limit=MAX_KEY,
        )
    return key


async def read_card(ctx: RequestContext, conn: BaseDBAsyncClient, card_id: uuid.UUID) -> Card:
    rows = await fetch(conn, CARD_SELECT + "WHERE c.id = $2", today(ctx), card_id)
    return card_from(rows[0], ctx.clock.now())


async def cards_of(
    ctx: RequestContext, member_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Card]]:
    """The cards of these members (one query), each member's ending soonest first."""
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(
            conn,
            CARD_SELECT + "WHERE c.member_id = ANY($2::uuid[]) "
            "ORDER BY c.ends_at NULLS LAST, c.created_at, c.id",
            today(ctx),
            list(member_ids),
        )
    now = ctx.clock.now()
    found: dict[uuid.UUID, list[Card]] = {m: [] for m in member_ids}
    for row in rows:
        found.setdefault(row["member_id"], []).append(card_from(row, now))
    return found


# ---------------------------------------------------------------- selling


async def sell_card(
    ctx: RequestContext,
    member_id: uuid.UUID,
    product_id: uuid.UUID,
    starts_at: datetime | None,
    key: str,
) -> Card:
    """A new card of the product for the member, once per key; the sale is recorded as the
    order ``gym:card:<key>`` of the product's price (a free card records none). The same key
    with other arguments is IDEMPOTENCY_KEY_REUSED. The caller checks the permission."""
    check_key(key)
    request = f"{member_id}|{product_id}|{starts_at.isoformat() if starts_at else ''}"
    now = ctx.clock.now()
    async with tenant_transaction(ctx) as conn:
        if await find_member(ctx, id=member_id) is None:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                "No member {id} in this tenant.",
                ["input", "memberId"],
                id=str(member_id),
            )
        found = await fetch(
            conn,
            "SELECT id, name, kind, days, visits, price FROM gym_products WHERE id = $1",
            product_id,
        )
        if not found:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                "No card product {id} in this tenant.",
                ["input", "productId"],
                id=str(product_id),
            )
        product = product_from(found[0])
        start = starts_at or now
        made = await fetch(
            conn,
            "INSERT INTO gym_cards (tenant_id, id, member_id, product_id, starts_at, ends_at, "
            "visits_left, sale_key, sale_request, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
            "ON CONFLICT (tenant_id, sale_key) DO NOTHING RETURNING id",
            ctx.tenant.id,
            uuid.uuid4(),
            member_id,
            product.id,
            start,
            start + timedelta(days=product.days) if product.days else None,
            product.visits if product.kind == "VISITS" else None,
            key,
            request,
            now,
        )
        if not made:
            sold = await fetch(
                conn, "SELECT id, sale_request FROM gym_cards WHERE sale_key = $1", key
            )
            if sold[0]["sale_request"] != request:
                raise DomainError(
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "This idempotency key was used for another sale.",
                    ["input", "idempotencyKey"],
                )
            return await read_card(ctx, conn, sold[0]["id"])
        card_id = made[0]["id"]
        if product.price > 0:
            order = await record_order(
                ctx,
                member_id=member_id,
                external_id=f"gym:card:{key}",
                amount=product.price,
                paid_at=now,
            )
            await fetch(
                conn, "UPDATE gym_cards SET order_id = $2 WHERE id = $1", card_id, order.order_id
            )
        return await read_card(ctx, conn, card_id)


# ---------------------------------------------------------------- freezing


async def freeze_card(
    ctx: RequestContext, card_id: uuid.UUID, start: date, until: date, key: str
) -> Card:
    """Freeze the card from ``start`` to ``until`` (tenant dates, both included), once per key;
    ``ends_at`` moves by the freeze's length. Too long, too many this year, in the past, after
    the card ends or overlapping another freeze of the card: every problem at once, nothing
    changed. The caller checks the permission."""
    check_key(key)
    config = await config_of(ctx)
    local_today = today(ctx)
    async with tenant_transaction(ctx) as conn:
        locked = await fetch(conn, "SELECT id FROM gym_cards WHERE id = $1 FOR UPDATE", card_id)
        if not locked:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                "No card {id} in this tenant.",
                ["input", "cardId"],
                id=str(card_id),
            )
        seen = await fetch(
            conn, "SELECT card_id, from_date, until_date FROM gym_freezes WHERE key = $1", key
        )
        if seen:
            if (seen[0]["card_id"], seen[0]["from_date"], seen[0]["until_date"]) != (
                card_id,
                start,
                until,
            ):
                raise DomainError(
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "This idempotency key was used for another freeze.",
                    ["input", "idempotencyKey"],
                )
            return await read_card(ctx, conn, card_id)
        card = await read_card(ctx, conn, card_id)
        problems = await _freeze_problems(conn, config, card, start, until, local_today, ctx)
        if problems:
            raise DomainErrors(problems)
        length = (until - start).days + 1
        await fetch(
            conn,
            "INSERT INTO gym_freezes (tenant_id, id, card_id, from_date, until_date, key, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            ctx.tenant.id,
            uuid.uuid4(),
            card_id,
            start,
            until,
            key,
            ctx.clock.now(),
        )
        await fetch(
            conn,
            "UPDATE gym_cards SET ends_at = ends_at + make_interval(days => $2) "
            "WHERE id = $1 AND ends_at IS NOT NULL",
            card_id,
            length,
        )
        return await read_card(ctx, conn, card_id)


async def _freeze_problems(
    conn: BaseDBAsyncClient,
    config: GymConfig,
    card: Card,
    start: date,
    until: date,
    local_today: date,
    ctx: RequestContext,
) -> list[DomainError]:
    problems: list[DomainError] = []

    def bad(at: str, message: str, **params: object) -> None:
        problems.append(DomainError(ErrorCode.INVALID, message, ["input", at], **params))

    if card.status in ("EXPIRED", "USED_UP"):
        bad("cardId", "This card has ended; it cannot be frozen.")
        return problems
    if until < start:
        bad("until", "A freeze ends on or after the day it starts.")
        return problems
    if start < local_today:
        bad("from", "A freeze starts today or later.")
    length = (until - start).days + 1
    if length > config.freeze_max_days:
        bad(
            "until",
            "A freeze lasts at most {max} days; this one is {days}.",
            max=config.freeze_max_days,
            days=length,
        )
    if card.ends_at is not None:
        last = card.ends_at.astimezone(ZoneInfo(ctx.tenant.timezone)).date()
        if start > last:
            bad("from", "A freeze starts before the card ends ({date}).", date=last.isoformat())
    overlapping = await fetch(
        conn,
        "SELECT from_date, until_date FROM gym_freezes WHERE card_id = $1 "
        "AND from_date <= $3 AND until_date >= $2 ORDER BY from_date LIMIT 1",
        card.id,
        start,
        until,
    )
    if overlapping:
        bad(
            "from",
            "This freeze overlaps another freeze of this card ({start} to {until}).",
            start=overlapping[0]["from_date"].isoformat(),
            until=overlapping[0]["until_date"].isoformat(),
        )
    counted = await fetch(
        conn,
        "SELECT count(*) AS n FROM gym_freezes WHERE card_id = $1 "
        "AND from_date >= $2 AND from_date < $3",
        card.id,
        date(start.year, 1, 1),
        date(start.year + 1, 1, 1),
    )
    if int(counted[0]["n"]) >= config.freezes_per_year:
        bad("from", "A card may be frozen at most {max} times a year.", max=config.freezes_per_year)
    return problems
