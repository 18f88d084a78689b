"""A definition is checked as a whole: every problem at once, each at its place."""

from __future__ import annotations

import pytest

from membership.errors import DomainErrors
from membership.journeys.cel import CelError, Vocabulary, compile_condition
from membership.journeys.definition import parse_definition

TEMPLATE = "7d1c2f5e-8a3b-4c2d-9e1f-0a1b2c3d4e5f"


def problems(raw: object) -> dict[str, str]:
    with pytest.raises(DomainErrors) as caught:
        parse_definition(raw)
    return {".".join(e.field or []): e.message for e in caught.value.errors}


def win_back() -> dict[str, object]:
    return {
        "trigger": {"type": "inactivity", "days": 30},
        "entry": "s1",
        "reentry": "P30D",
        "steps": {
            "s1": {
                "type": "condition",
                "if": "member.pointsBalance > 1000",
                "then": "s2",
                "else": "end",
            },
            "s2": {"type": "issueCoupon", "templateId": TEMPLATE, "next": "s3"},
            "s3": {"type": "sendMessage", "channel": "SMS", "template": "recall", "next": "s4"},
            "s4": {
                "type": "waitForEvent",
                "event": "coupon.redeemed",
                "timeout": "P3D",
                "onEvent": "end",
                "onTimeout": "s5",
            },
            "s5": {
                "type": "createTask",
                "title": "Call this member",
                "assignTo": "accountManager",
                "dueIn": "P1D",
                "next": "end",
            },
        },
    }


def test_the_contract_example_parses() -> None:
    definition = parse_definition(win_back())
    assert definition.entry == "s1"
    assert definition.reentry == "cooldown" and definition.cooldown is not None
    assert definition.cooldown.days == 30
    assert definition.step("s4").links == {"onEvent": "end", "onTimeout": "s5"}
    assert [str(t) for t in definition.references.coupon_templates] == [TEMPLATE]
    assert definition.references.message_templates == {"recall": ["s3"]}


def test_every_problem_is_reported_at_once_with_its_place() -> None:
    raw = win_back()
    steps = raw["steps"]
    assert isinstance(steps, dict)
    steps["s1"]["if"] = "member.pointsBalence >"  # does not compile
    steps["s2"]["type"] = "teleport"  # unknown type
    del steps["s5"]["next"]  # missing next
    steps["s4"]["onEvent"] = "s9"  # no such step
    steps["orphan"] = {"type": "addTag", "tag": "vip", "next": "end"}  # unreachable
    found = problems(raw)
    assert set(found) == {
        "input.definition.steps.s1.if",
        "input.definition.steps.s2.type",
        "input.definition.steps.s5.next",
        "input.definition.steps.s4.onEvent",
        "input.definition.steps.orphan",
    }
    assert "does not compile" in found["input.definition.steps.s1.if"]
    assert "teleport" in found["input.definition.steps.s2.type"]


def test_unknown_fields_in_conditions_are_refused_with_their_position() -> None:
    raw = win_back()
    raw["steps"]["s1"]["if"] = "member.pointsBalance > 1000 && member.vipLevel > 2"  # type: ignore[index]
    message = problems(raw)["input.definition.steps.s1.if"]
    assert message.endswith("at 1:38: undeclared reference to 'member.vipLevel'")


def test_a_condition_must_be_true_or_false() -> None:
    raw = win_back()
    raw["steps"]["s1"]["if"] = "member.pointsBalance + 1"  # type: ignore[index]
    assert "not true or false" in problems(raw)["input.definition.steps.s1.if"]
    raw["steps"]["s1"]["if"] = "member.pointsBalance > 'many'"  # type: ignore[index]
    assert "no matching overload" in problems(raw)["input.definition.steps.s1.if"]


@pytest.mark.parametrize(
    ("cron", "ok"),
    [
        ("0 10 * * 1", True),
        ("*/5 * * * *", True),
        ("*/4 * * * *", False),
        ("* * * * *", False),
        ("61 * * * *", False),
        ("0 10 * *", False),
    ],
)
def test_schedules_fire_at_most_every_five_minutes(cron: str, ok: bool) -> None:
    raw = win_back()
    raw["trigger"] = {"type": "schedule", "cron": cron}
    if ok:
        assert parse_definition(raw).trigger.cron == cron
    else:
        assert "input.definition.trigger.cron" in problems(raw)


def test_durations_are_iso_8601_without_months() -> None:
    raw = win_back()
    raw["steps"]["s4"]["timeout"] = "P1M"  # type: ignore[index]
    raw["reentry"] = "sometimes"
    found = problems(raw)
    assert "no fixed length" in found["input.definition.steps.s4.timeout"]
    assert "input.definition.reentry" in found


def test_a_loop_must_wait() -> None:
    raw = {
        "trigger": {"type": "event", "event": "member.created"},
        "entry": "a",
        "steps": {
            "a": {"type": "addTag", "tag": "x", "next": "b"},
            "b": {"type": "removeTag", "tag": "x", "next": "a"},
        },
    }
    assert "loop without a wait" in problems(raw)["input.definition.steps.a"]
    raw["steps"]["b"] = {"type": "wait", "duration": "P1D", "next": "a"}  # type: ignore[index]
    assert parse_definition(raw).entry == "a"


def test_custom_fields_are_names_only_when_the_tenant_defines_them() -> None:
    with pytest.raises(CelError):
        compile_condition("member.customFields.skin == 'dry'")
    condition = compile_condition("member.customFields.skin == 'dry'", Vocabulary(("skin",)))
    assert condition.evaluate({"member.customFields.skin": "dry"}) is True
    assert condition.evaluate({"member.customFields.skin": None}) is False
