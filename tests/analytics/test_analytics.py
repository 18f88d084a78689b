"""The analytics of ``analytics.graphql`` against an independent computation from the source rows
(``tests.analytics.history``): the roll-up rebuilt, the roll-up kept by the event backbone, and
the RFM of another day computed from the orders."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest

import workers.analytics  # noqa: F401  (registers the analytics event handler)
from membership.analytics.periods import tenant_today
from membership.analytics.rollup import rebuild, refresh
from membership.db import PgTarget
from membership.events.handlers import run_due_handlings
from membership.events.relay import relay_tenant
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.analytics.history import (
    Source,
    expected_channels,
    expected_members,
    expected_overview,
    expected_rfm,
    expected_tiers,
    half_up,
    make_history,
    read_source,
)
from tests.conftest import Api, TenantFixture, count_queries, make_tenant

OVERVIEW = """
query($from: Date!, $until: Date!) {
  analyticsOverview(from: $from, until: $until) {
    from until newMembers activeMembers orders revenue averageOrderValue itemsPerOrder
    repurchaseRate churnRate pointsLiability couponRedemptionRate
  }
}"""

# Whole history; a week straddling month's end; one day; a period before anything happened; a
# long one reaching past the history.
PERIODS = [
    (date(2026, 1, 1), date(2026, 4, 30)),
    (date(2026, 1, 26), date(2026, 2, 8)),
    (date(2026, 2, 3), date(2026, 2, 3)),
    (date(2025, 6, 1), date(2025, 6, 30)),
    (date(2026, 2, 1), date(2026, 3, 31)),
    (date(2026, 1, 12), date(2026, 1, 25)),
]


class NoJobs:
    async def enqueue(self, function: str, *args: Any, job_id: str) -> None:
        raise AssertionError("the analytics handler starts no job")


@pytest.fixture(scope="module")
async def shop(database: PgTarget, client: Any) -> tuple[TenantFixture, Source]:
    """A tenant with a history, its roll-up rebuilt."""
    tenant = await make_tenant(database, Api(client))
    await make_history(tenant.info, seed=7)
    await rebuild(RequestContext.system(tenant.info))
    return tenant, await read_source(tenant.info)


async def _overview(api: Api, tenant: TenantFixture, start: date, until: date) -> Any:
    data = await api(
        OVERVIEW, {"from": start.isoformat(), "until": until.isoformat()}, tenant.owner_token
    )
    return data["analyticsOverview"]


@pytest.mark.parametrize(("start", "until"), PERIODS)
async def test_the_overview_is_the_independent_computation(
    api: Api, shop: tuple[TenantFixture, Source], start: date, until: date
) -> None:
    tenant, source = shop
    assert await _overview(api, tenant, start, until) == expected_overview(source, start, until)


async def test_the_history_exercises_every_figure(shop: tuple[TenantFixture, Source]) -> None:
    """The checks above mean something only if the history has each kind of fact."""
    _, source = shop
    whole = expected_overview(source, date(2026, 1, 1), date(2026, 4, 30))
    assert whole["repurchaseRate"] not in (0.0, 1.0)
    assert whole["itemsPerOrder"] is not None
    assert whole["couponRedemptionRate"] not in (0.0, None)
    assert any(o.refunded for o in source.orders)
    assert any(not o.refunded and o.items is None for o in source.orders)
    assert any(m.merged_into for m in source.members)
    churn = expected_overview(source, date(2026, 2, 1), date(2026, 3, 31))
    assert 0.0 < churn["churnRate"] < 1.0  # type: ignore[operator]


SERIES = """
query($from: Date!, $until: Date!, $g: Granularity!) {
  memberGrowth(from: $from, until: $until, granularity: $g) { date value }
  revenueSeries(from: $from, until: $until, granularity: $g) { date value }
}"""


def _bucket(day: date, granularity: str) -> date:
    if granularity == "WEEK":
        return day - timedelta(days=day.weekday())
    if granularity == "MONTH":
        return day.replace(day=1)
    return day


@pytest.mark.parametrize("granularity", ["DAY", "WEEK", "MONTH"])
async def test_series_bucket_the_period(
    api: Api, shop: tuple[TenantFixture, Source], granularity: str
) -> None:
    tenant, source = shop
    start, until = date(2026, 1, 7), date(2026, 3, 3)
    data = await api(
        SERIES,
        {"from": start.isoformat(), "until": until.isoformat(), "g": granularity},
        tenant.owner_token,
    )
    growth: dict[str, int] = {}
    revenue: dict[str, int] = {}
    day = start
    while day <= until:
        key = _bucket(day, granularity).isoformat()
        growth.setdefault(key, 0)
        revenue.setdefault(key, 0)
        day += timedelta(days=1)
    for m in source.members:
        if m.merged_into is None and start <= m.joined <= until:
            growth[_bucket(m.joined, granularity).isoformat()] += 1
    for o in source.counted:
        if start <= o.day <= until:
            revenue[_bucket(o.day, granularity).isoformat()] += o.amount
    assert data["memberGrowth"] == [{"date": k, "value": v} for k, v in sorted(growth.items())]
    assert data["revenueSeries"] == [{"date": k, "value": v} for k, v in sorted(revenue.items())]
    assert sum(p["value"] for p in data["revenueSeries"]) > 0


RFM_REPORT = """
query($asOf: Date) {
  rfmReport(asOf: $asOf) {
    asOf
    segments { rfmClass members share monetary averageRecencyDays averagePurchaseDays }
  }
}"""


def _expected_report(source: Source, as_of: date) -> dict[str, Any]:
    members = expected_rfm(source, as_of)
    classes = [
        "IMPORTANT_VALUE",
        "IMPORTANT_DEVELOP",
        "IMPORTANT_RETAIN",
        "IMPORTANT_WINBACK",
        "GENERAL_VALUE",
        "GENERAL_DEVELOP",
        "GENERAL_RETAIN",
        "GENERAL_WINBACK",
    ]
    segments = []
    for cls in classes:
        inside = [m for m in members.values() if m["rfmClass"] == cls]
        n = len(inside)
        segments.append(
            {
                "rfmClass": cls,
                "members": n,
                "share": pytest.approx(n / len(members)) if members else 0.0,
                "monetary": sum(m["monetary"] for m in inside),  # type: ignore[misc]
                "averageRecencyDays": pytest.approx(
                    sum(m["recencyDays"] for m in inside) / n  # type: ignore[misc]
                )
                if n
                else 0.0,
                "averagePurchaseDays": pytest.approx(
                    sum(m["purchaseDays"] for m in inside) / n  # type: ignore[misc]
                )
                if n
                else 0.0,
            }
        )
    return {"asOf": as_of.isoformat(), "segments": segments}


@pytest.mark.parametrize("as_of", [None, date(2026, 2, 10), date(2026, 1, 28)])
async def test_the_rfm_report_today_from_the_rollup_and_another_day_from_orders(
    api: Api, shop: tuple[TenantFixture, Source], as_of: date | None
) -> None:
    tenant, source = shop
    day = as_of or tenant_today(RequestContext.system(tenant.info))
    data = await api(RFM_REPORT, {"asOf": as_of.isoformat() if as_of else None}, tenant.owner_token)
    assert data["rfmReport"] == _expected_report(source, day)
    assert sum(s["members"] for s in data["rfmReport"]["segments"]) == len(
        expected_rfm(source, day)
    )
    # more than one class is filled, or the thresholds were not tested
    assert sum(1 for s in data["rfmReport"]["segments"] if s["members"]) >= 3


MEMBERS_RFM = """
query($cls: RfmClass, $asOf: Date) {
  members(first: 100, filter: {rfmClass: $cls}) {
    totalCount
    edges { node { id rfm(asOf: $asOf) {
      asOf orders purchaseDays firstOrderOn lastOrderOn recencyDays monetary rfmClass
    } } }
  }
}"""


async def test_members_carry_their_rfm_in_two_statements_per_day(
    api: Api, shop: tuple[TenantFixture, Source]
) -> None:
    tenant, source = shop
    for as_of in (None, date(2026, 2, 10)):
        day = as_of or tenant_today(RequestContext.system(tenant.info))
        expected = expected_rfm(source, day)
        with count_queries() as queries:
            data = await api(
                MEMBERS_RFM,
                {"cls": None, "asOf": as_of.isoformat() if as_of else None},
                tenant.owner_token,
            )
        edges = data["members"]["edges"]
        assert len(edges) > 20
        for edge in edges:
            rfm = edge["node"]["rfm"]
            want = expected.get(uuid.UUID(edge["node"]["id"]))
            if want is None:
                assert rfm == {
                    "asOf": day.isoformat(),
                    "orders": 0,
                    "purchaseDays": 0,
                    "firstOrderOn": None,
                    "lastOrderOn": None,
                    "recencyDays": None,
                    "monetary": 0,
                    "rfmClass": None,
                }
            else:
                assert rfm == {"asOf": day.isoformat(), **want}
        # the page, its count, and the RFM's thresholds and rows: no query per member
        reads = [
            q
            for q in queries.queries
            if any(t in q for t in ("analytics_members", "analytics_state", "FROM orders"))
        ]
        assert len(reads) == 2, reads


async def test_a_class_lists_exactly_its_members(
    api: Api, shop: tuple[TenantFixture, Source]
) -> None:
    tenant, source = shop
    today = tenant_today(RequestContext.system(tenant.info))
    expected = expected_rfm(source, today)
    seen = 0
    for cls in {m["rfmClass"] for m in expected.values()}:
        data = await api(MEMBERS_RFM, {"cls": cls, "asOf": None}, tenant.owner_token)
        ids = {uuid.UUID(e["node"]["id"]) for e in data["members"]["edges"]}
        assert ids == {m for m, v in expected.items() if v["rfmClass"] == cls}
        assert data["members"]["totalCount"] == len(ids)
        seen += len(ids)
    assert seen == len(expected)


# ---------------------------------------------------------------- incremental


async def _snapshot(tenant: TenantFixture) -> dict[str, Any]:
    """The roll-up's meaning: member inputs, and per day the facts and the buyers by member id."""
    ctx = RequestContext.system(tenant.info)
    async with tenant_tx(ctx) as conn:
        _, members = await conn.execute_query(
            "SELECT member_id, ordinal, orders, purchase_days, first_order_on, last_order_on, "
            "monetary FROM analytics_members"
        )
        _, days = await conn.execute_query(
            "SELECT day, new_members, orders, revenue, items, orders_with_items, coupons_issued, "
            "coupons_redeemed, buyers FROM analytics_days"
        )
        _, sums = await conn.execute_query(
            "SELECT buyers, last_days, purchase_days, monetary FROM analytics_state"
        )
    by_ordinal = {m["ordinal"]: m["member_id"] for m in members}
    return {
        "sums": [dict(r) for r in sums],
        "members": {
            m["member_id"]: tuple(v for k, v in m.items() if k not in ("member_id", "ordinal"))
            for m in members
        },
        # a day with nothing left to count is as good as no row
        "days": {
            d["day"]: (
                tuple(v for k, v in d.items() if k not in ("day", "buyers")),
                frozenset(by_ordinal[i] for i, bit in enumerate(d["buyers"]) if bit),
            )
            for d in days
            if any(v for k, v in d.items() if k not in ("day", "buyers")) or any(d["buyers"])
        },
    }


