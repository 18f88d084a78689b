"""Running the points mall's catalogue: restocking by a signed delta that is never lost under
concurrency, refusals that change nothing, taking a reward off the mall, permission, isolation."""

from __future__ import annotations

import asyncio
from typing import Any

from membership.db import PgTarget
from tenants.audit import AuditEntry
from tenants.staff import create_staff
from tenants.tx import tenant_tx
from tests.conftest import LOGIN, Api, TenantFixture
from tests.rewards.test_rewards import redeem, reward, rich_member

UPDATE = """mutation($id: ID!, $input: UpdateRewardInput!) {
  updateReward(id: $id, input: $input) {
    reward { id name pointsCost stock perMemberLimit active }
    errors { code field message }
  }
}"""
LIST = "{ rewards { name stock active } }"


async def update(api: Api, token: str, reward_id: str, **patch: Any) -> dict[str, Any]:
    data = await api(UPDATE, {"id": reward_id, "input": patch}, token)
    return data["updateReward"]  # type: ignore[no-any-return]


async def test_restocking_adds_to_the_stock_and_is_audited(api: Api, tenant: TenantFixture) -> None:
    mug = await reward(api, tenant, name="马克杯", pointsCost=100, stock=2)
    done = await update(api, tenant.owner_token, mug["id"], addStock=3)
    assert done["errors"] == []
    assert done["reward"]["stock"] == 5
    taken = await update(api, tenant.owner_token, mug["id"], addStock=-4)
    assert taken["reward"]["stock"] == 1
    async with tenant_tx(tenant.ctx):
        entries = await AuditEntry.filter(action="reward.update").order_by("created_at", "id")
    assert [(e.before["stock"], e.after["stock"]) for e in entries] == [(2, 5), (5, 1)]


async def test_edits_name_cost_and_limit_and_null_removes_the_limit(
    api: Api, tenant: TenantFixture
) -> None:
    mug = await reward(api, tenant, name="马克杯", pointsCost=100, perMemberLimit=1)
    done = await update(
        api, tenant.owner_token, mug["id"], name=" 保温杯 ", pointsCost=300, perMemberLimit=2
    )
    assert done["reward"] == {
        "id": mug["id"],
        "name": "保温杯",
        "pointsCost": 300,
        "stock": None,
        "perMemberLimit": 2,
        "active": True,
    }
    cleared = await update(api, tenant.owner_token, mug["id"], perMemberLimit=None)
    assert cleared["reward"]["perMemberLimit"] is None
    kept = await update(api, tenant.owner_token, mug["id"], name="保温杯 500ml")
    assert (kept["reward"]["pointsCost"], kept["reward"]["perMemberLimit"]) == (300, None)


async def test_stock_below_zero_is_refused_and_nothing_changes(
    api: Api, tenant: TenantFixture
) -> None:
    mug = await reward(api, tenant, name="马克杯", pointsCost=100, stock=2)
    refused = await update(api, tenant.owner_token, mug["id"], name="改名", addStock=-3)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID", ["input", "addStock"])
    ]
    assert refused["reward"] is None
    assert (await api(LIST, token=tenant.secret_key))["rewards"] == [
        {"name": "马克杯", "stock": 2, "active": True}
    ]
    async with tenant_tx(tenant.ctx):
        assert not await AuditEntry.filter(action="reward.update").exists()


async def test_unlimited_stock_cannot_be_restocked(api: Api, tenant: TenantFixture) -> None:
    endless = await reward(api, tenant, name="电子券", pointsCost=10)
    refused = await update(api, tenant.owner_token, endless["id"], addStock=5)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID", ["input", "addStock"])
    ]
    assert (await api(LIST, token=tenant.secret_key))["rewards"][0]["stock"] is None


async def test_bad_fields_are_all_reported(api: Api, tenant: TenantFixture) -> None:
    mug = await reward(api, tenant, name="马克杯", pointsCost=100, stock=2)
    bad = await update(api, tenant.owner_token, mug["id"], name=" ", pointsCost=0, perMemberLimit=0)
    assert sorted(tuple(e["field"]) for e in bad["errors"]) == [
        ("input", "name"),
        ("input", "perMemberLimit"),
        ("input", "pointsCost"),
    ]
    assert (await api(LIST, token=tenant.secret_key))["rewards"][0]["name"] == "马克杯"


async def test_an_inactive_reward_is_listed_but_not_redeemable(
    api: Api, tenant: TenantFixture
) -> None:
    mug = await reward(api, tenant, name="马克杯", pointsCost=100, stock=2)
    off = await update(api, tenant.owner_token, mug["id"], active=False)
    assert off["reward"]["active"] is False
    member = await rich_member(tenant, 500)
    refused = await redeem(api, tenant.secret_key, mug["id"], member, f"off-{member}")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID", ["input", "rewardId"])
    ]
    assert (await api(LIST, token=tenant.secret_key))["rewards"] == [
        {"name": "马克杯", "stock": 2, "active": False}
    ]
    on_offer = await api("{ rewards(active: true) { name } }", token=tenant.secret_key)
    assert on_offer["rewards"] == []
    await update(api, tenant.owner_token, mug["id"], active=True)
    again = await redeem(api, tenant.secret_key, mug["id"], member, f"on-{member}")
    assert again["errors"] == []


async def test_ten_simultaneous_restocks_all_count(api: Api, tenant: TenantFixture) -> None:
    mug = await reward(api, tenant, name="马克杯", pointsCost=100, stock=4)
    results = await asyncio.gather(
        *(update(api, tenant.owner_token, mug["id"], addStock=1) for _ in range(10))
    )
    assert all(r["errors"] == [] for r in results)
    assert sorted(r["reward"]["stock"] for r in results) == list(range(5, 15))
    assert (await api(LIST, token=tenant.secret_key))["rewards"][0]["stock"] == 14


async def test_a_clerk_may_not_change_the_catalogue(
    database: PgTarget, api: Api, tenant: TenantFixture
) -> None:
    mug = await reward(api, tenant, name="马克杯", pointsCost=100, stock=2)
    email, password = f"clerk@{tenant.info.slug}.example.com", "clerk-pass-123"
    await create_staff(tenant.ctx, email=email, password=password, role="clerk")
    login = await api(LOGIN, {"slug": tenant.info.slug, "email": email, "password": password})
    refused = await update(api, login["login"]["token"], mug["id"], addStock=1)
    assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]
    assert (await api(LIST, token=tenant.secret_key))["rewards"][0]["stock"] == 2


async def test_another_tenant_cannot_update_the_reward(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    mine = await reward(api, tenant, name="抱枕", pointsCost=50, stock=5)
    foreign = await update(api, other_tenant.owner_token, mine["id"], addStock=10, active=False)
    assert [(e["code"], e["field"]) for e in foreign["errors"]] == [("NOT_FOUND", ["id"])]
    assert (await api(LIST, token=tenant.secret_key))["rewards"] == [
        {"name": "抱枕", "stock": 5, "active": True}
    ]
