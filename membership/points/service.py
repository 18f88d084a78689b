"""Points for staff and API keys: adjust and spend, each idempotent; a member's entries and lots.

A write locks the member's row, so the writes of one member happen one at a time and a balance
can never be spent twice; writes of different members do not wait for each other. Each write
carries an idempotency key: a replay returns the first result, the same key with other arguments
is refused with IDEMPOTENCY_KEY_REUSED. The rows themselves are written by the ledger
(``membership.points.ledger``), which keeps the invariant: ``points_balance`` = sum of the
member's entries = sum of the ``remaining`` of its available lots ≥ 0.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.idempotency.models import IdempotencyKey
from membership.members.models import Member
from membership.points import ledger
from membership.points.ledger import MAX_POINTS, Kind, Posting
from membership.points.models import PointsEntry, PointsLot
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "MAX_LOTS",
    "EntryPage",
    "PointsResult",
    "adjust",
    "entries_page",
    "entry_cursor",
    "first_pages",
    "mature_due",
    "member_lots",
    "spend",
    "transfer_for_merge",
]

MAX_PAGE = 100
MAX_LOTS = 500  # a member's open lots; more would mean years of daily earning without spending


@dataclass(frozen=True)
class PointsResult:
    entry: PointsEntry
    member: Member
    replayed: bool


@dataclass(frozen=True)
class EntryPage:
    entries: list[PointsEntry]
    total: int
    has_next: bool


# ---------------------------------------------------------------- writes


async def adjust(
    ctx: RequestContext, *, member_id: uuid.UUID, points: int, reason: str, idempotency_key: str
) -> PointsResult:
    """Grant (points > 0: a new lot) or deduct (points < 0: consumed from lots) by staff or key."""
    _validate(points, reason, idempotency_key, allow_negative=True)
    return await _write(ctx, "adjust", "ADJUST", member_id, points, reason, idempotency_key)


async def spend(
    ctx: RequestContext, *, member_id: uuid.UUID, points: int, reason: str, idempotency_key: str
) -> PointsResult:
    """Spend points (e.g. a redemption); fails with INSUFFICIENT_POINTS and changes nothing."""
    _validate(points, reason, idempotency_key, allow_negative=False)
    return await _write(ctx, "spend", "SPEND", member_id, -points, reason, idempotency_key)


def _validate(points: int, reason: str, key: str, *, allow_negative: bool) -> None:
    errors: list[DomainError] = []
    if points == 0 or (points < 0 and not allow_negative):
        message = "Points must not be zero." if allow_negative else "Points must be positive."
        errors.append(DomainError(ErrorCode.INVALID, message, ["input", "points"]))
    elif abs(points) > MAX_POINTS:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Points must be at most {max}.",
                ["input", "points"],
                max=MAX_POINTS,
            )
        )
    if not reason.strip() or len(reason) > 200:
        errors.append(
            DomainError(
                ErrorCode.INVALID, "Give a reason of 1 to 200 characters.", ["input", "reason"]
            )
        )
    if not key.strip() or len(key) > 200:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "The idempotency key must have 1 to 200 characters.",
                ["input", "idempotencyKey"],
            )
        )
    if errors:
        raise DomainErrors(errors)


def _request_hash(operation: str, member_id: uuid.UUID, points: int, reason: str) -> str:
    raw = json.dumps([operation, str(member_id), points, reason.strip()])
    return hashlib.sha256(raw.encode()).hexdigest()


async def _write(
    ctx: RequestContext,
    operation: str,
    kind: Kind,
    member_id: uuid.UUID,
    delta: int,
    reason: str,
    key: str,
) -> PointsResult:
    ctx.require(Permission.POINTS_WRITE)
    request_hash = _request_hash(operation, member_id, delta, reason)
    try:
        async with tenant_tx(ctx) as conn:
            member = await (
                Member.filter(id=member_id, merged_into_id=None).select_for_update().first()
            )
            if member is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                )
            replay = await _replay(key, request_hash)
            if replay is not None:
                return replay
            # Matured points join, and expired points leave, before anything is taken.
            await ledger.settle(ctx, conn, member, ctx.clock.now())
            entry = await ledger.post(ctx, conn, member, Posting(kind, delta, reason.strip()))
            await IdempotencyKey.create(
                key=key,
                tenant_id=ctx.tenant.id,
                operation=operation,
                request_hash=request_hash,
                result_id=entry.id,
                created_at=entry.created_at,
            )
            if ctx.actor.kind == "staff":
                await audit.record(
                    ctx,
                    f"points.{operation}",
                    "member",
                    member.id,
                    after={"points": delta, "reason": reason.strip(), "entryId": str(entry.id)},
                )
            return PointsResult(entry, member, replayed=False)
    except IntegrityError:
        # The same key was used at the same moment for another member: the first one won.
        async with tenant_tx(ctx):
            replay = await _replay(key, request_hash)
        if replay is None:
            raise
        return replay


async def _replay(key: str, request_hash: str) -> PointsResult | None:
    existing = await IdempotencyKey.get_or_none(key=key)
    if existing is None:
        return None
    if existing.request_hash != request_hash:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different request.",
            ["input", "idempotencyKey"],
        )
    entry = await PointsEntry.get(id=existing.result_id)
    member = await Member.get(id=entry.member_id)
    return PointsResult(entry, member, replayed=True)


# ---------------------------------------------------------------- reads


def entry_cursor(entry: PointsEntry) -> str:
    return encode_cursor(entry.created_at, entry.id)


def _check_page(ctx: RequestContext, member_id: uuid.UUID, first: int) -> None:
    if not (
        ctx.has(Permission.MEMBERS_READ)
        or (ctx.has(Permission.SELF_READ) and ctx.member_id == member_id)
    ):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(
            ErrorCode.INVALID,
            "first must be between 0 and {MAX_PAGE}.",
            ["first"],
            MAX_PAGE=MAX_PAGE,
        )


async def entries_page(
    ctx: RequestContext,
    member_id: uuid.UUID,
    *,
    first: int,
    after: str | None,
    kinds: list[str] | None = None,
) -> EntryPage:
    """One member's entries, newest first, keyset-paginated; only ``kinds`` when given."""
    _check_page(ctx, member_id, first)
    async with tenant_tx(ctx):
        base = PointsEntry.filter(member_id=member_id)
        if kinds:
            base = base.filter(kind__in=kinds)
        total = await base.count()
        page = base
        if after:
            created_at, last_id = decode_cursor(after)
            page = page.filter(
                Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=last_id)
            )
        rows = list(await page.order_by("-created_at", "-id").limit(first + 1))
    return EntryPage(rows[:first], total, has_next=len(rows) > first)


