"""A template's redemptions by day: counted on the tenant's local day, zero-filled, oldest first,
in one query, and only the tenant's own."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from membership.clock import FrozenClock
from membership.coupons import activity, issue, redeem
from membership.errors import DomainError
from tenants.context import RequestContext
from tests.conftest import Api, TenantFixture, count_queries
from tests.coupons.test_issue import template
from tests.points.test_ledger_invariants import new_member

BY_DAY = """query($id: ID!, $days: Int) {
  couponRedemptionsByDay(templateId: $id, days: $days) { date redeemed discountAmount }
}"""


def at(moment: datetime, tenant: TenantFixture) -> RequestContext:
    return RequestContext.system(tenant.info, clock=FrozenClock(moment))


async def redeem_at(
    tenant: TenantFixture, template_id: str, moment: datetime, amount: int = 5_000
) -> None:
    member = await new_member(tenant)
    issued = await issue.issue_coupon(
        at(moment - timedelta(hours=1), tenant),
        template_id=uuid.UUID(template_id),
        member_id=member,
        idempotency_key=f"i-{member}",
    )
    await redeem.redeem_coupon(
        at(moment, tenant),
        code=issued.coupon.code,
        member_id=member,
        amount=amount,
        idempotency_key=f"r-{member}",
    )


async def test_redemptions_fall_on_the_tenants_local_day(api: Api, tenant: TenantFixture) -> None:
    template_id = await template(api, tenant, validDays=30)
    now = datetime.now(UTC).replace(microsecond=0)
    # Asia/Shanghai is UTC+8: 15:30 UTC is 23:30 local, 16:30 UTC is 00:30 the next local day
    evening = (now - timedelta(days=3)).replace(hour=15, minute=30, second=0)
    await redeem_at(tenant, template_id, evening)
    await redeem_at(tenant, template_id, evening + timedelta(hours=1))
    await redeem_at(tenant, template_id, evening + timedelta(hours=1, minutes=5), amount=12_000)
    local_day = (evening + timedelta(hours=8)).date()

    with count_queries() as queries:
        days = await activity.redemptions_by_day(at(now, tenant), uuid.UUID(template_id), 7)
    assert len([q for q in queries.queries if "FROM coupons" in q]) == 1
    assert [d.day for d in days] == [
        (now + timedelta(hours=8)).date() - timedelta(days=n) for n in range(6, -1, -1)
    ]
    counted = {d.day: (d.redeemed, d.discount) for d in days if d.redeemed}
    assert counted == {local_day: (1, 2_000), local_day + timedelta(days=1): (2, 4_000)}

    shown = (await api(BY_DAY, {"id": template_id, "days": 7}, tenant.owner_token))[
        "couponRedemptionsByDay"
    ]
    assert len(shown) == 7 and sum(d["redeemed"] for d in shown) == 3
    assert sum(d["discountAmount"] for d in shown) == 6_000
    assert date.fromisoformat(shown[-1]["date"]) == days[-1].day


async def test_bad_ranges_are_refused_and_other_tenants_count_nothing(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant)
    await redeem_at(tenant, template_id, datetime.now(UTC) - timedelta(minutes=1))
    with pytest.raises(DomainError):
        await activity.redemptions_by_day(tenant.ctx, uuid.UUID(template_id), 0)
    response = await api.raw(BY_DAY, {"id": template_id, "days": 400}, tenant.owner_token)
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID"
    foreign = (await api(BY_DAY, {"id": template_id}, other_tenant.owner_token))[
        "couponRedemptionsByDay"
    ]
    assert len(foreign) == 30 and all(d["redeemed"] == 0 for d in foreign)
