"""Per-tenant activation: enabling, configuring and disabling plugins, and what a tenant that did
not enable a plugin gets from it."""

from __future__ import annotations

import types
from typing import Any

import pytest

from membership.activation.service import enabled_plugins
from plugins import failures
from plugins.hookspecs import PluginManifest
from plugins.manager import LoadedPlugins, also_installed
from tenants import audit
from tenants.staff import create_staff
from tenants.tx import tenant_tx
from tests.conftest import LOGIN, Api, TenantFixture
from tests.plugins import sample_kit

ENABLE = """mutation($name: String!, $config: JSON) {
  enablePlugin(name: $name, config: $config) {
    plugin { name enabled config }
    errors { code field message }
  }
}"""
DISABLE = """mutation($name: String!) {
  disablePlugin(name: $name) { plugin { name enabled } errors { code field message } }
}"""
PLUGINS = """{ plugins { name version title coreRange compatible problem alwaysOn enabled config
  configSchema adminPages { path moduleUrl title } } }"""


async def enable(api: Api, tenant: TenantFixture, config: Any = None) -> dict[str, Any]:
    data = await api(ENABLE, {"name": "sample-kit", "config": config}, tenant.owner_token)
    return data["enablePlugin"]  # type: ignore[no-any-return]


async def plugin_audit(tenant: TenantFixture) -> list[str]:
    async with tenant_tx(tenant.ctx):
        entries = await audit.AuditEntry.filter(target_type="plugin").order_by("created_at")
    return [e.action for e in entries]


async def test_the_plugins_installed_are_listed_with_version_range_and_config_schema(
    plugin_api: Api, tenant: TenantFixture
) -> None:
    plugins = {
        p["name"]: p for p in (await plugin_api(PLUGINS, token=tenant.owner_token))["plugins"]
    }
    core = plugins["membership-core"]
    assert (core["alwaysOn"], core["enabled"], core["compatible"]) == (True, True, True)
    sample = plugins["sample-kit"]
    assert (sample["version"], sample["title"], sample["coreRange"]) == (
        "2.3.0",
        "Sample kit",
        ">=0.1,<0.2",
    )
    assert (sample["enabled"], sample["config"], sample["compatible"]) == (False, None, True)
    assert sample["configSchema"]["properties"]["bonus"]["maximum"] == 100
    assert sample["adminPages"] == [
        {
            "path": "notes",
            "moduleUrl": "/plugin-files/sample-kit/pages/notes.js",
            "title": "Sample notes",
        }
    ]


async def test_enabling_runs_the_preset_once_and_enabling_again_changes_nothing(
    plugin_api: Api, tenant: TenantFixture
) -> None:
    first = await enable(plugin_api, tenant, {"label": "门店"})
    assert first == {
        "plugin": {"name": "sample-kit", "enabled": True, "config": {"label": "门店", "bonus": 5}},
        "errors": [],
    }
    assert await enable(plugin_api, tenant, {"label": "门店"}) == first
    assert await sample_kit.notes(tenant.ctx) == ["preset:门店"]
    assert await plugin_audit(tenant) == ["plugin.enabled"]

    off = await plugin_api(DISABLE, {"name": "sample-kit"}, tenant.owner_token)
    assert off["disablePlugin"] == {
        "plugin": {"name": "sample-kit", "enabled": False},
        "errors": [],
    }
    assert "sample-kit" not in await enabled_plugins(tenant.ctx.__class__.system(tenant.info))
    # what the preset made stays, and enabling again (with another label) does not make it twice
    again = await enable(plugin_api, tenant, {"label": "总部", "bonus": 9})
    assert again["plugin"]["config"] == {"label": "总部", "bonus": 9}
    assert await sample_kit.notes(tenant.ctx) == ["preset:门店"]
    assert await plugin_audit(tenant) == ["plugin.enabled", "plugin.disabled", "plugin.enabled"]
    # a new configuration alone is recorded as such
    await enable(plugin_api, tenant, {"label": "总部", "bonus": 10})
    assert (await plugin_audit(tenant))[-1] == "plugin.configured"


async def test_a_configuration_the_model_refuses_reports_every_field_and_changes_nothing(
    plugin_api: Api, tenant: TenantFixture
) -> None:
    payload = await enable(plugin_api, tenant, {"label": "", "bonus": 500})
    assert payload["plugin"] is None
    assert sorted(e["field"] for e in payload["errors"]) == [
        ["config", "bonus"],
        ["config", "label"],
    ]
    assert {e["code"] for e in payload["errors"]} == {"INVALID"}
    not_object = await enable(plugin_api, tenant, [1, 2])
    assert not_object["errors"][0]["field"] == ["config"]
    assert await sample_kit.notes(tenant.ctx) == []
    assert await plugin_audit(tenant) == []


