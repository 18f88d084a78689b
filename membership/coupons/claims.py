"""Campaign codes: one public code (a poster's "SPRING26") that members claim a coupon with.

Claiming issues the member a coupon of their own, with its own unguessable code, through the
same locked issue as ``issueCoupon``: the template's total, per-period and per-member limits all
hold. A template without a per-member limit still gives one coupon per member for its campaign
code, so a public code cannot be claimed over and over. A member token may claim for its own
member; staff and server keys with ``coupons:write`` for any member.
"""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError

from membership.coupons.codes import normalize
from membership.coupons.issue import IssueResult, issue_locked, replayed_issue
from membership.coupons.models import Coupon, CouponTemplate
from membership.errors import DomainError, ErrorCode
from membership.idempotency import service as idempotency
from membership.members.models import Member
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["claim_coupon"]


async def _claim(
    ctx: RequestContext, public_code: str, member_id: uuid.UUID, key: str, hashed: str
) -> IssueResult:
    replayed = await replayed_issue(key, hashed)
    if replayed is not None:
        return replayed
    template = await CouponTemplate.filter(public_code=public_code).select_for_update().first()
    if template is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No campaign has this code.", ["input", "code"])
    if not await Member.filter(id=member_id, merged_into_id=None).exists():
        raise DomainError(
            ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
        )
    if (
        template.per_member_limit is None
        and await Coupon.filter(template_id=template.id, member_id=member_id)
        .exclude(status="VOIDED")
        .exists()
    ):
        raise DomainError(
            ErrorCode.COUPON_NOT_APPLICABLE,
            "This member has claimed this campaign's coupon already.",
            ["input", "code"],
        )
    try:
        coupon = await issue_locked(ctx, template, member_id)
    except DomainError as exc:  # a limit reached: about the code the member typed
        raise DomainError(exc.code, exc.template, ["input", "code"], **exc.params) from None
    await idempotency.remember(ctx, key, "claim_coupon", hashed, coupon.id)
    return IssueResult(coupon, replayed=False)


async def claim_coupon(
    ctx: RequestContext, *, code: str, member_id: uuid.UUID, idempotency_key: str
) -> IssueResult:
    """Issue the member a coupon of the campaign whose public code this is."""
    ctx.require_unless_own(Permission.COUPONS_WRITE, member_id)
    idempotency.check_key(idempotency_key)
    public_code = normalize(code)
    hashed = idempotency.request_hash("claim_coupon", public_code, member_id)
    try:
        async with tenant_tx(ctx):
            return await _claim(ctx, public_code, member_id, idempotency_key, hashed)
    except IntegrityError:
        async with tenant_tx(ctx):
            replayed = await replayed_issue(idempotency_key, hashed)
            if replayed is None:
                raise
            return replayed
