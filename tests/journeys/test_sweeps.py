"""Daily and cron triggers: the right members enter, once, however often the sweep runs."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from membership.clock import SystemClock
from membership.journeys.dispatch import run_due
from membership.journeys.models import JourneyRun
from membership.journeys.sweeps import next_sweep, sweep_journeys
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.journeys.conftest import activated, at, member_view, new_member

UPDATE = """mutation($id: ID!, $input: UpdateMemberInput!) {
  updateMember(id: $id, input: $input) { errors { code field } } }"""


def tag_on(trigger: dict[str, object], tag: str, reentry: str = "always") -> dict[str, object]:
    return {
        "trigger": trigger,
        "entry": "tag",
        "reentry": reentry,
        "steps": {"tag": {"type": "addTag", "tag": tag, "next": "end"}},
    }


def morning(tenant: TenantFixture, days: int = 0) -> datetime:
    """10:00 local on the day of activation (or ``days`` later): after the day's sweep hour."""
    zone = ZoneInfo(tenant.info.timezone)
    today = SystemClock().now().astimezone(zone).date()
    return datetime.combine(today + timedelta(days=days), time(10), zone)


async def entered(tenant: TenantFixture) -> int:
    async with tenant_tx(tenant.ctx):
        return await JourneyRun.all().count()


async def test_birthdays_three_days_ahead_enter_once_however_often_swept(
    api: Api, tenant: TenantFixture
) -> None:
    await activated(api, tenant, tag_on({"type": "birthday", "daysBefore": 3}, "birthday"))
    target = morning(tenant).date() + timedelta(days=3)
    celebrating = await new_member(api, tenant)
    other = await new_member(api, tenant)
    after = target + timedelta(days=1)
    for member, born in (
        (celebrating, date(1992, target.month, target.day)),
        (other, date(1992, after.month, after.day)),
    ):
        updated = await api(
            UPDATE, {"id": member, "input": {"birthday": born.isoformat()}}, tenant.secret_key
        )
        assert updated["updateMember"]["errors"] == []

    ctx = at(tenant, morning(tenant))
    assert await sweep_journeys(ctx) == 1
    assert await sweep_journeys(ctx) == 0  # the same day again: nobody new
    assert await sweep_journeys(at(tenant, morning(tenant) + timedelta(hours=5))) == 0
    await run_due(ctx)
    assert (await member_view(api, tenant, celebrating))["tags"] == ["birthday"]
    assert (await member_view(api, tenant, other))["tags"] == []
    # The next sweep is tomorrow at the sweep hour.
    upcoming = await next_sweep(ctx)
    assert upcoming is not None
    assert upcoming.astimezone(ZoneInfo(tenant.info.timezone)) == morning(tenant, 1) - timedelta(
        hours=1
    )


async def test_inactivity_enters_members_on_the_day_they_cross_the_line(
    api: Api, tenant: TenantFixture
) -> None:
    await activated(api, tenant, tag_on({"type": "inactivity", "days": 30}, "dormant"))
    quiet = await new_member(api, tenant)
    recent = await new_member(api, tenant)
    async with tenant_tx(tenant.ctx) as conn:
        await conn.execute_query(
            "UPDATE members SET created_at = $1 WHERE id = $2",
            [morning(tenant) - timedelta(days=30), uuid.UUID(quiet)],
        )
    ctx = at(tenant, morning(tenant))
    assert await sweep_journeys(ctx) == 1
    await run_due(ctx)
    assert (await member_view(api, tenant, quiet))["tags"] == ["dormant"]
    assert (await member_view(api, tenant, recent))["tags"] == []
    # A day later the same member is past the line, not on it: nobody enters.
    assert await sweep_journeys(at(tenant, morning(tenant, 1))) == 0


async def test_a_missed_day_is_caught_up(api: Api, tenant: TenantFixture) -> None:
    await activated(api, tenant, tag_on({"type": "inactivity", "days": 10}, "dormant"))
    crossing_today = await new_member(api, tenant)
    crossing_tomorrow = await new_member(api, tenant)
    async with tenant_tx(tenant.ctx) as conn:
        for member, back in ((crossing_today, 10), (crossing_tomorrow, 9)):
            await conn.execute_query(
                "UPDATE members SET created_at = $1 WHERE id = $2",
                [morning(tenant) - timedelta(days=back), uuid.UUID(member)],
            )
    # No sweep ran today or tomorrow; the sweep the day after makes up for both days.
    assert await sweep_journeys(at(tenant, morning(tenant, 2))) == 2
    assert await entered(tenant) == 2


async def test_a_cron_schedule_enters_the_members_its_condition_names(
    api: Api, tenant: TenantFixture
) -> None:
    await activated(
        api,
        tenant,
        tag_on({"type": "schedule", "cron": "0 * * * *", "if": "'vip' in member.tags"}, "hourly"),
    )
    vip = await new_member(api, tenant)
    await api(UPDATE, {"id": vip, "input": {"tags": ["vip"]}}, tenant.secret_key)
    await new_member(api, tenant)
    # a minute past the next full hour: exactly one fire time has passed, whenever this runs
    hour = SystemClock().now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    later = at(tenant, hour + timedelta(minutes=1))
    assert await sweep_journeys(later) == 1  # one fire time passed, one member matches
    assert await sweep_journeys(later) == 0
    assert await sweep_journeys(at(tenant, hour + timedelta(hours=1, minutes=1))) == 1
    assert await entered(tenant) == 2
