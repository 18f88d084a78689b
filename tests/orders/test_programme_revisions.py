"""An order reads the tenant's programme (settings, tiers, rules, plugins) only when it changed
since this process last parsed it, and always sees the programme as its transaction does."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient

from membership.orders import service as orders
from membership.orders import snapshot
from membership.programme.settings import update_earning
from membership.tiers.models import Tier
from tenants.tx import tenant_tx
from tests.conftest import TenantFixture
from tests.orders.test_tier_upgrade import make_tiers
from tests.points.test_ledger_invariants import new_member


async def buy(tenant: TenantFixture, member: uuid.UUID, amount: int = 10_000) -> int:
    result = await orders.record_order(
        tenant.ctx,
        orders.OrderRequest(
            external_id=f"R-{uuid.uuid4().hex[:10]}", member_id=member, amount=amount
        ),
    )
    return int(result.order.points_earned)


async def revision(tenant: TenantFixture) -> int:
    async with tenant_tx(tenant.ctx) as conn:
        return await _revision_on(conn)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[uuid.UUID]:
    """The tenants whose programme JSON an order parsed, in order."""
    seen: list[uuid.UUID] = []
    parse = snapshot._parse

    def counting(tenant_id: uuid.UUID, value: object) -> snapshot._Parsed:
        seen.append(tenant_id)
        return parse(tenant_id, value)

    monkeypatch.setattr(snapshot, "_parse", counting)
    return seen


async def test_an_unchanged_programme_is_parsed_once(
    tenant: TenantFixture, parses: list[uuid.UUID]
) -> None:
    member = await new_member(tenant)
    snapshot._parsed.pop(tenant.info.id, None)
    for _ in range(3):
        assert await buy(tenant, member) == 100
    assert parses == [tenant.info.id]


async def test_every_write_to_the_programme_moves_the_revision_on(tenant: TenantFixture) -> None:
    seen = [await revision(tenant)]
    await update_earning(tenant.ctx, earn_points_per_yuan=2)
    seen.append(await revision(tenant))
    async with tenant_tx(tenant.ctx) as conn:  # a write that goes round the services
        await conn.execute_query("UPDATE earning_rules SET enabled = enabled")
        await conn.execute_query(
            "INSERT INTO tiers (id, tenant_id, name, rank, metric, threshold, points_multiplier, "
            "created_at) VALUES ($1, $2, 'X', 9, 'SPEND', 1, 1, now())",
            [uuid.uuid4(), tenant.info.id],
        )
        seen.append(await _revision_on(conn))
        await conn.execute_query("DELETE FROM tiers WHERE rank = 9")
        seen.append(await _revision_on(conn))
    assert seen == sorted(set(seen)), seen  # each write, a new and higher number


async def _revision_on(conn: BaseDBAsyncClient) -> int:
    _, rows = await conn.execute_query("SELECT revision FROM programme_revisions")
    return int(rows[0]["revision"]) if rows else 0


async def test_the_next_order_sees_a_change_made_by_any_writer(
    tenant: TenantFixture, parses: list[uuid.UUID]
) -> None:
    member = await new_member(tenant)
    assert await buy(tenant, member) == 100
    await update_earning(tenant.ctx, earn_points_per_yuan=3)
    assert await buy(tenant, member) == 300
    async with tenant_tx(tenant.ctx) as conn:  # round the services, as a migration might
        await conn.execute_query("UPDATE points_settings SET earn_points_per_yuan = 5")
    assert await buy(tenant, member) == 500
    assert await buy(tenant, member) == 500
    assert parses == [tenant.info.id] * 3  # once per revision, not per order


async def test_a_tier_changed_between_orders_earns_at_its_new_multiplier(
    tenant: TenantFixture,
) -> None:
    member = await new_member(tenant)
    tier = (await make_tiers(tenant, [("普卡", 0, "SPEND", 0, None, "1", False)]))["普卡"]
    await buy(tenant, member)  # joins the base tier
    async with tenant_tx(tenant.ctx):
        await Tier.filter(id=tier.id).update(points_multiplier=Decimal("2"))
    assert await buy(tenant, member) == 200


async def test_tenants_keep_their_own_programme(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await update_earning(other_tenant.ctx, earn_points_per_yuan=7)
    mine, theirs = await new_member(tenant), await new_member(other_tenant)
    assert await buy(other_tenant, theirs) == 700
    assert await buy(tenant, mine) == 100
    assert await buy(other_tenant, theirs) == 700
    await update_earning(tenant.ctx, earn_points_per_yuan=1)
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT tenant_id FROM programme_revisions")
    assert [r["tenant_id"] for r in rows] == [tenant.info.id]  # its own row only
