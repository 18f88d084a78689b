"""The gym's stats through the API: check-ins per day in the tenant's days (zero days included),
the renewal rate (which cards have ended, which members renewed within 30 days), and the ranges
refused."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from membership.clock import SystemClock
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.plugins.test_gym_preset import (
    CREATE_PRODUCT,
    check_in,
    enable,
    local_today,
    new_member,
    sold,
)

PER_DAY = """query($from: Date!, $until: Date!) {
  gymCheckInsPerDay(from: $from, until: $until) { day count } }"""
RATE = """query($from: Date!, $until: Date!) {
  gymRenewalRate(from: $from, until: $until) { ended renewed rate } }"""


def local(tenant: TenantFixture, day: date, hour: int, minute: int = 0) -> datetime:
    """An instant at the tenant's local time on ``day``."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(tenant.info.timezone))


async def run(tenant: TenantFixture, sql: str, *params: Any) -> None:
    async with tenant_tx(tenant.ctx) as conn:
        await conn.execute_query(sql, list(params))


async def set_card(tenant: TenantFixture, card: str, created: datetime, ends: datetime) -> None:
    await run(
        tenant,
        "UPDATE gym_cards SET created_at = $2, starts_at = $2, ends_at = $3 WHERE id = $1",
        uuid.UUID(card),
        created,
        ends,
    )


def span(first: date, last: date) -> dict[str, str]:
    return {"from": first.isoformat(), "until": last.isoformat()}


async def test_check_ins_per_day_count_the_tenants_days_with_zero_days(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    who = await new_member(api, tenant)
    await sold(
        api, tenant, who, "年卡", startsAt=(SystemClock().now() - timedelta(days=30)).isoformat()
    )
    day = local_today(tenant) - timedelta(days=10)
    at = {
        "late": local(tenant, day, 23, 30),  # 15:30 UTC: still ``day`` in Shanghai
        "early": local(tenant, day + timedelta(days=1), 0, 30),  # ``day`` in UTC, not locally
        "noon": local(tenant, day + timedelta(days=1), 12),
        "before": local(tenant, day - timedelta(days=5), 12),  # outside the range
    }
    for key, when in at.items():
        assert (await check_in(api, tenant, who, key))["errors"] == []
        await run(tenant, "UPDATE gym_check_ins SET checked_in_at = $2 WHERE key = $1", key, when)
    assert at["early"].astimezone(UTC).date() == day

    data = await api(
        PER_DAY, span(day - timedelta(days=1), day + timedelta(days=2)), tenant.owner_token
    )
    assert [(d["day"], d["count"]) for d in data["gymCheckInsPerDay"]] == [
        ((day - timedelta(days=1)).isoformat(), 0),
        (day.isoformat(), 1),
        ((day + timedelta(days=1)).isoformat(), 2),
        ((day + timedelta(days=2)).isoformat(), 0),
    ]
    one = await api(PER_DAY, span(day, day), tenant.owner_token)
    assert one["gymCheckInsPerDay"] == [{"day": day.isoformat(), "count": 1}]


async def test_the_renewal_rate_counts_members_whose_card_ended_and_who_bought_again(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    trial = {"name": "体验卡", "kind": "VISITS", "visits": 1, "price": 0}
    assert (await api(CREATE_PRODUCT, {"input": trial}, tenant.owner_token))["createCardProduct"][
        "errors"
    ] == []
    now = SystemClock().now()

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    async def card(who: str, created: float, ends: float, name: str = "月卡") -> str:
        made = await sold(api, tenant, who, name)
        await set_card(tenant, made, ago(created), ago(ends))
        return made

    renewed_after = await new_member(api, tenant)  # ended 10 days ago, bought again 2 days ago
    await card(renewed_after, 40, 10)
    await card(renewed_after, 2, -28)
    not_renewed = await new_member(api, tenant)
    await card(not_renewed, 40, 10)
    renewed_early = await new_member(api, tenant)  # bought the next card before the end
    await card(renewed_early, 40, 10)
    await card(renewed_early, 15, -45)
    too_late = await new_member(api, tenant)  # ended 40 days ago, bought again 35 days later
    await card(too_late, 70, 40)
    await card(too_late, 5, -25)
    before_range = await new_member(api, tenant)
    await card(before_range, 100, 70)
    not_yet = await new_member(api, tenant)  # ends in 2 days: within the range, not ended
    await card(not_yet, 28, -2)
    used_up = await new_member(api, tenant)  # its last visit 5 days ago, then a new card
    made = await sold(api, tenant, used_up, "体验卡")
    assert (await check_in(api, tenant, used_up, "last-visit"))["card"]["id"] == made
    await run(
        tenant,
        "UPDATE gym_cards SET created_at = $2, starts_at = $2 WHERE id = $1",
        uuid.UUID(made),
        ago(6),
    )
    await run(
        tenant, "UPDATE gym_check_ins SET checked_in_at = $1 WHERE key = 'last-visit'", ago(5)
    )
    await card(used_up, 3, -27)

    today = local_today(tenant)
    data = await api(
        RATE, span(today - timedelta(days=60), today + timedelta(days=5)), tenant.owner_token
    )
    assert data["gymRenewalRate"] == {"ended": 5, "renewed": 3, "rate": 0.6}
    recent = await api(RATE, span(today - timedelta(days=7), today), tenant.owner_token)
    assert recent["gymRenewalRate"] == {"ended": 1, "renewed": 1, "rate": 1.0}
    none = await api(
        RATE, span(today - timedelta(days=300), today - timedelta(days=200)), tenant.owner_token
    )
    assert none["gymRenewalRate"] == {"ended": 0, "renewed": 0, "rate": None}


async def test_a_range_backwards_or_over_a_year_is_refused(api: Api, tenant: TenantFixture) -> None:
    await enable(api, tenant)
    first = date(2026, 1, 1)
    for query in (PER_DAY, RATE):
        for last in (first - timedelta(days=1), first + timedelta(days=366)):
            response = await api.raw(query, span(first, last), tenant.owner_token)
            errors = response.json()["errors"]
            assert errors[0]["extensions"]["code"] == "INVALID", errors
    data = await api(PER_DAY, span(first, first + timedelta(days=365)), tenant.owner_token)
    assert len(data["gymCheckInsPerDay"]) == 366
    assert all(d["count"] == 0 for d in data["gymCheckInsPerDay"])
