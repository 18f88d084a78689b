"""Receipt points (小票积分): members or clerks submit a photographed receipt, staff review it,
and an approved receipt becomes an order of the member at its store, so it earns points by the
tenant's rules for that store, tiers and ledger like any order.

Concurrency:

* a receipt number counts once per store: the unique key (tenant, store, number) settles two
  submissions racing each other, the loser gets DUPLICATE;
* a member's submissions are taken one after another (a transaction-scoped advisory lock on the
  member), so the daily limits hold under concurrent submits and a replayed idempotency key finds
  the first submission;
* a receipt is reviewed once: its row is locked (``FOR UPDATE``) before its status is read, so of
  two reviewers at once exactly one records the order and the other is told it was reviewed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from plugins.api.data import (
    DomainError,
    ErrorCode,
    Permission,
    fetch,
    find_member,
    plugin_config,
    record_order,
    tenant_transaction,
)
from plugins.mall.config import NAME, MallConfig
from plugins.mall.stores import require_store

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient

    from tenants.context import RequestContext

__all__ = [
    "Receipt",
    "ReceiptStatus",
    "Submission",
    "config_of",
    "review_receipt",
    "submit_receipt",
]

ReceiptStatus = Literal["PENDING_REVIEW", "APPROVED", "REJECTED"]

FEN_PER_YUAN = 100
MAX_KEY = 200
MAX_RECEIPT_NO = 64
MAX_IMAGE_URL = 2000
MAX_REASON = 500
COLUMNS = (
    "id, member_id, store_code, receipt_no, amount, issued_at, image_url, status, points_earned, "
    "reject_reason, order_id, submitted_by, submitted_at, reviewed_by, reviewed_at"
)


@dataclass(frozen=True)
class Receipt:
    id: uuid.UUID
    member_id: uuid.UUID
    store_code: str
    receipt_no: str
    amount: int  # fen
    issued_at: datetime | None
    image_url: str | None
    status: ReceiptStatus
    points_earned: int
    reject_reason: str | None
    order_id: uuid.UUID | None
    submitted_by: str
    submitted_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None


def receipt_of(row: dict[str, Any]) -> Receipt:
    return Receipt(**row)


@dataclass(frozen=True)
class Submission:
    member_id: uuid.UUID
    store_code: str
    receipt_no: str
    amount: int  # fen
    idempotency_key: str
    issued_at: datetime | None = None
    image_url: str | None = None


async def config_of(ctx: RequestContext) -> MallConfig:
    """The tenant's configuration (PERMISSION_DENIED naming the plugin unless enabled)."""
    config = await plugin_config(ctx, NAME)
    if not isinstance(config, MallConfig):
        config = MallConfig.model_validate(config.model_dump())
    return config


def _checked(ctx: RequestContext, sub: Submission, config: MallConfig) -> Submission:
    """The submission with its text trimmed; INVALID at the field of the first bad value."""
    receipt_no, key = sub.receipt_no.strip(), sub.idempotency_key.strip()
    image_url = sub.image_url.strip() if sub.image_url else None
    if not 1 <= len(key) <= MAX_KEY:
        raise DomainError(
            ErrorCode.INVALID,
            "An idempotency key has 1 to {limit} characters.",
            ["input", "idempotencyKey"],
            limit=MAX_KEY,
        )
    if not 1 <= len(receipt_no) <= MAX_RECEIPT_NO:
        raise DomainError(
            ErrorCode.INVALID,
            "A receipt number has 1 to {limit} characters.",
            ["input", "receiptNo"],
            limit=MAX_RECEIPT_NO,
        )
    if sub.amount <= 0:
        raise DomainError(
            ErrorCode.INVALID, "A receipt's amount is more than 0.", ["input", "amount"]
        )
    if image_url is not None and (
        len(image_url) > MAX_IMAGE_URL or not image_url.startswith(("https://", "http://"))
    ):
        raise DomainError(
            ErrorCode.INVALID,
            "A receipt's photo is an http(s) address of at most {limit} characters.",
            ["input", "imageUrl"],
            limit=MAX_IMAGE_URL,
        )
    now = ctx.clock.now()
    issued_at = sub.issued_at
    if issued_at is not None and issued_at.tzinfo is None:  # a time on the receipt: the mall's
        issued_at = issued_at.replace(tzinfo=ZoneInfo(ctx.tenant.timezone))
    if issued_at is not None:
        if issued_at > now:
            raise DomainError(
                ErrorCode.INVALID, "A receipt cannot be dated in the future.", ["input", "issuedAt"]
            )
        if issued_at < now - timedelta(days=config.max_receipt_age_days):
            raise DomainError(
                ErrorCode.INVALID,
                "A receipt older than {days} days is not taken.",
                ["input", "issuedAt"],
                days=config.max_receipt_age_days,
            )
    return Submission(
        sub.member_id, sub.store_code.strip(), receipt_no, sub.amount, key, issued_at, image_url
    )


