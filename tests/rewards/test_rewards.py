"""The points mall: redeeming spends points and issues the coupon in one transaction, stock is
never oversold and losers pay nothing, limits, cancellation, bad input, isolation."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from membership.errors import DomainError, ErrorCode
from membership.members.models import Member
from membership.points import service as points
from membership.rewards import service as rewards
from membership.rewards.models import Reward
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import template
from tests.points.test_ledger_invariants import assert_invariant, ledger_state, new_member

CREATE = """mutation($input: CreateRewardInput!) {
  createReward(input: $input) {
    reward { id name pointsCost stock couponTemplate { name } } errors { code field }
  }
}"""
REDEEM = """mutation($input: RedeemRewardInput!) {
  redeemReward(input: $input) {
    coupon { code status } transaction { kind points } redemptionId errors { code field }
  }
}"""
CANCEL = """mutation($id: ID!) {
  cancelRewardRedemption(id: $id) { status errors { code field } }
}"""


async def rich_member(tenant: TenantFixture, balance: int) -> uuid.UUID:
    member = await new_member(tenant)
    await points.adjust(
        tenant.ctx, member_id=member, points=balance, reason="seed", idempotency_key=f"s-{member}"
    )
    return member


async def balance(tenant: TenantFixture, member: uuid.UUID) -> int:
    async with tenant_tx(tenant.ctx):
        return (await Member.get(id=member)).points_balance


async def reward(api: Api, tenant: TenantFixture, **fields: Any) -> dict[str, Any]:
    data = await api(CREATE, {"input": fields}, tenant.owner_token)
    assert data["createReward"]["errors"] == [], data["createReward"]["errors"]
    return data["createReward"]["reward"]  # type: ignore[no-any-return]


async def redeem(
    api: Api, token: str, reward_id: str, member: uuid.UUID, key: str
) -> dict[str, Any]:
    variables = {"input": {"rewardId": reward_id, "memberId": str(member), "idempotencyKey": key}}
    return (await api(REDEEM, variables, token))["redeemReward"]  # type: ignore[no-any-return]


async def test_a_redemption_spends_the_points_and_issues_the_coupon_once(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(
        api, tenant, name="咖啡券", kind="GIFT", amountOff=None, giftSku="COFFEE"
    )
    coffee = await reward(
        api, tenant, name="免费咖啡", pointsCost=500, stock=10, couponTemplateId=template_id
    )
    assert coffee["couponTemplate"] == {"name": "咖啡券"}
    member = await rich_member(tenant, 800)
    done = await redeem(api, tenant.secret_key, coffee["id"], member, f"r-{member}")
    assert done["errors"] == []
    assert done["transaction"] == {"kind": "SPEND", "points": -500}
    assert done["coupon"]["status"] == "ISSUED"
    again = await redeem(api, tenant.secret_key, coffee["id"], member, f"r-{member}")
    assert again["coupon"]["code"] == done["coupon"]["code"]
    assert await balance(tenant, member) == 300
    listed = await api("{ rewards { name stock } }", token=tenant.secret_key)
    assert listed["rewards"] == [{"name": "免费咖啡", "stock": 9}]
    short = await redeem(api, tenant.secret_key, coffee["id"], member, f"r2-{member}")
    assert short["errors"][0]["code"] == "INSUFFICIENT_POINTS"
    assert (await api("{ rewards { stock } }", token=tenant.secret_key))["rewards"] == [
        {"stock": 9}
    ]
    assert_invariant(await ledger_state(tenant, member), 300)


async def test_stock_of_three_with_ten_redeemers_sells_three_and_losers_pay_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    mug = await reward(api, tenant, name="马克杯", pointsCost=100, stock=3)
    members = [await rich_member(tenant, 150) for _ in range(10)]

    async def attempt(member: uuid.UUID) -> str:
        try:
            await rewards.redeem_reward(
                tenant.ctx,
                reward_id=uuid.UUID(mug["id"]),
                member_id=member,
                idempotency_key=f"mug-{member}",
            )
        except DomainError as exc:
            return exc.code.value
        return "ok"

    outcomes = await asyncio.gather(*(attempt(m) for m in members))
    assert outcomes.count("ok") == 3
    assert outcomes.count(ErrorCode.OUT_OF_STOCK.value) == 7
    balances = sorted([await balance(tenant, m) for m in members])
    assert balances == [50] * 3 + [150] * 7
    for member in members:
        state = await ledger_state(tenant, member)
        assert_invariant(state, state["balance"])
    async with tenant_tx(tenant.ctx):
        row = await Reward.get(id=uuid.UUID(mug["id"]))
    assert (row.stock, row.redeemed_count) == (0, 3)


async def test_cancelling_returns_points_and_stock_and_voids_the_coupon(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant, perMemberLimit=1)
    voucher = await reward(
        api,
        tenant,
        name="20元券",
        pointsCost=200,
        stock=1,
        couponTemplateId=template_id,
        perMemberLimit=1,
    )
    member = await rich_member(tenant, 500)
    done = await redeem(api, tenant.secret_key, voucher["id"], member, f"c-{member}")
    assert (await api("{ rewards { stock } }", token=tenant.secret_key))["rewards"] == [
        {"stock": 0}
    ]
    cancelled = await api(CANCEL, {"id": done["redemptionId"]}, tenant.owner_token)
    assert cancelled["cancelRewardRedemption"] == {"status": "CANCELLED", "errors": []}
    assert await balance(tenant, member) == 500
    found = await api(
        "query($c: String!) { coupon(code: $c) { status } }",
        {"c": done["coupon"]["code"]},
        tenant.secret_key,
    )
    assert found["coupon"]["status"] == "VOIDED"
    assert (await api("{ rewards { stock } }", token=tenant.secret_key))["rewards"] == [
        {"stock": 1}
    ]
    assert_invariant(await ledger_state(tenant, member), 500)
    # the limits count live redemptions and coupons only: after the cancellation the member may
    # redeem again, though the coupon template allows one coupon per member
    again = await redeem(api, tenant.secret_key, voucher["id"], member, f"c2-{member}")
    assert again["errors"] == []
    issued = await api("{ couponTemplates { issuedCount } }", token=tenant.owner_token)
    assert issued["couponTemplates"] == [{"issuedCount": 1}]
    over = await redeem(api, tenant.secret_key, voucher["id"], member, f"c3-{member}")
    assert [e["code"] for e in over["errors"]] == ["OUT_OF_STOCK"]


async def test_bad_rewards_and_another_tenant_change_nothing(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    bad = await api(
        CREATE, {"input": {"name": " ", "pointsCost": 0, "stock": -1}}, tenant.owner_token
    )
    assert sorted(tuple(e["field"]) for e in bad["createReward"]["errors"]) == [
        ("input", "name"),
        ("input", "pointsCost"),
        ("input", "stock"),
    ]
    mine = await reward(api, tenant, name="抱枕", pointsCost=50, stock=5)
    theirs = await rich_member(other_tenant, 100)
    foreign = await redeem(api, other_tenant.secret_key, mine["id"], theirs, f"f-{theirs}")
    assert [e["code"] for e in foreign["errors"]] == ["NOT_FOUND"]
    assert (await api("{ rewards { name } }", token=other_tenant.secret_key))["rewards"] == []
    assert await balance(other_tenant, theirs) == 100
