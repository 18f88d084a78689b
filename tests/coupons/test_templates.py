"""Coupon templates through the API: the three kinds, scopes, validity, limits, bad input."""

from __future__ import annotations

from typing import Any

from tests.api.test_auth import add_staff
from tests.conftest import Api, TenantFixture

FIELDS = """id name kind amountOff percentOff maxDiscount minSpend giftSku validDays
startDelayDays validFrom validUntil skus categories stores excludedSkus excludedCategories
perMemberLimit totalLimit period periodLimit budget stackable priority maxPerOrder
issuedCount redeemedCount discountGiven"""
CREATE = f"""mutation($input: CreateCouponTemplateInput!) {{
  createCouponTemplate(input: $input) {{ template {{ {FIELDS} }} errors {{ code field message }} }}
}}"""
LIST = f"{{ couponTemplates {{ {FIELDS} }} }}"


async def create(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api(CREATE, {"input": fields}, token)
    return data["createCouponTemplate"]  # type: ignore[no-any-return]


async def test_the_three_kinds_are_created_and_listed(api: Api, tenant: TenantFixture) -> None:
    full_reduction = await create(
        api,
        tenant.owner_token,
        name="满100减20",
        kind="AMOUNT_OFF",
        amountOff=2_000,
        minSpend=10_000,
        validDays=30,
        startDelayDays=1,
        categories=["drinks", " drinks ", "bakery"],
        excludedSkus=["TOBACCO-1"],
        perMemberLimit=2,
        period="WEEK",
        periodLimit=1,
        totalLimit=10_000,
        budget=5_000_000,
    )
    assert full_reduction["errors"] == []
    template = full_reduction["template"]
    assert (template["kind"], template["amountOff"], template["minSpend"]) == (
        "AMOUNT_OFF",
        2_000,
        10_000,
    )
    assert template["categories"] == ["bakery", "drinks"]
    assert (template["period"], template["periodLimit"], template["stackable"]) == (
        "WEEK",
        1,
        False,
    )
    assert (template["issuedCount"], template["redeemedCount"], template["discountGiven"]) == (
        0,
        0,
        0,
    )
    discount = await create(
        api,
        tenant.owner_token,
        name="85折",
        kind="PERCENT_OFF",
        percentOff=15,
        maxDiscount=5_000,
        validFrom="2026-11-11T00:00:00+08:00",
        validUntil="2026-11-12T00:00:00+08:00",
        stackable=True,
        priority=5,
        maxPerOrder=2,
    )
    assert discount["errors"] == []
    assert discount["template"]["validUntil"] == "2026-11-11T16:00:00+00:00"
    gift = await create(
        api, tenant.owner_token, name="免费咖啡", kind="GIFT", giftSku="COFFEE-1", validDays=7
    )
    assert gift["errors"] == []
    listed = (await api(LIST, token=tenant.secret_key))["couponTemplates"]
    assert [t["name"] for t in listed] == ["满100减20", "85折", "免费咖啡"]


async def test_bad_templates_get_every_reason_and_nothing_is_stored(
    api: Api, tenant: TenantFixture
) -> None:
    async def fields(**template: Any) -> list[tuple[str, ...]]:
        payload = await create(api, tenant.owner_token, **template)
        assert payload["template"] is None
        return sorted(tuple(e["field"]) for e in payload["errors"])

    assert await fields(name="x", kind="PERCENT_OFF", percentOff=0, validDays=1) == [
        ("input", "percentOff")
    ]
    assert await fields(name="x", kind="PERCENT_OFF", percentOff=101, validDays=1) == [
        ("input", "percentOff")
    ]
    assert await fields(
        name="x", kind="AMOUNT_OFF", amountOff=-1, minSpend=-5, budget=0, validDays=1
    ) == [("input", "amountOff"), ("input", "budget"), ("input", "minSpend")]
    assert await fields(
        name="x",
        kind="AMOUNT_OFF",
        amountOff=100,
        validFrom="2026-11-12T00:00:00+08:00",
        validUntil="2026-11-11T00:00:00+08:00",
    ) == [("input", "validUntil")]
    assert await fields(
        name="x", kind="AMOUNT_OFF", amountOff=100, validDays=3, validUntil="2027-01-01T00:00:00Z"
    ) == [("input", "validDays")]
    assert await fields(name="x", kind="AMOUNT_OFF", validDays=3) == [("input", "amountOff")]
    assert await fields(name="x", kind="GIFT", percentOff=10, validDays=3) == [
        ("input", "giftSku"),
        ("input", "percentOff"),
    ]
    assert await fields(
        name=" ", kind="AMOUNT_OFF", amountOff=1, validDays=3, period="DAY", perMemberLimit=0
    ) == [("input", "name"), ("input", "perMemberLimit"), ("input", "period")]
    assert await fields(name="x", kind="AMOUNT_OFF", amountOff=1, validDays=3, maxPerOrder=11) == [
        ("input", "maxPerOrder")
    ]
    assert (await api(LIST, token=tenant.owner_token))["couponTemplates"] == []


async def test_messages_come_in_the_callers_language(api: Api, tenant: TenantFixture) -> None:
    response = await api.raw(
        CREATE,
        {"input": {"name": "x", "kind": "PERCENT_OFF", "percentOff": 120, "validDays": 1}},
        tenant.owner_token,
        headers={"accept-language": "zh-CN"},
    )
    errors = response.json()["data"]["createCouponTemplate"]["errors"]
    assert errors == [
        {
            "code": "INVALID",
            "field": ["input", "percentOff"],
            "message": "percentOff 须在 1 到 100 之间。",
        }
    ]


async def test_templates_belong_to_one_tenant_and_need_the_permission(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    made = await create(
        api, tenant.owner_token, name="满50减5", kind="AMOUNT_OFF", amountOff=500, validDays=3
    )
    assert made["errors"] == []
    assert (await api(LIST, token=other_tenant.owner_token))["couponTemplates"] == []
    _, clerk = await add_staff(api, tenant, "clerk")
    refused = await create(api, clerk, name="x", kind="AMOUNT_OFF", amountOff=500, validDays=3)
    assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]
    assert len((await api(LIST, token=clerk))["couponTemplates"]) == 1
