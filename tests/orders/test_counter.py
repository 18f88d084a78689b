"""What the counter relies on: the tenant's cap on paying with points, previews that show a
sale's coupons, points and problems before it is confirmed, and clerks recording sales for their
own stores only."""

from __future__ import annotations

import uuid
from typing import Any

from tests.api.test_auth import add_staff
from tests.conftest import Api, TenantFixture
from tests.coupons.test_checkout import coupon
from tests.orders.test_earning_rules import table_counts
from tests.points.test_ledger_invariants import new_member

SETTINGS = """mutation($input: UpdateEarningSettingsInput!) {
  updateEarningSettings(input: $input) {
    settings { pointsPaymentCapPercent pointValueFen } errors { code field message }
  }
}"""
ADJUST = """mutation($input: AdjustPointsInput!) {
  adjustPoints(input: $input) { errors { code field message } }
}"""
PREVIEW = """mutation($input: PreviewOrderInput!) {
  previewOrder(input: $input) {
    preview {
      pointsEarned cashPaid discountAmount pointsToSpend pointsValue maxPointsToSpend
      coupons { code name discountAmount }
      problems { code field message }
    }
    errors { code field message }
  }
}"""
RECORD = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) {
    order { externalId discountAmount pointsSpent pointsEarned member { pointsBalance } }
    errors { code field message }
  }
}"""
ASSIGN = """mutation($id: ID!, $codes: [String!]!) {
  assignStaffStores(id: $id, storeCodes: $codes) {
    staff { id stores } errors { code field message }
  }
}"""


async def _member_with_points(api: Api, tenant: TenantFixture, points: int) -> uuid.UUID:
    member = await new_member(tenant)
    variables = {
        "input": {
            "memberId": str(member),
            "points": points,
            "reason": "opening balance",
            "idempotencyKey": f"open-{member}",
        }
    }
    assert (await api(ADJUST, variables, tenant.owner_token))["adjustPoints"]["errors"] == []
    return member


async def _cap(api: Api, tenant: TenantFixture, percent: int) -> dict[str, Any]:
    data = await api(SETTINGS, {"input": {"pointsPaymentCapPercent": percent}}, tenant.owner_token)
    return data["updateEarningSettings"]  # type: ignore[no-any-return]


def _order(member: uuid.UUID, number: str, **fields: Any) -> dict[str, Any]:
    return {"externalId": number, "memberId": str(member), "amount": 10_000, **fields}


async def test_points_pay_at_most_the_tenants_cap_of_the_order_after_coupons(
    api: Api, tenant: TenantFixture
) -> None:
    assert (await _cap(api, tenant, 30))["settings"]["pointsPaymentCapPercent"] == 30
    member = await _member_with_points(api, tenant, 10_000)
    off = await coupon(api, tenant, member)  # ¥20 off: ¥80 left, 30% of it is ¥24
    before = await table_counts(tenant)
    over = await api(
        RECORD,
        {"input": _order(member, "CAP-1", couponCodes=[off], pointsToSpend=2_401)},
        tenant.secret_key,
    )
    assert over["recordOrder"]["order"] is None
    assert over["recordOrder"]["errors"] == [
        {
            "code": "INVALID",
            "field": ["input", "pointsToSpend"],
            "message": "Points may pay at most 30% of this order: 2400 points.",
        }
    ]
    assert await table_counts(tenant) == before  # nothing of the refused sale was written

    done = await api(
        RECORD,
        {"input": _order(member, "CAP-1", couponCodes=[off], pointsToSpend=2_400)},
        tenant.secret_key,
    )
    order = done["recordOrder"]["order"]
    assert done["recordOrder"]["errors"] == []
    assert (order["discountAmount"], order["pointsSpent"]) == (2_000, 2_400)
    assert order["pointsEarned"] == 56  # the cash: ¥100 - ¥20 - ¥24
    assert order["member"]["pointsBalance"] == 10_000 - 2_400 + 56


async def test_a_cap_of_zero_lets_no_points_pay_and_bad_caps_change_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    bad = await _cap(api, tenant, 101)
    assert bad["errors"] == [
        {
            "code": "INVALID",
            "field": ["input", "pointsPaymentCapPercent"],
            "message": "Must be between 0 and 100.",
        }
    ]
    settings = await api("{ pointsSettings { pointsPaymentCapPercent } }", token=tenant.owner_token)
    assert settings["pointsSettings"]["pointsPaymentCapPercent"] == 100
    assert (await _cap(api, tenant, 0))["errors"] == []
    member = await _member_with_points(api, tenant, 500)
    refused = await api(
        RECORD, {"input": _order(member, "Z-1", pointsToSpend=1)}, tenant.secret_key
    )
    assert refused["recordOrder"]["errors"][0]["message"] == (
        "Points may pay at most 0% of this order: 0 points."
    )


async def test_the_preview_shows_what_the_sale_will_record(api: Api, tenant: TenantFixture) -> None:
    await _cap(api, tenant, 50)
    member = await _member_with_points(api, tenant, 3_000)
    off = await coupon(api, tenant, member)
    preview_input = _order(member, "unused", couponCodes=[off], pointsToSpend=1_000)
    del preview_input["externalId"]
    preview = (await api(PREVIEW, {"input": preview_input}, tenant.owner_token))["previewOrder"]
    assert preview["errors"] == []
    shown = preview["preview"]
    assert shown["problems"] == []
    assert shown["coupons"] == [{"code": off, "name": "满100减20", "discountAmount": 2_000}]
    # ¥80 after the coupon, half of it in points, but the member holds 3,000
    assert (shown["discountAmount"], shown["maxPointsToSpend"]) == (2_000, 3_000)
    assert (shown["pointsToSpend"], shown["pointsValue"], shown["cashPaid"]) == (
        1_000,
        1_000,
        7_000,
    )

    recorded = await api(
        RECORD,
        {"input": _order(member, "PV-1", couponCodes=[off], pointsToSpend=1_000)},
        tenant.secret_key,
    )
    order = recorded["recordOrder"]["order"]
    assert (order["discountAmount"], order["pointsSpent"], order["pointsEarned"]) == (
        shown["discountAmount"],
        shown["pointsToSpend"],
        shown["pointsEarned"],
    )


async def test_the_preview_lists_every_reason_the_sale_would_be_refused(
    api: Api, tenant: TenantFixture
) -> None:
    await _cap(api, tenant, 10)
    member = await _member_with_points(api, tenant, 500)
    big = await coupon(api, tenant, member, minSpend=50_000)
    preview_input = {
        "memberId": str(member),
        "amount": 10_000,
        "couponCodes": [big, "NOPE2345"],
        "pointsToSpend": 1_200,
    }
    preview = (await api(PREVIEW, {"input": preview_input}, tenant.owner_token))["previewOrder"]
    problems = preview["preview"]["problems"]
    assert [(p["code"], p["field"], p["message"]) for p in problems[:3]] == [
        ("NOT_FOUND", ["input", "couponCodes", "1"], "No such coupon in this tenant."),
        (
            "COUPON_NOT_APPLICABLE",
            ["input", "couponCodes", "0"],
            "Spend at least 500.00 CNY to use this coupon.",
        ),
        (
            "COUPON_NOT_APPLICABLE",
            ["input", "couponCodes", "0"],
            "This coupon cannot be combined with other coupons.",
        ),
    ]
    assert [(p["code"], p["field"]) for p in problems[3:]] == [
        ("INSUFFICIENT_POINTS", ["input", "pointsToSpend"]),
        ("INVALID", ["input", "pointsToSpend"]),
    ]
    assert preview["preview"]["maxPointsToSpend"] == 500  # the member's balance under a ¥10 cap

    # and recordOrder refuses the same sale
    refused = await api(
        RECORD,
        {"input": {**preview_input, "externalId": "NO-1", "couponCodes": [big]}},
        tenant.secret_key,
    )
    assert refused["recordOrder"]["order"] is None
    assert refused["recordOrder"]["errors"][0]["code"] == "COUPON_NOT_APPLICABLE"


async def test_a_clerk_records_sales_for_their_own_stores_only(
    api: Api, tenant: TenantFixture
) -> None:
    email, token = await add_staff(api, tenant, "clerk")
    staff = await api("{ staff { id email stores } }", token=tenant.owner_token)
    clerk = next(s for s in staff["staff"] if s["email"] == email)
    assert clerk["stores"] == []
    assigned = await api(
        ASSIGN, {"id": clerk["id"], "codes": ["SH-001", " SH-002 ", "SH-001"]}, tenant.owner_token
    )
    assert assigned["assignStaffStores"] == {
        "staff": {"id": clerk["id"], "stores": ["SH-001", "SH-002"]},
        "errors": [],
    }
    member = await new_member(tenant)
    elsewhere = await api(RECORD, {"input": _order(member, "ST-1", storeCode="BJ-001")}, token)
    assert elsewhere["recordOrder"]["errors"] == [
        {
            "code": "PERMISSION_DENIED",
            "field": ["input", "storeCode"],
            "message": "You record sales for your stores only: SH-001, SH-002.",
        }
    ]
    nowhere = await api(RECORD, {"input": _order(member, "ST-1")}, token)
    assert nowhere["recordOrder"]["errors"][0]["code"] == "PERMISSION_DENIED"
    mine = await api(RECORD, {"input": _order(member, "ST-1", storeCode="SH-002")}, token)
    assert mine["recordOrder"]["errors"] == []

    audit = await api(
        '{ auditLog(targetType: "staff") { edges { node { action before after } } } }',
        token=tenant.owner_token,
    )
    entries = [
        e["node"] for e in audit["auditLog"]["edges"] if e["node"]["action"] == "staff.stores"
    ]
    assert entries == [
        {
            "action": "staff.stores",
            "before": {"stores": []},
            "after": {"stores": ["SH-001", "SH-002"]},
        }
    ]


async def test_store_assignments_refuse_bad_codes_and_callers_without_staff_manage(
    api: Api, tenant: TenantFixture
) -> None:
    email, token = await add_staff(api, tenant, "clerk")
    staff = await api("{ staff { id email } }", token=tenant.owner_token)
    clerk_id = next(s["id"] for s in staff["staff"] if s["email"] == email)
    bad = await api(ASSIGN, {"id": clerk_id, "codes": ["", "x" * 51]}, tenant.owner_token)
    assert [e["field"] for e in bad["assignStaffStores"]["errors"]] == [
        ["storeCodes", "0"],
        ["storeCodes", "1"],
    ]
    denied = await api(ASSIGN, {"id": clerk_id, "codes": ["SH-001"]}, token)
    assert denied["assignStaffStores"]["errors"][0]["code"] == "PERMISSION_DENIED"
    after = await api("{ staff { email stores } }", token=tenant.owner_token)
    assert next(s["stores"] for s in after["staff"] if s["email"] == email) == []
