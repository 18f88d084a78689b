"""What a plugin brings acts only for the tenants that enabled it: its tables (under row-level
security), its earning-rule kinds, its event handlers, its jobs and its crons."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from membership.activation.jobs import enqueue, run_crons, run_due_jobs
from membership.activation.migrations import PluginMigrationError, migrate_plugins
from membership.db import PgTarget, role_target
from membership.errors import DomainError
from membership.events.handlers import run_due_handlings
from membership.events.relay import relay_tenant
from plugins.hookspecs import PluginManifest, hookimpl
from plugins.manager import LoadedPlugins, also_installed
from plugins.tables import PluginMigration
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.plugins import sample_kit
from tests.plugins.test_activation import enable

RULE = """mutation($points: Int!) {
  createEarningRule(input: {name: "奖励", kind: "SAMPLE_BONUS", params: {points: $points}}) {
    rule { id } errors { code message } } }"""
ORDER = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { pointsEarned } errors { code message } } }"""
MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""


class NoJobs:
    async def enqueue(self, function: str, *args: Any, job_id: str) -> None:
        raise AssertionError("no job expected")


async def new_member(api: Api, tenant: TenantFixture) -> str:
    phone = f"1398{uuid.uuid4().int % 10_000_000:07d}"
    data = await api(MEMBER, {"phone": phone}, tenant.secret_key)
    return data["createMember"]["member"]["id"]  # type: ignore[no-any-return]


async def order(api: Api, tenant: TenantFixture, member_id: str) -> dict[str, Any]:
    data = await api(
        ORDER,
        {"input": {"externalId": uuid.uuid4().hex, "memberId": member_id, "amount": 10_000}},
        tenant.secret_key,
    )
    return data["recordOrder"]  # type: ignore[no-any-return]


async def test_a_plugins_tables_show_each_tenant_only_its_rows(
    database: PgTarget, plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    conn = await asyncpg.connect(**role_target(database, "owner").connect_kwargs())
    try:
        row = await conn.fetchrow(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = $1",
            "sample_kit_notes",
        )
        assert (row["relrowsecurity"], row["relforcerowsecurity"]) == (True, True)
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM plugin_migrations WHERE plugin = 'sample-kit'"
            )
            == 1
        )
    finally:
        await conn.close()
    await enable(plugin_api, tenant, {"label": "甲"})
    await enable(plugin_api, other_tenant, {"label": "乙"})
    assert await sample_kit.notes(tenant.ctx) == ["preset:甲"]
    assert await sample_kit.notes(other_tenant.ctx) == ["preset:乙"]


def _leaky(tenant_tables: tuple[str, ...]) -> Any:
    import types

    module = types.ModuleType("leaky")
    module.MANIFEST = PluginManifest("leaky", "1.0.0", ">=0.1", "")  # type: ignore[attr-defined]

    @hookimpl
    def membership_migrations() -> list[PluginMigration]:
        return [
            PluginMigration(
                "0001_open",
                "CREATE TABLE leaky_rows (tenant_id uuid NOT NULL, id uuid PRIMARY KEY)",
                tenant_tables=tenant_tables,
            )
        ]

    module.membership_migrations = membership_migrations  # type: ignore[attr-defined]
    return module


@pytest.mark.parametrize("listed", [(), ("leaky_nothing",)])
async def test_a_migration_that_leaves_tenant_rows_unguarded_is_rolled_back(
    database: PgTarget, listed: tuple[str, ...]
) -> None:
    with also_installed({"leaky": _leaky(listed)}):
        conn = await asyncpg.connect(**role_target(database, "owner").connect_kwargs())
        try:
            with pytest.raises(PluginMigrationError, match="plugin 'leaky' migration 0001_open"):
                await migrate_plugins(conn)
            assert await conn.fetchval("SELECT to_regclass('leaky_rows')") is None
            assert not await conn.fetchval(
                "SELECT count(*) FROM plugin_migrations WHERE plugin = 'leaky'"
            )
        finally:
            await conn.close()


