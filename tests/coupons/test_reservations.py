"""Reservations during checkout: a held coupon is usable only by its checkout until the hold
runs out, then free again by itself; one of ten racing checkouts holds it; bad input changes
nothing; another tenant cannot touch it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from membership.clock import FrozenClock
from membership.coupons import redeem, reservations
from membership.coupons.models import Coupon
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_checkout import RECORD
from tests.coupons.test_redeem import coupon_for, redeem_api, validate
from tests.points.test_ledger_invariants import new_member

RESERVE = """mutation($input: ReserveCouponInput!) {
  reserveCoupon(input: $input) {
    coupon { code status reservedFor reservedUntil }
    discountAmount errors { code field message }
  }
}"""
RELEASE = """mutation($input: ReleaseCouponInput!) {
  releaseCoupon(input: $input) { coupon { reservedFor reservedUntil } errors { code field } }
}"""


async def reserve(
    api: Api,
    token: str,
    code: str,
    member: uuid.UUID,
    checkout: str,
    amount: int = 12_000,
    ttl: int = 600,
) -> dict[str, Any]:
    variables = {
        "input": {
            "code": code,
            "memberId": str(member),
            "orderAmount": amount,
            "checkoutId": checkout,
            "ttlSeconds": ttl,
        }
    }
    return (await api(RESERVE, variables, token))["reserveCoupon"]  # type: ignore[no-any-return]


async def release(api: Api, token: str, code: str, checkout: str) -> dict[str, Any]:
    variables = {"input": {"code": code, "checkoutId": checkout}}
    return (await api(RELEASE, variables, token))["releaseCoupon"]  # type: ignore[no-any-return]


async def record(
    api: Api, token: str, member: uuid.UUID, external_id: str, code: str
) -> dict[str, Any]:
    variables = {
        "input": {
            "externalId": external_id,
            "memberId": str(member),
            "amount": 12_000,
            "couponCodes": [code],
        }
    }
    return (await api(RECORD, variables, token))["recordOrder"]  # type: ignore[no-any-return]


async def test_only_the_checkout_holding_a_coupon_can_use_it(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    code = await coupon_for(api, tenant, member, minSpend=10_000)
    before = datetime.now(UTC)
    held = await reserve(api, tenant.secret_key, code, member, "ORDER-1001", ttl=600)
    assert held["errors"] == [] and held["discountAmount"] == 2_000
    assert held["coupon"]["reservedFor"] == "ORDER-1001"
    until = datetime.fromisoformat(held["coupon"]["reservedUntil"])
    assert before + timedelta(seconds=599) <= until <= datetime.now(UTC) + timedelta(seconds=601)

    elsewhere = await validate(api, tenant.secret_key, code, member, 12_000)
    assert elsewhere["valid"] is False
    assert elsewhere["errors"][0]["message"].startswith("This coupon is held by another checkout")
    refused = await redeem_api(api, tenant.secret_key, code, member, 12_000, "r-other")
    assert [e["code"] for e in refused["errors"]] == ["COUPON_NOT_APPLICABLE"]
    other_order = await record(api, tenant.secret_key, member, "ORDER-2002", code)
    assert other_order["order"] is None
    assert [e["field"] for e in other_order["errors"]] == [["input", "couponCodes", "0"]]

    again = await reserve(api, tenant.secret_key, code, member, "ORDER-1001", ttl=900)
    assert again["errors"] == []  # the same checkout extends its hold
    assert datetime.fromisoformat(again["coupon"]["reservedUntil"]) > until
    paid = await record(api, tenant.secret_key, member, "ORDER-1001", code)
    assert paid["errors"] == [] and paid["order"]["discountAmount"] == 2_000
    async with tenant_tx(tenant.ctx):
        stored = await Coupon.get(code=code)
    assert stored.status == "REDEEMED" and stored.reserved_for is None


async def test_a_hold_runs_out_by_itself_and_the_job_clears_it(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    code = await coupon_for(api, tenant, member)
    held = await reserve(api, tenant.secret_key, code, member, "CART-7", ttl=60)
    assert held["errors"] == []
    later = RequestContext.system(
        tenant.info, clock=FrozenClock(datetime.now(UTC) + timedelta(seconds=61))
    )
    free = await redeem.validate_coupon(later, code=code, member_id=member, amount=12_000)
    assert free.valid
    taken = await reservations.reserve_coupon(
        later, code=code, member_id=member, amount=12_000, checkout_id="CART-8", ttl_seconds=60
    )
    assert taken.coupon.reserved_for == "CART-8"
    much_later = RequestContext.system(
        tenant.info, clock=FrozenClock(datetime.now(UTC) + timedelta(seconds=200))
    )
    assert await reservations.release_expired_reservations(much_later) == 1
    assert await reservations.release_expired_reservations(much_later) == 0
    async with tenant_tx(tenant.ctx):
        stored = await Coupon.get(code=code)
    assert (stored.reserved_for, stored.reserved_until, stored.status) == (None, None, "ISSUED")


async def test_of_ten_racing_checkouts_exactly_one_holds_the_coupon(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    code = await coupon_for(api, tenant, member)
    results = await asyncio.gather(
        *(reserve(api, tenant.secret_key, code, member, f"CART-{n}") for n in range(10))
    )
    winners = [r for r in results if r["errors"] == []]
    assert len(winners) == 1
    assert {r["errors"][0]["code"] for r in results if r["errors"]} == {"COUPON_NOT_APPLICABLE"}
    async with tenant_tx(tenant.ctx):
        stored = await Coupon.get(code=code)
    assert stored.reserved_for == winners[0]["coupon"]["reservedFor"]


async def test_releasing_is_for_the_holder_only(api: Api, tenant: TenantFixture) -> None:
    member = await new_member(tenant)
    code = await coupon_for(api, tenant, member)
    await reserve(api, tenant.secret_key, code, member, "CART-A")
    stranger = await release(api, tenant.secret_key, code, "CART-B")
    assert [(e["code"], e["field"]) for e in stranger["errors"]] == [
        ("COUPON_NOT_APPLICABLE", ["input", "checkoutId"])
    ]
    released = await release(api, tenant.secret_key, code, "CART-A")
    assert released["errors"] == [] and released["coupon"]["reservedFor"] is None
    assert (await validate(api, tenant.secret_key, code, member, 12_000))["valid"] is True


async def test_bad_reservations_change_nothing(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    member, other = await new_member(tenant), await new_member(tenant)
    code = await coupon_for(api, tenant, member, minSpend=10_000)
    invalid = await reserve(api, tenant.secret_key, code, member, " ", amount=0, ttl=5)
    assert sorted(e["field"][-1] for e in invalid["errors"]) == [
        "checkoutId",
        "orderAmount",
        "ttlSeconds",
    ]
    too_little = await reserve(api, tenant.secret_key, code, member, "CART-1", amount=5_000)
    assert [e["code"] for e in too_little["errors"]] == ["COUPON_NOT_APPLICABLE"]
    not_theirs = await reserve(api, tenant.secret_key, code, other, "CART-1")
    assert [e["code"] for e in not_theirs["errors"]] == ["COUPON_NOT_APPLICABLE"]
    stranger = await new_member(other_tenant)
    foreign = await reserve(api, other_tenant.secret_key, code, stranger, "CART-1")
    assert [e["code"] for e in foreign["errors"]] == ["NOT_FOUND"]
    async with tenant_tx(tenant.ctx):
        stored = await Coupon.get(code=code)
    assert stored.reserved_for is None and stored.reserved_until is None


async def test_a_member_token_holds_and_releases_only_its_own_coupons(
    api: Api, tenant: TenantFixture
) -> None:
    from tests.coupons.test_claims import member_token

    alice, bob = await new_member(tenant), await new_member(tenant)
    mine = await coupon_for(api, tenant, alice)
    theirs = await coupon_for(api, tenant, bob)
    token = await member_token(api, tenant, alice)
    assert (await reserve(api, token, mine, alice, "APP-1"))["errors"] == []
    assert (await release(api, token, mine, "APP-1"))["errors"] == []
    assert (await reserve(api, tenant.secret_key, theirs, bob, "POS-1"))["errors"] == []
    not_mine = await release(api, token, theirs, "POS-1")
    assert [e["code"] for e in not_mine["errors"]] == ["PERMISSION_DENIED"]
    for_bob = await reserve(api, token, theirs, bob, "APP-2")
    assert [e["code"] for e in for_bob["errors"]] == ["PERMISSION_DENIED"]
    async with tenant_tx(tenant.ctx):
        assert (await Coupon.get(code=theirs)).reserved_for == "POS-1"