async def test_the_event_backbone_keeps_the_rollup_as_a_rebuild_would(
    database: PgTarget, api: Api
) -> None:
    tenant = await make_tenant(database, api)
    ctx = RequestContext.system(tenant.info)
    await make_history(tenant.info, seed=11, members=16, orders=70)
    # the worker's part: relay the events, run the handlers, refresh from their marks
    while (await relay_tenant(ctx)).more:
        pass
    while await run_due_handlings(ctx, NoJobs()):
        pass
    refreshed = await refresh(ctx)
    assert refreshed.members > 0 and refreshed.days > 0
    kept = await _snapshot(tenant)
    source = await read_source(tenant.info)
    for start, until in PERIODS:
        assert await _overview(api, tenant, start, until) == expected_overview(source, start, until)
    await rebuild(ctx)
    assert await _snapshot(tenant) == kept
    # nothing left to do: a refresh without marks changes nothing
    again = await refresh(ctx)
    assert (again.members, again.days) == (0, 0)
    assert await _snapshot(tenant) == kept


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("variables", "field", "fragment"),
    [
        ({"from": "2026-03-02", "until": "2026-03-01", "g": "DAY"}, ["until"], "ends"),
        ({"from": "2020-01-01", "until": "2023-06-30", "g": "DAY"}, ["until"], "3 years"),
    ],
)
async def test_bad_periods_are_refused_with_their_field(
    api: Api,
    shop: tuple[TenantFixture, Source],
    variables: dict[str, str],
    field: list[str],
    fragment: str,
) -> None:
    tenant, _ = shop
    response = await api.raw(SERIES, variables, tenant.owner_token)
    body = response.json()
    assert body["data"] is None
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"INVALID"}
    assert all(e["extensions"]["field"] == field for e in body["errors"])
    assert all(fragment in e["message"] for e in body["errors"])


