"""Changing a template: anything before its first coupon; afterwards not what coupons are worth,
and never a limit or budget below what is used; every problem at once, nothing changed; audited;
only by the programme's managers of its own tenant."""

from __future__ import annotations

from typing import Any

from membership.coupons.models import CouponTemplate
from tenants.audit import AuditEntry
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import issue_api, template
from tests.coupons.test_redeem import redeem_api
from tests.points.test_ledger_invariants import new_member

UPDATE = """mutation($id: ID!, $input: UpdateCouponTemplateInput!) {
  updateCouponTemplate(id: $id, input: $input) {
    template {
      name amountOff minSpend validDays perMemberLimit totalLimit budget stackable publicCode
      skus issuedCount
    }
    errors { code field message }
  }
}"""


async def update(api: Api, token: str, template_id: str, **changes: Any) -> dict[str, Any]:
    data = await api(UPDATE, {"id": template_id, "input": changes}, token)
    return data["updateCouponTemplate"]  # type: ignore[no-any-return]


async def test_anything_changes_before_the_first_coupon_and_is_audited(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant, perMemberLimit=2)
    changed = await update(
        api,
        tenant.owner_token,
        template_id,
        name="满200减50",
        amountOff=5_000,
        minSpend=20_000,
        skus=["TEA"],
        perMemberLimit=None,
    )
    assert changed["errors"] == []
    shown = changed["template"]
    assert (shown["name"], shown["amountOff"], shown["minSpend"], shown["skus"]) == (
        "满200减50",
        5_000,
        20_000,
        ["TEA"],
    )
    assert shown["perMemberLimit"] is None and shown["validDays"] == 30  # left out: stays
    async with tenant_tx(tenant.ctx):
        entry = await AuditEntry.get(action="coupon_template.update", target_id=template_id)
    assert entry.before == {
        "name": "满100减20",
        "amountOff": 2_000,
        "minSpend": 0,
        "skus": [],
        "perMemberLimit": 2,
    }
    assert entry.after["amountOff"] == 5_000


async def test_after_the_first_coupon_its_worth_is_fixed_but_the_rest_changes(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant, totalLimit=5, budget=10_000)
    member = await new_member(tenant)
    issued = await issue_api(api, tenant.secret_key, template_id, member, "e-1")
    code = issued["coupon"]["code"]
    assert (await redeem_api(api, tenant.secret_key, code, member, 5_000, "e-r"))["errors"] == []

    refused = await update(
        api,
        tenant.owner_token,
        template_id,
        amountOff=9_000,
        skus=["TEA"],
        totalLimit=0,
        budget=1_000,
        name="改名",
    )
    assert sorted((e["code"], e["field"][-1]) for e in refused["errors"]) == [
        ("INVALID", "amountOff"),
        ("INVALID", "budget"),
        ("INVALID", "skus"),
        ("INVALID", "totalLimit"),
    ]
    async with tenant_tx(tenant.ctx):
        stored = await CouponTemplate.get(id=template_id)
    assert (stored.name, stored.amount_off, stored.total_limit, stored.budget) == (
        "满100减20",
        2_000,
        5,
        10_000,
    )

    allowed = await update(
        api,
        tenant.owner_token,
        template_id,
        name="老客回馈",
        totalLimit=1,
        budget=2_000,
        validDays=7,
        stackable=True,
        publicCode="thanks-26",
    )
    assert allowed["errors"] == []
    assert allowed["template"] == {
        "name": "老客回馈",
        "amountOff": 2_000,
        "minSpend": 0,
        "validDays": 7,
        "perMemberLimit": None,
        "totalLimit": 1,
        "budget": 2_000,
        "stackable": True,
        "publicCode": "THANKS26",
        "skus": [],
        "issuedCount": 1,
    }


async def test_bad_changes_are_all_reported_and_refused_for_others(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant, kind="PERCENT_OFF", amountOff=None, percentOff=10)
    taken = await template(api, tenant, publicCode="TAKEN26")
    assert taken
    bad = await update(
        api, tenant.owner_token, template_id, percentOff=0, maxPerOrder=11, publicCode="taken-26"
    )
    assert sorted(e["field"][-1] for e in bad["errors"]) == ["maxPerOrder", "percentOff"]
    clash = await update(api, tenant.owner_token, template_id, publicCode="taken-26")
    assert [(e["code"], e["field"]) for e in clash["errors"]] == [
        ("INVALID", ["input", "publicCode"])
    ]
    foreign = await update(api, other_tenant.owner_token, template_id, name="x")
    assert [e["code"] for e in foreign["errors"]] == ["NOT_FOUND"]
    by_key = await update(api, tenant.secret_key, template_id, name="x")
    assert [e["code"] for e in by_key["errors"]] == ["PERMISSION_DENIED"]
    async with tenant_tx(tenant.ctx):
        stored = await CouponTemplate.get(id=template_id)
    assert (stored.percent_off, stored.max_per_order, stored.public_code, stored.name) == (
        10,
        1,
        None,
        "满100减20",
    )
