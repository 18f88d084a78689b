"""The mall's settlement with its stores (storeSettlement and its spreadsheet) and free parking
by tier, through the API, from real orders, points payments across stores (通兑) and refunds."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from plugins.api import setup
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.plugins.test_mall_preset import clerk_token, enabled, new_member

SETTLEMENT = """query($from: Date!, $until: Date!) {
  storeSettlement(from: $from, until: $until) {
    storeCode storeName pointsIssued pointsRedeemed pointsIssuedValue pointsRedeemedValue net } }"""
RECORD = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { pointsEarned pointsSpent } errors { code field } } }"""
REFUND = """mutation($input: RefundOrderInput!) {
  refundOrder(input: $input) { order { pointsReversed pointsReturned } errors { code } } }"""
POINT_VALUE = """mutation($value: Float!) {
  updateEarningSettings(input: {pointValueFen: $value}) { errors { code } } }"""
SAVE_STORE = """mutation($input: SaveMallStoreInput!) {
  saveMallStore(input: $input) { errors { code } } }"""
PARKING = """query($id: ID!) {
  mallParkingBenefit(memberId: $id) { memberId tierName hours date } }"""
MEMBER_TOKEN = """mutation($memberId: ID!) {
  createMemberToken(memberId: $memberId) { token errors { code } } }"""
SUBMIT = """mutation($input: SubmitReceiptInput!) {
  submitReceipt(input: $input) { receipt { id } errors { code } } }"""
ZONE = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(ZONE).date()


def period(days_before: int = 1, days_after: int = 1) -> dict[str, str]:
    return {
        "from": (today() - timedelta(days=days_before)).isoformat(),
        "until": (today() + timedelta(days=days_after)).isoformat(),
    }


async def order(
    api: Api, tenant: TenantFixture, member: str, amount: int, store: str | None, spend: int = 0
) -> tuple[str, dict[str, Any]]:
    external_id = f"ORD-{uuid.uuid4().hex[:10]}"
    input = {"externalId": external_id, "memberId": member, "amount": amount, "storeCode": store}
    if spend:
        input["pointsToSpend"] = spend
    result = (await api(RECORD, {"input": input}, tenant.secret_key))["recordOrder"]
    assert result["errors"] == [], result["errors"]
    return external_id, result["order"]


async def refund(
    api: Api, tenant: TenantFixture, external_id: str, amount: int | None = None
) -> dict[str, Any]:
    input = {"externalId": external_id, "amount": amount, "idempotencyKey": uuid.uuid4().hex}
    result = (await api(REFUND, {"input": input}, tenant.secret_key))["refundOrder"]
    assert result["errors"] == [], result["errors"]
    return result["order"]  # type: ignore[no-any-return]


def fen(points: int, value: str) -> int:
    return int((Decimal(points) * Decimal(value)).to_integral_value(rounding=ROUND_HALF_UP))


async def trading_mall(api: Api, tenant: TenantFixture) -> dict[str, dict[str, int]]:
    """Sales at three stores, one paid partly with points earned at another (通兑), one
    refunded in half and one paid with points refunded whole, a sale without a store, and a
    store without sales; returns the expected points by store."""
    await enabled(api, tenant)
    saved = await api(SAVE_STORE, {"input": {"code": "D401", "name": "空铺"}}, tenant.owner_token)
    assert saved["saveMallStore"]["errors"] == []
    alice, bob = await new_member(api, tenant), await new_member(api, tenant)
    _, a101 = await order(api, tenant, alice, 10_000, "A101")
    _, b201 = await order(api, tenant, alice, 5_000, "B201", spend=30)  # 通兑: A101's points
    c301_id, c301 = await order(api, tenant, bob, 20_000, "C301")
    b201_refunded_id, b201_refunded = await order(api, tenant, alice, 3_000, "B201", spend=20)
    await order(api, tenant, bob, 4_000, None)  # no store: not the mall's to settle
    half = await refund(api, tenant, c301_id, 10_000)
    whole = await refund(api, tenant, b201_refunded_id)
    assert half["pointsReversed"] == c301["pointsEarned"] // 2 > 0
    assert whole["pointsReturned"] == 20
    assert whole["pointsReversed"] == b201_refunded["pointsEarned"]
    return {
        "A101": {"issued": a101["pointsEarned"], "redeemed": 0},
        "B201": {"issued": b201["pointsEarned"], "redeemed": 30},
        "C301": {"issued": c301["pointsEarned"] - half["pointsReversed"], "redeemed": 0},
        "D401": {"issued": 0, "redeemed": 0},
    }


# ---------------------------------------------------------------- storeSettlement


async def test_points_issued_and_redeemed_per_store_net_of_refunds(
    api: Api, tenant: TenantFixture
) -> None:
    expected = await trading_mall(api, tenant)
    rows = (await api(SETTLEMENT, period(), tenant.owner_token))["storeSettlement"]
    assert [r["storeCode"] for r in rows] == ["A101", "B201", "C301", "D401"]
    got = {
        r["storeCode"]: {"issued": r["pointsIssued"], "redeemed": r["pointsRedeemed"]} for r in rows
    }
    assert got == expected
    assert expected["A101"]["issued"] == 100 and expected["C301"]["issued"] > 0