def _today(ctx: RequestContext) -> tuple[datetime, datetime]:
    """Today in the tenant's time zone, as an instant range."""
    zone = ZoneInfo(ctx.tenant.timezone)
    local = ctx.clock.now().astimezone(zone).date()
    start = datetime.combine(local, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


async def _replay(conn: BaseDBAsyncClient, sub: Submission) -> tuple[Receipt | None, bool]:
    """The receipt submitted before with this key (None: the key is new)."""
    rows = await fetch(
        conn, f"SELECT {COLUMNS} FROM mall_receipts WHERE idempotency_key = $1", sub.idempotency_key
    )
    if not rows:
        return None, False
    receipt = receipt_of(rows[0])
    if receipt.member_id != sub.member_id:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for another member's receipt.",
            ["input", "idempotencyKey"],
        )
    return receipt, True


def _duplicate(sub: Submission) -> DomainError:
    return DomainError(
        ErrorCode.DUPLICATE,
        "The receipt {receipt_no} of the store {store} was submitted before.",
        ["input", "receiptNo"],
        receipt_no=sub.receipt_no,
        store=sub.store_code,
    )


async def _within_limits(
    ctx: RequestContext, conn: BaseDBAsyncClient, sub: Submission, config: MallConfig
) -> None:
    start, end = _today(ctx)
    rows = await fetch(
        conn,
        "SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM mall_receipts "
        "WHERE member_id = $1 AND submitted_at >= $2 AND submitted_at < $3 "
        "AND status <> 'REJECTED'",
        sub.member_id,
        start,
        end,
    )
    count, total = int(rows[0]["n"]), int(rows[0]["total"])
    if count >= config.daily_receipt_limit:
        raise DomainError(
            ErrorCode.INVALID,
            "A member submits at most {limit} receipts a day.",
            ["input"],
            limit=config.daily_receipt_limit,
        )
    if total + sub.amount > config.daily_amount_limit_yuan * FEN_PER_YUAN:
        raise DomainError(
            ErrorCode.INVALID,
            "A member's receipts come to at most {limit} yuan a day.",
            ["input", "amount"],
            limit=config.daily_amount_limit_yuan,
        )


