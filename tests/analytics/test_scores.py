"""The churn risk on members and what journey conditions read of the analytics."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from membership.analytics.churn import BgNbd
from membership.analytics.periods import tenant_today
from membership.analytics.rollup import rebuild
from membership.analytics.scores import fit_churn_model
from membership.db import PgTarget
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.analytics.history import Source, expected_rfm, make_history, read_source
from tests.conftest import Api, TenantFixture, count_queries, make_tenant
from workers.analytics import fit_churn_models

RISKS = """
query {
  members(first: 100) { edges { node { id churnRisk {
    risk level probabilityAlive repeatPurchaseDays daysSinceLastPurchase
    typicalDaysBetweenPurchases expectedPurchasesNext30Days modelAsOf
  } } } }
}"""


@pytest.fixture(scope="module")
async def scored(database: PgTarget, client: Any) -> tuple[TenantFixture, Source]:
    """A tenant with enough history for a fit, rolled up and fitted."""
    from tests.conftest import Api as _Api

    tenant = await make_tenant(database, _Api(client))
    await make_history(tenant.info, seed=21, members=48, orders=260)
    ctx = RequestContext.system(tenant.info)
    await rebuild(ctx)
    assert await fit_churn_model(ctx) is not None
    return tenant, await read_source(tenant.info)


async def _model(tenant: TenantFixture) -> BgNbd:
    async with tenant_tx(RequestContext.system(tenant.info)) as conn:
        _, rows = await conn.execute_query("SELECT churn_model FROM analytics_state")
    import json

    raw = rows[0]["churn_model"]
    data = json.loads(raw) if isinstance(raw, str) else raw
    return BgNbd(data["r"], data["alpha"], data["a"], data["b"])


async def test_members_carry_their_risk_and_what_drives_it(
    api: Api, scored: tuple[TenantFixture, Source]
) -> None:
    tenant, source = scored
    today = tenant_today(RequestContext.system(tenant.info))
    inputs = expected_rfm(source, today)
    model = await _model(tenant)
    with count_queries() as queries:
        data = await api(RISKS, token=tenant.owner_token)
    risks = {uuid.UUID(e["node"]["id"]): e["node"]["churnRisk"] for e in data["members"]["edges"]}
    # one statement for the page's risks, whatever the number of members
    assert len([q for q in queries.queries if "analytics_state" in q]) == 1
    assert {m for m, r in risks.items() if r is not None} == set(inputs)
    levels: set[float] = set()
    for member_id, want in inputs.items():
        risk = risks[member_id]
        assert risk is not None
        first, last = (
            date.fromisoformat(want["firstOrderOn"]),
            date.fromisoformat(want["lastOrderOn"]),
        )  # type: ignore[arg-type]
        x, t_x, t = want["purchaseDays"] - 1, (last - first).days, (today - first).days  # type: ignore[operator]
        alive = float(model.probability_alive(x, t_x, t))
        assert risk["probabilityAlive"] == pytest.approx(alive)
        assert risk["risk"] == pytest.approx(1 - alive)
        assert risk["repeatPurchaseDays"] == x
        assert risk["daysSinceLastPurchase"] == (today - last).days
        assert risk["typicalDaysBetweenPurchases"] == (pytest.approx(t_x / x) if x else None)
        assert risk["modelAsOf"] == today.isoformat()
        expected_level = "HIGH" if 1 - alive >= 0.7 else "MEDIUM" if 1 - alive >= 0.4 else "LOW"
        assert risk["level"] == expected_level
        levels.add(round(risk["risk"], 3))
        if x == 0:
            assert risk["risk"] == 0.0  # in BG/NBD a member leaves only after a repeat purchase
    assert levels  # (months after the history ends, the model finds nearly everyone lapsed)


async def test_a_recent_history_tells_kept_members_from_lapsing_ones(
    database: PgTarget, api: Api
) -> None:
    """Scored on 1 March: regulars who buy every 4 days are kept, members who bought as often
    and then fell silent for six weeks are lapsing, one-time buyers are not scored as gone."""
    from datetime import UTC, datetime, timedelta

    from membership.analytics.scores import churn_risks
    from membership.clock import FrozenClock
    from membership.members.service import MemberChanges, create_member

    tenant = await make_tenant(database, api)
    ctx = RequestContext.system(tenant.info, clock=FrozenClock(datetime(2026, 1, 1, tzinfo=UTC)))
    kinds: dict[uuid.UUID, str] = {}
    orders: list[tuple[uuid.UUID, datetime]] = []
    start = datetime(2026, 1, 2, 4, tzinfo=UTC)
    for n in range(48):
        member = await create_member(ctx, MemberChanges(phone=f"+8613711{n:06d}"))
        kind = "regular" if n < 28 else "lapsed" if n < 40 else "once"
        kinds[member.id] = kind
        days = {
            "regular": range(n % 4, 58, 4),
            "lapsed": range(n % 4, 18, 4),
            "once": range(n % 20, n % 20 + 1),
        }[kind]
        orders += [(member.id, start + timedelta(days=d)) for d in days]
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            "INSERT INTO orders (tenant_id, id, external_id, member_id, amount, status, "
            "request_hash, paid_at, created_at) "
            "SELECT $1, gen_random_uuid(), 'S-' || n, m, 5000, 'COMPLETED', 'x', at, at "
            "FROM unnest($2::uuid[], $3::timestamptz[]) WITH ORDINALITY AS o (m, at, n)",
            [tenant.info.id, [m for m, _ in orders], [at for _, at in orders]],
        )
    await rebuild(RequestContext.system(tenant.info))
    ctx = RequestContext.system(tenant.info, clock=FrozenClock(datetime(2026, 3, 1, 4, tzinfo=UTC)))
    model = await fit_churn_model(ctx)
    assert model is not None and model.converged and model.as_of == date(2026, 3, 1)
    risks = await churn_risks(ctx, list(kinds))
    by_kind: dict[str, list[float]] = {"regular": [], "lapsed": [], "once": []}
    for member_id, kind in kinds.items():
        risk = risks[member_id]
        assert risk is not None
        by_kind[kind].append(risk.risk)
    assert max(by_kind["regular"]) < 0.2
    assert min(by_kind["lapsed"]) > 0.8
    assert by_kind["once"] == [0.0] * len(by_kind["once"])
    levels = {risks[m].level.value for m in kinds}  # type: ignore[union-attr]
    assert levels == {"LOW", "HIGH"}


async def test_too_little_history_has_no_model_and_no_scores(database: PgTarget, api: Api) -> None:
    tenant = await make_tenant(database, api)
    await make_history(tenant.info, seed=5, members=6, orders=20)
    ctx = RequestContext.system(tenant.info)
    await rebuild(ctx)
    assert await fit_churn_model(ctx) is None
    data = await api(RISKS, token=tenant.owner_token)
    assert all(e["node"]["churnRisk"] is None for e in data["members"]["edges"])


async def test_the_worker_fits_the_tenants_whose_model_is_stale(
    scored: tuple[TenantFixture, Source],
) -> None:
    tenant, _ = scored
    async with tenant_tx(RequestContext.system(tenant.info)) as conn:
        await conn.execute_query(
            "UPDATE analytics_state SET churn_model = NULL, churn_fitted_at = NULL"
        )
    assert await fit_churn_models({}) >= 1
    async with tenant_tx(RequestContext.system(tenant.info)) as conn:
        _, rows = await conn.execute_query(
            "SELECT churn_model IS NOT NULL AS fitted, churn_fitted_at FROM analytics_state"
        )
    assert rows[0]["fitted"] and rows[0]["churn_fitted_at"] is not None
    # fitted now: the next hourly sweep leaves the tenant alone
    assert tenant.info.id not in await _stale_tenants()


async def _stale_tenants() -> set[uuid.UUID]:
    from datetime import timedelta

    from membership.clock import SystemClock
    from tenants.sweeps import tenant_ids_due

    due = SystemClock().now() - timedelta(hours=20)
    return set(await tenant_ids_due("tenants_with_stale_churn_model", due))


SAVE_SEGMENT = """
mutation($condition: String!, $name: String!) {
  saveSegment(input: {name: $name, condition: $condition}) {
    segment { id memberCount members(first: 100) { edges { node { id } } } }
    errors { code field message }
  }
}"""


async def test_segments_select_by_rfm_class_and_churn_risk(
    api: Api, scored: tuple[TenantFixture, Source]
) -> None:
    tenant, source = scored
    ctx = RequestContext.system(tenant.info)
    inputs = expected_rfm(source, tenant_today(ctx))
    model = await _model(tenant)
    today = tenant_today(ctx)
    for cls in {v["rfmClass"] for v in inputs.values()}:
        data = await api(
            SAVE_SEGMENT,
            {"condition": f'member.rfmClass == "{cls}"', "name": f"rfm {cls}"},
            tenant.owner_token,
        )
        payload = data["saveSegment"]
        assert payload["errors"] == []
        listed = {uuid.UUID(e["node"]["id"]) for e in payload["segment"]["members"]["edges"]}
        assert listed == {m for m, v in inputs.items() if v["rfmClass"] == cls}
    lapsing = set()
    for member_id, v in inputs.items():
        first = date.fromisoformat(v["firstOrderOn"])  # type: ignore[arg-type]
        last = date.fromisoformat(v["lastOrderOn"])  # type: ignore[arg-type]
        x = v["purchaseDays"] - 1  # type: ignore[operator]
        alive = float(model.probability_alive(x, (last - first).days, (today - first).days))
        if 1 - alive > 0.5:
            lapsing.add(member_id)
    data = await api(
        SAVE_SEGMENT,
        {"condition": "member.churnRisk > 0.5", "name": "lapsing"},
        tenant.owner_token,
    )
    listed = {
        uuid.UUID(e["node"]["id"]) for e in data["saveSegment"]["segment"]["members"]["edges"]
    }
    assert listed == lapsing


async def test_an_unknown_class_in_a_condition_is_refused(
    api: Api, scored: tuple[TenantFixture, Source]
) -> None:
    tenant, _ = scored
    for condition in (
        'member.rfmClass == "LOYAL_FANS"',
        '"IMPORTANT_VALUE" == member.rfmClass || "important_value" == member.rfmClass',
        'member.rfmClass in ["GENERAL_VALUE", "VIP"]',
    ):
        data = await api(SAVE_SEGMENT, {"condition": condition, "name": "typo"}, tenant.owner_token)
        payload = data["saveSegment"]
        assert payload["segment"] is None
        assert payload["errors"][0]["code"] == "INVALID"
        assert payload["errors"][0]["field"] == ["input", "condition"]
        assert "Unknown RFM class" in payload["errors"][0]["message"]
    fine = await api(
        SAVE_SEGMENT,
        {"condition": 'member.rfmClass in ["GENERAL_VALUE", ""]', "name": "fine"},
        tenant.owner_token,
    )
    assert fine["saveSegment"]["errors"] == []


def test_a_degenerate_fit_scores_without_a_number_it_cannot_compute() -> None:
    """Members who all buy at one steady rate drive the gamma to huge parameters, where the
    expectation's hypergeometric function overflows: the risk stays, the expectation is absent."""
    from membership.analytics.scores import ChurnModel, _score

    model = ChurnModel(BgNbd(17_744.0, 76_251.0, 0.8, 2.5), date(2026, 3, 1), 48, -1.0, True)
    row = {
        "purchase_days": 15,
        "first_order_on": date(2026, 1, 2),
        "last_order_on": date(2026, 2, 27),
    }
    (risk,) = _score(model, date(2026, 3, 1), [row])
    assert 0.0 <= risk.risk <= 1.0
    assert risk.expected_purchases_next_30_days is None
