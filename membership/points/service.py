"""The points ledger: every change an append-only entry, earned points kept in lots.

A write locks the member's row, so the writes of one member happen one at a time and a balance
can never be spent twice; writes of different members do not wait for each other. Spends and
deductions consume open lots earliest expiry first (lots that never expire last). Each write
carries an idempotency key: a replay returns the first result, the same key with other arguments
is refused with IDEMPOTENCY_KEY_REUSED.

Invariant, for every member: ``points_balance`` = sum of its entries' points = sum of the
``remaining`` of its available lots ≥ 0.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import emit
from membership.points.events import points_changed
from membership.points.expiry import ExpiryPolicy, expire_member, expires_at, get_policy
from membership.points.models import IdempotencyKey, PointsEntry, PointsLot
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "KINDS",
    "MAX_LOTS",
    "MAX_POINTS",
    "EntryPage",
    "PointsResult",
    "add_pending",
    "adjust",
    "cancel_pending",
    "entries_page",
    "entry_cursor",
    "first_pages",
    "mature_due",
    "mature_member",
    "member_lots",
    "post_entry",
    "repay_debt",
    "settle_member",
    "spend",
    "transfer_for_merge",
]

KINDS = ("EARN", "SPEND", "EXPIRE", "REVERSE", "ADJUST")
MAX_POINTS = 2**53 - 1  # the contract's Long is safe to 2^53 in JSON clients
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
    kind: str,
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
            await settle_member(ctx, conn, member, ctx.clock.now())
            entry = await post_entry(ctx, conn, member, kind, delta, reason.strip())
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


async def post_entry(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    kind: str,
    delta: int,
    reason: str,
    *,
    order_id: uuid.UUID | None = None,
    corrects_id: uuid.UUID | None = None,
    policy: ExpiryPolicy | None = None,
    save_member: bool = True,
) -> PointsEntry:
    """Write one entry for a member whose row the caller has locked in this transaction.

    A positive ``delta`` opens a lot (expiring under the tenant's policy, read unless given); a
    negative one consumes open lots earliest expiry first, or fails with INSUFFICIENT_POINTS.
    With ``save_member`` False the caller saves the member's new balance itself, later in the
    same transaction.
    """
    now = ctx.clock.now()
    if delta < 0 and member.points_balance < -delta:
        raise DomainError(
            ErrorCode.INSUFFICIENT_POINTS,
            "Only {balance} points are available.",
            ["input", "points"],
            balance=member.points_balance,
        )
    expiry = None
    if delta > 0:
        expiry = expires_at(policy or await get_policy(ctx), now, ctx.tenant.timezone)
    member.points_balance += delta
    member.updated_at = now
    if save_member:
        await member.save(update_fields=["points_balance", "updated_at"])
    entry = await PointsEntry.create(
        id=new_id(),
        tenant_id=ctx.tenant.id,
        member_id=member.id,
        kind=kind,
        points=delta,
        balance_after=member.points_balance,
        reason=reason,
        available_at=now if delta > 0 else None,
        expires_at=expiry,
        order_id=order_id,
        corrects_id=corrects_id,
        actor_type=ctx.actor.kind,
        actor_id=str(ctx.actor.id) if ctx.actor.id else None,
        created_at=now,
    )
    if delta > 0:
        await PointsLot.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            member_id=member.id,
            entry_id=entry.id,
            order_id=order_id,
            amount=delta,
            remaining=delta,
            available_at=now,
            expires_at=expiry,
            created_at=now,
        )
    else:
        await _consume(ctx, conn, member.id, entry.id, -delta, now)
    await emit(ctx, points_changed(entry))
    return entry


async def _consume(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member_id: uuid.UUID,
    entry_id: uuid.UUID,
    points: int,
    now: datetime,
) -> None:
    """Take ``points`` from the member's open lots, earliest expiry first, and record from which."""
    lots = await (
        PointsLot.filter(member_id=member_id, remaining__gt=0, pending=False)
        .filter(Q(expires_at=None) | Q(expires_at__gt=now))
        .order_by("expires_at", "created_at", "id")
        .select_for_update()
    )
    allocations: list[list[object]] = []
    left = points
    for lot in lots:
        if left == 0:
            break
        take = min(lot.remaining, left)
        lot.remaining -= take
        left -= take
        await lot.save(update_fields=["remaining"])
        allocations.append([ctx.tenant.id, entry_id, lot.id, take])
    if left:
        # The cached balance said yes but the lots say no: the ledger is inconsistent. Refuse.
        raise RuntimeError(f"points ledger of member {member_id} is short by {left}")
    await conn.execute_many(
        "INSERT INTO points_allocations (tenant_id, entry_id, lot_id, points) "
        "VALUES ($1, $2, $3, $4)",
        allocations,
    )


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


async def transfer_for_merge(
    ctx: RequestContext, *, source: Member, target: Member, reason: str
) -> int:
    """Move the source's open lots to the target, with an entry on each side; returns points.

    Runs inside the merge's transaction, with both member rows already locked by it.
    """
    amount = source.points_balance
    now = ctx.clock.now()
    actor_id = str(ctx.actor.id) if ctx.actor.id else None
    async with tenant_tx(ctx):
        # Pending points move too; they have no entries yet, only the cached total follows.
        await PointsLot.filter(member_id=source.id, remaining__gt=0).update(member_id=target.id)
        target.pending_points += source.pending_points
        source.pending_points = 0
        target.points_debt += source.points_debt
        source.points_debt = 0
        if amount == 0:
            return 0
        for member, delta in ((source, -amount), (target, amount)):
            member.points_balance += delta
            entry = await PointsEntry.create(
                id=new_id(),
                tenant_id=ctx.tenant.id,
                member_id=member.id,
                kind="ADJUST",
                points=delta,
                balance_after=member.points_balance,
                reason=reason,
                actor_type=ctx.actor.kind,
                actor_id=actor_id,
                created_at=now,
            )
            await emit(ctx, points_changed(entry))
    return int(amount)


# ---------------------------------------------------------------- pending points


async def add_pending(
    ctx: RequestContext,
    member: Member,
    points: int,
    *,
    order_id: uuid.UUID,
    available_at: datetime,
) -> PointsLot:
    """Points earned inside the return window: a pending lot, no entry until it matures."""
    member.pending_points += points
    return await PointsLot.create(
        id=new_id(),
        tenant_id=ctx.tenant.id,
        member_id=member.id,
        entry_id=None,
        order_id=order_id,
        pending=True,
        amount=points,
        remaining=points,
        available_at=available_at,
        created_at=ctx.clock.now(),
    )


async def cancel_pending(member: Member, order_id: uuid.UUID, points: int) -> int:
    """Take up to ``points`` back from an order's pending lots; returns how many were taken."""
    lots = await PointsLot.filter(
        order_id=order_id, pending=True, remaining__gt=0
    ).select_for_update()
    taken = 0
    for lot in lots:
        take = min(lot.remaining, points - taken)
        if take <= 0:
            break
        taken += take
        # Pending points were never in the ledger: the lot shrinks (or goes) instead of being
        # consumed, so no allocation is needed to explain the difference.
        if take == lot.amount:
            await lot.delete()
        else:
            lot.amount -= take
            lot.remaining -= take
            await lot.save(update_fields=["amount", "remaining"])
    member.pending_points -= taken
    return taken


async def mature_member(
    ctx: RequestContext, conn: BaseDBAsyncClient, member: Member, now: datetime
) -> int:
    """Turn the member's pending lots whose return window has closed into EARN entries."""
    lots = await (
        PointsLot.filter(member_id=member.id, pending=True, remaining__gt=0, available_at__lte=now)
        .order_by("available_at", "id")
        .select_for_update()
    )
    if not lots:
        return 0
    policy = await get_policy(ctx)
    matured = 0
    for lot in lots:
        expiry = expires_at(policy, lot.available_at, ctx.tenant.timezone)
        member.pending_points -= lot.remaining
        member.points_balance += lot.remaining
        entry = await PointsEntry.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            member_id=member.id,
            kind="EARN",
            points=lot.remaining,
            balance_after=member.points_balance,
            reason="points matured after the return window",
            order_id=lot.order_id,
            available_at=lot.available_at,
            expires_at=expiry,
            actor_type=ctx.actor.kind,
            actor_id=None,
            created_at=now,
        )
        await emit(ctx, points_changed(entry))
        lot.pending, lot.entry_id, lot.expires_at = False, entry.id, expiry
        await lot.save(update_fields=["pending", "entry_id", "expires_at"])
        matured += lot.remaining
        # A lot can mature already expired (expiry at the end of the month it was earned, a late
        # job): its points expire next and cannot repay a debt.
        if expiry is None or expiry > now:
            await repay_debt(ctx, conn, member, entry)
    member.updated_at = now
    await member.save(
        update_fields=["points_balance", "pending_points", "points_debt", "updated_at"]
    )
    return matured


