"""Earning rules through the API: managing them, bad input, previews, recording, isolation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from membership.clock import FrozenClock
from membership.earning.models import EarningRule
from membership.orders import service as orders
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.api.test_auth import add_staff
from tests.conftest import Api, TenantFixture
from tests.points.test_ledger_invariants import new_member

RULE_FIELDS = "id name kind params priority enabled available"
CREATE = f"""mutation($input: CreateEarningRuleInput!) {{
  createEarningRule(input: $input) {{ rule {{ {RULE_FIELDS} }} errors {{ code field message }} }}
}}"""
UPDATE = f"""mutation($id: ID!, $input: UpdateEarningRuleInput!) {{
  updateEarningRule(id: $id, input: $input) {{ rule {{ {RULE_FIELDS} }} errors {{ code field }} }}
}}"""
DELETE = """mutation($id: ID!) { deleteEarningRule(id: $id) { deletedId errors { code field } } }"""
RULES = f"{{ earningRules {{ {RULE_FIELDS} }} }}"
PREVIEW = """mutation($input: PreviewOrderInput!) {
  previewOrder(input: $input) {
    preview { pointsEarned exactPoints cashPaid availableAt rules { ruleId name kind detail } }
    errors { code field message }
  }
}"""
RECORD = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) {
    order { externalId pointsEarned earning appliedRules { ruleId name kind detail } }
    errors { code field message }
  }
}"""
TEA_ORDER: dict[str, Any] = {
    "amount": 10_000,
    "storeCode": "SH-001",
    "paidAt": "2026-11-24T16:30:00Z",  # Wednesday 00:30 in Shanghai
    "items": [
        {"sku": "TEA-1", "category": "drinks", "quantity": 2, "unitPrice": 2_500},
        {"sku": "CAKE-1", "category": "bakery", "quantity": 1, "unitPrice": 5_000},
    ],
}


async def create(api: Api, tenant: TenantFixture, **rule: Any) -> dict[str, Any]:
    payload = (await api(CREATE, {"input": rule}, tenant.owner_token))["createEarningRule"]
    assert payload["errors"] == [], payload["errors"]
    return payload["rule"]  # type: ignore[no-any-return]


async def table_counts(tenant: TenantFixture) -> dict[str, int]:
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT (SELECT count(*) FROM orders) AS orders,"
            " (SELECT count(*) FROM points_entries) AS entries,"
            " (SELECT count(*) FROM points_lots) AS lots,"
            " (SELECT count(*) FROM outbox) AS events,"
            " (SELECT coalesce(sum(points_balance + pending_points), 0) FROM members) AS points"
        )
    return dict(rows[0])


async def test_the_built_in_kinds_come_from_the_core_plugin(
    api: Api, tenant: TenantFixture
) -> None:
    data = await api(
        "{ earningRuleKinds { name stage plugin params { name type required } } }",
        token=tenant.owner_token,
    )
    kinds = {k["name"]: k for k in data["earningRuleKinds"]}
    assert set(kinds) >= {
        "BASE_RATE",
        "TIER_MULTIPLIER",
        "MEMBER_DAY",
        "SKU_MULTIPLIER",
        "CATEGORY_MULTIPLIER",
        "STORE_MULTIPLIER",
        "CAMPAIGN",
        "MINIMUM_AMOUNT",
        "ORDER_CAP",
    }
    assert {k["plugin"] for k in kinds.values()} >= {"membership-core"}
    assert kinds["MEMBER_DAY"]["stage"] == "ORDER"
    assert {"name": "multiplier", "type": "decimal", "required": True} in kinds["MEMBER_DAY"][
        "params"
    ]


async def test_an_order_earns_by_the_rules_and_records_why(api: Api, tenant: TenantFixture) -> None:
    member = await new_member(tenant)
    day = await create(
        api, tenant, name="周三会员日", kind="MEMBER_DAY", params={"weekdays": [3], "multiplier": 2}
    )
    tea = await create(
        api,
        tenant,
        name="茶饮三倍",
        kind="SKU_MULTIPLIER",
        params={"skus": ["TEA-1"], "multiplier": "3"},
    )
    assert day["params"] == {"weekdays": [3], "multiplier": "2"}
    recorded = await api(
        RECORD,
        {"input": {**TEA_ORDER, "externalId": f"R-{member}", "memberId": str(member)}},
        tenant.secret_key,
    )
    order = recorded["recordOrder"]["order"]
    # tea ¥50 × 3 + cake ¥50, all × 2 on member day
    assert order["pointsEarned"] == 400
    assert [r["kind"] for r in order["appliedRules"]] == [
        "BASE_RATE",
        "SKU_MULTIPLIER",
        "MEMBER_DAY",
    ]
    assert order["appliedRules"][1]["ruleId"] == tea["id"]
    assert order["appliedRules"][2] == {
        "ruleId": day["id"],
        "name": "周三会员日",
        "kind": "MEMBER_DAY",
        "detail": {"localDate": "2026-11-25", "multiplier": "2"},
    }
    assert order["earning"]["points"] == 400


