"""The tenant transaction survives a BEGIN that fails (the server restarted under the pool)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.backends.asyncpg.client import TransactionWrapper

from membership.members.models import Member
from tenants import tx
from tenants.tx import tenant_tx
from tests.conftest import TenantFixture


async def test_a_failed_begin_leaks_no_connection_and_leaves_no_dead_one_behind(
    tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def begin_on_a_dead_connection(transaction: object, begin: str) -> None:
        raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle")

    monkeypatch.setattr(tx, "_start", begin_on_a_dead_connection)
    for _ in range(25):  # more than the pool holds: a leak would leave nothing to acquire
        with pytest.raises(Exception, match="closed in the middle"):
            async with tenant_tx(tenant.ctx):
                pass
    monkeypatch.undo()
    # this task's current connection is the pool again, not the failed transaction's
    assert not isinstance(Tortoise.get_connection("default"), TransactionWrapper)

    async def works() -> int:
        async with tenant_tx(tenant.ctx):
            return await Member.all().count()

    assert await asyncio.wait_for(works(), timeout=10) == 0


async def test_the_tenant_is_set_by_the_statement_that_begins(tenant: TenantFixture) -> None:
    for snapshot, isolation in ((False, "read committed"), (True, "repeatable read")):
        async with tenant_tx(tenant.ctx, snapshot=snapshot) as conn:
            _, rows = await conn.execute_query(
                "SELECT current_setting('app.tenant_id') AS tenant,"
                " current_setting('transaction_isolation') AS isolation,"
                " now() = statement_timestamp() AS first"
            )
        assert rows[0]["tenant"] == str(tenant.info.id)
        assert rows[0]["isolation"] == isolation
        # BEGIN and set_config went together: this is not the transaction's first statement
        assert rows[0]["first"] is False
    # nested: joins the open transaction, no second BEGIN
    async with tenant_tx(tenant.ctx), tenant_tx(tenant.ctx) as joined:
        _, rows = await joined.execute_query("SELECT current_setting('app.tenant_id') AS t")
    assert rows[0]["t"] == str(tenant.info.id)


async def test_a_lookup_alone_is_one_statement_that_leaves_no_tenant_behind(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    from tortoise import Tortoise

    from membership.members import service as members
    from tests.conftest import count_queries

    mine = await members.create_member(tenant.ctx, members.MemberChanges(phone="13700001234"))
    await members.create_member(other_tenant.ctx, members.MemberChanges(phone="13700005678"))
    with count_queries() as counter:
        found = await members.get_member(tenant.ctx, phone="137 0000 1234")
    assert found is not None and found.id == mine.id
    assert len(counter.queries) == 1 and "tenant_member" in counter.queries[0]
    assert await members.get_member(tenant.ctx, phone="13700005678") is None  # the other's
    assert (await members.get_member(tenant.ctx, id=mine.id)).id == mine.id  # type: ignore[union-attr]
    # the tenant was set for that statement only: the pool's connections carry none
    conn = Tortoise.get_connection("default")
    for _ in range(3):
        _, rows = await conn.execute_query(
            "SELECT coalesce(current_setting('app.tenant_id', true), '') AS t,"
            " (SELECT count(*) FROM members) AS seen"
        )
        assert rows[0]["t"] == "" and rows[0]["seen"] == 0
