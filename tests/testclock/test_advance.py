"""advanceTestClock: refused for a live tenant and backwards; points, coupons and tier reviews
fall due as the clock passes their time, not before; a month ends READY."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from membership.testclock import platform_work
from membership.testclock.platform_work import next_review
from tenants.context import RequestContext
from tenants.registry import get_tenant
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import issue_api, template
from tests.coupons.test_redeem import validate
from tests.points.test_ledger_invariants import new_member
from tests.testclock.conftest import START, day

ADVANCE = """mutation($to: DateTime!) {
  advanceTestClock(to: $to) { testClock { frozenTime status } errors { code field message } }
}"""
CLOCK = "{ viewer { tenant { testClock { frozenTime status } } } }"
AUDIT = """{ auditLog(targetType: "tenant") { edges { node { action before after } } } }"""


async def advance(api: Api, tenant: TenantFixture, to: datetime) -> dict[str, Any]:
    data = await api(ADVANCE, {"to": to.isoformat()}, token=tenant.owner_token)
    return data["advanceTestClock"]  # type: ignore[no-any-return]


async def clock_of(api: Api, tenant: TenantFixture) -> tuple[datetime, str]:
    clock = (await api(CLOCK, token=tenant.owner_token))["viewer"]["tenant"]["testClock"]
    return datetime.fromisoformat(clock["frozenTime"]), clock["status"]


async def test_a_live_tenant_refuses_to_advance(api: Api, tenant: TenantFixture) -> None:
    result = await advance(api, tenant, day(3))
    assert result["testClock"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID", ["to"])]
    assert "live tenant" in result["errors"][0]["message"]
    assert (await api(CLOCK, token=tenant.owner_token))["viewer"]["tenant"]["testClock"] is None


async def test_the_clock_never_goes_back_and_a_refusal_changes_nothing(
    api: Api, sandbox: TenantFixture
) -> None:
    assert (await advance(api, sandbox, day(5)))["errors"] == []

    result = await advance(api, sandbox, day(4))
    assert result["testClock"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID", ["to"])]
    assert "only moves forward" in result["errors"][0]["message"]
    assert await clock_of(api, sandbox) == (day(5), "READY")
    audited = (await api(AUDIT, token=sandbox.owner_token))["auditLog"]["edges"]
    assert [e["node"]["action"] for e in audited] == ["test_clock.advance"]


async def test_advancing_needs_the_programme_permission(api: Api, sandbox: TenantFixture) -> None:
    from tests.api.test_auth import add_staff

    _, clerk = await add_staff(api, sandbox, "clerk")
    data = await api(ADVANCE, {"to": day(2).isoformat()}, token=clerk)
    assert data["advanceTestClock"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert await clock_of(api, sandbox) == (START, "READY")


POINTS = """query($id: ID!) { member(id: $id) {
  pointsBalance pointsTransactions(first: 10) { edges { node { kind points createdAt } } } } }"""


async def points_of(api: Api, tenant: TenantFixture, member: object) -> dict[str, Any]:
    return (await api(POINTS, {"id": str(member)}, token=tenant.secret_key))["member"]  # type: ignore[no-any-return]


async def test_points_expire_when_the_clock_passes_their_day_and_not_before(
    api: Api, sandbox: TenantFixture
) -> None:
    policy = await api(
        """mutation { updatePointsSettings(input: {expiryPolicy: DAYS_AFTER_EARNING,
             expiryPeriod: 20}) { errors { code } } }""",
        token=sandbox.owner_token,
    )
    assert policy["updatePointsSettings"]["errors"] == []
    member = await new_member(sandbox)
    granted = await api(
        """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { errors { code } } }""",
        {
            "input": {
                "memberId": str(member),
                "points": 100,
                "reason": "welcome",
                "idempotencyKey": "w",
            }
        },
        token=sandbox.secret_key,
    )
    assert granted["adjustPoints"]["errors"] == []

    assert (await advance(api, sandbox, day(19)))["errors"] == []
    assert (await points_of(api, sandbox, member))["pointsBalance"] == 100

    assert (await advance(api, sandbox, day(21)))["testClock"]["status"] == "READY"
    state = await points_of(api, sandbox, member)
    assert state["pointsBalance"] == 0
    expired = [
        e["node"] for e in state["pointsTransactions"]["edges"] if e["node"]["kind"] == "EXPIRE"
    ]
    # written when the clock stood at the lots' expiry, twenty days after they were earned
    assert [(e["points"], datetime.fromisoformat(e["createdAt"])) for e in expired] == [
        (-100, day(20))
    ]


async def test_a_coupon_valid_seven_days_is_refused_after_eight(
    api: Api, sandbox: TenantFixture
) -> None:
    template_id = await template(api, sandbox, validDays=7)
    member = await new_member(sandbox)
    issued = await issue_api(api, sandbox.secret_key, template_id, member, "seven")
    code = issued["coupon"]["code"]
    assert datetime.fromisoformat(issued["coupon"]["validUntil"]) == day(7)
    assert (await validate(api, sandbox.secret_key, code, member, 10_000))["valid"] is True

    await advance(api, sandbox, day(6))
    assert (await validate(api, sandbox.secret_key, code, member, 10_000))["valid"] is True

    await advance(api, sandbox, day(8))
    refused = await validate(api, sandbox.secret_key, code, member, 10_000)
    assert refused["valid"] is False and refused["errors"]
    found = await api(
        "query($c: String!) { coupon(code: $c) { status } }", {"c": code}, sandbox.secret_key
    )
    assert found["coupon"]["status"] == "EXPIRED"


def test_the_review_falls_at_five_past_three_local_time_each_day() -> None:
    shanghai = "Asia/Shanghai"
    assert next_review(START, shanghai) == datetime.fromisoformat("2026-01-02T03:05:00+08:00")
    early = datetime.fromisoformat("2026-01-02T02:00:00+08:00")
    assert next_review(early, shanghai) == datetime.fromisoformat("2026-01-02T03:05:00+08:00")
    at_review = datetime.fromisoformat("2026-01-02T03:05:00+08:00")
    assert next_review(at_review, shanghai) == datetime.fromisoformat("2026-01-03T03:05:00+08:00")


async def test_the_tier_review_runs_every_day_and_drops_a_member_after_the_grace_period(
    api: Api, sandbox: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, rank, threshold in (("普卡", 0, 0), ("金卡", 1, 100_000)):
        made = await api(
            """mutation($input: CreateTierInput!) { createTier(input: $input) {
                 tier { id } errors { code } } }""",
            {"input": {"name": name, "rank": rank, "metric": "SPEND", "threshold": threshold}},
            token=sandbox.owner_token,
        )
        assert made["createTier"]["errors"] == []
        gold = made["createTier"]["tier"]["id"]
    grace = await api(
        """mutation { updateTierSettings(input: {downgradePolicy: ONE_TIER, graceDays: 2}) {
             errors { code } } }""",
        token=sandbox.owner_token,
    )
    assert grace["updateTierSettings"]["errors"] == []
    member = await new_member(sandbox)
    async with tenant_tx(sandbox.ctx) as conn:  # given gold without the spend to keep it
        await conn.execute_query("UPDATE members SET tier_id = $1 WHERE id = $2", [gold, member])

    reviewed: list[datetime] = []
    review = platform_work.evaluate_tiers

    async def recorded(ctx: RequestContext) -> int:
        reviewed.append(ctx.clock.now())
        return await review(ctx)

    monkeypatch.setattr(platform_work, "evaluate_tiers", recorded)
    assert (await advance(api, sandbox, day(4)))["testClock"]["status"] == "READY"

    # the sandbox started at 09:00 on the 1st, after that day's review; after the third review
    # nobody is above the entry tier, so there is nothing to review on the 5th
    reviews = [datetime.fromisoformat(f"2026-01-0{d}T03:05:00+08:00") for d in (2, 3, 4)]
    assert reviewed == reviews
    history = await api(
        """query($id: ID!) { member(id: $id) { tier { name }
             tierHistory { toTierId createdAt } } }""",
        {"id": str(member)},
        token=sandbox.secret_key,
    )
    assert history["member"]["tier"]["name"] == "普卡"
    # below gold since the first review; two days of grace later, the third review drops it
    drops = [datetime.fromisoformat(h["createdAt"]) for h in history["member"]["tierHistory"]]
    assert drops == [reviews[2]]
    assert history["member"]["tierHistory"][0]["toTierId"] != gold


async def test_a_month_with_work_on_the_way_ends_ready(api: Api, sandbox: TenantFixture) -> None:
    template_id = await template(api, sandbox, validDays=3)
    for n in range(3):
        member = await new_member(sandbox)
        await issue_api(api, sandbox.secret_key, template_id, member, f"m-{n}")

    result = await advance(api, sandbox, day(30))
    assert result["errors"] == []
    assert datetime.fromisoformat(result["testClock"]["frozenTime"]) == day(30)
    assert result["testClock"]["status"] == "READY"
    assert await clock_of(api, sandbox) == (day(30), "READY")
    tenant = await get_tenant(sandbox.info.id)
    assert tenant is not None and tenant.sandbox is not None
    assert tenant.sandbox.advancing_to is None
