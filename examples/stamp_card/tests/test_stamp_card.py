"""The stamp card, installed, against the real platform: the fixtures of the platform's pytest
plugin (``membership.testing``) give a migrated database, the app, a sandbox tenant with a
movable clock, a member and a way to enable the plugin."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx

from membership.testing import (
    EnablePlugin,
    GraphQLClient,
    MembershipMember,
    MembershipTenant,
    MovableClock,
    TenantFactory,
)

NAME = "stamp-card"
CONFIG = {"card_name": "咖啡集点卡", "stamps_needed": 3, "reward_points": 500}

ADD = """mutation($memberId: ID!, $key: String!) {
  addStamp(memberId: $memberId, idempotencyKey: $key) {
    completed replayed card { stamps stampsNeeded completed cardName rewardPoints }
    errors { code field message }
  }
}"""
CARD = """query($memberId: ID, $phone: String) {
  stampCard(memberId: $memberId, phone: $phone) { memberId stamps stampsNeeded completed }
}"""
MEMBER = """query($id: ID!) { member(id: $id) {
  pointsBalance
  timeline(types: ["stamp_card.completed"]) { edges { node { type data } } }
} }"""
RECORD = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { pointsEarned appliedRules { kind detail } } errors { code } }
}"""


async def add(
    graphql: GraphQLClient, token: str, member: MembershipMember, key: str
) -> dict[str, Any]:
    data = await graphql(ADD, {"memberId": member.id, "key": key}, token=token)
    result: dict[str, Any] = data["addStamp"]
    return result


async def member_state(
    graphql: GraphQLClient, tenant: MembershipTenant, member: MembershipMember
) -> tuple[int, list[dict[str, Any]]]:
    data = (await graphql(MEMBER, {"id": member.id}, token=tenant.secret_key))["member"]
    return data["pointsBalance"], [e["node"] for e in data["timeline"]["edges"]]


async def test_the_stamp_that_fills_the_card_grants_its_points_once(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_tenant: MembershipTenant,
    membership_staff_token: str,
    membership_member: MembershipMember,
) -> None:
    await membership_enabled_plugin(NAME, CONFIG)
    token, member = membership_staff_token, membership_member

    first = await add(membership_graphql, token, member, "k1")
    assert first["errors"] == []
    assert (first["card"]["stamps"], first["completed"]) == (1, False)
    assert (await add(membership_graphql, token, member, "k2"))["card"]["stamps"] == 2
    filled = await add(membership_graphql, token, member, "k3")
    assert filled["completed"] is True
    assert filled["card"] == {
        "stamps": 0,
        "stampsNeeded": 3,
        "completed": 1,
        "cardName": "咖啡集点卡",
        "rewardPoints": 500,
    }
    assert (await add(membership_graphql, token, member, "k4"))["card"]["stamps"] == 1

    points, completions = await member_state(membership_graphql, membership_tenant, member)
    assert points == 500
    assert len(completions) == 1
    assert completions[0]["type"] == "stamp_card.completed"
    assert completions[0]["data"]["timesCompleted"] == 1
    assert completions[0]["data"]["stampKey"] == "api:k3"


async def test_a_replayed_key_adds_nothing_and_another_members_key_is_refused(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_tenant: MembershipTenant,
    membership_staff_token: str,
    membership_member: MembershipMember,
) -> None:
    await membership_enabled_plugin(NAME, CONFIG)
    token, member = membership_staff_token, membership_member
    for key in ("a", "b", "c"):
        await add(membership_graphql, token, member, key)

    again = await add(membership_graphql, token, member, "c")
    assert (again["replayed"], again["completed"], again["card"]["stamps"]) == (True, True, 0)
    assert (await add(membership_graphql, token, member, "a"))["replayed"] is True
    assert (await member_state(membership_graphql, membership_tenant, member))[0] == 500

    other = await membership_tenant.new_member()
    refused = await add(membership_graphql, token, other, "a")
    assert refused["card"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])
    ]


