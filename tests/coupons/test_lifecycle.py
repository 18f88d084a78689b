"""Voiding coupons, and the job that expires them (once, even run twice at once)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from membership.clock import FrozenClock
from membership.coupons import issue
from membership.coupons.lifecycle import expire_due_coupons
from membership.coupons.models import Coupon
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import issue_api, template
from tests.coupons.test_redeem import redeem_api, validate
from tests.points.test_ledger_invariants import new_member

VOID = """mutation($input: VoidCouponInput!) {
  voidCoupon(input: $input) { coupon { code status } errors { code field } }
}"""


async def test_a_voided_coupon_cannot_be_redeemed_and_a_redeemed_one_cannot_be_voided(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant)
    member = await new_member(tenant)
    codes = []
    for n in range(2):
        issued = await issue_api(api, tenant.secret_key, template_id, member, f"v{n}-{member}")
        codes.append(issued["coupon"]["code"])
    voided = await api(VOID, {"input": {"code": codes[0], "reason": "发错了"}}, tenant.owner_token)
    assert voided["voidCoupon"]["coupon"]["status"] == "VOIDED"
    refused = await redeem_api(api, tenant.secret_key, codes[0], member, 5_000, f"x-{member}")
    assert [e["code"] for e in refused["errors"]] == ["COUPON_NOT_APPLICABLE"]
    assert (await validate(api, tenant.secret_key, codes[0], member, 5_000))["errors"][0][
        "message"
    ] == "This coupon was voided."
    await redeem_api(api, tenant.secret_key, codes[1], member, 5_000, f"y-{member}")
    late = await api(VOID, {"input": {"code": codes[1], "reason": "x"}}, tenant.owner_token)
    assert late["voidCoupon"]["errors"] == [
        {"code": "COUPON_ALREADY_REDEEMED", "field": ["input", "code"]}
    ]
    blank = await api(VOID, {"input": {"code": codes[1], "reason": " "}}, tenant.owner_token)
    assert blank["voidCoupon"]["errors"] == [{"code": "INVALID", "field": ["input", "reason"]}]


async def test_the_expiry_job_expires_each_coupon_once(api: Api, tenant: TenantFixture) -> None:
    template_id = uuid.UUID(await template(api, tenant, validDays=3))
    members = [await new_member(tenant) for _ in range(12)]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    issuing = RequestContext.system(tenant.info, clock=FrozenClock(start))
    for member in members:
        await issue.issue_coupon(
            issuing, template_id=template_id, member_id=member, idempotency_key=f"e-{member}"
        )
    clock = FrozenClock(start + timedelta(days=2))
    job = RequestContext.system(tenant.info, clock=clock)
    assert await expire_due_coupons(job) == 0
    clock.advance(timedelta(days=1))
    # two jobs at once, in small batches: each coupon expires once
    first, second = await asyncio.gather(
        expire_due_coupons(job, batch=5), expire_due_coupons(job, batch=5)
    )
    assert first + second == 12
    assert await expire_due_coupons(job) == 0
    async with tenant_tx(tenant.ctx):
        assert await Coupon.filter(template_id=template_id, status="EXPIRED").count() == 12


async def test_a_voided_coupon_gives_its_place_in_the_limits_back(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant, perMemberLimit=1, totalLimit=1)
    member = await new_member(tenant)
    first = await issue_api(api, tenant.secret_key, template_id, member, "lim-1")
    assert first["errors"] == [] and first["coupon"]["template"]["issuedCount"] == 1
    full = await issue_api(api, tenant.secret_key, template_id, member, "lim-2")
    assert [e["code"] for e in full["errors"]] == ["COUPON_NOT_APPLICABLE"]
    voided = await api(
        VOID, {"input": {"code": first["coupon"]["code"], "reason": "错发"}}, tenant.owner_token
    )
    assert voided["voidCoupon"]["errors"] == []
    again = await issue_api(api, tenant.secret_key, template_id, member, "lim-3")
    assert again["errors"] == [] and again["coupon"]["template"]["issuedCount"] == 1
