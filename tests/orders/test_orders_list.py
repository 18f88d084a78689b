"""The orders list: newest first, filters, keyset pages, constant queries, one tenant only."""

from __future__ import annotations

import uuid

from membership.orders import service as orders
from tests.conftest import Api, TenantFixture, count_queries
from tests.points.test_ledger_invariants import new_member

LIST = """query($first: Int!, $after: String, $filter: OrderFilter) {
  orders(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { externalId amount status storeCode pointsEarned
      items { sku quantity unitPrice } member { id phoneMasked tier { name } } } }
  }
}"""


async def record(tenant: TenantFixture, member: uuid.UUID, number: str, store: str) -> None:
    await orders.record_order(
        tenant.ctx,
        orders.OrderRequest(
            external_id=number,
            member_id=member,
            amount=1_000,
            store_code=store,
            items=[orders.OrderItem("SKU-9", 2, 500)],
        ),
    )


async def test_orders_are_listed_newest_first_and_filtered(api: Api, tenant: TenantFixture) -> None:
    alice, bob = await new_member(tenant), await new_member(tenant)
    for n in range(5):
        await record(tenant, alice, f"A-{n}-{alice}", "SH-001")
    await record(tenant, bob, f"B-0-{bob}", "BJ-001")
    await orders.refund_order(
        tenant.ctx, external_id=f"A-1-{alice}", amount=None, idempotency_key=f"r-{alice}"
    )

    async def numbers(**variables: object) -> list[str]:
        data = await api(LIST, {"first": 50, **variables}, tenant.owner_token)
        return [e["node"]["externalId"].split("-")[1] for e in data["orders"]["edges"]]

    assert await numbers(filter={"memberId": str(alice)}) == ["4", "3", "2", "1", "0"]
    assert await numbers(filter={"storeCode": "BJ-001"}) == ["0"]
    assert await numbers(filter={"status": "REFUNDED"}) == ["1"]
    assert await numbers(filter={"search": f"A-3-{alice}"[:4]}) == ["3"]

    pages: list[str] = []
    after = None
    while True:
        data = await api(
            LIST,
            {"first": 2, "after": after, "filter": {"memberId": str(alice)}},
            tenant.owner_token,
        )
        connection = data["orders"]
        assert connection["totalCount"] == 5
        pages += [e["node"]["externalId"] for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert pages == [f"A-{n}-{alice}" for n in (4, 3, 2, 1, 0)]

    bad = await api.raw(LIST, {"first": 50, "filter": {"status": "LOST"}}, tenant.owner_token)
    assert bad.json()["errors"][0]["extensions"]["code"] == "INVALID"


async def test_the_list_costs_the_same_queries_for_two_orders_or_twenty(
    api: Api, tenant: TenantFixture
) -> None:
    members = [await new_member(tenant) for _ in range(20)]
    for n, member in enumerate(members):
        await record(tenant, member, f"Q-{n}-{member}", "SH-001")
    await api(LIST, {"first": 1}, tenant.owner_token)  # loads the tier catalogue
    counts = []
    for first in (2, 20):
        with count_queries() as counter:
            data = await api(LIST, {"first": first}, tenant.owner_token)
        assert len(data["orders"]["edges"]) == first
        assert all(e["node"]["member"]["id"] for e in data["orders"]["edges"])
        counts.append(len(counter.queries))
    assert counts[0] == counts[1], counts


async def test_another_tenants_orders_are_invisible(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    await record(tenant, member, f"S-{member}", "SH-001")
    mine = await api(LIST, {"first": 10}, tenant.owner_token)
    assert mine["orders"]["totalCount"] == 1
    theirs = await api(LIST, {"first": 10}, other_tenant.owner_token)
    assert theirs["orders"] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }
    filtered = await api(
        LIST, {"first": 10, "filter": {"memberId": str(member)}}, other_tenant.owner_token
    )
    assert filtered["orders"]["edges"] == []