async def test_a_long_period_is_fine_by_weeks_and_months(
    api: Api, shop: tuple[TenantFixture, Source]
) -> None:
    tenant, _ = shop
    data = await api(
        SERIES, {"from": "2020-01-01", "until": "2023-06-30", "g": "MONTH"}, tenant.owner_token
    )
    assert len(data["revenueSeries"]) == 42


async def test_an_as_of_in_the_future_is_refused(
    api: Api, shop: tuple[TenantFixture, Source]
) -> None:
    tenant, _ = shop
    tomorrow = tenant_today(RequestContext.system(tenant.info)) + timedelta(days=2)
    body = (await api.raw(RFM_REPORT, {"asOf": tomorrow.isoformat()}, tenant.owner_token)).json()
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": ["asOf"]}
    assert "after today" in body["errors"][0]["message"]


async def test_an_unknown_class_is_refused(api: Api, shop: tuple[TenantFixture, Source]) -> None:
    tenant, _ = shop
    body = (
        await api.raw(MEMBERS_RFM, {"cls": "LOYAL_FANS", "asOf": None}, tenant.owner_token)
    ).json()
    assert body.get("data") is None
    assert "LOYAL_FANS" in body["errors"][0]["message"]


async def test_analytics_need_their_permission_and_stay_in_the_tenant(
    api: Api, shop: tuple[TenantFixture, Source], database: PgTarget
) -> None:
    tenant, _ = shop
    other = await make_tenant(database, api)
    start, until = date(2026, 1, 1), date(2026, 4, 30)
    theirs = await _overview(api, other, start, until)
    assert (theirs["orders"], theirs["newMembers"], theirs["revenue"]) == (0, 0, 0)
    # a POS key has no analytics:read
    body = (
        await api.raw(
            OVERVIEW, {"from": start.isoformat(), "until": until.isoformat()}, tenant.secret_key
        )
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_a_member_exactly_at_each_mean_is_high(database: PgTarget, api: Api) -> None:
    """Recencies 3, 4, 5 days, purchase days 1, 2, 3 and ¥100, ¥200, ¥300: the middle member sits
    on all three means, and "at or below / at or above the mean" makes them 重要价值."""
    from datetime import UTC, datetime

    from membership.clock import FrozenClock
    from membership.members.service import MemberChanges, create_member
    from membership.orders.service import OrderRequest, record_order

    tenant = await make_tenant(database, api)
    last = date(2026, 5, 20)
    clock = FrozenClock(datetime(2026, 5, 1, 4, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)
    plan = {
        "A": ([last], 10_000),
        "X": ([last - timedelta(days=1), last - timedelta(days=9)], 20_000),
        "C": (
            [last - timedelta(days=2), last - timedelta(days=8), last - timedelta(days=12)],
            30_000,
        ),
    }
    ids = {}
    for n, (name, (days, money)) in enumerate(plan.items()):
        ids[name] = (await create_member(ctx, MemberChanges(phone=f"+861390000000{n}"))).id
        for k, day in enumerate(sorted(days)):
            paid = datetime(day.year, day.month, day.day, 4, tzinfo=UTC)  # noon in Shanghai
            clock.set(paid)
            await record_order(
                ctx,
                OrderRequest(
                    external_id=f"{name}-{k}",
                    member_id=ids[name],
                    amount=money // len(days) + (money % len(days) if k == 0 else 0),
                    paid_at=paid,
                ),
            )
    await rebuild(RequestContext.system(tenant.info))
    expected = {"A": "GENERAL_DEVELOP", "X": "IMPORTANT_VALUE", "C": "IMPORTANT_RETAIN"}
    for as_of in (None, last + timedelta(days=3)):
        report = (
            await api(
                RFM_REPORT, {"asOf": as_of.isoformat() if as_of else None}, tenant.owner_token
            )
        )["rfmReport"]
        filled = {s["rfmClass"]: s["members"] for s in report["segments"] if s["members"]}
        assert filled == {cls: 1 for cls in expected.values()}
        data = await api(
            MEMBERS_RFM,
            {"cls": None, "asOf": as_of.isoformat() if as_of else None},
            tenant.owner_token,
        )
        classes = {
            uuid.UUID(e["node"]["id"]): e["node"]["rfm"]["rfmClass"]
            for e in data["members"]["edges"]
        }
        assert classes == {ids[name]: cls for name, cls in expected.items()}
    listed = await api(MEMBERS_RFM, {"cls": "IMPORTANT_VALUE", "asOf": None}, tenant.owner_token)
    assert [e["node"]["id"] for e in listed["members"]["edges"]] == [str(ids["X"])]


# ---------------------------------------------------------------- tiers, channels, drilldowns

TIERS_AND_CHANNELS = """
query($from: Date!, $until: Date!) {
  tierContribution(from: $from, until: $until) { tier { id name } members revenue share }
  channelValue(from: $from, until: $until) {
    sourceChannel members activeMembers revenue averageRevenuePerMember
  }
}"""


@pytest.mark.parametrize(("start", "until"), PERIODS[:3])
async def test_tier_contribution_and_channel_value(
    api: Api, shop: tuple[TenantFixture, Source], start: date, until: date
) -> None:
    tenant, source = shop
    data = await api(
        TIERS_AND_CHANNELS,
        {"from": start.isoformat(), "until": until.isoformat()},
        tenant.owner_token,
    )
    tiers = expected_tiers(source, start, until)
    total = sum(revenue for _, revenue in tiers.values())
    assert {
        (uuid.UUID(t["tier"]["id"]) if t["tier"] else None): (t["members"], t["revenue"])
        for t in data["tierContribution"]
    } == tiers
    assert [t["share"] for t in data["tierContribution"]] == [
        pytest.approx(t["revenue"] / total if total else 0.0) for t in data["tierContribution"]
    ]
    channels = expected_channels(source, start, until)
    assert {
        c["sourceChannel"]: (c["members"], c["activeMembers"], c["revenue"])
        for c in data["channelValue"]
    } == channels
    for c in data["channelValue"]:
        assert c["averageRevenuePerMember"] == (
            half_up(Fraction(c["revenue"], c["members"])) if c["members"] else 0
        )


async def test_the_history_has_tiers_worth_comparing(shop: tuple[TenantFixture, Source]) -> None:
    _, source = shop
    tiers = expected_tiers(source, date(2026, 1, 1), date(2026, 4, 30))
    assert sum(1 for _, revenue in tiers.values() if revenue) >= 2


DRILL = """
query($filter: MemberFilter) {
  members(first: 100, filter: $filter) { totalCount edges { node { id } } }
}"""


@pytest.mark.parametrize("kind", ["ACTIVE", "REPURCHASED", "CHURNED", "REDEEMED_COUPON"])
@pytest.mark.parametrize(("start", "until"), [PERIODS[1], PERIODS[4]])
async def test_every_figure_lists_the_members_it_counts(
    api: Api, shop: tuple[TenantFixture, Source], kind: str, start: date, until: date
) -> None:
    tenant, source = shop
    period = {"from": start.isoformat(), "until": until.isoformat()}
    data = await api(DRILL, {"filter": {"activity": {"kind": kind, **period}}}, tenant.owner_token)
    ids = {uuid.UUID(e["node"]["id"]) for e in data["members"]["edges"]}
    assert ids == expected_members(source, kind, start, until)
    assert data["members"]["totalCount"] == len(ids)
    overview = await _overview(api, tenant, start, until)
    if kind == "ACTIVE":
        assert len(ids) == overview["activeMembers"]


async def test_new_members_and_a_channel_list_their_members(
    api: Api, shop: tuple[TenantFixture, Source]
) -> None:
    tenant, source = shop
    start, until = PERIODS[1]
    joined = {"joinedFrom": start.isoformat(), "joinedUntil": until.isoformat()}
    data = await api(DRILL, {"filter": joined}, tenant.owner_token)
    assert {uuid.UUID(e["node"]["id"]) for e in data["members"]["edges"]} == {
        m.id for m in source.members if m.merged_into is None and start <= m.joined <= until
    }
    for channel in ("pos", ""):
        data = await api(
            DRILL,
            {"filter": {"sourceChannel": channel, "joinedUntil": until.isoformat()}},
            tenant.owner_token,
        )
        assert {uuid.UUID(e["node"]["id"]) for e in data["members"]["edges"]} == {
            m.id
            for m in source.members
            if m.merged_into is None and m.channel == (channel or None) and m.joined <= until
        }


async def test_a_bad_drilldown_period_names_its_field(
    api: Api, shop: tuple[TenantFixture, Source]
) -> None:
    tenant, _ = shop
    activity = {"kind": "ACTIVE", "from": "2026-03-02", "until": "2026-03-01"}
    body = (await api.raw(DRILL, {"filter": {"activity": activity}}, tenant.owner_token)).json()
    assert body["errors"][0]["extensions"] == {
        "code": "INVALID",
        "field": ["filter", "activity", "until"],
    }