async def submit_receipt(ctx: RequestContext, submission: Submission) -> tuple[Receipt, bool]:
    """Queue a receipt for review, once per idempotency key; returns it and whether the key was
    used before (nothing new written). Needs orders:write, or a member token for its own member.

    Refused, changing nothing: an amount of 0 or less, a receipt dated in the future or older
    than the tenant takes, a store the mall does not have (or closed), a member over the day's
    limits, and a receipt number the store has seen before (DUPLICATE)."""
    ctx.require_unless_own(Permission.ORDERS_WRITE, submission.member_id)
    config = await config_of(ctx)
    sub = _checked(ctx, submission, config)
    async with tenant_transaction(ctx) as conn:
        member = await find_member(ctx, id=sub.member_id)
        if member is None:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                "No member {id} in this tenant.",
                ["input", "memberId"],
                id=str(sub.member_id),
            )
        sub = Submission(
            member.id,
            sub.store_code,
            sub.receipt_no,
            sub.amount,
            sub.idempotency_key,
            sub.issued_at,
            sub.image_url,
        )
        await fetch(
            conn,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            f"{NAME}:receipts:{ctx.tenant.id}:{sub.member_id}",
        )
        # Looked up under the member's lock: a concurrent use of the key has committed.
        replayed, _ = await _replay(conn, sub)
        if replayed is not None:
            return replayed, True
        await require_store(conn, sub.store_code, ["input", "storeCode"])
        seen = await fetch(
            conn,
            "SELECT 1 FROM mall_receipts WHERE store_code = $1 AND receipt_no = $2",
            sub.store_code,
            sub.receipt_no,
        )
        if seen:
            raise _duplicate(sub)
        await _within_limits(ctx, conn, sub, config)
        rows = await fetch(
            conn,
            "INSERT INTO mall_receipts (tenant_id, id, member_id, store_code, receipt_no, amount, "
            "issued_at, image_url, status, idempotency_key, submitted_by, submitted_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'PENDING_REVIEW', $9, $10, $11) "
            f"ON CONFLICT DO NOTHING RETURNING {COLUMNS}",
            ctx.tenant.id,
            uuid.uuid4(),
            sub.member_id,
            sub.store_code,
            sub.receipt_no,
            sub.amount,
            sub.issued_at,
            sub.image_url,
            sub.idempotency_key,
            ctx.actor.label,
            ctx.clock.now(),
        )
        if not rows:
            # Another member's submission of the same number committed while this one waited.
            raise _duplicate(sub)
    return receipt_of(rows[0]), False


async def review_receipt(
    ctx: RequestContext, receipt_id: uuid.UUID, *, approve: bool, reason: str | None
) -> Receipt:
    """Approve a receipt (it is recorded as an order of its member at its store, earning by the
    tenant's rules) or reject it with a reason. Needs orders:write. A receipt is reviewed once:
    of two reviewers at once, one succeeds and the other gets INVALID."""
    ctx.require(Permission.ORDERS_WRITE)
    reason = reason.strip() if reason else None
    if reason is not None and len(reason) > MAX_REASON:
        raise DomainError(
            ErrorCode.INVALID,
            "A reason has at most {limit} characters.",
            ["reason"],
            limit=MAX_REASON,
        )
    if not approve and not reason:
        raise DomainError(ErrorCode.INVALID, "Say why the receipt is rejected.", ["reason"])
    await config_of(ctx)
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(
            conn, f"SELECT {COLUMNS} FROM mall_receipts WHERE id = $1 FOR UPDATE", receipt_id
        )
        if not rows:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No receipt {id} in this tenant.", ["id"], id=str(receipt_id)
            )
        receipt = receipt_of(rows[0])
        if receipt.status != "PENDING_REVIEW":
            raise DomainError(
                ErrorCode.INVALID,
                "This receipt was reviewed already: it is {status}.",
                ["id"],
                status=receipt.status,
            )
        points, order_id = 0, None
        if approve:
            order = await record_order(
                ctx,
                member_id=receipt.member_id,
                external_id=f"{NAME}:receipt:{receipt.id}",
                amount=receipt.amount,
                store_code=receipt.store_code,
                paid_at=receipt.issued_at or receipt.submitted_at,
            )
            points, order_id = order.points_earned, order.order_id
        rows = await fetch(
            conn,
            "UPDATE mall_receipts SET status = $2, points_earned = $3, order_id = $4, "
            "reject_reason = $5, reviewed_by = $6, reviewed_at = $7 WHERE id = $1 "
            f"RETURNING {COLUMNS}",
            receipt.id,
            "APPROVED" if approve else "REJECTED",
            points,
            order_id,
            None if approve else reason,
            ctx.actor.label,
            ctx.clock.now(),
        )
    return receipt_of(rows[0])
