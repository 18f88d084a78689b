"""Coupons redeemed with recordOrder: stacking order and bases, scopes, exclusivity, points on
the cash after discounts, a code raced by two orders, refunds giving coupons back, and the
stacking arithmetic as properties."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from membership.coupons.models import Coupon, CouponTemplate
from membership.coupons.stacking import Line, stack
from membership.errors import DomainError, ErrorCode
from membership.orders import service as orders
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import issue_api, template
from tests.points.test_ledger_invariants import new_member

RECORD = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) {
    order { externalId amount discountAmount pointsEarned status }
    errors { code field message }
  }
}"""
REFUND = """mutation($input: RefundOrderInput!) {
  refundOrder(input: $input) { order { status } errors { code } }
}"""
ITEMS = [
    {"sku": "TEA-1", "category": "drinks", "quantity": 2, "unitPrice": 3_000},
    {"sku": "CAKE-1", "category": "bakery", "quantity": 1, "unitPrice": 4_000},
    {"sku": "TOBACCO-1", "category": "tobacco", "quantity": 1, "unitPrice": 5_000},
]  # ¥150


async def coupon(api: Api, tenant: TenantFixture, member: uuid.UUID, **fields: Any) -> str:
    template_id = await template(api, tenant, **fields)
    issued = await issue_api(api, tenant.secret_key, template_id, member, f"k-{uuid.uuid4()}")
    assert issued["errors"] == [], issued["errors"]
    return issued["coupon"]["code"]  # type: ignore[no-any-return]


async def record(
    api: Api, tenant: TenantFixture, member: uuid.UUID, number: str, codes: list[str]
) -> dict[str, Any]:
    variables = {
        "input": {
            "externalId": number,
            "memberId": str(member),
            "amount": 15_000,
            "items": ITEMS,
            "storeCode": "SH-001",
            "couponCodes": codes,
        }
    }
    return (await api(RECORD, variables, tenant.secret_key))["recordOrder"]  # type: ignore[no-any-return]


