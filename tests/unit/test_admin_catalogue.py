"""Every code the server can show the admin has a label in both of the admin's catalogues.

The admin names audit actions and fields, error codes, event types, scopes, roles, handlers and
enum values from ``admin_spa/src/i18n/{zh-CN,en}.json``; a code added on the server without a
label would reach merchants as a raw code, so the codes are read from the source here.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from membership.coupons.templates import TemplateDraft
from membership.errors import ErrorCode
from membership.event_types import known_types
from membership.orders.service import STATUSES as ORDER_STATUSES
from membership.programme.expiry import POLICIES as EXPIRY_POLICIES
from membership.programme.settings import DEFAULTS as POINTS_SETTINGS
from membership.tiering.engine import DOWNGRADE_POLICIES
from tenants.permissions import Permission, Role

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {
    language: json.loads((ROOT / "admin_spa" / "src" / "i18n" / f"{language}.json").read_text())
    for language in ("zh-CN", "en")
}
SERVER_PACKAGES = ("membership", "tenants", "workers", "plugins")
SCHEMA = (ROOT / "schema" / "schema.graphql").read_text()

# Actions written with an f-string, and the values the placeholder takes.
FORMATTED_ACTIONS = {"points.{operation}": ("adjust", "spend")}

# GraphQL enums the admin shows, and where their labels live.
ENUM_BRANCHES = {
    "CouponStatus": "coupons.statuses",
    "CouponKind": "coupons.kinds",
    "CouponPeriod": "coupons.periods",
    "CouponBatchStatus": "coupons.batchStatuses",
    "WebhookDeliveryStatus": "webhooks.deliveryStatuses",
    "TierMetric": "tiers.metrics",
    "TierWindow": "tiers.windows",
    "PointsTransactionKind": "points.kinds",
    "PointsExpiryPolicy": "pointsSettings.policies",
    "TierDowngradePolicy": "enums.downgradePolicies",
    "CustomFieldType": "customFields.types",
    "Gender": "members.gender",
    "ApiKeyKind": "apiKeys.kinds",
    "ErrorCode": "errors.codes",
    "Channel": "messaging.channels",
    "MessageStatus": "messaging.statuses",
}


def _label(catalogue: dict[str, Any], key: str) -> object:
    node: object = catalogue
    for segment in key.split("."):
        node = node.get(segment) if isinstance(node, dict) else None
    return node


def _missing(keys: set[str]) -> dict[str, list[str]]:
    """The keys without a string label, per language (empty when all are there)."""
    missing = {
        language: sorted(k for k in keys if not isinstance(_label(catalogue, k), str))
        for language, catalogue in CATALOGUES.items()
    }
    return {language: keys for language, keys in missing.items() if keys}


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for package in SERVER_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text())


def _is_audit_record(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "record"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "audit"
    )


def _template_part(part: ast.expr) -> str:
    """A piece of an f-string: its text, or ``{placeholder}``."""
    if isinstance(part, ast.Constant):
        return str(part.value)
    assert isinstance(part, ast.FormattedValue)
    return "{" + ast.unparse(part.value) + "}"


def _strings(node: ast.expr) -> list[str]:
    """The action names an argument can take."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.JoinedStr):
        pattern = "".join(_template_part(part) for part in node.values)
        assert pattern in FORMATTED_ACTIONS, f"list the values of {pattern!r} in FORMATTED_ACTIONS"
        head, _, _ = pattern.partition("{")
        return [head + value for value in FORMATTED_ACTIONS[pattern]]
    raise AssertionError(f"an audit action the test cannot read: {ast.unparse(node)}")


def audit_actions() -> set[str]:
    actions: set[str] = set()
    for _, tree in _sources():
        for node in ast.walk(tree):
            if _is_audit_record(node):
                assert isinstance(node, ast.Call) and len(node.args) >= 2
                actions.update(_strings(node.args[1]))
    return actions