async def test_a_preview_tells_the_same_points_and_changes_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    await create(api, tenant, name="满百", kind="MINIMUM_AMOUNT", params={"amount": 10_000})
    await create(api, tenant, name="封顶", kind="ORDER_CAP", params={"points": 80})
    before = await table_counts(tenant)
    preview = (
        await api(PREVIEW, {"input": {**TEA_ORDER, "memberId": str(member)}}, tenant.secret_key)
    )["previewOrder"]
    assert preview["errors"] == []
    assert await table_counts(tenant) == before
    assert preview["preview"]["pointsEarned"] == 80
    assert preview["preview"]["exactPoints"] == "100"
    assert preview["preview"]["cashPaid"] == 10_000
    recorded = await api(
        RECORD,
        {"input": {**TEA_ORDER, "externalId": f"P-{member}", "memberId": str(member)}},
        tenant.secret_key,
    )
    order = recorded["recordOrder"]["order"]
    assert order["pointsEarned"] == preview["preview"]["pointsEarned"]
    assert order["appliedRules"] == preview["preview"]["rules"]
    below = {**TEA_ORDER, "amount": 9_999, "items": None}
    short = (await api(PREVIEW, {"input": below}, tenant.owner_token))["previewOrder"]
    assert short["preview"]["pointsEarned"] == 0
    assert short["preview"]["rules"][0]["kind"] == "MINIMUM_AMOUNT"


async def test_a_preview_with_draft_rules_ignores_the_stored_ones(
    api: Api, tenant: TenantFixture
) -> None:
    await create(
        api,
        tenant,
        name="全店十倍",
        kind="STORE_MULTIPLIER",
        params={
            "stores": ["SH-001"],
            "multiplier": 10,
        },
    )
    drafts = [
        {
            "name": "草稿",
            "kind": "CATEGORY_MULTIPLIER",
            "params": {
                "categories": ["bakery"],
                "multiplier": 0,
            },
        }
    ]
    data = await api(PREVIEW, {"input": {**TEA_ORDER, "rules": drafts}}, tenant.owner_token)
    assert data["previewOrder"]["preview"]["pointsEarned"] == 50  # cake excluded, no ×10
    bad = [{"name": "草稿", "kind": "CATEGORY_MULTIPLIER", "params": {"multiplier": 0}}]
    data = await api(PREVIEW, {"input": {**TEA_ORDER, "rules": bad}}, tenant.owner_token)
    assert data["previewOrder"]["preview"] is None
    assert data["previewOrder"]["errors"][0]["field"] == [
        "input",
        "rules",
        "0",
        "params",
        "categories",
    ]


async def test_bad_rules_are_refused_with_every_reason_and_nothing_is_stored(
    api: Api, tenant: TenantFixture
) -> None:
    async def errors(rule: dict[str, Any]) -> list[tuple[str, list[str]]]:
        payload = (await api(CREATE, {"input": rule}, tenant.owner_token))["createEarningRule"]
        assert payload["rule"] is None
        return [(e["code"], e["field"]) for e in payload["errors"]]

    assert await errors({"name": "x", "kind": "NO_SUCH_KIND", "params": {}}) == [
        ("INVALID", ["input", "kind"])
    ]
    assert await errors(
        {"name": "", "kind": "MEMBER_DAY", "params": {"weekdays": [8], "multiplier": 500}}
    ) == [
        ("INVALID", ["input", "name"]),
        ("INVALID", ["input", "params", "weekdays"]),
        ("INVALID", ["input", "params", "multiplier"]),
    ]
    assert await errors(
        {
            "name": "双十一",
            "kind": "CAMPAIGN",
            "params": {
                "startsAt": "2026-11-12T00:00:00+08:00",
                "endsAt": "2026-11-11T00:00:00+08:00",
                "multiplier": 2,
            },
        }
    ) == [("INVALID", ["input", "params", "endsAt"])]
    assert await errors({"name": "x", "kind": "ORDER_CAP", "params": [1]}) == [
        ("INVALID", ["input", "params"])
    ]
    assert await errors({"name": "x", "kind": "ORDER_CAP", "params": {"points": -1}}) == [
        ("INVALID", ["input", "params", "points"])
    ]
    assert (await api(RULES, token=tenant.owner_token))["earningRules"] == []


