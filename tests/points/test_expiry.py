"""Expiry policies in the tenant's time zone, the expiry job (exactly once), expiring points."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from membership.clock import FrozenClock
from membership.errors import DomainError, ErrorCode
from membership.points import expiry
from membership.points import service as points
from membership.programme import expiry as policies
from tenants.context import RequestContext
from tests.conftest import Api, TenantFixture
from tests.points.test_ledger_invariants import assert_invariant, ledger_state, new_member

SHANGHAI = "Asia/Shanghai"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("policy", "period", "earned", "expires"),
    [
        ("NEVER", 0, "2026-03-15T10:00:00+08:00", None),
        ("DAYS_AFTER_EARNING", 30, "2026-03-15T10:00:00+08:00", "2026-04-14T10:00:00+08:00"),
        # earned late on 31 Jan in Shanghai: expires when February starts there
        ("END_OF_MONTH", 0, "2026-01-31T23:30:00+08:00", "2026-02-01T00:00:00+08:00"),
        # earned just after midnight on 1 Feb in Shanghai, which is still 31 Jan in UTC
        ("END_OF_MONTH", 0, "2026-02-01T00:30:00+08:00", "2026-03-01T00:00:00+08:00"),
        ("END_OF_MONTH", 2, "2026-11-20T12:00:00+08:00", "2027-02-01T00:00:00+08:00"),
        ("END_OF_YEAR", 1, "2026-12-31T23:59:00+08:00", "2028-01-01T00:00:00+08:00"),
    ],
)
def test_expiry_dates_follow_the_tenants_calendar(
    policy: str, period: int, earned: str, expires: str | None
) -> None:
    result = policies.expires_at(policies.ExpiryPolicy(policy, period), at(earned), SHANGHAI)
    assert result == (at(expires) if expires else None)


def clocked(tenant: TenantFixture, now: datetime) -> tuple[RequestContext, FrozenClock]:
    clock = FrozenClock(now)
    return RequestContext.system(tenant.info, clock=clock), clock


async def test_due_points_expire_once_even_with_two_jobs_at_once(tenant: TenantFixture) -> None:
    ctx, clock = clocked(tenant, at("2026-05-10T09:00:00+08:00"))
    await policies.set_policy(ctx, "DAYS_AFTER_EARNING", 30)
    member = await new_member(tenant)
    await points.adjust(
        ctx, member_id=member, points=100, reason="early", idempotency_key=f"e1-{member}"
    )
    clock.advance(timedelta(days=10))
    await points.adjust(
        ctx, member_id=member, points=40, reason="late", idempotency_key=f"e2-{member}"
    )
    assert await expiry.expiring_points(ctx, days=25, member_id=member) == 100

    clock.advance(timedelta(days=21))  # the first lot is 31 days old, the second 21
    expired = await asyncio.gather(expiry.expire_due(ctx), expiry.expire_due(ctx))
    assert sorted(expired) == [0, 100]
    assert await expiry.expire_due(ctx) == 0
    state = await ledger_state(tenant, member)
    assert_invariant(state, 40)


async def test_a_spend_never_uses_expired_points_the_job_has_not_reached(
    tenant: TenantFixture,
) -> None:
    ctx, clock = clocked(tenant, at("2026-06-01T12:00:00+08:00"))
    await policies.set_policy(ctx, "END_OF_MONTH", 0)
    member = await new_member(tenant)
    await points.adjust(
        ctx, member_id=member, points=80, reason="june", idempotency_key=f"j-{member}"
    )
    clock.set(at("2026-07-01T00:00:01+08:00"))  # a second into July in Shanghai
    with pytest.raises(DomainError) as refused:
        await points.spend(
            ctx, member_id=member, points=10, reason="too late", idempotency_key=f"late-{member}"
        )
    assert refused.value.code is ErrorCode.INSUFFICIENT_POINTS
    # the refused spend changed nothing, not even the expiry it noticed; the job writes that
    assert_invariant(await ledger_state(tenant, member), 80)
    assert await expiry.expire_due(ctx) == 80
    assert_invariant(await ledger_state(tenant, member), 0)


async def test_spends_take_the_lot_that_expires_first(tenant: TenantFixture) -> None:
    ctx, clock = clocked(tenant, at("2026-01-05T10:00:00+08:00"))
    member = await new_member(tenant)
    await points.adjust(
        ctx, member_id=member, points=50, reason="never expires", idempotency_key=f"n-{member}"
    )
    await policies.set_policy(ctx, "END_OF_YEAR", 0)
    await points.adjust(
        ctx, member_id=member, points=50, reason="this year", idempotency_key=f"y-{member}"
    )
    await points.spend(
        ctx, member_id=member, points=30, reason="redeem", idempotency_key=f"s-{member}"
    )
    assert await expiry.expiring_points(ctx, days=365, member_id=member) == 20
    clock.set(at("2027-01-01T00:00:00+08:00"))
    assert await expiry.expire_due(ctx) == 20
    assert_invariant(await ledger_state(tenant, member), 50)


async def test_the_policy_and_expiring_points_through_the_api(
    api: Api, tenant: TenantFixture
) -> None:
    update = """mutation($input: UpdatePointsSettingsInput!) { updatePointsSettings(input: $input) {
        settings { expiryPolicy expiryPeriod } errors { code field } } }"""
    bad = await api(
        update,
        {"input": {"expiryPolicy": "DAYS_AFTER_EARNING", "expiryPeriod": 0}},
        tenant.owner_token,
    )
    assert bad["updatePointsSettings"]["errors"] == [
        {"code": "INVALID", "field": ["input", "expiryPeriod"]}
    ]
    good = await api(
        update,
        {"input": {"expiryPolicy": "DAYS_AFTER_EARNING", "expiryPeriod": 90}},
        tenant.owner_token,
    )
    assert good["updatePointsSettings"]["settings"] == {
        "expiryPolicy": "DAYS_AFTER_EARNING",
        "expiryPeriod": 90,
    }
    member = await new_member(tenant)
    await points.adjust(
        tenant.ctx, member_id=member, points=25, reason="gift", idempotency_key=f"api-{member}"
    )
    query = """query($id: ID) { pointsSettings { expiryPolicy } pointsExpiring(days: 91)
        member(id: $id) { soon: pointsExpiring(days: 30) later: pointsExpiring(days: 91)
        pointsTransactions { edges { node { expiresAt } } } } }"""
    data = await api(query, {"id": str(member)}, tenant.owner_token)
    assert data["pointsSettings"] == {"expiryPolicy": "DAYS_AFTER_EARNING"}
    assert data["pointsExpiring"] == 25
    assert data["member"]["soon"] == 0 and data["member"]["later"] == 25
    assert data["member"]["pointsTransactions"]["edges"][0]["node"]["expiresAt"]