async def test_a_plugins_rule_kind_earns_only_while_the_tenant_has_it_enabled(
    plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    refused = await plugin_api(RULE, {"points": 7}, other_tenant.owner_token)
    assert [e["code"] for e in refused["createEarningRule"]["errors"]] == ["PERMISSION_DENIED"]
    kinds = await plugin_api("{ earningRuleKinds { name } }", token=other_tenant.owner_token)
    assert "SAMPLE_BONUS" not in {k["name"] for k in kinds["earningRuleKinds"]}

    await enable(plugin_api, tenant)
    created = await plugin_api(RULE, {"points": 7}, tenant.owner_token)
    assert created["createEarningRule"]["errors"] == []
    member = await new_member(plugin_api, tenant)
    assert (await order(plugin_api, tenant, member))["order"]["pointsEarned"] == 107
    await plugin_api(
        'mutation { disablePlugin(name: "sample-kit") { errors { code } } }',
        token=tenant.owner_token,
    )
    assert (await order(plugin_api, tenant, member))["order"]["pointsEarned"] == 100
    rules = await plugin_api("{ earningRules { kind available } }", token=tenant.owner_token)
    assert {"kind": "SAMPLE_BONUS", "available": False} in rules["earningRules"]


async def test_a_rule_kind_that_raises_fails_the_order_naming_its_plugin(
    plugin_api: Api, tenant: TenantFixture
) -> None:
    await enable(plugin_api, tenant)
    await plugin_api(RULE, {"points": 13}, tenant.owner_token)
    member = await new_member(plugin_api, tenant)
    failed = await order(plugin_api, tenant, member)
    assert failed["order"] is None
    assert [e["code"] for e in failed["errors"]] == ["PLUGIN_FAILED"]
    assert "sample-kit" in failed["errors"][0]["message"]
    balance = await plugin_api(
        "query($id: ID!) { member(id: $id) { pointsBalance } }", {"id": member}, tenant.owner_token
    )
    assert balance["member"]["pointsBalance"] == 0


CONFIGURE = """mutation { configureChannel(input: {channel: SMS, provider: "sample_sms"}) {
  config { provider } errors { code message } } }"""


async def test_a_plugins_channel_provider_serves_only_tenants_that_enabled_it(
    plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    from membership.messaging.channels import active_channels
    from plugins.channels import Channel

    refused = await plugin_api(CONFIGURE, token=other_tenant.owner_token)
    assert [e["code"] for e in refused["configureChannel"]["errors"]] == ["PERMISSION_DENIED"]
    await enable(plugin_api, tenant)
    configured = await plugin_api(CONFIGURE, token=tenant.owner_token)
    assert configured["configureChannel"] == {"config": {"provider": "sample_sms"}, "errors": []}
    assert (await active_channels(tenant.ctx))[Channel.SMS].provider.name == "sample_sms"
    await plugin_api(
        'mutation { disablePlugin(name: "sample-kit") { errors { code } } }',
        token=tenant.owner_token,
    )
    tenant.ctx.enabled_plugins = None
    assert Channel.SMS not in await active_channels(tenant.ctx)


async def test_a_plugins_event_handler_sees_only_enabled_tenants_events(
    plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await enable(plugin_api, tenant, {"label": "甲"})
    mine = await new_member(plugin_api, tenant)
    await new_member(plugin_api, other_tenant)
    for fixture in (tenant, other_tenant):
        await relay_tenant(fixture.ctx)
        await run_due_handlings(fixture.ctx, NoJobs())
    assert await sample_kit.notes(tenant.ctx) == [f"member:{mine}", "preset:甲"]
    assert await sample_kit.notes(other_tenant.ctx) == []


async def test_a_plugins_jobs_run_once_per_key_and_only_while_enabled(
    plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    with pytest.raises(DomainError, match="not enabled"):
        await enqueue(other_tenant.ctx, "sample-kit", "write_note", {"text": "x"}, key="k0")
    await enable(plugin_api, tenant, {"label": "甲"})
    assert await enqueue(tenant.ctx, "sample-kit", "write_note", {"text": "a"}, key="k1")
    assert not await enqueue(tenant.ctx, "sample-kit", "write_note", {"text": "a"}, key="k1")
    assert await enqueue(tenant.ctx, "sample-kit", "write_note", {"fail": True}, key="k2")
    assert await run_due_jobs(tenant.ctx) == 2
    assert await sample_kit.notes(tenant.ctx) == ["job:a", "preset:甲"]
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT key, status, attempts, last_error FROM plugin_jobs ORDER BY key"
        )
    assert [(r["key"], r["status"], r["attempts"]) for r in rows] == [
        ("k1", "DONE", 1),
        ("k2", "PENDING", 1),  # retried later, with backoff
    ]
    assert "failed on purpose" in rows[1]["last_error"]
    await enqueue(tenant.ctx, "sample-kit", "write_note", {"text": "late"}, key="k3")
    await plugin_api(
        'mutation { disablePlugin(name: "sample-kit") { errors { code } } }',
        token=tenant.owner_token,
    )
    tenant.ctx.enabled_plugins = None
    await run_due_jobs(tenant.ctx)
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT status FROM plugin_jobs WHERE key = 'k3'")
    assert rows[0]["status"] == "DROPPED"
    assert "job:late" not in await sample_kit.notes(tenant.ctx)


async def test_a_plugins_cron_runs_at_its_minute_for_the_tenants_that_enabled_it(
    plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture, sample: LoadedPlugins
) -> None:
    await enable(plugin_api, tenant, {"label": "甲"})
    assert await run_crons(datetime(2026, 12, 7, 10, 30, tzinfo=UTC)) == 0  # not its minute
    await run_crons(datetime(2026, 12, 7, 11, 0, 20, tzinfo=UTC))
    assert "cron" in await sample_kit.notes(tenant.ctx)
    assert await sample_kit.notes(other_tenant.ctx) == []


async def test_a_sandbox_tenants_plugin_crons_and_jobs_run_on_its_test_clock(
    database: PgTarget, plugin_api: Api
) -> None:
    from datetime import timedelta

    from tests.testclock.conftest import START, make_sandbox

    sandbox = await make_sandbox(database, plugin_api)
    await enable(plugin_api, sandbox, {"label": "沙盒"})
    await enqueue(sandbox.ctx, "sample-kit", "write_note", {"text": "queued"}, key="s1")
    # the worker's cron leaves a sandbox tenant to its clock
    await run_crons(datetime(2026, 12, 7, 11, 0, tzinfo=UTC))
    assert await sample_kit.notes(sandbox.ctx) == ["preset:沙盒"]

    advanced = await plugin_api(
        """mutation($to: DateTime!) {
          advanceTestClock(to: $to) { testClock { status } errors { code } } }""",
        {"to": (START + timedelta(hours=2, minutes=30)).isoformat()},
        sandbox.owner_token,
    )
    assert advanced["advanceTestClock"]["errors"] == []
    # 09:00 Shanghai is 01:00 UTC: the hourly cron runs at 02:00 and 03:00, the job at once
    assert await sample_kit.notes(sandbox.ctx) == ["cron", "cron", "job:queued", "preset:沙盒"]