def _dict_keys(node: ast.AST) -> set[str]:
    return {
        key.value
        for dictionary in ast.walk(node)
        if isinstance(dictionary, ast.Dict)
        for key in dictionary.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def audit_fields() -> set[str]:
    """Keys of the snapshots audit entries keep: literal dicts passed as before/after, and what
    the module's ``_describe``/``_snapshot`` return."""
    keys: set[str] = set()
    for _, tree in _sources():
        calls = [node for node in ast.walk(tree) if _is_audit_record(node)]
        if not calls:
            continue
        for call in calls:
            assert isinstance(call, ast.Call)
            for keyword in call.keywords:
                if keyword.arg in ("before", "after"):
                    keys |= _dict_keys(keyword.value)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in ("_describe", "_snapshot"):
                keys |= _dict_keys(node)
    # A template's update keeps the changed draft fields; the earning settings their columns.
    keys |= {f.name for f in fields(TemplateDraft)} | set(POINTS_SETTINGS)
    return {_camel(key) for key in keys}


def event_handlers() -> set[str]:
    names: set[str] = set()
    for _, tree in _sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "subscribe"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(str(node.args[0].value))
    return names


def schema_enum(name: str) -> set[str]:
    match = re.search(r"^enum " + name + r" \{\n(.*?)^\}", SCHEMA, re.M | re.S)
    assert match, name
    return {line.strip() for line in match.group(1).splitlines() if line.strip()}


def test_the_source_scan_finds_what_it_should() -> None:
    # guards against a scan that silently finds nothing
    assert {
        "member.update",
        "points.adjust",
        "staff.activate",
        "staff.deactivate",
    } <= audit_actions()
    assert {"name", "tierId", "earnPointsPerYuan", "pointsReversed"} <= audit_fields()
    assert "coupons.generate_batch" in event_handlers()


def test_every_audit_action_has_a_label() -> None:
    assert _missing({f"audit.actions.{action}" for action in audit_actions()}) == {}


def test_every_audited_field_has_a_label() -> None:
    assert _missing({f"audit.fields.{field}" for field in audit_fields()}) == {}


def test_every_error_code_has_a_label() -> None:
    assert _missing({f"errors.codes.{code.value}" for code in ErrorCode}) == {}


def _shipped_event_types() -> list[str]:
    """The platform's event types and those of the presets it ships (whatever other plugins a
    test has loaded in this process): the admin labels these; a partner's show as they are."""
    from membership.outbox import EVENT_TYPES
    from plugins.manager import loaded_plugins

    shipped = {
        name for name, dist in loaded_plugins().distributions.items() if dist == "membership"
    }
    prefixes = tuple(f"plugins.{name}." for name in shipped)
    return [
        t
        for t in known_types()
        if t in EVENT_TYPES and (EVENT_TYPES[t].__module__.startswith(("membership.", *prefixes)))
    ]


def test_every_event_type_and_family_has_a_label() -> None:
    shipped = _shipped_event_types()
    types = [t for t in shipped if t != "event.*"]
    families = {t.split(".")[0] + ".*" for t in shipped}
    assert _missing({f"enums.eventTypes.{t}" for t in [*types, *families]}) == {}


def test_every_permission_and_role_has_a_label() -> None:
    keys = {f"enums.permissions.{p.value.replace(':', '.')}" for p in Permission}
    keys |= {f"staff.roles.{role.value}" for role in Role}
    assert _missing(keys) == {}


def test_every_event_handler_has_a_label() -> None:
    assert _missing({f"enums.handlers.{name}" for name in event_handlers()}) == {}


def test_every_status_and_policy_has_a_label() -> None:
    keys = {f"orders.statuses.{s}" for s in ORDER_STATUSES}
    keys |= {f"pointsSettings.policies.{p}" for p in EXPIRY_POLICIES}
    keys |= {f"enums.downgradePolicies.{p}" for p in DOWNGRADE_POLICIES}
    keys |= {f"deadLetters.statuses.{s}" for s in ("DEAD", "PENDING", "DONE")}
    assert _missing(keys) == {}


@pytest.mark.parametrize("enum", sorted(ENUM_BRANCHES))
def test_every_value_of_a_shown_enum_has_a_label(enum: str) -> None:
    branch = ENUM_BRANCHES[enum]
    assert _missing({f"{branch}.{value}" for value in schema_enum(enum)}) == {}
