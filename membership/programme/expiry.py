"""The programme's points expiry policy: when points earned at a given moment expire.

Policies, counted in the tenant's time zone:

- ``NEVER``: points do not expire;
- ``DAYS_AFTER_EARNING`` N: N days after the points were earned;
- ``END_OF_MONTH`` N: at the end of the Nth month after the month they were earned (0: this month);
- ``END_OF_YEAR`` N: at the end of the Nth year after the year they were earned (0: this year).

A policy applies to points earned from when it is set; lots already earned keep their expiry.
Expiring due lots is the ledger's business (``membership.points.expiry``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from membership.errors import DomainError, ErrorCode
from membership.programme.models import PointsSettings
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["POLICIES", "ExpiryPolicy", "expires_at", "get_policy", "set_policy"]

POLICIES = ("NEVER", "DAYS_AFTER_EARNING", "END_OF_MONTH", "END_OF_YEAR")


@dataclass(frozen=True)
class ExpiryPolicy:
    policy: str = "NEVER"
    period: int = 0


def expires_at(policy: ExpiryPolicy, earned_at: datetime, timezone: str) -> datetime | None:
    """When points earned at ``earned_at`` expire under ``policy``; None when never."""
    if policy.policy == "NEVER":
        return None
    if policy.policy == "DAYS_AFTER_EARNING":
        return earned_at + timedelta(days=policy.period)
    local = earned_at.astimezone(ZoneInfo(timezone))
    if policy.policy == "END_OF_MONTH":
        months = local.year * 12 + (local.month - 1) + policy.period + 1
        year, month = divmod(months, 12)
        start_of_next = datetime(year, month + 1, 1, tzinfo=ZoneInfo(timezone))
    else:  # END_OF_YEAR
        start_of_next = datetime(local.year + policy.period + 1, 1, 1, tzinfo=ZoneInfo(timezone))
    return start_of_next.astimezone(UTC)


async def get_policy(ctx: RequestContext) -> ExpiryPolicy:
    """The tenant's policy (``NEVER`` for a tenant that has not set one)."""
    async with tenant_tx(ctx):
        row = await PointsSettings.get_or_none(tenant_id=ctx.tenant.id)
    return ExpiryPolicy(row.expiry_policy, row.expiry_period) if row else ExpiryPolicy()


async def set_policy(ctx: RequestContext, policy: str, period: int) -> ExpiryPolicy:
    """Applies to points earned from now on; lots already earned keep their expiry."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    if policy not in POLICIES:
        raise DomainError(ErrorCode.INVALID, "Unknown expiry policy.", ["input", "expiryPolicy"])
    if not 0 <= period <= 36500 or (policy == "DAYS_AFTER_EARNING" and period == 0):
        raise DomainError(
            ErrorCode.INVALID, "The expiry period is out of range.", ["input", "expiryPeriod"]
        )
    async with tenant_tx(ctx):
        before = await PointsSettings.get_or_none(tenant_id=ctx.tenant.id)
        old = {"policy": before.expiry_policy, "period": before.expiry_period} if before else None
        await PointsSettings.update_or_create(
            tenant_id=ctx.tenant.id,
            defaults={
                "expiry_policy": policy,
                "expiry_period": period,
                "updated_at": ctx.clock.now(),
            },
        )
        await audit.record(
            ctx,
            "points.expiry_policy",
            "tenant",
            ctx.tenant.id,
            before=old,
            after={"policy": policy, "period": period},
        )
    return ExpiryPolicy(policy, period)
