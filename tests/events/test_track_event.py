"""trackEvent: behaviour events from front ends, idempotent, kept per member, on its timeline."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from membership.events.models import MemberEvent
from membership.outbox import OutboxEvent
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture, count_queries

TRACK = """mutation($input: TrackEventInput!) {
  trackEvent(input: $input) { eventId errors { code field message } }
}"""
CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""
TIMELINE = """query($id: ID!, $first: Int, $after: String, $types: [String!]) {
  member(id: $id) { timeline(first: $first, after: $after, types: $types) {
    edges { cursor node { id type behaviour occurredAt createdAt data } }
    pageInfo { hasNextPage endCursor }
  } }
}"""
MEMBERS_WITH_TIMELINES = """{ members(first: 20) { edges { node {
  id timeline(first: 3) { edges { node { type } } } } } } }"""
TOKEN = """mutation($id: ID!) { createMemberToken(memberId: $id) { token errors { code } } }"""


async def new_member(api: Api, tenant: TenantFixture) -> str:
    phone = f"1392{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
    return made["createMember"]["member"]["id"]  # type: ignore[no-any-return]


async def track(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    result = await api(TRACK, {"input": fields}, token)
    return result["trackEvent"]  # type: ignore[no-any-return]


async def stored(tenant: TenantFixture, member_id: str) -> tuple[int, int]:
    async with tenant_tx(tenant.ctx):
        kept = await MemberEvent.filter(member_id=member_id).count()
        relayed = await OutboxEvent.filter(member_id=member_id, type__startswith="event.").count()
    return kept, relayed


async def test_an_event_is_kept_delivered_as_event_type_and_replays_record_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    member_id = await new_member(api, tenant)
    fields = {
        "memberId": member_id,
        "type": "campaign.joined",
        "properties": {"campaign": "spring", "channel": "mini-program", "score": 3.5},
        "idempotencyKey": f"join-{member_id}",
    }
    first = await track(api, tenant.secret_key, **fields)
    assert first["errors"] == [] and first["eventId"]
    again = await track(api, tenant.secret_key, **fields)
    assert again == first  # the same event, nothing new
    assert await stored(tenant, member_id) == (1, 1)
    async with tenant_tx(tenant.ctx):
        event = await OutboxEvent.get(member_id=member_id, type="event.campaign.joined")
    assert event.payload["name"] == "campaign.joined"
    assert event.payload["properties"] == fields["properties"]
    assert event.payload["eventId"] == first["eventId"]

    reused = await track(api, tenant.secret_key, **{**fields, "type": "campaign.left"})
    assert [(e["code"], e["field"]) for e in reused["errors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    assert await stored(tenant, member_id) == (1, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"properties": {"nested": {"a": 1}}}, ["input", "properties"]),
        ({"properties": {"list": [1, 2]}}, ["input", "properties"]),
        ({"properties": [1, 2, 3]}, ["input", "properties"]),
        ({"properties": {"blob": "x" * 9000}}, ["input", "properties"]),
        ({"properties": {"bad key": 1}}, ["input", "properties"]),
        ({"type": "Product Viewed"}, ["input", "type"]),
        ({"type": "x" * 70}, ["input", "type"]),
        (
            {"occurredAt": (datetime.now(UTC) + timedelta(days=2)).isoformat()},
            ["input", "occurredAt"],
        ),
        ({"idempotencyKey": " "}, ["input", "idempotencyKey"]),
        ({"memberId": str(uuid.uuid4())}, ["input", "memberId"]),
    ],
)
async def test_bad_reports_are_refused_with_the_field_and_record_nothing(
    api: Api, tenant: TenantFixture, changes: dict[str, Any], field: list[str]
) -> None:
    member_id = await new_member(api, tenant)
    fields = {
        "memberId": member_id,
        "type": "product.viewed",
        "properties": {"sku": "A-1"},
        "idempotencyKey": f"bad-{uuid.uuid4()}",
        **changes,
    }
    result = await track(api, tenant.secret_key, **fields)
    assert result["eventId"] is None
    assert field in [e["field"] for e in result["errors"]], result
    assert {e["code"] for e in result["errors"]} <= {"INVALID", "NOT_FOUND"}
    assert await stored(tenant, member_id) == (0, 0)


async def test_a_member_token_tracks_only_its_own_member(api: Api, tenant: TenantFixture) -> None:
    mine, theirs = await new_member(api, tenant), await new_member(api, tenant)
    token = (await api(TOKEN, {"id": mine}, tenant.secret_key))["createMemberToken"]["token"]
    ok = await track(api, token, memberId=mine, type="product.viewed", idempotencyKey=f"own-{mine}")
    assert ok["errors"] == []
    refused = await track(
        api, token, memberId=theirs, type="product.viewed", idempotencyKey=f"other-{theirs}"
    )
    assert refused["errors"][0]["code"] == "PERMISSION_DENIED"
    assert await stored(tenant, theirs) == (0, 0)


async def test_the_timeline_shows_state_changes_and_behaviour_newest_first(
    api: Api, tenant: TenantFixture
) -> None:
    member_id = await new_member(api, tenant)
    past = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    for n, kind in enumerate(["product.viewed", "coupon.claimed", "campaign.joined"]):
        result = await track(
            api,
            tenant.secret_key,
            memberId=member_id,
            type=kind,
            properties={"n": n},
            occurredAt=past.isoformat() if n == 0 else None,
            idempotencyKey=f"tl-{member_id}-{n}",
        )
        assert result["errors"] == []
    page = (await api(TIMELINE, {"id": member_id, "first": 2}, tenant.owner_token))["member"][
        "timeline"
    ]
    assert [e["node"]["type"] for e in page["edges"]] == [
        "event.campaign.joined",
        "event.coupon.claimed",
    ]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (
        await api(
            TIMELINE,
            {"id": member_id, "first": 10, "after": page["pageInfo"]["endCursor"]},
            tenant.owner_token,
        )
    )["member"]["timeline"]
    nodes = [e["node"] for e in rest["edges"]]
    assert [n["type"] for n in nodes] == ["event.product.viewed", "member.created"]
    viewed, created = nodes
    assert viewed["behaviour"] is True and created["behaviour"] is False
    assert datetime.fromisoformat(viewed["occurredAt"]) == past  # as the front end reported
    assert created["data"]["memberId"] == member_id
    only = await api(TIMELINE, {"id": member_id, "types": ["member.created"]}, tenant.owner_token)
    assert [e["node"]["type"] for e in only["member"]["timeline"]["edges"]] == ["member.created"]


async def test_timelines_of_a_member_list_cost_one_query(api: Api, tenant: TenantFixture) -> None:
    for _ in range(3):
        await new_member(api, tenant)
    with count_queries() as few:
        await api(MEMBERS_WITH_TIMELINES, token=tenant.owner_token)
    for _ in range(6):
        await new_member(api, tenant)
    with count_queries() as many:
        data = await api(MEMBERS_WITH_TIMELINES, token=tenant.owner_token)
    assert len(many.queries) == len(few.queries)
    nodes = [e["node"] for e in data["members"]["edges"]]
    assert len(nodes) == 9
    assert all(n["timeline"]["edges"][0]["node"]["type"] == "member.created" for n in nodes)