async def test_values_and_net_are_at_the_point_value_signed_for_the_store(
    api: Api, tenant: TenantFixture
) -> None:
    expected = await trading_mall(api, tenant)
    changed = await api(POINT_VALUE, {"value": 0.5}, tenant.owner_token)
    assert changed["updateEarningSettings"]["errors"] == []
    rows = (await api(SETTLEMENT, period(), tenant.owner_token))["storeSettlement"]
    for row in rows:
        points = expected[row["storeCode"]]
        assert row["pointsIssuedValue"] == fen(points["issued"], "0.5")
        assert row["pointsRedeemedValue"] == fen(points["redeemed"], "0.5")
        # positive: the mall pays the store (it took points); negative: the store pays the mall
        assert row["net"] == row["pointsRedeemedValue"] - row["pointsIssuedValue"]
    by_code = {r["storeCode"]: r for r in rows}
    assert by_code["A101"]["net"] == -50  # issued 100 points at ¥0.005: owes the mall ¥0.50
    assert by_code["D401"] == {
        "storeCode": "D401",
        "storeName": "空铺",
        "pointsIssued": 0,
        "pointsRedeemed": 0,
        "pointsIssuedValue": 0,
        "pointsRedeemedValue": 0,
        "net": 0,
    }


async def test_a_period_without_the_entries_shows_zeros(api: Api, tenant: TenantFixture) -> None:
    await trading_mall(api, tenant)
    before = {
        "from": (today() - timedelta(days=30)).isoformat(),
        "until": (today() - timedelta(days=2)).isoformat(),
    }
    rows = (await api(SETTLEMENT, before, tenant.owner_token))["storeSettlement"]
    assert {(r["pointsIssued"], r["pointsRedeemed"], r["net"]) for r in rows} == {(0, 0, 0)}


