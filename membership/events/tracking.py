"""``trackEvent``: what a member did, reported by a front end, kept per member and delivered.

A behaviour event is idempotent by its key: a replay with the same report returns the first
event and records nothing; the same key with another report is ``IDEMPOTENCY_KEY_REUSED``. The
event is kept in ``member_events`` for good and written to the outbox as ``event.<type>`` in the
same transaction, so webhooks and automations hear it exactly like a domain event.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.events.models import MemberEvent
from membership.idempotency import service as idempotency
from membership.ids import new_id
from membership.members.events import BehaviourTracked
from membership.members.models import Member
from membership.outbox import emit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["MAX_PROPERTIES_BYTES", "Tracked", "TrackedEvent", "track_event"]

MAX_PROPERTIES_BYTES = 8 * 1024
MAX_PROPERTIES = 50
TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,4}$")
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
FUTURE_LIMIT = timedelta(days=1)


@dataclass(frozen=True)
class TrackedEvent:
    member_id: uuid.UUID
    type: str
    properties: Any  # what the caller sent; checked to be a flat object
    occurred_at: datetime | None
    idempotency_key: str


@dataclass(frozen=True)
class Tracked:
    event: MemberEvent
    replayed: bool


def _invalid(message: str, name: str, **params: object) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, ["input", name], **params)


def _check(report: TrackedEvent, now: datetime) -> dict[str, Any]:
    """Every problem at once; returns the properties as they will be stored."""
    errors: list[DomainError] = []
    try:
        idempotency.check_key(report.idempotency_key)
    except DomainError as exc:
        errors.append(exc)
    if len(report.type) > 64 or not TYPE_PATTERN.match(report.type):
        errors.append(
            _invalid(
                "An event type is a lower-case dotted name of up to 64 characters, such as "
                "product.viewed.",
                "type",
            )
        )
    properties = report.properties if report.properties is not None else {}
    if not isinstance(properties, dict):
        errors.append(_invalid("Properties must be a JSON object.", "properties"))
        properties = {}
    elif len(properties) > MAX_PROPERTIES:
        errors.append(
            _invalid("At most {limit} properties are allowed.", "properties", limit=MAX_PROPERTIES)
        )
    else:
        for key, value in properties.items():
            if not KEY_PATTERN.match(key):
                errors.append(
                    _invalid(
                        "Property names are letters, digits and underscores, up to 64.",
                        "properties",
                    )
                )
                break
            if isinstance(value, dict | list):
                errors.append(
                    _invalid(
                        "Properties must be a flat object: '{key}' holds a nested value.",
                        "properties",
                        key=key,
                    )
                )
                break
        size = len(json.dumps(properties, ensure_ascii=False).encode())
        if size > MAX_PROPERTIES_BYTES:
            errors.append(
                _invalid(
                    "Properties take {size} bytes; at most {limit} are allowed.",
                    "properties",
                    size=size,
                    limit=MAX_PROPERTIES_BYTES,
                )
            )
    if report.occurred_at is not None and report.occurred_at > now + FUTURE_LIMIT:
        errors.append(_invalid("occurredAt may be at most one day in the future.", "occurredAt"))
    if errors:
        raise DomainErrors(errors)
    return properties


async def track_event(ctx: RequestContext, report: TrackedEvent) -> Tracked:
    """Record a behaviour event for a member; needs ``events:write`` or the member's own token."""
    ctx.require_unless_own(Permission.EVENTS_WRITE, report.member_id)
    now = ctx.clock.now()
    properties = _check(report, now)
    occurred_at = report.occurred_at or now
    hashed = idempotency.request_hash(
        "track_event",
        report.member_id,
        report.type,
        json.dumps(properties, sort_keys=True),
        occurred_at.isoformat() if report.occurred_at else "",
    )
    try:
        async with tenant_tx(ctx):
            replayed = await _replay(report.idempotency_key, hashed)
            if replayed is not None:
                return Tracked(replayed, replayed=True)
            if not await Member.filter(id=report.member_id, merged_into_id=None).exists():
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                )
            event = await MemberEvent.create(
                id=new_id(),
                tenant_id=ctx.tenant.id,
                member_id=report.member_id,
                type=report.type,
                properties=properties,
                occurred_at=occurred_at,
                idempotency_key=report.idempotency_key,
                request_hash=hashed,
                created_at=now,
            )
            await emit(
                ctx,
                BehaviourTracked(
                    member_id=report.member_id,
                    event_id=event.id,
                    name=report.type,
                    properties=properties,
                    occurred_at=occurred_at.isoformat(),
                ),
            )
            return Tracked(event, replayed=False)
    except IntegrityError:
        # The same key at the same moment: the first report won.
        async with tenant_tx(ctx):
            replayed = await _replay(report.idempotency_key, hashed)
        if replayed is None:
            raise
        return Tracked(replayed, replayed=True)


async def _replay(key: str, hashed: str) -> MemberEvent | None:
    found: MemberEvent | None = await idempotency.replayed(MemberEvent, key, hashed)
    return found