async def test_stacked_coupons_apply_in_their_order_on_the_right_base(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    # ¥20 off ¥100 of non-tobacco goods, then 10% off drinks (what is left of them)
    off = await coupon(
        api,
        tenant,
        member,
        minSpend=10_000,
        excludedCategories=["tobacco"],
        stackable=True,
        priority=5,
    )
    drinks = await coupon(
        api,
        tenant,
        member,
        kind="PERCENT_OFF",
        amountOff=None,
        percentOff=10,
        categories=["drinks"],
        stackable=True,
    )
    done = await record(api, tenant, member, f"S-{member}", [drinks, off])
    assert done["errors"] == []
    # ¥20 shared by tea ¥60 and cake ¥40 → tea ¥48; 10% of ¥48 = ¥4.80
    assert done["order"]["discountAmount"] == 2_000 + 480
    # points on the cash paid: ¥150 - ¥24.80 = ¥125.20 → 125
    assert done["order"]["pointsEarned"] == 125
    async with tenant_tx(tenant.ctx):
        redeemed = await Coupon.filter(code__in=[off, drinks]).order_by("discount_amount")
    assert [(c.status, c.discount_amount) for c in redeemed] == [
        ("REDEEMED", 480),
        ("REDEEMED", 2_000),
    ]


async def test_refused_coupons_refuse_the_whole_order_with_every_reason(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    exclusive = await coupon(api, tenant, member)
    bakery = await coupon(
        api, tenant, member, categories=["bakery"], minSpend=5_000, stackable=True
    )
    refused = await record(api, tenant, member, f"R-{member}", [exclusive, bakery, "NOPE2345"])
    assert refused["order"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("NOT_FOUND", ["input", "couponCodes", "2"])
    ]
    refused = await record(api, tenant, member, f"R-{member}", [exclusive, bakery])
    assert sorted((e["field"][2], e["message"]) for e in refused["errors"]) == [
        ("0", "This coupon cannot be combined with other coupons."),
        ("1", "Spend at least 50.00 CNY to use this coupon."),
    ]
    found = await api(
        "query($n: String!) { order(externalId: $n) { id } }",
        {"n": f"R-{member}"},
        tenant.secret_key,
    )
    assert found["order"] is None
    async with tenant_tx(tenant.ctx):
        assert await Coupon.filter(code__in=[exclusive, bakery], status="ISSUED").count() == 2


async def test_a_code_raced_by_two_orders_goes_to_one(api: Api, tenant: TenantFixture) -> None:
    member = await new_member(tenant)
    code = await coupon(api, tenant, member)

    async def attempt(n: int) -> str:
        request = orders.OrderRequest(
            external_id=f"race-{n}-{member}",
            member_id=member,
            amount=15_000,
            coupon_codes=[code],
        )
        try:
            await orders.record_order(tenant.ctx, request)
        except DomainError as exc:
            return exc.code.value
        return "ok"

    outcomes = await asyncio.gather(*(attempt(n) for n in range(5)))
    assert outcomes.count("ok") == 1
    assert outcomes.count(ErrorCode.COUPON_ALREADY_REDEEMED.value) == 4


async def test_a_full_refund_gives_the_coupon_back_and_a_replay_answers_the_first_order(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    code = await coupon(api, tenant, member, budget=2_000)
    first = await record(api, tenant, member, f"F-{member}", [code])
    assert first["order"]["discountAmount"] == 2_000
    replay = await record(api, tenant, member, f"F-{member}", [code])
    assert replay["errors"] == [] and replay["order"] == first["order"]
    refund = await api(
        REFUND,
        {"input": {"externalId": f"F-{member}", "idempotencyKey": f"rf-{member}"}},
        tenant.secret_key,
    )
    assert refund["refundOrder"]["order"]["status"] == "REFUNDED"
    async with tenant_tx(tenant.ctx):
        back = await Coupon.get(code=code)
        template_row = await CouponTemplate.get(id=back.template_id)
    assert (back.status, back.order_id, back.discount_amount) == ("ISSUED", None, None)
    assert (template_row.redeemed_count, template_row.discount_given) == (0, 0)
    again = await record(api, tenant, member, f"G-{member}", [code])  # the budget is free again
    assert again["order"]["discountAmount"] == 2_000


def _template(
    kind: str, value: int, priority: int, categories: list[str], stackable: bool = True
) -> CouponTemplate:
    return CouponTemplate(
        kind=kind,
        amount_off=value if kind == "AMOUNT_OFF" else None,
        percent_off=value % 100 + 1 if kind == "PERCENT_OFF" else None,
        max_discount=None,
        priority=priority,
        categories=categories,
        skus=[],
        stores=[],
        excluded_skus=[],
        excluded_categories=[],
        stackable=stackable,
    )


templates = st.builds(
    _template,
    kind=st.sampled_from(["AMOUNT_OFF", "PERCENT_OFF", "GIFT"]),
    value=st.integers(1, 50_000),
    priority=st.integers(-2, 2),
    categories=st.sampled_from([[], ["a"], ["b"], ["a", "b"]]),
)
lines = st.lists(
    st.builds(
        Line,
        sku=st.just("S"),
        category=st.sampled_from(["a", "b", None]),
        amount=st.integers(0, 30_000),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(chosen=st.lists(templates, min_size=1, max_size=4), order_lines=lines, data=st.data())
def test_the_total_never_exceeds_the_order_and_ignores_the_order_codes_are_given_in(
    chosen: list[CouponTemplate], order_lines: list[Line], data: st.DataObject
) -> None:
    codes = [f"CODE{n}" for n in range(len(chosen))]
    result = stack(chosen, codes, order_lines, None)
    assert 0 <= result.total <= sum(line.amount for line in order_lines)
    assert all(d >= 0 for d in result.discounts)
    permutation = data.draw(st.permutations(range(len(chosen))))
    shuffled = stack(
        [chosen[i] for i in permutation], [codes[i] for i in permutation], order_lines, None
    )
    assert shuffled.total == result.total
    for position, i in enumerate(permutation):
        assert shuffled.discounts[position] == result.discounts[i]
    assert list(itertools.accumulate(result.discounts))[-1] == result.total
