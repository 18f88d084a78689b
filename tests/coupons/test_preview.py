"""A template's live preview: the discount a draft gives on a sample order, computed as an order
would compute it, every reason it would be refused, draft errors per field, and nothing saved."""

from __future__ import annotations

from typing import Any

from membership.coupons.models import CouponTemplate
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture

PREVIEW = """mutation($input: PreviewCouponTemplateInput!) {
  previewCouponTemplate(input: $input) {
    preview {
      discountAmount eligibleAmount payableAmount
      lines { sku category amount discount eligible }
      reasons { code field message }
    }
    errors { code field message }
  }
}"""


async def preview(
    api: Api, token: str, template: dict[str, Any], amount: int, **order: Any
) -> dict[str, Any]:
    draft = {"name": "draft", "validDays": 30, **template}
    variables = {"input": {"template": draft, "amount": amount, **order}}
    return (await api(PREVIEW, variables, token))["previewCouponTemplate"]  # type: ignore[no-any-return]


async def test_percent_off_is_capped_and_split_across_the_eligible_lines(
    api: Api, tenant: TenantFixture
) -> None:
    items = [
        {"sku": "TEA", "category": "drinks", "quantity": 2, "unitPrice": 6_000},
        {"sku": "CUP", "category": "goods", "quantity": 1, "unitPrice": 8_000},
        {"sku": "GIFTCARD", "category": "cards", "quantity": 1, "unitPrice": 10_000},
    ]
    template = {
        "kind": "PERCENT_OFF",
        "percentOff": 15,
        "maxDiscount": 2_500,
        "excludedCategories": ["cards"],
    }
    result = await preview(api, tenant.owner_token, template, 30_000, items=items)
    assert result["errors"] == []
    shown = result["preview"]
    # 15% of the 200.00 in scope is 30.00, capped at 25.00; the gift card is out of scope
    assert shown["eligibleAmount"] == 20_000 and shown["discountAmount"] == 2_500
    assert shown["payableAmount"] == 27_500
    assert [(line["sku"], line["discount"], line["eligible"]) for line in shown["lines"]] == [
        ("TEA", 1_500, True),
        ("CUP", 1_000, True),
        ("GIFTCARD", 0, False),
    ]
    assert shown["reasons"] == []


async def test_minimum_spend_on_the_lines_in_scope_is_a_reason_in_the_callers_language(
    api: Api, tenant: TenantFixture
) -> None:
    template = {"kind": "AMOUNT_OFF", "amountOff": 2_000, "minSpend": 10_000, "skus": ["TEA"]}
    items = [
        {"sku": "TEA", "quantity": 1, "unitPrice": 6_000},
        {"sku": "CUP", "quantity": 1, "unitPrice": 8_000},
    ]
    response = await api.raw(
        PREVIEW,
        {
            "input": {
                "template": {"name": "tea", "validDays": 7, **template},
                "amount": 14_000,
                "items": items,
            }
        },
        tenant.owner_token,
        headers={"accept-language": "zh-CN"},
    )
    shown = response.json()["data"]["previewCouponTemplate"]["preview"]
    assert shown["discountAmount"] == 0 and shown["payableAmount"] == 14_000
    assert [(r["code"], r["message"]) for r in shown["reasons"]] == [
        ("COUPON_NOT_APPLICABLE", "消费满 100.00 CNY 才能使用该券。")
    ]
    nothing = await preview(api, tenant.owner_token, template, 8_000, items=items[1:])
    assert [r["code"] for r in nothing["preview"]["reasons"]] == ["COUPON_NOT_APPLICABLE"]


async def test_draft_errors_come_per_template_field_and_nothing_is_saved(
    api: Api, tenant: TenantFixture
) -> None:
    result = await preview(
        api, tenant.owner_token, {"kind": "PERCENT_OFF", "percentOff": 120, "minSpend": -1}, 5_000
    )
    assert result["preview"] is None
    assert sorted((e["code"], e["field"][-1]) for e in result["errors"]) == [
        ("INVALID", "minSpend"),
        ("INVALID", "percentOff"),
    ]
    assert all(e["field"][:2] == ["input", "template"] for e in result["errors"])
    bad_order = await preview(api, tenant.owner_token, {"kind": "GIFT", "giftSku": "MUG"}, 0)
    assert [e["field"] for e in bad_order["errors"]] == [["input", "amount"]]
    async with tenant_tx(tenant.ctx):
        assert await CouponTemplate.all().count() == 0


async def test_a_clerk_may_not_preview_templates(api: Api, tenant: TenantFixture) -> None:
    from tenants.staff import create_staff

    await create_staff(
        tenant.ctx, email="clerk@preview.example.com", password="clerk-pass-1", role="clerk"
    )
    login = await api(
        """mutation($slug: String!) { login(tenantSlug: $slug, email: "clerk@preview.example.com",
           password: "clerk-pass-1") { token } }""",
        {"slug": tenant.info.slug},
    )
    result = await preview(
        api, login["login"]["token"], {"kind": "AMOUNT_OFF", "amountOff": 100}, 5_000
    )
    assert [e["code"] for e in result["errors"]] == ["PERMISSION_DENIED"]
