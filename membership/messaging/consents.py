"""The consent ledger: what each member agreed to hear, on which channel, for which purpose.

Every grant and withdrawal is a row of ``consent_records``, never changed, with its source and
time and who recorded it; ``member_consents`` keeps the latest per channel and purpose for the
send gate, written in the same transaction. A later record wins by the time it was given, so an
import of old grants cannot overturn a withdrawal made since. Recording is idempotent by key and
audited; a member token may record its own member's consent (a mini-program's opt-in switch).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError

from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.idempotency import service as idempotency
from membership.ids import new_id
from membership.members.models import Member
from membership.messaging import settings as messaging_settings
from membership.messaging.events import ConsentChanged
from membership.messaging.models import ConsentRecord
from membership.outbox import emit
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "ConsentPage",
    "ConsentState",
    "ConsentToRecord",
    "consent_history",
    "consents_by_member",
    "record_consent",
]

MAX_SOURCE = 64


@dataclass(frozen=True)
class ConsentToRecord:
    member_id: uuid.UUID
    channel: str
    purpose: str
    granted: bool
    source: str | None
    idempotency_key: str
    recorded_at: datetime | None = None  # when it was given, if earlier (an import); default now


@dataclass(frozen=True)
class ConsentState:
    channel: str
    purpose: str
    granted: bool
    source: str | None
    recorded_at: datetime


async def record_consent(ctx: RequestContext, consent: ConsentToRecord) -> ConsentRecord:
    """Record a grant or a withdrawal; the same key again returns the first record."""
    ctx.require_unless_own(Permission.MEMBERS_WRITE, consent.member_id)
    idempotency.check_key(consent.idempotency_key)
    settings = await messaging_settings.load(ctx)
    now = ctx.clock.now()
    errors: list[DomainError] = []
    try:
        messaging_settings.check_channel(consent.channel, ["input", "channel"])
    except DomainError as exc:
        errors.append(exc)
    try:
        messaging_settings.check_purpose(settings, consent.purpose, ["input", "purpose"])
    except DomainError as exc:
        errors.append(exc)
    source = (consent.source or "").strip() or None
    if source is not None and len(source) > MAX_SOURCE:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "A source has at most {limit} characters.",
                ["input", "source"],
                limit=MAX_SOURCE,
            )
        )
    if consent.recorded_at is not None and consent.recorded_at > now:
        errors.append(
            DomainError(
                ErrorCode.INVALID, "Consent cannot be given in the future.", ["input", "recordedAt"]
            )
        )
    if errors:
        raise DomainErrors(errors)
    recorded_at = consent.recorded_at or now
    hashed = idempotency.request_hash(
        "record_consent",
        consent.member_id,
        consent.channel,
        consent.purpose,
        consent.granted,
        source or "",
        consent.recorded_at.isoformat() if consent.recorded_at else "",
    )
    try:
        async with tenant_tx(ctx) as conn:
            replayed = await _replay(consent.idempotency_key, hashed)
            if replayed is not None:
                return replayed
            if not await Member.filter(id=consent.member_id, merged_into_id=None).exists():
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                )
            row = await ConsentRecord.create(
                id=new_id(),
                tenant_id=ctx.tenant.id,
                member_id=consent.member_id,
                channel=consent.channel,
                purpose=consent.purpose,
                granted=consent.granted,
                source=source,
                actor=ctx.actor.label,
                recorded_at=recorded_at,
                idempotency_key=consent.idempotency_key,
                request_hash=hashed,
            )
            await conn.execute_query(
                """
                INSERT INTO member_consents AS c
                    (tenant_id, member_id, channel, purpose, granted, source, recorded_at, record_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (tenant_id, member_id, channel, purpose) DO UPDATE
                SET granted = EXCLUDED.granted, source = EXCLUDED.source,
                    recorded_at = EXCLUDED.recorded_at, record_id = EXCLUDED.record_id
                WHERE c.recorded_at <= EXCLUDED.recorded_at
                """,
                [
                    ctx.tenant.id,
                    consent.member_id,
                    consent.channel,
                    consent.purpose,
                    consent.granted,
                    source,
                    recorded_at,
                    row.id,
                ],
            )
            await audit.record(
                ctx,
                "member.consent.grant" if consent.granted else "member.consent.withdraw",
                "member",
                consent.member_id,
                after={
                    "channel": consent.channel,
                    "purpose": consent.purpose,
                    "granted": consent.granted,
                    "source": source,
                },
            )
            await emit(
                ctx,
                ConsentChanged(
                    member_id=consent.member_id,
                    channel=consent.channel,
                    purpose=consent.purpose,
                    granted=consent.granted,
                    source=source,
                ),
            )
            return row
    except IntegrityError:
        # The same key at the same moment: the first record won.
        async with tenant_tx(ctx):
            replayed = await _replay(consent.idempotency_key, hashed)
        if replayed is None:
            raise
        return replayed


async def _replay(key: str, hashed: str) -> ConsentRecord | None:
    found: ConsentRecord | None = await idempotency.replayed(ConsentRecord, key, hashed)
    return found


def _require_read(ctx: RequestContext, member_ids: list[uuid.UUID]) -> None:
    if ctx.has(Permission.MEMBERS_READ):
        return
    if ctx.has(Permission.SELF_READ) and all(m == ctx.member_id for m in member_ids):
        return
    raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")


async def consents_by_member(
    ctx: RequestContext, member_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ConsentState]]:
    """The current consent of these members, per channel and purpose, in one query."""
    _require_read(ctx, member_ids)
    found: dict[uuid.UUID, list[ConsentState]] = defaultdict(list)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT member_id, channel, purpose, granted, source, recorded_at "
            "FROM member_consents WHERE member_id = ANY($1::uuid[]) "
            "ORDER BY member_id, channel, purpose",
            [list(set(member_ids))],
        )
    for row in rows:
        found[row["member_id"]].append(
            ConsentState(
                row["channel"], row["purpose"], row["granted"], row["source"], row["recorded_at"]
            )
        )
    return found


@dataclass(frozen=True)
class ConsentPage:
    rows: list[ConsentRecord]
    has_next: bool
    total: int


async def consent_history(
    ctx: RequestContext, member_id: uuid.UUID, *, first: int = 50, after: str | None = None
) -> ConsentPage:
    """Every grant and withdrawal of the member, the latest first."""
    _require_read(ctx, [member_id])
    first = max(1, min(first, 200))
    async with tenant_tx(ctx):
        query = ConsentRecord.filter(member_id=member_id)
        total = await query.count()
        if after:
            at, last = decode_cursor(after)
            query = query.filter(recorded_at__lte=at).exclude(recorded_at=at, id__gte=last)
        rows = await query.order_by("-recorded_at", "-id").limit(first + 1)
    return ConsentPage(rows[:first], len(rows) > first, total)


def consent_cursor(row: ConsentRecord) -> str:
    return encode_cursor(row.recorded_at, row.id)
