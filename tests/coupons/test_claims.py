"""Campaign codes: members claim a coupon of their own with a public code, within every limit
(also under a real race), once per key, only for themselves, and only in their own tenant."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from membership.coupons.models import Coupon
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import template
from tests.coupons.test_templates import create
from tests.points.test_ledger_invariants import new_member

CLAIM = """mutation($input: ClaimCouponInput!) {
  claimCoupon(input: $input) {
    coupon { code status member { id } template { publicCode issuedCount } }
    errors { code field message }
  }
}"""
MEMBER_TOKEN = """mutation($memberId: ID!) { createMemberToken(memberId: $memberId) { token } }"""


async def claim(
    api: Api, token: str, code: str, member: uuid.UUID | str, key: str | None = None
) -> dict[str, Any]:
    variables = {
        "input": {
            "code": code,
            "memberId": str(member),
            "idempotencyKey": key or f"claim-{uuid.uuid4()}",
        }
    }
    return (await api(CLAIM, variables, token))["claimCoupon"]  # type: ignore[no-any-return]


async def member_token(api: Api, tenant: TenantFixture, member: uuid.UUID) -> str:
    minted = await api(MEMBER_TOKEN, {"memberId": str(member)}, tenant.secret_key)
    return minted["createMemberToken"]["token"]  # type: ignore[no-any-return]


async def test_a_member_claims_one_coupon_of_their_own_with_the_campaign_code(
    api: Api, tenant: TenantFixture
) -> None:
    await template(api, tenant, publicCode="spring26")
    alice = await new_member(tenant)
    token = await member_token(api, tenant, alice)
    first = await claim(api, token, "Spring-26", alice, key="claim-alice")
    assert first["errors"] == []
    coupon = first["coupon"]
    assert coupon["status"] == "ISSUED" and coupon["member"]["id"] == str(alice)
    assert coupon["code"] != "SPRING26" and len(coupon["code"]) == 12
    assert coupon["template"] == {"publicCode": "SPRING26", "issuedCount": 1}
    replay = await claim(api, token, "SPRING26", alice, key="claim-alice")
    assert replay["coupon"]["code"] == coupon["code"]
    again = await claim(api, token, "SPRING26", alice)
    assert [(e["code"], e["field"]) for e in again["errors"]] == [
        ("COUPON_NOT_APPLICABLE", ["input", "code"])
    ]
    async with tenant_tx(tenant.ctx):
        assert await Coupon.filter(member_id=alice).count() == 1


async def test_a_per_member_limit_allows_that_many_claims(api: Api, tenant: TenantFixture) -> None:
    await template(api, tenant, publicCode="TWICE2026", perMemberLimit=2)
    member = await new_member(tenant)
    results = [await claim(api, tenant.secret_key, "TWICE2026", member) for _ in range(3)]
    assert [r["errors"] == [] for r in results] == [True, True, False]
    assert results[2]["errors"][0]["code"] == "COUPON_NOT_APPLICABLE"


async def test_twenty_members_racing_for_five_coupons_get_exactly_five(
    api: Api, tenant: TenantFixture
) -> None:
    await template(api, tenant, publicCode="FLASH5", totalLimit=5)
    members = [await new_member(tenant) for _ in range(20)]
    results = await asyncio.gather(*(claim(api, tenant.secret_key, "FLASH5", m) for m in members))
    won = [r for r in results if r["errors"] == []]
    assert len(won) == 5
    assert {r["errors"][0]["code"] for r in results if r["errors"]} == {"COUPON_NOT_APPLICABLE"}
    assert max(r["coupon"]["template"]["issuedCount"] for r in won) == 5


async def test_claims_are_refused_for_others_unknown_codes_and_other_tenants(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await template(api, tenant, publicCode="MINE2026")
    alice, bob = await new_member(tenant), await new_member(tenant)
    token = await member_token(api, tenant, alice)
    for_bob = await claim(api, token, "MINE2026", bob)
    assert [e["code"] for e in for_bob["errors"]] == ["PERMISSION_DENIED"]
    unknown = await claim(api, tenant.secret_key, "NOSUCHCODE", alice)
    assert [(e["code"], e["field"]) for e in unknown["errors"]] == [
        ("NOT_FOUND", ["input", "code"])
    ]
    stranger = await new_member(other_tenant)
    foreign = await claim(api, other_tenant.secret_key, "MINE2026", stranger)
    assert [e["code"] for e in foreign["errors"]] == ["NOT_FOUND"]
    async with tenant_tx(tenant.ctx):
        assert await Coupon.all().count() == 0


async def test_campaign_codes_are_checked_and_unique_in_a_tenant(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    base = {"name": "c", "kind": "AMOUNT_OFF", "amountOff": 100, "validDays": 7}
    assert (await create(api, tenant.owner_token, **base, publicCode="ONLY1"))["errors"] == []
    taken = await create(api, tenant.owner_token, **base, publicCode="only-1")
    assert [(e["code"], e["field"]) for e in taken["errors"]] == [
        ("INVALID", ["input", "publicCode"])
    ]
    for bad in ("AB", "SPRING 26!", "X" * 33):
        refused = await create(api, tenant.owner_token, **base, publicCode=bad)
        assert [e["field"] for e in refused["errors"]] == [["input", "publicCode"]], bad
    elsewhere = await create(api, other_tenant.owner_token, **base, publicCode="ONLY1")
    assert elsewhere["errors"] == []
