"""Segments: saved filters kept current by events, a live count, a tag, and a trigger."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api, TenantFixture
from tests.journeys.conftest import activated, member_view, new_member, process_events, runs_of

SAVE = """mutation($input: SaveSegmentInput!) { saveSegment(input: $input) {
  segment { id name memberCount tag members(first: 10) { totalCount edges { node { id } } } }
  errors { code field message } } }"""
SEGMENT = """query($id: ID!) { segment(id: $id) { memberCount
  members(first: 10) { totalCount edges { node { id } } } } }"""
COUNT = """query($condition: String!) { countSegmentMatches(condition: $condition) }"""
ADJUST = (
    """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { errors { code } } }"""
)


async def give(api: Api, tenant: TenantFixture, member: str, points: int, key: str) -> None:
    result = await api(
        ADJUST,
        {"input": {"memberId": member, "points": points, "reason": "seed", "idempotencyKey": key}},
        tenant.secret_key,
    )
    assert result["adjustPoints"]["errors"] == []


async def save(api: Api, tenant: TenantFixture, **fields: Any) -> dict[str, Any]:
    return (await api(SAVE, {"input": fields}, tenant.owner_token))["saveSegment"]  # type: ignore[no-any-return]


async def test_a_segment_follows_its_members_and_tags_them(api: Api, tenant: TenantFixture) -> None:
    rich, poor = await new_member(api, tenant), await new_member(api, tenant)
    await give(api, tenant, rich, 1500, "r1")
    await process_events(tenant.ctx)
    assert (await api(COUNT, {"condition": "member.pointsBalance >= 1000"}, tenant.owner_token))[
        "countSegmentMatches"
    ] == 1

    saved = await save(
        api, tenant, name="高积分", condition="member.pointsBalance >= 1000", tag=True
    )
    assert saved["errors"] == []
    segment = saved["segment"]
    assert segment["memberCount"] == 1
    assert [e["node"]["id"] for e in segment["members"]["edges"]] == [rich]
    assert (await member_view(api, tenant, rich))["tags"] == ["高积分"]

    # Points change: the poor member comes in, and the rich one, spending, goes out.
    await give(api, tenant, poor, 2000, "p1")
    await give(api, tenant, rich, -1000, "r2")
    await process_events(tenant.ctx)
    view = (await api(SEGMENT, {"id": segment["id"]}, tenant.owner_token))["segment"]
    assert view["memberCount"] == 1
    assert [e["node"]["id"] for e in view["members"]["edges"]] == [poor]
    assert (await member_view(api, tenant, poor))["tags"] == ["高积分"]
    assert (await member_view(api, tenant, rich))["tags"] == []


async def test_entering_a_segment_starts_its_journey(api: Api, tenant: TenantFixture) -> None:
    saved = await save(api, tenant, name="vip", condition="member.pointsBalance >= 1000")
    assert saved["errors"] == []
    await activated(
        api,
        tenant,
        {
            "trigger": {"type": "segmentEntered", "segment": "vip"},
            "entry": "tag",
            "steps": {"tag": {"type": "addTag", "tag": "welcome-vip", "next": "end"}},
        },
    )
    member = await new_member(api, tenant)
    await process_events(tenant.ctx)
    assert await runs_of(tenant, member) == []
    await give(api, tenant, member, 1200, "v1")
    await process_events(tenant.ctx)
    assert len(await runs_of(tenant, member)) == 1
    assert (await member_view(api, tenant, member))["tags"] == ["welcome-vip"]


async def test_a_bad_segment_is_refused(api: Api, tenant: TenantFixture) -> None:
    saved = await save(api, tenant, name="", condition="member.pointsBalance >")
    assert sorted(".".join(e["field"]) for e in saved["errors"]) == [
        "input.condition",
        "input.name",
    ]
    saved = await save(api, tenant, name="x", condition="event.type == 'order.recorded'")
    assert [e["field"] for e in saved["errors"]] == [["input", "condition"]]
    assert (await api("{ segments { id } }", token=tenant.owner_token))["segments"] == []
    first = await save(api, tenant, name="dup", condition="true")
    assert first["errors"] == []
    again = await save(api, tenant, name="dup", condition="true")
    assert [e["code"] for e in again["errors"]] == ["DUPLICATE"]
