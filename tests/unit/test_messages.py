"""Every error message the code raises has a zh-CN translation with the same placeholders."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from membership.errors import DomainError, ErrorCode
from membership.messages import ZH_CN, choose_language, localized

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("membership", "tenants", "schema", "resolvers", "workers", "plugins")
# calls with a message template, and which argument it is
TEMPLATE_CALLS = {
    "DomainError": 1,
    "ParamProblem": 1,
    "_range_problem": 1,
    "_error": 0,
    "_not_applicable": 0,
    "_invalid": 0,
    "problem": 1,
}


def raised_templates() -> set[str]:
    templates: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                func = getattr(node, "func", None)
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if (
                    isinstance(node, ast.Call)
                    and name in TEMPLATE_CALLS
                    and len(node.args) > TEMPLATE_CALLS[name]
                ):
                    message = node.args[TEMPLATE_CALLS[name]]
                    # chosen from a table of constants below, or a plugin's ParamProblem
                    if isinstance(message, ast.Name | ast.Attribute):
                        continue
                    assert isinstance(message, ast.Constant), (
                        f"{path}:{node.lineno}: pass a template and params, not an f-string"
                    )
                    templates.add(message.value)
                elif isinstance(node, ast.Tuple):  # (attr, key, message) tables
                    for element in node.elts:
                        if (
                            isinstance(element, ast.Constant)
                            and isinstance(element.value, str)
                            and element.value.startswith("Another member already")
                        ):
                            templates.add(element.value)
    return templates


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def plugin_translations() -> dict[str, str]:
    """What the installed plugins translate in their manifests (the presets do, as a partner's
    plugin would)."""
    from plugins.manager import loaded_plugins

    found: dict[str, str] = {}
    for manifest in loaded_plugins().manifests.values():
        found.update(manifest.messages.get("zh-CN", {}))
    return found


def test_every_raised_message_is_translated() -> None:
    templates = raised_templates()
    assert len(templates) > 50
    assert sorted(templates - ZH_CN.keys() - plugin_translations().keys()) == []


def test_translations_keep_the_placeholders() -> None:
    for english, chinese in {**ZH_CN, **plugin_translations()}.items():
        assert placeholders(english) == placeholders(chinese), english


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_comes_from_accept_language(header: str | None, language: str) -> None:
    assert choose_language(header) == language


def test_localized_fills_the_template_in_each_language() -> None:
    error = DomainError(ErrorCode.INVALID, "'{raw}' is not a phone number.", ["phone"], raw="12")
    assert error.message == "'12' is not a phone number."
    assert localized(error, "zh-CN") == "“12”不是手机号。"
    assert localized(error, "en") == "'12' is not a phone number."