async def test_bad_ranges_are_refused(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    for variables in (
        {"from": "2026-03-02", "until": "2026-03-01"},  # ends before it starts
        {"from": "2025-01-01", "until": "2026-01-02"},  # 367 days
    ):
        response = await api.raw(SETTLEMENT, variables, tenant.owner_token)
        errors = response.json()["errors"]
        assert errors[0]["extensions"]["code"] == "INVALID", errors
    leap_year = {"from": "2024-01-01", "until": "2024-12-31"}  # 366 days: allowed
    assert len((await api(SETTLEMENT, leap_year, tenant.owner_token))["storeSettlement"]) == 3


async def test_settlement_needs_programme_manage(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    response = await api.raw(SETTLEMENT, period(), await clerk_token(api, tenant))
    assert response.json()["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_receipt_points_earned_at_one_store_are_spent_at_another_each_entry_its_store(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    member = await new_member(api, tenant)
    receipt = (
        await api(
            SUBMIT,
            {
                "input": {
                    "memberId": member,
                    "storeCode": "A101",
                    "receiptNo": "R-9",
                    "amount": 10_000,
                    "imageUrl": "https://img.example.com/9.jpg",
                    "idempotencyKey": uuid.uuid4().hex,
                }
            },
            tenant.secret_key,
        )
    )["submitReceipt"]["receipt"]
    approved = await api(
        "mutation($id: ID!) { reviewReceipt(id: $id, approve: true) { errors { code } } }",
        {"id": receipt["id"]},
        tenant.owner_token,
    )
    assert approved["reviewReceipt"]["errors"] == []
    _, spent = await order(api, tenant, member, 6_000, "B201", spend=70)
    assert spent["pointsSpent"] == 70
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT e.kind, e.points, o.store_code FROM points_entries e "
            "JOIN orders o ON o.id = e.order_id ORDER BY e.created_at, e.kind"
        )
    entries = {(r["kind"], int(r["points"]), r["store_code"]) for r in rows}
    assert ("EARN", 100, "A101") in entries and ("SPEND", -70, "B201") in entries
    settled = {
        r["storeCode"]: (r["pointsIssued"], r["pointsRedeemed"])
        for r in (await api(SETTLEMENT, period(), tenant.owner_token))["storeSettlement"]
    }
    assert settled["A101"] == (100, 0)
    assert settled["B201"] == (spent["pointsEarned"], 70)


# ---------------------------------------------------------------- the spreadsheet


async def download(
    api: Api, token: str | None, variables: dict[str, str]
) -> tuple[int, bytes, dict[str, str]]:
    headers = {} if token is None else {"authorization": f"Bearer {token}"}
    response = await api.client.get(
        "/plugin-api/mall/settlement.xlsx", params=variables, headers=headers
    )
    return response.status_code, response.content, dict(response.headers)


async def test_the_spreadsheet_has_the_rows_with_chinese_headers_and_totals(
    api: Api, tenant: TenantFixture
) -> None:
    await trading_mall(api, tenant)
    await api(POINT_VALUE, {"value": 0.5}, tenant.owner_token)
    rows = (await api(SETTLEMENT, period(), tenant.owner_token))["storeSettlement"]
    status, body, headers = await download(api, tenant.owner_token, period())
    assert status == 200 and headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in headers["content-disposition"]
    sheet = load_workbook(BytesIO(body)).active
    assert sheet is not None
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert cells[0] == [
        "商户编码",
        "商户名称",
        "发放积分",
        "兑付积分",
        "发放积分价值（元）",
        "兑付积分价值（元）",
        "结算净额（元）",
    ]
    assert len(cells) == 1 + len(rows) + 1
    for line, row in zip(cells[1:-1], rows, strict=True):
        assert line[:4] == [
            row["storeCode"],
            row["storeName"],
            row["pointsIssued"],
            row["pointsRedeemed"],
        ]
        for cell, value in zip(
            line[4:], ("pointsIssuedValue", "pointsRedeemedValue", "net"), strict=True
        ):
            assert round(Decimal(str(cell)) * 100) == row[value]
    total = cells[-1]
    assert total[0] == "合计"
    assert total[2] == sum(r["pointsIssued"] for r in rows)
    assert total[3] == sum(r["pointsRedeemed"] for r in rows)
    assert round(Decimal(str(total[6])) * 100) == sum(r["net"] for r in rows)
    assert all(
        sheet.cell(row=r, column=c).number_format == "#,##0.00"
        for r in range(2, len(cells) + 1)
        for c in (5, 6, 7)
    )


async def test_the_spreadsheet_refuses_a_bad_range(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    status, body, _ = await download(
        api, tenant.owner_token, {"from": "2026-03-02", "until": "2026-03-01"}
    )
    assert status == 400 and b"INVALID" in body
    status, body, _ = await download(api, tenant.owner_token, {"from": "March", "until": ""})
    assert status == 400 and b"from" in body


async def test_a_tenant_without_the_preset_is_denied_naming_mall(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    response = await api.raw(SETTLEMENT, period(), other_tenant.owner_token)
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "PERMISSION_DENIED" and "mall" in str(errors)
    status, body, _ = await download(api, other_tenant.owner_token, period())
    assert status == 403 and b"mall" in body
    member = await new_member(api, other_tenant)
    parking = await api.raw(PARKING, {"id": member}, other_tenant.secret_key)
    assert "PERMISSION_DENIED" in str(parking.json()["errors"]) and "mall" in parking.text
    status, _, _ = await download(api, None, period())
    assert status == 401


# ---------------------------------------------------------------- parking


async def with_tier(tenant: TenantFixture, member: str, name: str, rank: int) -> None:
    made = await setup.ensure_tier(tenant.ctx, setup.TierSpec(name=name, rank=rank, threshold=rank))
    async with tenant_tx(tenant.ctx) as conn:
        await conn.execute_query(
            "UPDATE members SET tier_id = $1 WHERE id = $2", [made.id, uuid.UUID(member)]
        )


async def test_parking_hours_follow_the_members_tier(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant, {"parking_hours_by_tier": {"普卡": 1, "金卡": 3, "钻石": 6}})
    gold, plain, untiered = [await new_member(api, tenant) for _ in range(3)]
    await with_tier(tenant, gold, "金卡", 2)
    await with_tier(tenant, plain, "银卡", 1)  # a tier the mall gives no parking
    benefit = (await api(PARKING, {"id": gold}, tenant.secret_key))["mallParkingBenefit"]
    assert benefit == {
        "memberId": gold,
        "tierName": "金卡",
        "hours": 3,
        "date": today().isoformat(),
    }
    silver = (await api(PARKING, {"id": plain}, tenant.secret_key))["mallParkingBenefit"]
    assert (silver["tierName"], silver["hours"]) == ("银卡", 0)
    none = (await api(PARKING, {"id": untiered}, tenant.secret_key))["mallParkingBenefit"]
    assert (none["tierName"], none["hours"]) == (None, 0)


async def test_the_default_hours_and_a_member_token_asking_for_itself(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    member, other = await new_member(api, tenant), await new_member(api, tenant)
    await with_tier(tenant, member, "钻石", 3)
    made = await api(MEMBER_TOKEN, {"memberId": member}, tenant.secret_key)
    token = made["createMemberToken"]["token"]
    mine = (await api(PARKING, {"id": member}, token))["mallParkingBenefit"]
    assert (mine["tierName"], mine["hours"]) == ("钻石", 5)
    assert (await api(PARKING, {"id": other}, token))["mallParkingBenefit"] is None


async def test_parking_hours_are_bounded_in_the_configuration(
    api: Api, tenant: TenantFixture
) -> None:
    response = await api.raw(
        """mutation($config: JSON) { enablePlugin(name: "mall", config: $config) {
          errors { code field } } }""",
        {"config": {"parking_hours_by_tier": {"金卡": 25}}},
        tenant.owner_token,
    )
    assert response.json()["data"]["enablePlugin"]["errors"][0]["code"] == "INVALID"
