"""Sandbox tenants: made by the CLI, their contexts read the frozen time in every process, their
staff log in on real time, and the API shows the clock (null for a live tenant)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from membership.db import PgTarget
from membership.testclock.service import advance_test_clock
from tenants.context import RequestContext
from tenants.registry import get_tenant, get_tenant_by_slug
from tests.conftest import Api, TenantFixture
from tests.test_cli import run
from tests.testclock.conftest import START, day

CLOCK = "{ viewer { tenant { testClock { frozenTime status } } } }"


def frozen(data: dict[str, object]) -> datetime:
    clock = data["viewer"]["tenant"]["testClock"]  # type: ignore[index]
    return datetime.fromisoformat(clock["frozenTime"])  # type: ignore[index]


async def test_the_cli_makes_a_sandbox_tenant_whose_time_stands_still(
    database: PgTarget,
) -> None:
    made = run(
        database,
        "tenant",
        "create",
        "--slug",
        "sandbox-cli",
        "--name",
        "沙箱商户",
        "--test-clock",
        "2026-01-01T09:00:00+08:00",
    )
    assert made.returncode == 0, made.stderr
    printed = json.loads(made.stdout)
    assert printed["slug"] == "sandbox-cli" and printed["currency"] == "CNY"
    assert printed["testClock"]["status"] == "READY"
    assert datetime.fromisoformat(printed["testClock"]["frozenTime"]) == START

    tenant = await get_tenant_by_slug("sandbox-cli")
    assert tenant is not None and tenant.sandbox is not None
    assert RequestContext.system(tenant).clock.now() == START

    # a time without an offset is the tenant's local time
    moved = run(
        database, "tenant", "advance-clock", "--slug", "sandbox-cli", "--to", "2026-01-08T09:00"
    )
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["testClock"] == {
        "frozenTime": day(7).astimezone(UTC).isoformat(),
        "status": "READY",
    }


async def test_the_cli_refuses_a_test_clock_that_is_no_time(database: PgTarget) -> None:
    made = run(
        database, "tenant", "create", "--slug", "sandbox-bad", "--name", "x", "--test-clock", "soon"
    )
    assert made.returncode != 0
    assert json.loads(made.stdout)["errors"][0]["field"] == ["testClock"]
    assert await get_tenant_by_slug("sandbox-bad") is None


async def test_a_live_tenant_has_no_test_clock(api: Api, tenant: TenantFixture) -> None:
    data = await api(CLOCK, token=tenant.owner_token)
    assert data["viewer"]["tenant"]["testClock"] is None
    assert tenant.info.sandbox is None


async def test_every_context_reads_the_clock_as_it_is_after_an_advance(
    api: Api, sandbox: TenantFixture
) -> None:
    # the tenant and the API key were read (and cached) before the advance
    assert await get_tenant(sandbox.info.id) is not None
    assert frozen(await api(CLOCK, token=sandbox.secret_key)) == START

    fresh = await get_tenant(sandbox.info.id)
    assert fresh is not None
    await advance_test_clock(RequestContext.system(fresh), day(3))

    moved = await get_tenant(sandbox.info.id)
    assert moved is not None and RequestContext.system(moved).clock.now() == day(3)
    assert frozen(await api(CLOCK, token=sandbox.secret_key)) == day(3)
    assert frozen(await api(CLOCK, token=sandbox.owner_token)) == day(3)


async def test_staff_log_in_on_real_time_and_stay_in_after_a_month(
    api: Api, sandbox: TenantFixture
) -> None:
    # the clock stands eleven months behind the machine's: a token made on it would be expired
    assert sandbox.info.sandbox is not None
    assert sandbox.info.sandbox.frozen_time < datetime.now(UTC)
    data = await api(CLOCK, token=sandbox.owner_token)
    assert data["viewer"]["tenant"]["testClock"]["status"] == "READY"

    advanced = await api(
        "mutation($to: DateTime!) { advanceTestClock(to: $to) { testClock { status } errors { code } } }",
        {"to": day(31).isoformat()},
        token=sandbox.owner_token,
    )
    assert advanced["advanceTestClock"] == {"testClock": {"status": "READY"}, "errors": []}
    # a month of the tenant's time later, the same login still works
    assert frozen(await api(CLOCK, token=sandbox.owner_token)) == day(31)


async def test_members_are_made_at_the_frozen_time(api: Api, sandbox: TenantFixture) -> None:
    created = await api(
        """mutation { createMember(input: {phone: "13500009999"}) {
             member { id createdAt } errors { code } } }""",
        token=sandbox.secret_key,
    )
    member = created["createMember"]["member"]
    assert datetime.fromisoformat(member["createdAt"]) == START
