"""Orders: earning, idempotent recording, points as payment, refunds and the debt policy."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import pytest

from membership.errors import DomainError, ErrorCode
from membership.members.models import Member
from membership.orders import service as orders
from membership.points import service as points
from membership.tiers.models import Tier
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.points.test_ledger_invariants import assert_invariant, ledger_state, new_member


async def record(
    tenant: TenantFixture, member: uuid.UUID, external_id: str, amount: int, spend: int = 0
) -> orders.OrderResult:
    return await orders.record_order(
        tenant.ctx,
        orders.OrderRequest(
            external_id=external_id,
            member_id=member,
            amount=amount,
            points_to_spend=spend,
            store_code="SH-001",
            items=[orders.OrderItem("SKU-1", 1, amount)],
        ),
    )


async def member_row(tenant: TenantFixture, member: uuid.UUID) -> Member:
    async with tenant_tx(tenant.ctx):
        return await Member.get(id=member)


async def test_an_order_earns_by_the_base_rate_and_tier_and_updates_totals(
    tenant: TenantFixture,
) -> None:
    async with tenant_tx(tenant.ctx):
        gold = await Tier.create(
            id=uuid.uuid4(),
            tenant_id=tenant.info.id,
            name="金卡",
            rank=0,
            metric="SPEND",
            threshold=0,
            points_multiplier=Decimal("2"),
        )
    from membership.tiers.service import forget_catalogue

    forget_catalogue(tenant.info.id)
    member = await new_member(tenant)
    assert (await member_row(tenant, member)).tier_id == gold.id
    result = await record(tenant, member, f"A-{member}", 12_345)
    assert result.order.points_earned == 246  # ¥123.45 × 1 × 2, rounded down
    applied = result.order.earning["rules"]
    assert [r["kind"] for r in applied] == ["BASE_RATE", "TIER_MULTIPLIER"]
    assert (applied[0]["pointsPerYuan"], applied[1]["multiplier"]) == ("1", "2")
    row = await member_row(tenant, member)
    assert (row.total_spent, row.order_count, row.points_balance) == (12_345, 1, 246)
    assert_invariant(await ledger_state(tenant, member), 246)


async def test_recording_an_order_number_twice_records_it_once(tenant: TenantFixture) -> None:
    member = await new_member(tenant)
    results = await asyncio.gather(
        *(record(tenant, member, f"B-{member}", 5_000) for _ in range(20))
    )
    assert len({r.order.id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    row = await member_row(tenant, member)
    assert (row.order_count, row.points_balance) == (1, 50)
    with pytest.raises(DomainError) as changed:
        await record(tenant, member, f"B-{member}", 6_000)
    assert changed.value.code is ErrorCode.IDEMPOTENCY_KEY_REUSED


async def test_points_to_spend_fail_the_whole_order_when_short(tenant: TenantFixture) -> None:
    member = await new_member(tenant)
    await points.adjust(
        tenant.ctx, member_id=member, points=100, reason="gift", idempotency_key=f"g-{member}"
    )
    with pytest.raises(DomainError) as short:
        await record(tenant, member, f"C-{member}", 10_000, spend=101)
    assert short.value.code is ErrorCode.INSUFFICIENT_POINTS
    async with tenant_tx(tenant.ctx):
        assert not await orders.Order.filter(external_id=f"C-{member}").exists()
    row = await member_row(tenant, member)
    assert (row.order_count, row.points_balance, row.total_spent) == (0, 100, 0)

    paid = await record(tenant, member, f"C2-{member}", 10_000, spend=100)
    # 100 points pay ¥1.00; the other ¥99.00 earns 99 points
    assert (paid.order.points_spent, paid.order.points_earned) == (100, 99)
    assert_invariant(await ledger_state(tenant, member), 99)


async def test_partial_then_full_refund_claws_back_and_returns_in_proportion(
    tenant: TenantFixture,
) -> None:
    member = await new_member(tenant)
    await points.adjust(
        tenant.ctx, member_id=member, points=300, reason="gift", idempotency_key=f"g-{member}"
    )
    order = (await record(tenant, member, f"D-{member}", 30_000, spend=300)).order
    assert order.points_earned == 297  # ¥297 of cash
    balance = 297
    third = await orders.refund_order(
        tenant.ctx, external_id=order.external_id, amount=10_000, idempotency_key=f"r1-{member}"
    )
    assert third.order.status == "PARTIALLY_REFUNDED"
    assert (third.order.points_returned, third.order.points_reversed) == (100, 99)
    balance += 100 - 99
    assert_invariant(await ledger_state(tenant, member), balance)
    replay = await orders.refund_order(
        tenant.ctx, external_id=order.external_id, amount=10_000, idempotency_key=f"r1-{member}"
    )
    assert replay.replayed and replay.order.refunded_amount == 10_000

    rest = await orders.refund_order(
        tenant.ctx, external_id=order.external_id, amount=None, idempotency_key=f"r2-{member}"
    )
    assert rest.order.status == "REFUNDED"
    assert (rest.order.points_returned, rest.order.points_reversed) == (300, 297)
    row = await member_row(tenant, member)
    assert (row.points_balance, row.total_spent, row.order_count, row.points_debt) == (300, 0, 0, 0)
    assert row.last_order_at is None
    assert_invariant(await ledger_state(tenant, member), 300)

    with pytest.raises(DomainError) as more:
        await orders.refund_order(
            tenant.ctx, external_id=order.external_id, amount=1, idempotency_key=f"r3-{member}"
        )
    assert more.value.code is ErrorCode.INVALID and more.value.field == ["input", "amount"]


async def test_points_spent_before_a_refund_become_a_debt_repaid_by_later_earnings(
    tenant: TenantFixture,
) -> None:
    member = await new_member(tenant)
    order = (await record(tenant, member, f"E-{member}", 50_000)).order  # earns 500
    await points.spend(
        tenant.ctx, member_id=member, points=450, reason="redeem", idempotency_key=f"s-{member}"
    )
    await orders.refund_order(
        tenant.ctx, external_id=order.external_id, amount=None, idempotency_key=f"r-{member}"
    )
    row = await member_row(tenant, member)
    assert (row.points_balance, row.points_debt) == (0, 450)
    assert_invariant(await ledger_state(tenant, member), 0)

    await record(tenant, member, f"F-{member}", 60_000)  # earns 600, repays 450 first
    row = await member_row(tenant, member)
    assert (row.points_balance, row.points_debt) == (150, 0)
    assert_invariant(await ledger_state(tenant, member), 150)


async def test_a_refund_racing_a_spend_never_lets_points_be_used_twice(
    tenant: TenantFixture,
) -> None:
    member = await new_member(tenant)
    order = (await record(tenant, member, f"G-{member}", 20_000)).order  # earns 200

    async def spend_all() -> str:
        try:
            await points.spend(
                tenant.ctx,
                member_id=member,
                points=200,
                reason="race",
                idempotency_key=f"race-{member}",
            )
        except DomainError as exc:
            return exc.code.value
        return "SPENT"

    async def refund() -> str:
        await orders.refund_order(
            tenant.ctx,
            external_id=order.external_id,
            amount=None,
            idempotency_key=f"race-r-{member}",
        )
        return "REFUNDED"

    outcomes = await asyncio.gather(spend_all(), refund())
    row = await member_row(tenant, member)
    if outcomes[0] == "SPENT":  # the spend went first: the refund left a debt
        assert (row.points_balance, row.points_debt) == (0, 200)
    else:  # the refund went first: nothing was left to spend
        assert outcomes[0] == "INSUFFICIENT_POINTS"
        assert (row.points_balance, row.points_debt) == (0, 0)
    assert_invariant(await ledger_state(tenant, member), 0)


async def test_orders_through_the_api_and_bad_input(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    member = str(await new_member(tenant))
    record_q = """mutation($input: RecordOrderInput!) { recordOrder(input: $input) {
        order { externalId amount pointsEarned pointsSpent status member { id pointsBalance } }
        errors { code field message } } }"""
    refund_q = """mutation($input: RefundOrderInput!) { refundOrder(input: $input) {
        order { status refundedAmount } errors { code field } } }"""
    ok = (
        await api(
            record_q,
            {
                "input": {
                    "externalId": "POS-1",
                    "memberId": member,
                    "amount": 8_800,
                    "storeCode": "SH-001",
                    "items": [{"sku": "TEA", "quantity": 2, "unitPrice": 4_400}],
                }
            },
            tenant.secret_key,
        )
    )["recordOrder"]
    assert ok["errors"] == []
    assert ok["order"]["pointsEarned"] == 88 and ok["order"]["member"]["pointsBalance"] == 88
    found = await api('{ order(externalId: "POS-1") { amount status } }', token=tenant.secret_key)
    assert found["order"] == {"amount": 8_800, "status": "COMPLETED"}
    foreign = await api('{ order(externalId: "POS-1") { id } }', token=other_tenant.secret_key)
    assert foreign["order"] is None

    bad = (
        await api(
            record_q,
            {
                "input": {
                    "externalId": "POS-2",
                    "memberId": member,
                    "amount": -5,
                    "items": [{"sku": " ", "quantity": 0, "unitPrice": 1}],
                }
            },
            tenant.secret_key,
        )
    )["recordOrder"]
    assert sorted(tuple(e["field"]) for e in bad["errors"]) == [
        ("input", "amount"),
        ("input", "items", "0", "quantity"),
        ("input", "items", "0", "sku"),
    ]
    huge = await api.raw(
        record_q,
        {"input": {"externalId": "POS-3", "memberId": member, "amount": 2**63}},
        tenant.secret_key,
    )
    assert huge.json()["errors"] and huge.json()["data"] is None  # past BIGINT: never reaches SQL
    past_safe = await api(
        record_q,
        {"input": {"externalId": "POS-3", "memberId": member, "amount": 2**63 - 1}},
        tenant.secret_key,
    )
    assert past_safe["recordOrder"]["errors"][0]["field"] == ["input", "amount"]
    zero = await api(
        refund_q,
        {"input": {"externalId": "POS-1", "amount": 0, "idempotencyKey": "k0"}},
        tenant.secret_key,
    )
    assert zero["refundOrder"]["errors"] == [{"code": "INVALID", "field": ["input", "amount"]}]
    assert (await api('{ order(externalId: "POS-3") { id } }', token=tenant.secret_key))[
        "order"
    ] is None
    too_much = (
        await api(
            refund_q,
            {"input": {"externalId": "POS-1", "amount": 9_000, "idempotencyKey": "k1"}},
            tenant.secret_key,
        )
    )["refundOrder"]
    assert too_much["errors"] == [{"code": "INVALID", "field": ["input", "amount"]}]
    unknown = (
        await api(
            refund_q, {"input": {"externalId": "NOPE", "idempotencyKey": "k2"}}, tenant.secret_key
        )
    )["refundOrder"]
    assert unknown["errors"][0]["code"] == "NOT_FOUND"
    theirs = (
        await api(
            refund_q,
            {"input": {"externalId": "POS-1", "idempotencyKey": "k3"}},
            other_tenant.secret_key,
        )
    )["refundOrder"]
    assert theirs["errors"][0]["code"] == "NOT_FOUND"
    full = (
        await api(
            refund_q, {"input": {"externalId": "POS-1", "idempotencyKey": "k4"}}, tenant.secret_key
        )
    )["refundOrder"]
    assert full["order"] == {"status": "REFUNDED", "refundedAmount": 8_800}


async def test_points_liability_in_money_for_the_tenant_and_per_store(
    api: Api, tenant: TenantFixture
) -> None:
    from membership.programme.settings import update_earning

    await update_earning(tenant.ctx, point_value_fen=0.5)  # 1 point = ¥0.005
    first, second = await new_member(tenant), await new_member(tenant)
    await record(tenant, first, f"L1-{first}", 100_000)  # SH-001: 1000 points
    await orders.record_order(
        tenant.ctx,
        orders.OrderRequest(
            external_id=f"L2-{second}", member_id=second, amount=40_000, store_code="BJ-009"
        ),
    )
    await points.adjust(
        tenant.ctx, member_id=second, points=101, reason="gift", idempotency_key=f"L-g-{second}"
    )
    await points.spend(
        tenant.ctx, member_id=first, points=250, reason="redeem", idempotency_key=f"L-s-{first}"
    )
    data = await api(
        """{ pointsLiability { points pendingPoints amount pointValueFen
        stores { storeCode points amount } } }""",
        token=tenant.owner_token,
    )
    liability = data["pointsLiability"]
    assert liability["points"] == 750 + 400 + 101
    assert liability["amount"] == 626  # 1251 × 0.5 fen, rounded half up
    assert liability["stores"] == [
        {"storeCode": "BJ-009", "points": 400, "amount": 200},
        {"storeCode": "SH-001", "points": 750, "amount": 375},
        {"storeCode": None, "points": 101, "amount": 51},
    ]
