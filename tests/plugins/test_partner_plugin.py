"""A partner's plugin, installed as a distribution with an entry point and enabled by a tenant,
adds an earning-rule kind.

The plugin below is written only against the public contract (``plugins.hookspecs``,
``plugins.earning``), exactly as a partner's package would be.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from membership.members import service as members
from plugins.earning import EarningCalculation, EarningRuleKind, Stage
from plugins.hookspecs import PluginManifest, hookimpl
from plugins.manager import build, loaded_plugins
from tests.conftest import Api, TenantFixture

PLUGIN = '''
"""Birthday month: members earn more in the month of their birthday."""

from decimal import Decimal

from plugins.earning import EarningRuleKind, Param, Stage
from plugins.hookspecs import PluginManifest, hookimpl

MANIFEST = PluginManifest(
    name="partner-birthday", version="1.0.0", core=">=0.1", description="Birthday month bonus"
)


class BirthdayMonth(EarningRuleKind):
    name = "BIRTHDAY_MONTH"
    stage = Stage.ORDER
    description = "Multiply orders paid in the member's birthday month."
    params = (Param("multiplier", "decimal", "Times.", minimum=Decimal(1), maximum=Decimal(10)),)

    def apply(self, calc, params):
        birthday = calc.member.birthday
        if birthday is None or birthday.month != calc.order.local_paid_at.month:
            return None
        calc.order_multiplier *= params["multiplier"]
        return {"multiplier": str(params["multiplier"])}


@hookimpl
def membership_earning_rule_kinds():
    return [BirthdayMonth()]
'''


@pytest.fixture
def partner_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "partner_birthday.py").write_text(PLUGIN)
    dist = tmp_path / "partner_birthday-1.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: partner-birthday\nVersion: 1.0.0\n"
    )
    (dist / "entry_points.txt").write_text("[membership.plugins]\nbirthday = partner_birthday\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    loaded_plugins.cache_clear()
    yield
    loaded_plugins.cache_clear()
    sys.modules.pop("partner_birthday", None)


async def test_a_partner_kind_is_found_managed_and_applied(
    partner_installed: None, api: Api, tenant: TenantFixture
) -> None:
    kinds = await api("{ earningRuleKinds { name plugin } }", token=tenant.owner_token)
    assert "BIRTHDAY_MONTH" not in {k["name"] for k in kinds["earningRuleKinds"]}
    enabled = await api(
        'mutation { enablePlugin(name: "birthday") { plugin { enabled } errors { code } } }',
        token=tenant.owner_token,
    )
    assert enabled["enablePlugin"] == {"plugin": {"enabled": True}, "errors": []}
    kinds = await api("{ earningRuleKinds { name plugin } }", token=tenant.owner_token)
    assert {"name": "BIRTHDAY_MONTH", "plugin": "birthday"} in kinds["earningRuleKinds"]
    assert {"name": "MEMBER_DAY", "plugin": "membership-core"} in kinds["earningRuleKinds"]

    created = await api(
        """mutation($input: CreateEarningRuleInput!) {
          createEarningRule(input: $input) { rule { id } errors { code field } }
        }""",
        {"input": {"name": "生日月", "kind": "BIRTHDAY_MONTH", "params": {"multiplier": 20}}},
        tenant.owner_token,
    )
    assert created["createEarningRule"]["errors"] == [
        {"code": "INVALID", "field": ["input", "params", "multiplier"]}
    ]
    created = await api(
        """mutation($input: CreateEarningRuleInput!) {
          createEarningRule(input: $input) { rule { id } errors { code field } }
        }""",
        {"input": {"name": "生日月", "kind": "BIRTHDAY_MONTH", "params": {"multiplier": 3}}},
        tenant.owner_token,
    )
    assert created["createEarningRule"]["errors"] == []

    member = await members.create_member(
        tenant.ctx, members.MemberChanges(phone="13500077001", birthday="1990-11-02")
    )
    record = """mutation($input: RecordOrderInput!) {
      recordOrder(input: $input) { order { pointsEarned appliedRules { kind } } errors { code } }
    }"""
    for number, paid_at, expected in (
        ("B-NOV", "2026-11-30T15:00:00Z", 300),  # 23:00 on 30 November in Shanghai
        ("B-DEC", "2026-11-30T16:00:00Z", 100),  # already 1 December there
    ):
        order = {
            "externalId": f"{number}-{member.id}",
            "memberId": str(member.id),
            "amount": 10_000,
            "paidAt": paid_at,
        }
        data = await api(record, {"input": order}, tenant.secret_key)
        assert data["recordOrder"]["order"]["pointsEarned"] == expected, number


class _Kind(EarningRuleKind):
    name = "MEMBER_DAY"
    stage = Stage.ORDER
    description = "A second kind under a taken name."

    def apply(self, calc: EarningCalculation, params: object) -> None:  # type: ignore[override]
        return None


def _plugin(manifest: PluginManifest | None, kind: EarningRuleKind | None) -> types.ModuleType:
    module = types.ModuleType("partner_test_plugin")
    if manifest is not None:
        module.MANIFEST = manifest  # type: ignore[attr-defined]
    if kind is not None:

        @hookimpl
        def membership_earning_rule_kinds() -> list[EarningRuleKind]:
            return [kind]

        module.membership_earning_rule_kinds = membership_earning_rule_kinds  # type: ignore[attr-defined]
    return module


def test_plugins_that_cannot_be_used_are_refused_with_their_name_and_the_rest_load() -> None:
    import plugins.builtin as core

    good = PluginManifest("p", "1.0", ">=0.1", "")
    bad_name = _Kind()
    bad_name.name = "member day"  # type: ignore[misc]
    loaded = build(
        {
            "membership-core": core,
            "clash": _plugin(good, _Kind()),
            "old": _plugin(PluginManifest("p", "1.0", "<0.1", ""), None),
            "bare": _plugin(None, None),
            "odd": _plugin(good, bad_name),
            "fine": _plugin(good, None),
        }
    )
    assert set(loaded.manifests) == {"membership-core", "fine"}
    assert loaded.refused["clash"] == (
        "rule kind MEMBER_DAY comes from both 'membership-core' and 'clash'"
    )
    assert "'old' 1.0 needs membership <0.1" in loaded.refused["old"]
    assert "'bare' has no MANIFEST" in loaded.refused["bare"]
    assert "bad rule kind name" in loaded.refused["odd"]
    assert loaded.kind_plugins["MEMBER_DAY"] == "membership-core"


def test_the_installed_core_plugin_is_found_through_its_entry_point() -> None:
    loaded = loaded_plugins()
    assert "membership-core" in loaded.manifests
    assert loaded.kind_plugins["CAMPAIGN"] == "membership-core"
    assert loaded.manifests["membership-core"].core == ">=0.1,<0.2"


def test_the_contract_has_a_documented_hook_for_everything_a_plugin_may_bring() -> None:
    import dataclasses
    import inspect

    from plugins import hookspecs

    specs = {
        name: function
        for name, function in vars(hookspecs).items()
        if name.startswith("membership_") and inspect.isfunction(function)
    }
    assert set(specs) == {
        "membership_earning_rule_kinds",
        "membership_journey_triggers",
        "membership_journey_actions",
        "membership_channel_providers",
        "membership_event_handlers",
        "membership_graphql",
        "membership_migrations",
        "membership_jobs",
        "membership_crons",
        "membership_admin_pages",
        "membership_http_routes",
        "membership_preset",
    }
    undocumented = [name for name, function in specs.items() if not inspect.getdoc(function)]
    assert undocumented == []
    assert inspect.getdoc(hookspecs) and inspect.getdoc(PluginManifest)
    fields = {f.name for f in dataclasses.fields(PluginManifest)}
    assert {"name", "version", "core", "title", "description", "config"} <= fields
    # every installed plugin's manifest gives a configuration model whose JSON Schema is the
    # contract's configSchema
    for manifest in loaded_plugins().manifests.values():
        assert manifest.config.model_json_schema()["type"] == "object"