async def test_an_unknown_plugin_and_the_platforms_own_are_refused(
    plugin_api: Api, tenant: TenantFixture
) -> None:
    unknown = await plugin_api(ENABLE, {"name": "nope"}, tenant.owner_token)
    assert unknown["enablePlugin"]["errors"] == [
        {
            "code": "NOT_FOUND",
            "field": ["name"],
            "message": "No plugin named nope is installed; see plugins.",
        }
    ]
    unknown_off = await plugin_api(DISABLE, {"name": "nope"}, tenant.owner_token)
    assert [e["code"] for e in unknown_off["disablePlugin"]["errors"]] == ["NOT_FOUND"]
    assert await plugin_audit(tenant) == []
    core = await plugin_api(DISABLE, {"name": "membership-core"}, tenant.owner_token)
    assert core["disablePlugin"]["errors"][0]["code"] == "INVALID"


async def test_a_preset_that_fails_leaves_nothing_and_names_its_plugin(
    plugin_api: Api, tenant: TenantFixture
) -> None:
    payload = await enable(plugin_api, tenant, {"label": "boom"})
    assert payload["errors"] == [
        {
            "code": "PLUGIN_FAILED",
            "field": None,
            "message": "The plugin sample-kit failed (RuntimeError); nothing was changed.",
        }
    ]
    assert await sample_kit.notes(tenant.ctx) == []
    listed = (await plugin_api(PLUGINS, token=tenant.owner_token))["plugins"]
    assert next(p for p in listed if p["name"] == "sample-kit")["enabled"] is False
    # and a working configuration afterwards runs the preset as a first time
    assert (await enable(plugin_api, tenant, {"label": "ok"}))["errors"] == []
    assert await sample_kit.notes(tenant.ctx) == ["preset:ok"]


async def test_enabling_needs_programme_manage(plugin_api: Api, tenant: TenantFixture) -> None:
    await create_staff(
        tenant.ctx, email="clerk@plugins.example.com", password="clerk-pass-123", role="clerk"
    )
    login = await plugin_api(
        LOGIN,
        {
            "slug": tenant.info.slug,
            "email": "clerk@plugins.example.com",
            "password": "clerk-pass-123",
        },
    )
    clerk = login["login"]["token"]
    data = await plugin_api(ENABLE, {"name": "sample-kit", "config": {}}, clerk)
    assert [e["code"] for e in data["enablePlugin"]["errors"]] == ["PERMISSION_DENIED"]
    assert await sample_kit.notes(tenant.ctx) == []


