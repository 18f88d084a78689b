"""Points ledger types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from membership.points.models import PointsEntry
from membership.points.models import PointsLot as PointsLotModel
from schema.errors import UserError
from schema.scalars import Long
from schema.types.common import PageInfo

if TYPE_CHECKING:
    from schema.types.members import Member

__all__ = [
    "AdjustPointsInput",
    "PointsLot",
    "PointsPayload",
    "PointsTransaction",
    "PointsTransactionConnection",
    "PointsTransactionKind",
    "SpendPointsInput",
]


@strawberry.enum
class PointsTransactionKind(Enum):
    EARN = "EARN"
    SPEND = "SPEND"
    EXPIRE = "EXPIRE"
    REVERSE = "REVERSE"
    ADJUST = "ADJUST"


@strawberry.type
class PointsTransaction:
    id: strawberry.ID
    kind: PointsTransactionKind
    points: Long = strawberry.field(description="Signed: + earn/adjust up, - spend/expire/reverse.")
    balance_after: Long
    reason: str | None
    order_id: strawberry.ID | None
    expires_at: datetime | None
    available_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, row: PointsEntry) -> PointsTransaction:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=PointsTransactionKind(row.kind),
            points=Long(row.points),
            balance_after=Long(row.balance_after),
            reason=row.reason,
            order_id=strawberry.ID(str(row.order_id)) if row.order_id else None,
            expires_at=row.expires_at,
            available_at=row.available_at,
            created_at=row.created_at,
        )


@strawberry.type(description="Points earned together, and what is left of them.")
class PointsLot:
    id: strawberry.ID
    amount: Long
    remaining: Long
    pending: bool = strawberry.field(description="Inside the return window: not spendable yet.")
    order_id: strawberry.ID | None
    available_at: datetime
    expires_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, row: PointsLotModel) -> PointsLot:
        return cls(
            id=strawberry.ID(str(row.id)),
            amount=Long(row.amount),
            remaining=Long(row.remaining),
            pending=row.pending,
            order_id=strawberry.ID(str(row.order_id)) if row.order_id else None,
            available_at=row.available_at,
            expires_at=row.expires_at,
            created_at=row.created_at,
        )


@strawberry.type
class PointsTransactionEdge:
    node: PointsTransaction
    cursor: str


@strawberry.type
class PointsTransactionConnection:
    edges: list[PointsTransactionEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input(description="A manual grant (+) or deduction (-) by staff or a server key.")
class AdjustPointsInput:
    member_id: strawberry.ID
    points: Long
    reason: str
    idempotency_key: str


@strawberry.input
class SpendPointsInput:
    member_id: strawberry.ID
    points: Long
    reason: str
    idempotency_key: str


@strawberry.enum(description="When earned points expire, counted in the tenant's time zone.")
class PointsExpiryPolicy(Enum):
    NEVER = "NEVER"
    DAYS_AFTER_EARNING = "DAYS_AFTER_EARNING"  # N days after earning
    END_OF_MONTH = "END_OF_MONTH"  # end of the Nth month after the month of earning
    END_OF_YEAR = "END_OF_YEAR"  # end of the Nth year after the year of earning


@strawberry.type
class PointsSettings:
    expiry_policy: PointsExpiryPolicy
    expiry_period: int
    earn_points_per_yuan: float = strawberry.field(description="Base rate: points per yuan paid.")
    point_value_fen: float = strawberry.field(description="Money value of one point, in fen.")
    return_window_days: int = strawberry.field(
        description="Points from an order stay pending this many days after it is paid."
    )
    points_payment_cap_percent: int = strawberry.field(
        description="The most of an order, after coupons, that points may pay: 0 to 100 percent."
    )


@strawberry.input
class UpdateEarningSettingsInput:
    earn_points_per_yuan: float | None = None
    point_value_fen: float | None = None
    return_window_days: int | None = None
    points_payment_cap_percent: int | None = None


@strawberry.input
class UpdatePointsSettingsInput:
    expiry_policy: PointsExpiryPolicy
    expiry_period: int = 0


@strawberry.type
class PointsSettingsPayload:
    settings: PointsSettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class StoreLiability:
    store_code: str | None = strawberry.field(description="null: points granted by hand.")
    points: Long
    pending_points: Long
    amount: Long = strawberry.field(description="What the points are worth, in minor units.")


@strawberry.type
class PointsLiability:
    points: Long = strawberry.field(description="Outstanding available points.")
    pending_points: Long
    amount: Long = strawberry.field(description="Outstanding points × value per point, fen.")
    point_value_fen: float
    stores: list[StoreLiability]


@strawberry.type
class PointsPayload:
    transaction: PointsTransaction | None = None
    member: Annotated[Member, strawberry.lazy("schema.types.members")] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