async def member_lots(
    ctx: RequestContext, member_id: uuid.UUID, *, include_closed: bool = False
) -> list[PointsLot]:
    """A member's lots, soonest to expire first: open ones (pending or with points left), or all."""
    _check_page(ctx, member_id, 0)
    async with tenant_tx(ctx):
        query = PointsLot.filter(member_id=member_id)
        if not include_closed:
            query = query.filter(remaining__gt=0)
        rows = await query.limit(MAX_LOTS).order_by("pending", "expires_at", "created_at", "id")
    return list(rows)


async def first_pages(
    ctx: RequestContext, member_ids: list[uuid.UUID], *, first: int
) -> dict[uuid.UUID, EntryPage]:
    """The first page of entries of many members in two queries (a DataLoader's batch)."""
    for member_id in member_ids:
        _check_page(ctx, member_id, first)
    ids = list(set(member_ids))
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT * FROM (SELECT e.*, row_number() OVER (PARTITION BY member_id "
            "ORDER BY created_at DESC, id DESC) AS position FROM points_entries e "
            "WHERE member_id = ANY($1::uuid[])) ranked WHERE position <= $2 "
            "ORDER BY member_id, position",
            [ids, first + 1],
        )
        _, counts = await conn.execute_query(
            "SELECT member_id, count(*) AS total FROM points_entries "
            "WHERE member_id = ANY($1::uuid[]) GROUP BY member_id",
            [ids],
        )
    totals = {c["member_id"]: c["total"] for c in counts}
    grouped: dict[uuid.UUID, list[PointsEntry]] = {i: [] for i in ids}
    for row in rows:
        values = dict(row)
        values.pop("position")
        grouped[values["member_id"]].append(PointsEntry._init_from_db(**values))
    return {
        i: EntryPage(grouped[i][:first], totals.get(i, 0), has_next=len(grouped[i]) > first)
        for i in ids
    }


# ---------------------------------------------------------------- merges and maturing


async def transfer_for_merge(
    ctx: RequestContext, *, source: Member, target: Member, reason: str
) -> int:
    """Move the source's open lots to the target, with an entry on each side; returns points.

    Runs inside the merge's transaction, with both member rows already locked by it.
    """
    async with tenant_tx(ctx):
        return await ledger.transfer(ctx, source=source, target=target, reason=reason)


async def mature_due(ctx: RequestContext, batch: int = 500) -> int:
    """Mature every due pending lot of the context's tenant; returns the points matured."""
    now = ctx.clock.now()
    matured = 0
    while True:
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(
                "SELECT DISTINCT member_id FROM points_lots "
                "WHERE pending AND remaining > 0 AND available_at <= $1 LIMIT $2",
                [now, batch],
            )
            for row in rows:
                member = await Member.filter(id=row["member_id"]).select_for_update().first()
                if member is not None:
                    matured += await ledger.mature(ctx, conn, member, now)
        if len(rows) < batch:
            return matured
