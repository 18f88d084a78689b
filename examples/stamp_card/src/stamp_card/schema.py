"""The stamp card in the API: ``stampCard`` (a query) and ``addStamp`` (a mutation).

The platform answers PERMISSION_DENIED, naming ``stamp-card``, for a tenant that has not enabled
the plugin, before these resolvers run; what they raise as ``DomainError`` becomes the payload's
``errors`` (``returns_errors``), like every mutation of the platform.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from plugins.api.data import (
    DomainError,
    ErrorCode,
    MemberFacts,
    Permission,
    find_member,
    tenant_transaction,
)
from plugins.api.graphql import Info, Long, UserError, parse_id, returns_errors
from stamp_card.cards import Card, add_stamp, config_of, read_card
from stamp_card.config import StampCardConfig

__all__ = ["StampCard", "StampCardMutations", "StampCardPayload", "StampCardQueries"]


@strawberry.type(description="A member's stamp card (集点卡).")
class StampCard:
    member_id: strawberry.ID
    member_name: str | None
    member_phone: str = strawberry.field(description="Masked unless the caller may see it.")
    card_name: str
    stamps: int = strawberry.field(description="Stamps on the card now.")
    stamps_needed: int = strawberry.field(description="Stamps that fill the card.")
    completed: int = strawberry.field(description="Cards the member has filled so far.")
    reward_points: Long = strawberry.field(description="Points a full card grants.")
    updated_at: datetime | None = strawberry.field(description="The last stamp; null: none yet.")


def _card(member: MemberFacts, config: StampCardConfig, card: Card) -> StampCard:
    return StampCard(
        member_id=strawberry.ID(str(member.id)),
        member_name=member.name,
        member_phone=member.phone,
        card_name=config.card_name,
        stamps=card.stamps,
        stamps_needed=config.stamps_needed,
        completed=card.completed,
        reward_points=config.reward_points,
        updated_at=card.updated_at,
    )


@strawberry.type
class StampCardPayload:
    card: StampCard | None = None
    completed: bool = strawberry.field(default=False, description="This stamp filled the card.")
    replayed: bool = strawberry.field(
        default=False, description="The key was used before: nothing new was written."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class StampCardQueries:
    @strawberry.field(
        description="A member's stamp card, by id or phone; null when there is no such member. "
        "Needs members:read."
    )
    async def stamp_card(
        self, info: Info, member_id: strawberry.ID | None = None, phone: str | None = None
    ) -> StampCard | None:
        ctx = info.context.auth
        if (member_id is None) == (phone is None):
            raise DomainError(
                ErrorCode.INVALID, "Give either a member's id or a phone number.", ["memberId"]
            )
        member = await find_member(
            ctx,
            id=None if member_id is None else parse_id(member_id, ["memberId"]),
            phone=phone,
        )
        if member is None:
            return None
        return _card(member, await config_of(ctx), await read_card(ctx, member.id))


@strawberry.type
class StampCardMutations:
    @strawberry.mutation(
        description="Add a stamp to a member's card, once per idempotency key. The stamp that "
        "fills the card grants its points, emits stamp_card.completed and starts a new card. "
        "Needs points:write."
    )
    @returns_errors(StampCardPayload)
    async def add_stamp(
        self, info: Info, member_id: strawberry.ID, idempotency_key: str
    ) -> StampCardPayload:
        ctx = info.context.auth
        ctx.require(Permission.POINTS_WRITE)
        async with tenant_transaction(ctx) as conn:
            member = await find_member(ctx, id=parse_id(member_id, ["memberId"]))
            if member is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND,
                    "No member {id} in this tenant.",
                    ["memberId"],
                    id=member_id,
                )
            config = await config_of(ctx)
            stamped = await add_stamp(ctx, conn, member.id, idempotency_key, "api", config)
        return StampCardPayload(
            card=_card(member, config, stamped.card),
            completed=stamped.completed,
            replayed=stamped.replayed,
        )
