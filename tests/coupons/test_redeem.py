"""Validating and redeeming coupons: every reason at once, discounts, once only under a race,
a budget never passed, bad input, and another tenant's codes."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from membership.coupons import redeem
from membership.coupons.models import Coupon, CouponTemplate
from membership.errors import DomainError, ErrorCode
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture, count_queries
from tests.coupons.test_issue import issue_api, template
from tests.points.test_ledger_invariants import new_member

VALIDATE = """query($code: String!, $member: ID!, $amount: Long!) {
  validateCoupon(code: $code, memberId: $member, orderAmount: $amount) {
    valid discountAmount errors { code field message }
  }
}"""
REDEEM = """mutation($input: RedeemCouponInput!) {
  redeemCoupon(input: $input) {
    coupon { code status redeemedAt template { redeemedCount discountGiven } }
    discountAmount errors { code field message }
  }
}"""


async def coupon_for(
    api: Api, tenant: TenantFixture, member: uuid.UUID, **template_fields: Any
) -> str:
    template_id = await template(api, tenant, **template_fields)
    issued = await issue_api(api, tenant.secret_key, template_id, member, f"c-{uuid.uuid4()}")
    assert issued["errors"] == [], issued["errors"]
    return issued["coupon"]["code"]  # type: ignore[no-any-return]


async def validate(
    api: Api, token: str, code: str, member: uuid.UUID, amount: int, **headers: str
) -> dict[str, Any]:
    response = await api.raw(
        VALIDATE, {"code": code, "member": str(member), "amount": amount}, token, headers=headers
    )
    return response.json()["data"]["validateCoupon"]  # type: ignore[no-any-return]


async def redeem_api(
    api: Api, token: str, code: str, member: uuid.UUID, amount: int, key: str
) -> dict[str, Any]:
    variables = {
        "input": {
            "code": code,
            "memberId": str(member),
            "orderAmount": amount,
            "idempotencyKey": key,
        }
    }
    return (await api(REDEEM, variables, token))["redeemCoupon"]  # type: ignore[no-any-return]


async def test_validation_gives_the_discount_or_every_reason(
    api: Api, tenant: TenantFixture
) -> None:
    alice, bob = await new_member(tenant), await new_member(tenant)
    code = await coupon_for(api, tenant, alice, minSpend=10_000)
    ok = await validate(api, tenant.secret_key, code, alice, 12_000)
    assert ok == {"valid": True, "discountAmount": 2_000, "errors": []}
    both = await validate(api, tenant.secret_key, code, bob, 5_000, **{"accept-language": "zh-CN"})
    assert both["valid"] is False and both["discountAmount"] == 0
    assert [(e["code"], e["message"]) for e in both["errors"]] == [
        ("COUPON_NOT_APPLICABLE", "该券属于其他会员。"),
        ("COUPON_NOT_APPLICABLE", "消费满 100.00 CNY 才能使用该券。"),
    ]
    later = await coupon_for(api, tenant, alice, startDelayDays=2)
    early = await validate(api, tenant.secret_key, later, alice, 5_000)
    assert early["errors"][0]["message"].startswith("This coupon is valid from ")
    unknown = await validate(api, tenant.secret_key, "NOPE2345", alice, 5_000)
    assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"]
    negative = await validate(api, tenant.secret_key, code, alice, -1)
    assert [(e["code"], e["field"]) for e in negative["errors"]] == [("INVALID", ["orderAmount"])]


async def test_percent_off_rounds_down_and_stops_at_its_cap() -> None:
    twenty = CouponTemplate(kind="PERCENT_OFF", percent_off=15, max_discount=5_000)
    assert redeem.discount_for(twenty, 999) == 149  # 149.85 rounded down
    assert redeem.discount_for(twenty, 50_000) == 5_000  # 7,500 capped
    ten_off = CouponTemplate(kind="AMOUNT_OFF", amount_off=1_000)
    assert redeem.discount_for(ten_off, 600) == 600  # never below zero
    assert redeem.discount_for(CouponTemplate(kind="GIFT", gift_sku="X"), 600) == 0


async def test_a_coupon_is_redeemed_once_and_replays_answer_the_same(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    code = await coupon_for(api, tenant, member, kind="PERCENT_OFF", amountOff=None, percentOff=20)
    first = await redeem_api(api, tenant.secret_key, code, member, 8_800, f"r-{member}")
    assert first["errors"] == [] and first["discountAmount"] == 1_760
    assert first["coupon"]["status"] == "REDEEMED"
    assert first["coupon"]["template"] == {"redeemedCount": 1, "discountGiven": 1_760}
    again = await redeem_api(api, tenant.secret_key, code, member, 8_800, f"r-{member}")
    assert again["discountAmount"] == 1_760 and again["coupon"]["template"]["redeemedCount"] == 1
    second = await redeem_api(api, tenant.secret_key, code, member, 8_800, f"r2-{member}")
    assert [(e["code"], e["field"]) for e in second["errors"]] == [
        ("COUPON_ALREADY_REDEEMED", ["input", "code"])
    ]
    reused = await redeem_api(api, tenant.secret_key, code, member, 9_000, f"r-{member}")
    assert [e["code"] for e in reused["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]


async def test_ten_simultaneous_redemptions_of_one_code_let_exactly_one_through(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    code = await coupon_for(api, tenant, member)

    async def attempt(n: int) -> str:
        try:
            await redeem.redeem_coupon(
                tenant.ctx, code=code, member_id=member, amount=5_000, idempotency_key=f"{code}-{n}"
            )
        except DomainError as exc:
            return exc.code.value
        return "ok"

    outcomes = await asyncio.gather(*(attempt(n) for n in range(10)))
    assert outcomes.count("ok") == 1
    assert outcomes.count(ErrorCode.COUPON_ALREADY_REDEEMED.value) == 9
    async with tenant_tx(tenant.ctx):
        coupon = await Coupon.get(code=code)
        template_row = await CouponTemplate.get(id=coupon.template_id)
    assert (template_row.redeemed_count, template_row.discount_given) == (1, 2_000)


async def test_a_budget_is_never_passed_under_concurrency(api: Api, tenant: TenantFixture) -> None:
    template_id = await template(api, tenant, amountOff=1_000, budget=3_000)
    members = [await new_member(tenant) for _ in range(6)]
    codes = []
    for member in members:
        issued = await issue_api(api, tenant.secret_key, template_id, member, f"b-{member}")
        codes.append(issued["coupon"]["code"])

    async def attempt(member: uuid.UUID, code: str) -> str:
        try:
            await redeem.redeem_coupon(
                tenant.ctx, code=code, member_id=member, amount=5_000, idempotency_key=f"b-{code}"
            )
        except DomainError as exc:
            return exc.code.value
        return "ok"

    outcomes = await asyncio.gather(*(attempt(m, c) for m, c in zip(members, codes, strict=True)))
    assert outcomes.count("ok") == 3
    assert outcomes.count(ErrorCode.COUPON_NOT_APPLICABLE.value) == 3
    async with tenant_tx(tenant.ctx):
        row = await CouponTemplate.get(id=uuid.UUID(template_id))
        assert (row.redeemed_count, row.discount_given) == (3, 3_000)
        assert await Coupon.filter(template_id=row.id, status="REDEEMED").count() == 3


async def test_bad_input_and_another_tenants_codes_change_nothing(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    code = await coupon_for(api, tenant, member)
    negative = await redeem_api(api, tenant.secret_key, code, member, -5, "neg")
    assert [(e["code"], e["field"]) for e in negative["errors"]] == [
        ("INVALID", ["input", "orderAmount"])
    ]
    theirs = await new_member(other_tenant)
    foreign = await redeem_api(api, other_tenant.secret_key, code, theirs, 5_000, "foreign")
    assert [e["code"] for e in foreign["errors"]] == ["NOT_FOUND"]
    looked = await validate(api, other_tenant.secret_key, code, theirs, 5_000)
    assert [e["code"] for e in looked["errors"]] == ["NOT_FOUND"]
    still = await validate(api, tenant.secret_key, code, member, 5_000)
    assert still["valid"] is True


async def test_simultaneous_redemptions_of_one_campaign_are_all_counted(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant)
    members = [await new_member(tenant) for _ in range(10)]
    codes = []
    for member in members:
        issued = await issue_api(api, tenant.secret_key, template_id, member, f"i-{member}")
        codes.append(issued["coupon"]["code"])
    results = await asyncio.gather(
        *(
            redeem_api(api, tenant.secret_key, code, member, 5_000, f"r-{member}")
            for code, member in zip(codes, members, strict=True)
        )
    )
    assert all(r["errors"] == [] for r in results)
    async with tenant_tx(tenant.ctx):
        counted = await CouponTemplate.get(id=template_id)
    assert (counted.redeemed_count, counted.discount_given) == (10, 20_000)


async def test_validation_reads_the_member_coupon_and_template_in_one_statement(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    code = await coupon_for(api, tenant, member, kind="AMOUNT_OFF", amountOff=500)
    with count_queries() as counter:
        result = await redeem.validate_coupon(
            tenant.ctx, code=code, member_id=member, amount=10_000
        )
    assert result.valid and result.discount == 500
    assert len(counter.queries) == 1, counter.queries
    with count_queries() as counter, pytest.raises(DomainError) as refused:
        await redeem.validate_coupon(tenant.ctx, code=code, member_id=uuid.uuid4(), amount=10_000)
    assert refused.value.field == ["memberId"] and len(counter.queries) == 1


async def test_a_redemption_is_one_read_and_one_write(api: Api, tenant: TenantFixture) -> None:
    member = await new_member(tenant)
    code = await coupon_for(api, tenant, member, kind="AMOUNT_OFF", amountOff=500)
    with count_queries() as counter:
        done = await redeem.redeem_coupon(
            tenant.ctx, code=code, member_id=member, amount=10_000, idempotency_key=f"k-{code}"
        )
    assert done.discount == 500 and not done.replayed
    assert len(counter.queries) == 2, counter.queries
    again = await redeem.redeem_coupon(
        tenant.ctx, code=code, member_id=member, amount=10_000, idempotency_key=f"k-{code}"
    )
    assert again.replayed and again.coupon.id == done.coupon.id and again.discount == 500
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT (SELECT redeemed_count FROM coupon_templates WHERE id = $1) AS used, "
            "(SELECT count(*) FROM outbox WHERE type = 'coupon.redeemed' AND member_id = $2) "
            "AS events, (SELECT result_id FROM idempotency_keys WHERE key = $3) AS first",
            [done.coupon.template_id, member, f"k-{code}"],
        )
    assert dict(rows[0]) == {"used": 1, "events": 1, "first": done.coupon.id}