async def test_a_plugins_fields_answer_only_tenants_that_enabled_it(
    plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await enable(plugin_api, tenant, {"label": "甲"})
    assert (await plugin_api("{ sampleEcho }", token=tenant.owner_token)) == {
        "sampleEcho": f"{tenant.info.slug}:甲"
    }
    refused = (await plugin_api.raw("{ sampleEcho }", token=other_tenant.owner_token)).json()
    assert refused["data"] is None
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "PERMISSION_DENIED"
    assert "sample-kit" in error["message"]


async def test_a_plugin_that_raises_fails_its_field_with_a_clear_error_and_nothing_else(
    plugin_api: Api, tenant: TenantFixture
) -> None:
    await enable(plugin_api, tenant)
    body = (await plugin_api.raw("mutation { sampleBoom }", token=tenant.owner_token)).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "PLUGIN_FAILED"
    assert error["message"] == (
        "The plugin sample-kit failed (RuntimeError); other plugins are not affected."
    )
    # the same request's other fields, and the platform's own, still answer
    both = (
        await plugin_api.raw("{ sampleEcho plugins { name } }", token=tenant.owner_token)
    ).json()
    assert both["data"]["sampleEcho"].endswith(":样例") and not both.get("errors")


async def test_a_plugin_that_raises_is_logged_by_name_and_another_plugin_still_works(
    plugin_api: Api, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    logged: list[dict[str, Any]] = []

    class Recorder:
        def error(self, event: str, **fields: Any) -> None:
            logged.append({"event": event, **fields})

    monkeypatch.setattr(failures, "log", Recorder())
    await enable(plugin_api, tenant)
    body = (await plugin_api.raw("mutation { sampleBoom }", token=tenant.owner_token)).json()
    assert body["errors"][0]["extensions"]["code"] == "PLUGIN_FAILED"
    assert [(e["event"], e["plugin"], e["error"]) for e in logged] == [
        ("plugin_failed", "sample-kit", 'RuntimeError("the plugin\'s own bug")')
    ]
    # another plugin, enabled afterwards, is set up and answers as usual
    retail = await plugin_api(ENABLE, {"name": "retail", "config": {}}, tenant.owner_token)
    assert retail["enablePlugin"]["errors"] == []
    tiers = await plugin_api("{ tiers { name } }", token=tenant.owner_token)
    assert len(tiers["tiers"]) == 4
    assert (await plugin_api("{ sampleEcho }", token=tenant.owner_token))["sampleEcho"]


def _old_plugin() -> types.ModuleType:
    module = types.ModuleType("old_plugin")
    module.MANIFEST = PluginManifest("old", "0.9.0", "<0.1", "Made for an older platform")  # type: ignore[attr-defined]
    return module


async def test_a_plugin_for_another_core_is_refused_at_start_up_and_the_platform_starts(
    plugin_api: Api, tenant: TenantFixture, sample: LoadedPlugins
) -> None:
    with also_installed({"old": _old_plugin()}) as loaded:
        assert "old" in loaded.refused and "sample-kit" in loaded.manifests
        # the app starts and says why the plugin is not used
        from membership.app import create_app

        create_app(manage_database=False)
        listed = {
            p["name"]: p for p in (await plugin_api(PLUGINS, token=tenant.owner_token))["plugins"]
        }
        assert listed["old"]["compatible"] is False
        assert listed["old"]["problem"] == "plugin 'old' 0.9.0 needs membership <0.1, this is 0.1.0"
        refused = await plugin_api(ENABLE, {"name": "old"}, tenant.owner_token)
        assert [e["code"] for e in refused["enablePlugin"]["errors"]] == ["INVALID"]


async def test_a_plugins_own_errors_speak_the_callers_language(
    plugin_api: Api, tenant: TenantFixture
) -> None:
    await enable(plugin_api, tenant)
    for language, message in (("zh-CN", "样例拒绝了 this。"), ("en", "Sample refuses this.")):
        body = (
            await plugin_api.raw(
                "mutation { sampleRefuse }",
                token=tenant.owner_token,
                headers={"accept-language": language},
            )
        ).json()
        assert [(e["extensions"]["code"], e["message"]) for e in body["errors"]] == [
            ("INVALID", message)
        ]


def _shadowing_plugin() -> types.ModuleType:
    import strawberry

    from plugins.hookspecs import hookimpl
    from plugins.schema_additions import GraphQLAdditions

    @strawberry.type(name="Member")
    class Shadow:
        note: str

    @strawberry.type
    class ShadowQueries:
        @strawberry.field
        async def shadow_member(self) -> Shadow:
            return Shadow(note="")

    module = types.ModuleType("shadow_plugin")
    module.MANIFEST = PluginManifest("shadow", "1.0.0", ">=0.1", "")  # type: ignore[attr-defined]

    @hookimpl
    def membership_graphql() -> GraphQLAdditions:
        return GraphQLAdditions(query=(ShadowQueries,))

    module.membership_graphql = membership_graphql  # type: ignore[attr-defined]
    return module


async def test_a_plugin_whose_types_clash_with_the_platforms_is_refused_and_the_app_starts(
    sample: LoadedPlugins,
) -> None:
    from membership.api_schema import build_schema
    from plugins.manager import loaded_plugins

    with also_installed({"shadow": _shadowing_plugin()}):
        schema = build_schema()
        assert "shadowMember" not in str(schema) and "sampleEcho" in str(schema)
        refused = loaded_plugins().refused["shadow"]
        assert refused.startswith("its GraphQL schema cannot join the platform's")


async def test_a_page_files_url_and_the_admins_own_route_of_the_page_do_not_collide(
    plugin_api: Api,
) -> None:
    module = await plugin_api.client.get("/plugin-files/sample-kit/pages/notes.js")
    assert module.status_code == 200 and "export default" in module.text
    assert module.headers["content-type"].startswith("text/javascript")
    # the admin's route of the page, reloaded or bookmarked, is the admin itself
    page = await plugin_api.client.get("/admin/plugins/sample-kit/notes")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # and nothing but a declared page's files is served
    assert (await plugin_api.client.get("/plugin-files/sample-kit/__init__.py")).status_code == 404
    assert (
        await plugin_api.client.get("/plugin-files/sample-kit/pages/%2E%2E/%2E%2E/conftest.py")
    ).status_code == 404


async def test_a_plugin_adds_a_field_to_member_for_the_tenants_that_enabled_it(
    plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    from membership.api_schema import build_schema
    from membership.members.service import MemberChanges, create_member

    await enable(plugin_api, tenant, {"label": "徽章"})
    mine = await create_member(tenant.ctx, MemberChanges(phone="13800990001"))
    theirs = await create_member(other_tenant.ctx, MemberChanges(phone="13800990002"))
    query = "query($id: ID!) { member(id: $id) { id sampleBadge } }"
    data = await plugin_api(query, {"id": str(mine.id)}, tenant.owner_token)
    assert data["member"] == {"id": str(mine.id), "sampleBadge": f"徽章:{mine.id}"}
    refused = (
        await plugin_api.raw(query, {"id": str(theirs.id)}, token=other_tenant.owner_token)
    ).json()
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]
    assert "sample-kit" in refused["errors"][0]["message"]
    # the platform's own schema (what the committed SDL holds) has no trace of it
    assert "sampleBadge" not in str(build_schema(distribution="membership"))
    assert "sampleBadge" in str(build_schema())


async def test_a_plugins_field_on_a_page_of_members_costs_the_same_queries_for_any_page_size(
    plugin_api: Api, tenant: TenantFixture
) -> None:
    from membership.members.service import MemberChanges, create_member
    from tests.conftest import count_queries

    await enable(plugin_api, tenant)
    query = """query($first: Int) { members(first: $first) { edges { node {
      sampleNoteCount } } } }"""
    counts: list[int] = []
    for made in (2, 8):
        for n in range(made - sum((counts and [2]) or [0])):
            await create_member(tenant.ctx, MemberChanges(phone=f"1370099{made:02d}{n:02d}"))
        with count_queries() as counted:
            data = await plugin_api(query, {"first": 50}, tenant.owner_token)
        assert len(data["members"]["edges"]) == made
        counts.append(len(counted.queries))
    assert counts[0] == counts[1], counts


async def test_a_plugins_download_answers_its_tenants_staff_with_their_credential(
    plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    client = plugin_api.client
    assert (await client.get("/plugin-api/sample-kit/notes.csv")).status_code == 401
    other = await client.get(
        "/plugin-api/sample-kit/notes.csv",
        headers={"authorization": f"Bearer {other_tenant.owner_token}"},
    )
    assert other.status_code == 403 and "sample-kit" in other.json()["errors"][0]["message"]
    await enable(plugin_api, tenant, {"label": "表"})
    mine = await client.get(
        "/plugin-api/sample-kit/notes.csv",
        headers={"authorization": f"Bearer {tenant.owner_token}"},
    )
    assert mine.status_code == 200 and mine.text == "text\npreset:表\n"
    assert (
        await client.get(
            "/plugin-api/sample-kit/nope.csv",
            headers={"authorization": f"Bearer {tenant.owner_token}"},
        )
    ).status_code == 404


async def test_a_plugins_public_hook_reaches_only_a_tenant_that_enabled_it(
    plugin_api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    client = plugin_api.client
    await enable(plugin_api, tenant, {"label": "key"})
    signed = {"x-signature": "key"}
    url = f"/plugin-hooks/sample-kit/{tenant.info.slug}/ping/r1"
    assert (await client.post(url, content=b"hi", headers=signed)).text == "ok"
    assert (await client.post(url, content=b"hi", headers={"x-signature": "x"})).status_code == 401
    assert (await client.get(url)).status_code == 405
    elsewhere = f"/plugin-hooks/sample-kit/{other_tenant.info.slug}/ping/r1"
    assert (await client.post(elsewhere, content=b"hi", headers=signed)).status_code == 404
    assert (
        await client.post("/plugin-hooks/sample-kit/no-such-tenant/ping/r1", headers=signed)
    ).status_code == 404
    crashed = await client.post(url, content=b"crash", headers=signed)
    assert crashed.status_code == 500
    assert crashed.json()["errors"][0]["extensions"]["code"] == "PLUGIN_FAILED"
    assert await sample_kit.notes(tenant.ctx) == ["ping:r1:hi", "preset:key"]
    assert await sample_kit.notes(other_tenant.ctx) == []