async def repay_debt(
    ctx: RequestContext, conn: BaseDBAsyncClient, member: Member, earn: PointsEntry
) -> None:
    """Points a refund could not claw back are repaid first from the next earnings."""
    repay = min(member.points_debt, earn.points)
    if repay <= 0:
        return
    await post_entry(
        ctx,
        conn,
        member,
        "REVERSE",
        -repay,
        "repays points debt",
        corrects_id=earn.id,
        order_id=earn.order_id,
    )
    member.points_debt -= repay


async def settle_member(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    now: datetime,
    due: tuple[bool, bool] | None = None,
) -> None:
    """Bring a locked member's balance up to date: matured points in, expired points out.

    ``due``: whether anything is due to mature and to expire, if the caller probed already.
    """
    if due is None:
        # One probe for the common case: nothing to mature and nothing expired.
        _, rows = await conn.execute_query(
            "SELECT coalesce(bool_or(pending AND available_at <= $2), false) AS mature, "
            "coalesce(bool_or(expires_at <= $2), false) AS expire FROM points_lots "
            "WHERE member_id = $1 AND remaining > 0 AND (pending OR expires_at IS NOT NULL)",
            [member.id, now],
        )
        due = (bool(rows[0]["mature"]), bool(rows[0]["expire"]))
    mature, expire = due
    if mature:
        await mature_member(ctx, conn, member, now)
    if expire or mature:
        await expire_member(ctx, conn, member, now)


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
                    matured += await mature_member(ctx, conn, member, now)
        if len(rows) < batch:
            return matured