async def test_ten_concurrent_stamps_with_distinct_keys_are_ten_stamps(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_staff_token: str,
    membership_member: MembershipMember,
) -> None:
    await membership_enabled_plugin(NAME, {**CONFIG, "stamps_needed": 50})
    results = await asyncio.gather(
        *(
            add(membership_graphql, membership_staff_token, membership_member, f"race-{n}")
            for n in range(10)
        )
    )
    assert all(r["errors"] == [] and not r["replayed"] for r in results)
    assert sorted(r["card"]["stamps"] for r in results) == list(range(1, 11))
    card = await membership_graphql(
        CARD, {"memberId": membership_member.id}, token=membership_staff_token
    )
    assert card["stampCard"]["stamps"] == 10


async def test_concurrent_stamps_that_fill_the_card_complete_it_once(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_tenant: MembershipTenant,
    membership_staff_token: str,
    membership_member: MembershipMember,
) -> None:
    await membership_enabled_plugin(NAME, {**CONFIG, "stamps_needed": 10})
    keys = [f"burst-{n}" for n in range(10)] + ["burst-0", "burst-1"]  # two replays among them
    results = await asyncio.gather(
        *(add(membership_graphql, membership_staff_token, membership_member, k) for k in keys)
    )
    assert sum(r["replayed"] for r in results) == 2
    assert sum(r["completed"] and not r["replayed"] for r in results) == 1
    points, completions = await member_state(
        membership_graphql, membership_tenant, membership_member
    )
    assert (points, len(completions)) == (500, 1)


async def test_a_tenant_that_did_not_enable_it_is_refused_naming_the_plugin(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_tenant_factory: TenantFactory,
    membership_member: MembershipMember,
) -> None:
    await membership_enabled_plugin(NAME, CONFIG)  # for membership_tenant, not for the other
    other = await membership_tenant_factory()
    member = await other.new_member()
    for field, query, variables in (
        ("addStamp", ADD, {"memberId": member.id, "key": "x"}),
        ("stampCard", CARD, {"memberId": member.id}),
    ):
        body = await membership_graphql.raw(query, variables, token=other.owner_token)
        assert (body["data"] or {}).get(field) is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "PERMISSION_DENIED"
        assert NAME in error["message"]


async def test_the_admin_page_is_listed_and_its_module_served(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_client: httpx.AsyncClient,
    membership_staff_token: str,
) -> None:
    await membership_enabled_plugin(NAME, CONFIG)
    plugins = await membership_graphql(
        "{ plugins { name enabled adminPages { path moduleUrl title } } }",
        token=membership_staff_token,
        language="zh-CN",
    )
    [plugin] = [p for p in plugins["plugins"] if p["name"] == NAME]
    assert plugin["enabled"] is True
    [page] = plugin["adminPages"]
    assert (page["path"], page["title"]) == ("cards", "集点卡")

    served = await membership_client.get(page["moduleUrl"])
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/javascript")
    assert "export default function page(host)" in served.text
    source = await membership_client.get(f"/plugin-files/{NAME}/plugin.py")
    assert source.status_code == 404


async def test_an_order_of_the_minimum_amount_adds_a_stamp(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_tenant: MembershipTenant,
    membership_member: MembershipMember,
    membership_movable_clock: MovableClock,
) -> None:
    await membership_enabled_plugin(NAME, {**CONFIG, "min_order_amount": 3_000})
    for number, amount in (("big", 5_000), ("small", 1_000), ("big", 5_000)):  # "big" twice
        order = {"externalId": number, "memberId": membership_member.id, "amount": amount}
        data = await membership_graphql(
            RECORD, {"input": order}, token=membership_tenant.secret_key
        )
        assert data["recordOrder"]["errors"] == []

    await membership_movable_clock.run_due()  # the events reach their handlers
    await membership_movable_clock.run_due()  # and handling them again adds nothing
    card = await membership_graphql(
        CARD, {"phone": membership_member.phone}, token=membership_tenant.owner_token
    )
    assert card["stampCard"]["stamps"] == 1