async def test_messages_come_in_the_callers_language(api: Api, tenant: TenantFixture) -> None:
    rule = {"name": "x", "kind": "ORDER_CAP", "params": {}}
    response = await api.client.post(
        "/graphql",
        json={"query": CREATE, "variables": {"input": rule}},
        headers={"authorization": f"Bearer {tenant.owner_token}", "accept-language": "zh-CN"},
    )
    message = response.json()["data"]["createEarningRule"]["errors"][0]["message"]
    assert message == "此参数必填。"


async def test_only_programme_managers_change_rules(api: Api, tenant: TenantFixture) -> None:
    _, clerk = await add_staff(api, tenant, "clerk")
    rule = {"name": "x", "kind": "ORDER_CAP", "params": {"points": 10}}
    payload = (await api(CREATE, {"input": rule}, clerk))["createEarningRule"]
    assert [e["code"] for e in payload["errors"]] == ["PERMISSION_DENIED"]
    assert (await api(RULES, token=tenant.owner_token))["earningRules"] == []


async def test_changes_apply_to_later_orders_and_recorded_orders_keep_their_reasons(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    rule = await create(
        api,
        tenant,
        name="门店双倍",
        kind="STORE_MULTIPLIER",
        params={
            "stores": ["SH-001"],
            "multiplier": 2,
        },
    )

    async def record(number: str) -> dict[str, Any]:
        variables = {"input": {**TEA_ORDER, "externalId": number, "memberId": str(member)}}
        return (await api(RECORD, variables, tenant.secret_key))["recordOrder"]["order"]  # type: ignore[no-any-return]

    first = await record(f"C1-{member}")
    assert first["pointsEarned"] == 200
    changed = (
        await api(
            UPDATE,
            {
                "id": rule["id"],
                "input": {
                    "params": {
                        "stores": ["SH-001"],
                        "multiplier": 3,
                    },
                    "priority": 5,
                },
            },
            tenant.owner_token,
        )
    )["updateEarningRule"]
    assert changed["errors"] == [] and changed["rule"]["priority"] == 5
    assert (await record(f"C2-{member}"))["pointsEarned"] == 300
    off = await api(UPDATE, {"id": rule["id"], "input": {"enabled": False}}, tenant.owner_token)
    assert off["updateEarningRule"]["rule"]["enabled"] is False
    assert (await record(f"C3-{member}"))["pointsEarned"] == 100
    deleted = await api(DELETE, {"id": rule["id"]}, tenant.owner_token)
    assert deleted["deleteEarningRule"]["deletedId"] == rule["id"]
    again = await api(
        "query($n: String!) { order(externalId: $n) { pointsEarned appliedRules { kind } } }",
        {"n": f"C1-{member}"},
        tenant.owner_token,
    )
    assert again["order"] == {
        "pointsEarned": 200,
        "appliedRules": [{"kind": "BASE_RATE"}, {"kind": "STORE_MULTIPLIER"}],
    }


async def test_member_day_starts_at_midnight_in_shanghai(tenant: TenantFixture, api: Api) -> None:
    await create(
        api,
        tenant,
        name="周三",
        kind="MEMBER_DAY",
        params={
            "weekdays": [3],
            "multiplier": 2,
        },
    )
    member = await new_member(tenant)
    # Tuesday 23:59:59 in Shanghai
    clock = FrozenClock(datetime(2026, 11, 24, 15, 59, 59, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)

    async def record(number: str) -> int:
        request = orders.OrderRequest(external_id=number, member_id=member, amount=10_000)
        return (await orders.record_order(ctx, request)).order.points_earned

    assert await record(f"T-{member}") == 100
    clock.advance(timedelta(seconds=1))  # Wednesday 00:00:00
    assert await record(f"W-{member}") == 200
    clock.advance(timedelta(days=1) - timedelta(seconds=1))  # Wednesday 23:59:59
    assert await record(f"W2-{member}") == 200
    clock.advance(timedelta(seconds=1))
    assert await record(f"H-{member}") == 100


async def test_a_rule_whose_plugin_is_gone_is_kept_but_not_applied(
    api: Api, tenant: TenantFixture
) -> None:
    async with tenant_tx(tenant.ctx):
        await EarningRule.create(
            id=uuid.uuid4(),
            tenant_id=tenant.info.id,
            name="removed plugin",
            kind="UNINSTALLED_KIND",
            params={"multiplier": "100"},
            created_at=datetime.now(UTC),
            updated_at=datetime.now(UTC),
        )
    rules = (await api(RULES, token=tenant.owner_token))["earningRules"]
    assert [(r["kind"], r["available"]) for r in rules] == [("UNINSTALLED_KIND", False)]
    preview = await api(PREVIEW, {"input": {"amount": 1_000}}, tenant.owner_token)
    assert preview["previewOrder"]["preview"]["pointsEarned"] == 10


async def test_another_tenant_cannot_see_change_or_use_the_rules_and_members(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    rule = await create(api, tenant, name="x", kind="ORDER_CAP", params={"points": 10})
    member = await new_member(tenant)
    assert (await api(RULES, token=other_tenant.owner_token))["earningRules"] == []
    update = await api(
        UPDATE, {"id": rule["id"], "input": {"enabled": False}}, other_tenant.owner_token
    )
    assert update["updateEarningRule"]["errors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
    delete = await api(DELETE, {"id": rule["id"]}, other_tenant.owner_token)
    assert delete["deleteEarningRule"]["errors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
    preview = await api(
        PREVIEW, {"input": {"amount": 1_000, "memberId": str(member)}}, other_tenant.secret_key
    )
    assert [e["code"] for e in preview["previewOrder"]["errors"]] == ["NOT_FOUND"]
    tier = await api(
        """mutation { createTier(input: {name: "金卡", rank: 1, metric: SPEND, threshold: 1,
          pointsMultiplier: 5}) { tier { id } } }""",
        token=tenant.owner_token,
    )
    as_gold = {"amount": 1_000, "tierId": tier["createTier"]["tier"]["id"]}
    mine = await api(PREVIEW, {"input": as_gold}, tenant.owner_token)
    assert mine["previewOrder"]["preview"]["pointsEarned"] == 10  # capped at 10 by the rule
    theirs = await api(PREVIEW, {"input": as_gold}, other_tenant.owner_token)
    assert theirs["previewOrder"]["errors"] == [
        {"code": "NOT_FOUND", "field": ["input", "tierId"], "message": "No such tier."}
    ]
    # the other tenant's own orders are not capped by this tenant's rule
    capped = await api(PREVIEW, {"input": {"amount": 100_000}}, other_tenant.owner_token)
    assert capped["previewOrder"]["preview"]["pointsEarned"] == 1_000
    async with tenant_tx(other_tenant.ctx):
        assert await EarningRule.all().count() == 0
    assert [r["enabled"] for r in (await api(RULES, token=tenant.owner_token))["earningRules"]] == [
        True
    ]


async def test_the_tier_multiplier_cannot_be_stored_twice(api: Api, tenant: TenantFixture) -> None:
    rule = {"name": "x", "kind": "TIER_MULTIPLIER", "params": {}}
    payload = (await api(CREATE, {"input": rule}, tenant.owner_token))["createEarningRule"]
    assert payload["errors"] == [
        {
            "code": "INVALID",
            "field": ["input", "kind"],
            "message": "TIER_MULTIPLIER applies to every order by itself; it cannot be added as a rule.",
        }
    ]
    preview = await api(PREVIEW, {"input": {**TEA_ORDER, "rules": [rule]}}, tenant.owner_token)
    assert preview["previewOrder"]["errors"][0]["field"] == ["input", "rules", "0", "kind"]


async def test_draft_rules_preview_exactly_what_stored_ones_record(
    api: Api, tenant: TenantFixture
) -> None:
    member = await new_member(tenant)
    low = {"name": "五倍", "kind": "BASE_RATE", "params": {"pointsPerYuan": 5}, "priority": -1}
    preview = await api(PREVIEW, {"input": {**TEA_ORDER, "rules": [low]}}, tenant.owner_token)
    await create(api, tenant, **low)
    recorded = await api(
        RECORD,
        {"input": {**TEA_ORDER, "externalId": f"D-{member}", "memberId": str(member)}},
        tenant.secret_key,
    )
    earned = recorded["recordOrder"]["order"]["pointsEarned"]
    assert earned == preview["previewOrder"]["preview"]["pointsEarned"] == 500
