"""Issuing coupons to members, once per idempotency key, within every limit of the template.

The template's row is locked for the issue, so its limits (per member, per member per period,
in total) are counted and raised in one serial order: twenty simultaneous issues against a
total limit of five issue exactly five. A replay of the key returns the first coupon.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError

from membership.coupons.codes import new_code, normalize
from membership.coupons.events import coupon_issued
from membership.coupons.models import Coupon, CouponTemplate
from membership.errors import DomainError, ErrorCode
from membership.idempotency import service as idempotency
from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import emit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "IssueResult",
    "find_coupon",
    "issue_coupon",
    "issue_locked",
    "period_start",
    "replayed_issue",
    "validity",
]


@dataclass(frozen=True)
class IssueResult:
    coupon: Coupon
    replayed: bool


def _not_applicable(template: str, **params: object) -> DomainError:
    return DomainError(ErrorCode.COUPON_NOT_APPLICABLE, template, ["input", "templateId"], **params)


def validity(template: CouponTemplate, issued_at: datetime) -> tuple[datetime, datetime]:
    """When a coupon issued now is valid: N days after a delay, or the template's window."""
    if template.valid_days is not None:
        start = issued_at + timedelta(days=template.start_delay_days)
        return start, start + timedelta(days=template.valid_days)
    assert template.valid_until is not None  # a template has one of the two (a CHECK says so)
    return template.valid_from or issued_at, template.valid_until


def period_start(period: str, now: datetime, timezone: str) -> datetime:
    """The start of the current DAY, WEEK (Monday) or MONTH in the tenant's time zone."""
    local = now.astimezone(ZoneInfo(timezone))
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "WEEK":
        day -= timedelta(days=day.weekday())
    elif period == "MONTH":
        day = day.replace(day=1)
    return day


async def _check_limits(
    ctx: RequestContext, template: CouponTemplate, member_id: uuid.UUID
) -> None:
    now = ctx.clock.now()
    if template.total_limit is not None and template.issued_count >= template.total_limit:
        raise _not_applicable(
            "All {limit} coupons of this template are issued.", limit=template.total_limit
        )
    # a voided coupon gave its place back (voided by staff, or its reward redemption cancelled)
    mine = Coupon.filter(template_id=template.id, member_id=member_id).exclude(status="VOIDED")
    if template.per_member_limit is not None and await mine.count() >= template.per_member_limit:
        raise _not_applicable(
            "This member already has {limit} coupons of this template.",
            limit=template.per_member_limit,
        )
    if template.period is not None and template.period_limit is not None:
        since = period_start(template.period, now, ctx.tenant.timezone)
        if await mine.filter(issued_at__gte=since).count() >= template.period_limit:
            raise _not_applicable(
                "This member already has {limit} coupons of this template in this {period}.",
                limit=template.period_limit,
                period=template.period,
            )


async def issue_locked(
    ctx: RequestContext, template: CouponTemplate, member_id: uuid.UUID
) -> Coupon:
    """Issue one coupon of a template whose row the caller locked, in the caller's transaction."""
    now = ctx.clock.now()
    valid_from, valid_until = validity(template, now)
    if valid_until <= now:
        raise _not_applicable("This template's coupons can no longer be issued.")
    await _check_limits(ctx, template, member_id)
    coupon = await Coupon.create(
        id=new_id(),
        tenant_id=ctx.tenant.id,
        template_id=template.id,
        code=normalize(new_code(template.code_length, template.code_prefix)),
        member_id=member_id,
        status="ISSUED",
        valid_from=valid_from,
        valid_until=valid_until,
        issued_at=now,
    )
    template.issued_count += 1
    template.updated_at = now
    await template.save(update_fields=["issued_count", "updated_at"])
    await emit(ctx, coupon_issued(coupon))
    return coupon


async def replayed_issue(key: str, hashed: str) -> IssueResult | None:
    """The first issue made with this idempotency key and request, if there was one."""
    coupon_id = await idempotency.first_result(key, hashed)
    return None if coupon_id is None else IssueResult(await Coupon.get(id=coupon_id), True)


async def issue_coupon(
    ctx: RequestContext, *, template_id: uuid.UUID, member_id: uuid.UUID, idempotency_key: str
) -> IssueResult:
    """Issue one coupon of the template to the member, or refuse with every limit checked."""
    ctx.require(Permission.COUPONS_WRITE)
    idempotency.check_key(idempotency_key)
    request_hash = idempotency.request_hash("issue_coupon", template_id, member_id)
    try:
        async with tenant_tx(ctx):
            replayed = await replayed_issue(idempotency_key, request_hash)
            if replayed is not None:
                return replayed
            template = await CouponTemplate.filter(id=template_id).select_for_update().first()
            if template is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such coupon template.", ["input", "templateId"]
                )
            if not await Member.filter(id=member_id, merged_into_id=None).exists():
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                )
            coupon = await issue_locked(ctx, template, member_id)
            await idempotency.remember(
                ctx, idempotency_key, "issue_coupon", request_hash, coupon.id
            )
            return IssueResult(coupon, replayed=False)
    except IntegrityError:
        # The same key raced in from another request and won: answer with its coupon.
        async with tenant_tx(ctx):
            replayed = await replayed_issue(idempotency_key, request_hash)
            if replayed is None:
                raise
            return replayed


async def find_coupon(ctx: RequestContext, code: str) -> Coupon | None:
    """A coupon of this tenant by its code, as typed (spaces, dashes and case do not matter)."""
    if not ctx.has(Permission.MEMBERS_READ):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")
    async with tenant_tx(ctx):
        return await Coupon.get_or_none(code=normalize(code))
