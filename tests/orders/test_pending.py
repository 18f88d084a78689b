"""Pending points: earned inside the return window, available only after it closes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from membership.clock import FrozenClock
from membership.errors import DomainError, ErrorCode
from membership.members.models import Member
from membership.orders import service as orders
from membership.points import service as points
from membership.programme.settings import update_earning
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.api.test_members import GET
from tests.conftest import Api, TenantFixture
from tests.points.test_ledger_invariants import assert_invariant, ledger_state, new_member


async def shop(tenant: TenantFixture) -> tuple[RequestContext, FrozenClock]:
    clock = FrozenClock(datetime(2026, 11, 1, 4, 0, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    await update_earning(ctx, return_window_days=7)
    return ctx, clock


async def order(
    ctx: RequestContext, member: object, external_id: str, amount: int
) -> orders.OrderResult:
    return await orders.record_order(
        ctx, orders.OrderRequest(external_id=external_id, member_id=member, amount=amount)
    )  # type: ignore[arg-type]


async def row(tenant: TenantFixture, member: object) -> Member:
    async with tenant_tx(tenant.ctx):
        return await Member.get(id=member)


async def test_points_wait_out_the_return_window_then_become_available(
    tenant: TenantFixture,
) -> None:
    ctx, clock = await shop(tenant)
    member = await new_member(tenant)
    await order(ctx, member, f"P-{member}", 30_000)
    m = await row(tenant, member)
    assert (m.points_balance, m.pending_points) == (0, 300)
    with pytest.raises(DomainError) as early:
        await points.spend(
            ctx, member_id=member, points=1, reason="too early", idempotency_key=f"early-{member}"
        )
    assert early.value.code is ErrorCode.INSUFFICIENT_POINTS
    assert_invariant(await ledger_state(tenant, member), 0)

    clock.advance(timedelta(days=7))
    assert await points.mature_due(ctx) == 300
    assert await points.mature_due(ctx) == 0  # once
    m = await row(tenant, member)
    assert (m.points_balance, m.pending_points) == (300, 0)
    assert_invariant(await ledger_state(tenant, member), 300)


async def test_a_refund_inside_the_window_cancels_pending_points_only(
    tenant: TenantFixture,
) -> None:
    ctx, clock = await shop(tenant)
    member = await new_member(tenant)
    await points.adjust(
        ctx, member_id=member, points=50, reason="gift", idempotency_key=f"gift-{member}"
    )
    first = (await order(ctx, member, f"Q-{member}", 20_000)).order
    clock.advance(timedelta(days=2))
    await orders.refund_order(
        ctx, external_id=first.external_id, amount=5_000, idempotency_key=f"q-r-{member}"
    )
    m = await row(tenant, member)
    assert (m.points_balance, m.pending_points, m.points_debt) == (50, 150, 0)
    assert_invariant(await ledger_state(tenant, member), 50)
    clock.advance(timedelta(days=5))
    await orders.refund_order(
        ctx, external_id=first.external_id, amount=None, idempotency_key=f"q-r2-{member}"
    )  # settles, then claws back
    m = await row(tenant, member)
    assert (m.points_balance, m.pending_points, m.points_debt) == (50, 0, 0)
    assert_invariant(await ledger_state(tenant, member), 50)


async def test_a_spend_after_the_window_matures_the_points_itself(
    api: Api, tenant: TenantFixture
) -> None:
    ctx, clock = await shop(tenant)
    member = await new_member(tenant)
    await order(ctx, member, f"R-{member}", 10_000)
    clock.advance(timedelta(days=8))
    spent = await points.spend(
        ctx, member_id=member, points=100, reason="redeem", idempotency_key=f"r-{member}"
    )
    assert spent.member.points_balance == 0
    async with tenant_tx(tenant.ctx):
        from membership.points.models import PointsEntry

        kinds = sorted(e.kind for e in await PointsEntry.filter(member_id=member))
    assert kinds == ["EARN", "SPEND"]  # the spend matured the points first, in its transaction
    assert_invariant(await ledger_state(tenant, member), 0)
    settings = await api(
        "{ pointsSettings { returnWindowDays earnPointsPerYuan } }", token=tenant.owner_token
    )
    assert settings["pointsSettings"] == {"returnWindowDays": 7, "earnPointsPerYuan": 1.0}
    seen = await api(GET, {"id": str(member)}, tenant.owner_token)
    assert seen["member"]["pendingPoints"] == 0


async def test_earning_settings_are_validated(api: Api, tenant: TenantFixture) -> None:
    mutation = """mutation($input: UpdateEarningSettingsInput!) { updateEarningSettings(
        input: $input) { settings { earnPointsPerYuan pointValueFen returnWindowDays }
        errors { code field } } }"""
    bad = (
        await api(
            mutation,
            {"input": {"earnPointsPerYuan": -1, "pointValueFen": 0, "returnWindowDays": 400}},
            tenant.owner_token,
        )
    )["updateEarningSettings"]
    assert sorted(tuple(e["field"]) for e in bad["errors"]) == [
        ("input", "earnPointsPerYuan"),
        ("input", "pointValueFen"),
        ("input", "returnWindowDays"),
    ]
    good = (
        await api(
            mutation, {"input": {"earnPointsPerYuan": 2, "pointValueFen": 0.5}}, tenant.owner_token
        )
    )["updateEarningSettings"]
    assert good["settings"] == {
        "earnPointsPerYuan": 2.0,
        "pointValueFen": 0.5,
        "returnWindowDays": 0,
    }


async def test_points_that_mature_already_expired_expire_and_repay_no_debt(
    tenant: TenantFixture,
) -> None:
    from membership.points.expiry import expire_due
    from membership.programme.expiry import set_policy

    ctx, clock = await shop(tenant)  # return window 7 days, 1 November
    await set_policy(ctx, "DAYS_AFTER_EARNING", 10)
    member = await new_member(tenant)
    first = await order(ctx, member, f"E1-{member}", 10_000)  # 100 pending, matures 8 November
    clock.advance(timedelta(days=8))
    await points.adjust(
        ctx, member_id=member, points=100, reason="r", idempotency_key=f"g-{member}"
    )  # settles: 100 matured
    await points.spend(ctx, member_id=member, points=200, reason="r", idempotency_key=f"s-{member}")
    await orders.refund_order(
        ctx, external_id=first.order.external_id, amount=None, idempotency_key=f"r-{member}"
    )
    assert (await row(tenant, member)).points_debt == 100
    clock.set(datetime(2026, 11, 28, 4, 0, tzinfo=UTC))
    await order(ctx, member, f"E2-{member}", 5_000)  # 50 pending until 5 December
    # The job runs late: the lot matures on 20 December already expired (on 15 December).
    clock.set(datetime(2026, 12, 20, 4, 0, tzinfo=UTC))
    assert await points.mature_due(ctx) == 50
    assert await expire_due(ctx) == 50
    m = await row(tenant, member)
    assert (m.points_balance, m.pending_points, m.points_debt) == (0, 0, 100)
    assert_invariant(await ledger_state(tenant, member), 0)
