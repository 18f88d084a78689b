"""The mall in the API: its stores (``mallStores``, ``saveMallStore``) and receipt points
(``submitReceipt``, ``reviewReceipt`` and the review queue ``receipts``).

The platform answers PERMISSION_DENIED, naming ``mall``, for a tenant that has not enabled the
plugin, before these resolvers run; what they raise as ``DomainError`` becomes the payload's
``errors`` (``returns_errors``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from plugins.api.data import DomainError, ErrorCode
from plugins.api.graphql import (
    Info,
    Long,
    Member,
    PageInfo,
    UserError,
    load_member,
    page_info,
    parse_id,
    returns_errors,
)
from plugins.mall import parking, queue, receipts, settlement, stores

__all__ = [
    "MallMutations",
    "MallParkingBenefit",
    "MallQueries",
    "MallStore",
    "MallStorePayload",
    "Receipt",
    "ReceiptConnection",
    "ReceiptEdge",
    "ReceiptPayload",
    "ReceiptStatus",
    "SaveMallStoreInput",
    "StoreSettlement",
    "SubmitReceiptInput",
]


@strawberry.type(description="A store of the mall, known by its code on receipts and orders.")
class MallStore:
    code: str
    name: str
    active: bool = strawberry.field(description="Takes receipts; a closed store takes none.")
    created_at: datetime
    updated_at: datetime


def _store(store: stores.Store) -> MallStore:
    return MallStore(
        code=store.code,
        name=store.name,
        active=store.active,
        created_at=store.created_at,
        updated_at=store.updated_at,
    )


@strawberry.input
class SaveMallStoreInput:
    code: str = strawberry.field(description="Letters, digits, '_', '.', '-'; at most 32.")
    name: str
    active: bool = True


@strawberry.type
class MallStorePayload:
    store: MallStore | None = None
    created: bool = strawberry.field(default=False, description="The store was made now.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.enum(description="Where a receipt is in review.")
class ReceiptStatus(Enum):
    PENDING_REVIEW = "PENDING_REVIEW"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@strawberry.type(description="A receipt a member or clerk submitted for points (小票积分).")
class Receipt:
    id: strawberry.ID
    store_code: str
    receipt_no: str
    amount: Long = strawberry.field(description="In fen.")
    status: ReceiptStatus
    points_earned: Long = strawberry.field(description="Points its order earned; 0 until approved.")
    reject_reason: str | None
    image_url: str | None = strawberry.field(description="The photo of the receipt.")
    issued_at: datetime | None = strawberry.field(description="When the store issued it.")
    submitted_at: datetime
    reviewed_at: datetime | None
    order_id: strawberry.ID | None = strawberry.field(
        description="The order an approved receipt was recorded as."
    )
    member_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Whose receipt it is.")
    async def member(self, info: Info) -> Member:
        member = await load_member(info, self.member_id)
        if member is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No member {id} in this tenant.", id=str(self.member_id)
            )
        return member


def _receipt(receipt: receipts.Receipt) -> Receipt:
    return Receipt(
        id=strawberry.ID(str(receipt.id)),
        store_code=receipt.store_code,
        receipt_no=receipt.receipt_no,
        amount=receipt.amount,
        status=ReceiptStatus(receipt.status),
        points_earned=receipt.points_earned,
        reject_reason=receipt.reject_reason,
        image_url=receipt.image_url,
        issued_at=receipt.issued_at,
        submitted_at=receipt.submitted_at,
        reviewed_at=receipt.reviewed_at,
        order_id=None if receipt.order_id is None else strawberry.ID(str(receipt.order_id)),
        member_id=receipt.member_id,
    )


@strawberry.input
class SubmitReceiptInput:
    member_id: strawberry.ID
    store_code: str
    receipt_no: str
    amount: Long = strawberry.field(description="In fen; more than 0.")
    image_url: str | None = None
    idempotency_key: str
    issued_at: datetime | None = strawberry.field(
        default=None, description="When the store issued it; not in the future."
    )


@strawberry.type
class ReceiptPayload:
    receipt: Receipt | None = None
    replayed: bool = strawberry.field(
        default=False, description="The key was used before: nothing new was written."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReceiptEdge:
    node: Receipt
    cursor: str


@strawberry.type
class ReceiptConnection:
    edges: list[ReceiptEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(
    description="What a store of the mall issued and took in points over a period, and who owes "
    "whom for them (积分结算). Money in fen at the programme's point value."
)
class StoreSettlement:
    store_code: str
    store_name: str
    points_issued: Long = strawberry.field(
        description="Points the store's orders earned, net of what their refunds took back."
    )
    points_redeemed: Long = strawberry.field(
        description="Points members paid the store's orders with, net of what refunds gave back."
    )
    points_issued_value: Long = strawberry.field(
        description="What the issued points are worth, in fen: the store owes it to the mall."
    )
    points_redeemed_value: Long = strawberry.field(
        description="What the redeemed points are worth, in fen: the mall owes it to the store."
    )
    net: Long = strawberry.field(
        description="pointsRedeemedValue - pointsIssuedValue, in fen: positive, the mall pays "
        "the store; negative, the store pays the mall."
    )


def _settlement(row: settlement.SettlementRow) -> StoreSettlement:
    return StoreSettlement(
        store_code=row.store_code,
        store_name=row.store_name,
        points_issued=row.points_issued,
        points_redeemed=row.points_redeemed,
        points_issued_value=row.points_issued_value,
        points_redeemed_value=row.points_redeemed_value,
        net=row.net,
    )


@strawberry.type(description="A member's free parking today, a benefit of the member's tier.")
class MallParkingBenefit:
    member_id: strawberry.ID
    tier_name: str | None = strawberry.field(description="The member's tier; null: none.")
    hours: int = strawberry.field(description="Free parking hours today.")
    date: date = strawberry.field(description="Today in the mall's time zone.")


@strawberry.type
class MallQueries:
    @strawberry.field(description="The mall's stores by code. Any caller of the tenant.")
    async def mall_stores(self, info: Info, active_only: bool = False) -> list[MallStore]:
        found = await stores.list_stores(info.context.auth, active_only=active_only)
        return [_store(s) for s in found]

    @strawberry.field(
        description="Submitted receipts, oldest first (the review queue with status "
        "PENDING_REVIEW). Needs members:read."
    )
    async def receipts(
        self,
        info: Info,
        status: ReceiptStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ReceiptConnection:
        page = await queue.list_receipts(
            info.context.auth,
            status=None if status is None else status.value,  # type: ignore[arg-type]
            first=first,
            after=after,
        )
        edges = [ReceiptEdge(node=_receipt(r), cursor=queue.cursor_of(r)) for r in page.receipts]
        return ReceiptConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=page.has_previous
            ),
            total_count=page.total,
        )

    @strawberry.field(
        description="Points issued and redeemed per store of the mall, by store code (stores "
        "without points show zeros), from the day `from` to the day `until` inclusive in the "
        "tenant's time zone, at most 366 days; and what the mall and each store owe each other. "
        "Needs programme:manage and members:read. Also as a spreadsheet: GET "
        "/plugin-api/mall/settlement.xlsx?from=YYYY-MM-DD&until=YYYY-MM-DD."
    )
    async def store_settlement(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        until: date,
    ) -> list[StoreSettlement]:
        rows = await settlement.store_settlement(info.context.auth, from_, until)
        return [_settlement(r) for r in rows]

    @strawberry.field(
        description="A member's free parking hours today by the member's tier, or null when "
        "there is no such member. Needs members:read, or a member token for its own member."
    )
    async def mall_parking_benefit(
        self, info: Info, member_id: strawberry.ID
    ) -> MallParkingBenefit | None:
        benefit = await parking.parking_benefit(
            info.context.auth, parse_id(member_id, ["memberId"])
        )
        if benefit is None:
            return None
        return MallParkingBenefit(
            member_id=strawberry.ID(str(benefit.member_id)),
            tier_name=benefit.tier_name,
            hours=benefit.hours,
            date=benefit.date,
        )


@strawberry.type
class MallMutations:
    @strawberry.mutation(
        description="Make a store of the mall or change its name and whether it takes "
        "receipts. Needs programme:manage."
    )
    @returns_errors(MallStorePayload)
    async def save_mall_store(self, info: Info, input: SaveMallStoreInput) -> MallStorePayload:
        store, created = await stores.save_store(
            info.context.auth, input.code, input.name, active=input.active
        )
        return MallStorePayload(store=_store(store), created=created)

    @strawberry.mutation(
        description="Submit a receipt for points, once per idempotency key; it waits for "
        "review. A receipt number the store has seen before is DUPLICATE. Needs orders:write, "
        "or a member token for its own member."
    )
    @returns_errors(ReceiptPayload)
    async def submit_receipt(self, info: Info, input: SubmitReceiptInput) -> ReceiptPayload:
        receipt, replayed = await receipts.submit_receipt(
            info.context.auth,
            receipts.Submission(
                member_id=parse_id(input.member_id, ["input", "memberId"]),
                store_code=input.store_code,
                receipt_no=input.receipt_no,
                amount=input.amount,
                idempotency_key=input.idempotency_key,
                issued_at=input.issued_at,
                image_url=input.image_url,
            ),
        )
        return ReceiptPayload(receipt=_receipt(receipt), replayed=replayed)

    @strawberry.mutation(
        description="Approve a receipt (recorded as an order at its store, earning by the "
        "tenant's rules) or reject it with a reason. A receipt is reviewed once. Needs "
        "orders:write."
    )
    @returns_errors(ReceiptPayload)
    async def review_receipt(
        self, info: Info, id: strawberry.ID, approve: bool, reason: str | None = None
    ) -> ReceiptPayload:
        receipt = await receipts.review_receipt(
            info.context.auth, parse_id(id, ["id"]), approve=approve, reason=reason
        )
        return ReceiptPayload(receipt=_receipt(receipt))
