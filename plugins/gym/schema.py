"""The gym in the API: card products, cards, freezes and check-ins, and ``Member.cards``.

The platform answers PERMISSION_DENIED, naming ``gym``, for a tenant that has not enabled the
preset, before these resolvers run. Permissions are those a front desk clerk holds for the desk's
work: ``checkIn`` needs points:write (it grants points) and members:read (it reads the member),
``sellCard`` orders:write (it records an order), ``freezeCard`` members:write, and reading cards
and products members:read; creating a product is the programme's business (programme:manage).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from plugins.api.data import Permission
from plugins.api.graphql import (
    Info,
    Long,
    UserError,
    batched,
    member_id_of,
    parse_id,
    returns_errors,
)
from plugins.gym.cards import Card, cards_of, freeze_card, sell_card
from plugins.gym.checkins import check_in
from plugins.gym.products import Product, ProductDraft, create_product, list_products
from plugins.gym.stats import check_ins_per_day, renewal_rate

__all__ = ["GymMemberFields", "GymMutations", "GymQueries"]


@strawberry.enum(description="月卡/年卡 (days) · 次卡 (visits).")
class CardKind(Enum):
    TIME = "TIME"
    VISITS = "VISITS"


@strawberry.enum
class CardStatus(Enum):
    ACTIVE = "ACTIVE"
    FROZEN = "FROZEN"
    EXPIRED = "EXPIRED"
    USED_UP = "USED_UP"


@strawberry.type(description="What a gym sells: a card by days or by visits.")
class CardProduct:
    id: strawberry.ID
    name: str
    kind: CardKind
    days: int | None = strawberry.field(
        description="TIME: days from the start; VISITS: how long the visits last (null: no limit)."
    )
    visits: int | None = strawberry.field(description="VISITS: visits a card gives.")
    price: Long = strawberry.field(description="In fen; the sale is recorded as an order of it.")


def _product(product: Product) -> CardProduct:
    return CardProduct(
        id=strawberry.ID(str(product.id)),
        name=product.name,
        kind=CardKind(product.kind),
        days=product.days,
        visits=product.visits,
        price=product.price,
    )


@strawberry.type(description="A member's card.")
class MemberCard:
    id: strawberry.ID
    product: CardProduct
    status: CardStatus
    starts_at: datetime
    ends_at: datetime | None = strawberry.field(
        description="When it ends; a freeze moves it by its length. Null: never (a VISITS card "
        "without a validity)."
    )
    visits_left: int | None = strawberry.field(description="VISITS cards.")


def _card(card: Card) -> MemberCard:
    return MemberCard(
        id=strawberry.ID(str(card.id)),
        product=_product(card.product),
        status=CardStatus(card.status),
        starts_at=card.starts_at,
        ends_at=card.ends_at,
        visits_left=card.visits_left,
    )


@strawberry.input
class CreateCardProductInput:
    name: str
    kind: CardKind
    days: int | None = None
    visits: int | None = None
    price: Long


@strawberry.input
class SellCardInput:
    member_id: strawberry.ID
    product_id: strawberry.ID
    starts_at: datetime | None = strawberry.field(default=None, description="Default: now.")
    idempotency_key: str


@strawberry.input
class FreezeCardInput:
    card_id: strawberry.ID
    from_: date = strawberry.field(name="from", description="The first frozen day (tenant's).")
    until: date = strawberry.field(description="The last frozen day, included.")
    idempotency_key: str


@strawberry.input
class CheckInInput:
    member_id: strawberry.ID
    store_code: str | None = None
    idempotency_key: str


@strawberry.type
class CardProductPayload:
    product: CardProduct | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MemberCardPayload:
    card: MemberCard | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CheckInPayload:
    card: MemberCard | None = None
    points_earned: Long = 0
    replayed: bool = strawberry.field(
        default=False, description="The key was used before: nothing new was written."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="Check-ins on one day (the tenant's time zone).")
class GymDayCount:
    day: date
    count: int


@strawberry.type(
    description="Of the members whose card ended in a range, those who bought another card "
    "within 30 days of the end (before or after it)."
)
class GymRenewalRate:
    ended: int
    renewed: int
    rate: float | None = strawberry.field(description="renewed / ended; null when none ended.")


@strawberry.type
class GymQueries:
    @strawberry.field(description="The tenant's card products, by name. Needs members:read.")
    async def card_products(self, info: Info) -> list[CardProduct]:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)
        return [_product(p) for p in await list_products(ctx)]

    @strawberry.field(
        description="Check-ins on each day from `from` to `until` (both included, the tenant's "
        "days, at most 366), days without one included. Needs members:read."
    )
    async def gym_check_ins_per_day(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        until: date,
    ) -> list[GymDayCount]:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)
        days = await check_ins_per_day(ctx, from_, until)
        return [GymDayCount(day=d.day, count=d.count) for d in days]

    @strawberry.field(
        description="The renewal rate of the members whose card ended from `from` to `until` "
        "(both included, the tenant's days, at most 366). Needs members:read."
    )
    async def gym_renewal_rate(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        until: date,
    ) -> GymRenewalRate:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)
        found = await renewal_rate(ctx, from_, until)
        return GymRenewalRate(ended=found.ended, renewed=found.renewed, rate=found.rate)


@strawberry.type
class GymMutations:
    @strawberry.mutation(description="A new card product. Needs programme:manage.")
    @returns_errors(CardProductPayload)
    async def create_card_product(
        self, info: Info, input: CreateCardProductInput
    ) -> CardProductPayload:
        ctx = info.context.auth
        ctx.require(Permission.PROGRAMME_MANAGE)
        draft = ProductDraft(input.name, input.kind.value, input.days, input.visits, input.price)
        return CardProductPayload(product=_product(await create_product(ctx, draft)))

    @strawberry.mutation(
        description="Sell a card to a member, once per idempotency key; the sale is recorded as "
        "an order of the product's price, which earns points. Needs orders:write."
    )
    @returns_errors(MemberCardPayload)
    async def sell_card(self, info: Info, input: SellCardInput) -> MemberCardPayload:
        ctx = info.context.auth
        ctx.require(Permission.ORDERS_WRITE)
        card = await sell_card(
            ctx,
            parse_id(input.member_id, ["input", "memberId"]),
            parse_id(input.product_id, ["input", "productId"]),
            input.starts_at,
            input.idempotency_key,
        )
        return MemberCardPayload(card=_card(card))

    @strawberry.mutation(
        description="Freeze a card for days in the tenant's time zone (both included), once per "
        "idempotency key; endsAt moves by the freeze's length. Needs members:write."
    )
    @returns_errors(MemberCardPayload)
    async def freeze_card(self, info: Info, input: FreezeCardInput) -> MemberCardPayload:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_WRITE)
        card = await freeze_card(
            ctx,
            parse_id(input.card_id, ["input", "cardId"]),
            input.from_,
            input.until,
            input.idempotency_key,
        )
        return MemberCardPayload(card=_card(card))

    @strawberry.mutation(
        description="Check a member in on their usable card ending soonest, once per idempotency "
        "key; it earns the tenant's check-in points and streak bonus. No usable card: an error, "
        "nothing used. A staff member assigned to stores checks in at those stores only. Needs "
        "points:write and members:read."
    )
    @returns_errors(CheckInPayload)
    async def check_in(self, info: Info, input: CheckInInput) -> CheckInPayload:
        ctx = info.context.auth
        ctx.require(Permission.POINTS_WRITE)
        done = await check_in(
            ctx,
            parse_id(input.member_id, ["input", "memberId"]),
            input.store_code,
            input.idempotency_key,
        )
        return CheckInPayload(
            card=_card(done.card), points_earned=done.points_earned, replayed=done.replayed
        )


@strawberry.type
class GymMemberFields:
    @strawberry.field(
        description="The member's gym cards, ending soonest first. Needs members:read."
    )
    async def cards(self, info: Info) -> list[MemberCard]:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)

        async def load(member_ids: list[object]) -> list[list[Card]]:
            found = await cards_of(ctx, member_ids)  # type: ignore[arg-type]
            return [found.get(m, []) for m in member_ids]  # type: ignore[call-overload]

        cards = await batched(info, "gym:cards", load).load(member_id_of(self))
        return [_card(c) for c in cards]