async def test_the_bonus_rule_kind_applies_to_orders_of_its_minimum(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_tenant: MembershipTenant,
    membership_member: MembershipMember,
) -> None:
    await membership_enabled_plugin(NAME, CONFIG)
    created = await membership_graphql(
        """mutation($input: CreateEarningRuleInput!) {
          createEarningRule(input: $input) { rule { id } errors { code field } } }""",
        {
            "input": {
                "name": "集点加赠",
                "kind": "STAMP_CARD_BONUS",
                "params": {"points": 50, "minAmount": 3_000},
            }
        },
        token=membership_tenant.owner_token,
    )
    assert created["createEarningRule"]["errors"] == []

    earned = {}
    for number, amount in (("o-1", 5_000), ("o-2", 1_000)):
        order = {"externalId": number, "memberId": membership_member.id, "amount": amount}
        data = await membership_graphql(
            RECORD, {"input": order}, token=membership_tenant.secret_key
        )
        earned[number] = data["recordOrder"]["order"]
    assert [r["kind"] for r in earned["o-1"]["appliedRules"]].count("STAMP_CARD_BONUS") == 1
    assert "STAMP_CARD_BONUS" not in [r["kind"] for r in earned["o-2"]["appliedRules"]]


async def test_a_journey_starts_on_a_full_card_and_adds_a_stamp(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_tenant: MembershipTenant,
    membership_staff_token: str,
    membership_member: MembershipMember,
    membership_movable_clock: MovableClock,
) -> None:
    await membership_enabled_plugin(NAME, CONFIG)
    triggers = await membership_graphql(
        "{ journeyPluginTriggers { event plugin title } journeyPluginSteps { type plugin } }",
        token=membership_staff_token,
        language="zh-CN",
    )
    assert triggers["journeyPluginTriggers"] == [
        {"event": "stamp_card.completed", "plugin": NAME, "title": "集点卡集满"}
    ]
    assert triggers["journeyPluginSteps"] == [{"type": "stamp_card.addStamp", "plugin": NAME}]
    saved = await membership_graphql(
        """mutation($input: SaveJourneyInput!) {
          saveJourney(input: $input) { journey { id } errors { code field message } } }""",
        {
            "input": {
                "name": "集满再送一个章",
                "definition": {
                    "trigger": {"type": "event", "event": "stamp_card.completed"},
                    "entry": "stamp",
                    "reentry": "always",
                    "steps": {"stamp": {"type": "stamp_card.addStamp", "next": "end"}},
                },
            }
        },
        token=membership_staff_token,
    )
    assert saved["saveJourney"]["errors"] == []
    activated = await membership_graphql(
        "mutation($id: ID!) { activateJourney(id: $id) { errors { code field message } } }",
        {"id": saved["saveJourney"]["journey"]["id"]},
        token=membership_staff_token,
    )
    assert activated["activateJourney"]["errors"] == []

    for key in ("j1", "j2", "j3"):
        await add(membership_graphql, membership_staff_token, membership_member, key)
    await membership_movable_clock.run_due()
    card = await membership_graphql(
        CARD, {"memberId": membership_member.id}, token=membership_staff_token
    )
    assert (card["stampCard"]["completed"], card["stampCard"]["stamps"]) == (1, 1)


async def test_the_daily_cron_empties_a_card_idle_for_the_configured_days(
    membership_enabled_plugin: EnablePlugin,
    membership_graphql: GraphQLClient,
    membership_staff_token: str,
    membership_member: MembershipMember,
    membership_movable_clock: MovableClock,
) -> None:
    await membership_enabled_plugin(NAME, {**CONFIG, "lapse_after_days": 30})
    await add(membership_graphql, membership_staff_token, membership_member, "once")
    stamped_at = membership_movable_clock.now

    async def stamps() -> int:
        card = await membership_graphql(
            CARD, {"memberId": membership_member.id}, token=membership_staff_token
        )
        return int(card["stampCard"]["stamps"])

    await membership_movable_clock.advance(timedelta(days=29))
    assert await stamps() == 1
    # the cron runs at 02:15 UTC every day: the first run 30 days after the stamp empties it
    await membership_movable_clock.advance(timedelta(days=2))
    card = await membership_graphql(
        """query($memberId: ID) { stampCard(memberId: $memberId) { stamps updatedAt } }""",
        {"memberId": membership_member.id},
        token=membership_staff_token,
    )
    assert card["stampCard"]["stamps"] == 0
    lapsed_at = datetime.fromisoformat(card["stampCard"]["updatedAt"])
    assert lapsed_at == (stamped_at + timedelta(days=30)).replace(hour=2, minute=15)
