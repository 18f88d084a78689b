"""A plugin's journey steps and triggers: checked on save, run once in the run's transaction,
refused when the tenant has the plugin off, and its events entering members through the relay.

The plugin below is written against the plugin contract only, and installed for each test with
``plugins.manager.also_installed``.
"""

from __future__ import annotations

import asyncio
import json
import types
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from membership.activation.service import disable_plugin, enable_plugin
from membership.clock import SystemClock
from membership.errors import DomainError, ErrorCode
from membership.event_types import catalogue_markdown
from membership.journeys.dispatch import RETRY_AFTER, run_due, wake_run, wake_runs
from membership.journeys.models import Journey, JourneyRun
from membership.members.models import Member
from membership.outbox import EVENT_TYPES, DomainEvent, emit, event_type
from membership.points.ledger import grant
from plugins.hookspecs import PluginManifest, hookimpl
from plugins.journey_steps import ActionCall, JourneyAction, JourneyTrigger
from plugins.manager import also_installed
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.journeys.conftest import activated, at, member_view, new_member, process_events, runs_of
from tests.journeys.conftest import save as save_journey

PLUGIN = "stamp-test"
STEP = "stamp_test.addStamps"
EVENT = "stamp_test.completed"


class StampConfig(BaseModel):
    card_size: int = 10


class AddStamps(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stamps: int = Field(ge=1, le=10)
    note: str = ""


@dataclass(frozen=True)
class CardCompleted(DomainEvent):
    """A member filled a stamp card (registered as the plugin's event while a test runs)."""

    member_id: Annotated[uuid.UUID, "the member"]
    stamps: Annotated[int, "stamps on the card"]


CALLS: list[str] = []  # the key of every call the action completed
FAILING: list[bool] = []  # non-empty: the action fails unexpectedly
FAILING_FOR: list[uuid.UUID] = []  # members for whom the action fails unexpectedly


async def add_stamps(call: ActionCall) -> Mapping[str, Any]:
    """Ten points a stamp, through the ledger in the run's transaction."""
    params: AddStamps = call.params
    member = await Member.filter(id=call.member_id).select_for_update().get()
    entry = await grant(call.ctx, call.conn, member, params.stamps * 10, "stamps", source=call.key)
    if FAILING or call.member_id in FAILING_FOR:
        raise RuntimeError("the stamp service is down")
    if params.note == "refuse":
        raise DomainError(ErrorCode.INVALID, "This card is full.")
    CALLS.append(call.key)
    return {"entryId": entry.id, "points": entry.points}


def stamp_plugin() -> types.ModuleType:
    module = types.ModuleType("stamp_test_plugin")
    module.MANIFEST = PluginManifest(  # type: ignore[attr-defined]
        name=PLUGIN, version="1.0.0", core=">=0.1", description="", config=StampConfig
    )

    @hookimpl
    def membership_journey_actions() -> list[JourneyAction]:
        title = {"en": "Add stamps", "zh-CN": "盖章"}
        return [JourneyAction(type=STEP, title=title, params=AddStamps, run=add_stamps)]

    @hookimpl
    def membership_journey_triggers() -> list[JourneyTrigger]:
        return [JourneyTrigger(event=EVENT, title={"en": "Card completed", "zh-CN": "集满一张卡"})]

    module.membership_journey_actions = membership_journey_actions  # type: ignore[attr-defined]
    module.membership_journey_triggers = membership_journey_triggers  # type: ignore[attr-defined]
    return module


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    """The plugin installed, and its event registered, for one test; nothing of it after."""
    CALLS.clear()
    FAILING.clear()
    FAILING_FOR.clear()
    event_type(EVENT)(CardCompleted)
    try:
        with also_installed({PLUGIN: stamp_plugin()}) as loaded:
            assert PLUGIN in loaded.manifests, loaded.refused.get(PLUGIN)
            yield
    finally:
        EVENT_TYPES.pop(EVENT, None)


def stamps_after_an_hour(**params: Any) -> dict[str, Any]:
    return {
        "trigger": {"type": "event", "event": "member.created"},
        "entry": "hold",
        "steps": {
            "hold": {"type": "wait", "duration": "PT1H", "next": "stamp"},
            "stamp": {"type": STEP, **params, "next": "tag"},
            "tag": {"type": "addTag", "tag": "stamped", "next": "end"},
        },
    }


async def actions_of(tenant: TenantFixture, run: JourneyRun, step: str) -> list[dict[str, Any]]:
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT visit, outcome, detail FROM journey_actions WHERE run_id = $1 AND step = $2",
            [run.id, step],
        )
    return [{**r, "detail": json.loads(r["detail"]) if r["detail"] else None} for r in rows]


CHECK = """query($definition: JSON!) { checkJourneyDefinition(definition: $definition) {
  code field message } }"""


async def test_parameters_are_checked_with_their_paths(api: Api, tenant: TenantFixture) -> None:
    await enable_plugin(tenant.ctx, PLUGIN, {})
    definition = stamps_after_an_hour(stamps=0, colour="red")
    saved = await save_journey(api, tenant, definition)
    at_step = ["input", "definition", "steps", "stamp"]
    assert sorted((e["code"], e["field"]) for e in saved["errors"]) == [
        ("INVALID", [*at_step, "colour"]),
        ("INVALID", [*at_step, "stamps"]),
    ]
    checked = await api(CHECK, {"definition": definition}, tenant.owner_token)
    assert checked["checkJourneyDefinition"] == saved["errors"]

    missing = stamps_after_an_hour()
    del missing["steps"]["stamp"]["next"]
    saved = await save_journey(api, tenant, missing)
    assert sorted(e["field"] for e in saved["errors"]) == [
        [*at_step, "next"],
        [*at_step, "stamps"],
        ["input", "definition", "steps", "tag"],  # nothing leads to it now
    ]

    unknown = stamps_after_an_hour(stamps=2)
    unknown["steps"]["stamp"]["type"] = "stamp_test.nothing"
    saved = await save_journey(api, tenant, unknown)
    [error] = saved["errors"]
    assert error["field"] == [*at_step, "type"]
    assert error["message"].startswith("Unknown step type 'stamp_test.nothing'")

    saved = await save_journey(api, tenant, stamps_after_an_hour(stamps=2))
    assert saved["errors"] == []


async def test_a_plugin_the_tenant_has_not_enabled_is_refused_naming_it(
    api: Api, tenant: TenantFixture
) -> None:
    definition = stamps_after_an_hour(stamps=2)
    definition["trigger"] = {"type": "event", "event": EVENT}
    saved = await save_journey(api, tenant, definition)
    assert [(e["code"], e["field"]) for e in saved["errors"]] == [
        ("INVALID", ["input", "definition", "trigger", "event"]),
        ("INVALID", ["input", "definition", "steps", "stamp", "type"]),
    ]
    assert all("stamp-test" in e["message"] for e in saved["errors"])
    assert saved["journey"] is None


OFFERED = """{ journeyPluginSteps { type plugin title paramsSchema }
  journeyPluginTriggers { event plugin title } }"""


async def test_the_builder_is_offered_what_the_enabled_plugins_bring(
    api: Api, tenant: TenantFixture
) -> None:
    offered = await api(OFFERED, token=tenant.owner_token)
    assert offered == {"journeyPluginSteps": [], "journeyPluginTriggers": []}
    await enable_plugin(tenant.ctx, PLUGIN, {})
    response = await api.raw(
        OFFERED, token=tenant.owner_token, headers={"Accept-Language": "zh-CN"}
    )
    offered = response.json()["data"]
    [step] = offered["journeyPluginSteps"]
    assert (step["type"], step["plugin"], step["title"]) == (STEP, PLUGIN, "盖章")
    assert step["paramsSchema"]["required"] == ["stamps"]
    assert offered["journeyPluginTriggers"] == [
        {"event": EVENT, "plugin": PLUGIN, "title": "集满一张卡"}
    ]


SIMULATE = """query($id: ID!, $member: ID!) { simulateJourney(id: $id, memberId: $member) {
  steps { step type outcome detail } } }"""


async def test_the_step_runs_once_in_the_runs_transaction(api: Api, tenant: TenantFixture) -> None:
    await enable_plugin(tenant.ctx, PLUGIN, {})
    journey = await activated(api, tenant, stamps_after_an_hour(stamps=3))
    member = await new_member(api, tenant)
    simulated = await api(SIMULATE, {"id": journey, "member": member}, tenant.owner_token)
    stamp = simulated["simulateJourney"]["steps"][1]
    assert (stamp["step"], stamp["type"]) == ("stamp", STEP)
    assert stamp["outcome"].startswith("would run the plugin stamp-test")
    assert stamp["detail"] == {"plugin": PLUGIN, "params": {"stamps": 3}}

    await process_events(tenant.ctx)
    [run] = await runs_of(tenant, member)

    # Two workers given the same wake-up: one moves the run, the other finds it moved.
    later = SystemClock().now() + timedelta(hours=2)
    moved = await asyncio.gather(
        wake_run(at(tenant, later), run.id, run.state),
        wake_run(at(tenant, later), run.id, run.state),
    )
    assert sorted(moved) == [False, True]
    assert await run_due(at(tenant, later)) == 0

    view = await member_view(api, tenant, member)
    assert (view["pointsBalance"], view["tags"]) == (30, ["stamped"])
    [run] = await runs_of(tenant, member)
    assert run.status == "COMPLETED"
    [action] = await actions_of(tenant, run, "stamp")
    assert [f"journey:{run.id}:stamp:{action['visit']}"] == CALLS
    assert action["outcome"] == "done"
    detail = action["detail"]
    assert detail["points"] == 30 and uuid.UUID(detail["entryId"])


async def test_a_plugin_disabled_since_is_a_recorded_refusal(
    api: Api, tenant: TenantFixture
) -> None:
    await enable_plugin(tenant.ctx, PLUGIN, {})
    await activated(api, tenant, stamps_after_an_hour(stamps=3))
    member = await new_member(api, tenant)
    await process_events(tenant.ctx)
    await disable_plugin(tenant.ctx, PLUGIN)

    assert await run_due(at(tenant, SystemClock().now() + timedelta(hours=2))) == 1
    view = await member_view(api, tenant, member)
    assert (view["pointsBalance"], view["tags"]) == (0, ["stamped"])
    [run] = await runs_of(tenant, member)
    assert run.status == "COMPLETED"
    [action] = await actions_of(tenant, run, "stamp")
    assert action["outcome"] == "refused"
    assert action["detail"]["plugin"] == PLUGIN
    assert "stamp-test" in action["detail"]["reason"]
    assert CALLS == []


async def test_a_refusal_by_the_plugin_undoes_what_it_wrote(
    api: Api, tenant: TenantFixture
) -> None:
    await enable_plugin(tenant.ctx, PLUGIN, {})
    await activated(api, tenant, stamps_after_an_hour(stamps=3, note="refuse"))
    member = await new_member(api, tenant)
    await process_events(tenant.ctx)

    assert await run_due(at(tenant, SystemClock().now() + timedelta(hours=2))) == 1
    view = await member_view(api, tenant, member)
    assert (view["pointsBalance"], view["tags"]) == (0, ["stamped"])
    [run] = await runs_of(tenant, member)
    [action] = await actions_of(tenant, run, "stamp")
    assert action["outcome"] == "refused"
    assert action["detail"] == {
        "plugin": PLUGIN,
        "code": "INVALID",
        "reason": "This card is full.",
    }


async def test_an_unexpected_failure_rolls_the_step_back_for_a_retry(
    api: Api, tenant: TenantFixture
) -> None:
    await enable_plugin(tenant.ctx, PLUGIN, {})
    await activated(api, tenant, stamps_after_an_hour(stamps=3))
    member = await new_member(api, tenant)
    await process_events(tenant.ctx)
    [run] = await runs_of(tenant, member)
    later = at(tenant, SystemClock().now() + timedelta(hours=2))

    FAILING.append(True)
    with pytest.raises(RuntimeError, match="stamp service"):
        await wake_run(later, run.id, run.state)
    assert await actions_of(tenant, run, "stamp") == []
    assert (await member_view(api, tenant, member))["pointsBalance"] == 0

    FAILING.clear()
    assert await run_due(later) == 1
    assert (await member_view(api, tenant, member))["pointsBalance"] == 30
    assert len(CALLS) == 1


async def test_a_run_that_fails_does_not_hold_up_the_others_and_is_retried_later(
    api: Api, tenant: TenantFixture
) -> None:
    await enable_plugin(tenant.ctx, PLUGIN, {})
    await activated(api, tenant, stamps_after_an_hour(stamps=2))
    broken, fine = [await new_member(api, tenant) for _ in range(2)]
    await process_events(tenant.ctx)
    runs = [(await runs_of(tenant, m))[0] for m in (broken, fine)]
    FAILING_FOR.append(uuid.UUID(broken))
    later = at(tenant, SystemClock().now() + timedelta(hours=2))

    assert await wake_runs(later, [(r.id, r.state) for r in runs]) == 1
    assert (await member_view(api, tenant, fine))["pointsBalance"] == 20
    async with tenant_tx(tenant.ctx):
        held = await JourneyRun.get(id=runs[0].id)
    assert held.state == runs[0].state
    assert held.next_wake_at == later.clock.now() + RETRY_AFTER


async def test_a_plugin_event_enters_members_through_the_relay(
    api: Api, tenant: TenantFixture
) -> None:
    await enable_plugin(tenant.ctx, PLUGIN, {})
    journey_id = await activated(
        api,
        tenant,
        {
            "trigger": {"type": "event", "event": EVENT, "if": "event.properties.stamps >= 10"},
            "entry": "tag",
            "reentry": "always",
            "steps": {"tag": {"type": "addTag", "tag": "card-done", "next": "end"}},
        },
    )
    async with tenant_tx(tenant.ctx):
        journey = await Journey.get(id=uuid.UUID(journey_id))
    assert journey.listens == [EVENT]

    full, half, later = [await new_member(api, tenant) for _ in range(3)]
    await process_events(tenant.ctx)
    for member, stamps in ((full, 10), (half, 5)):
        async with tenant_tx(tenant.ctx):
            await emit(tenant.ctx, CardCompleted(member_id=uuid.UUID(member), stamps=stamps))
    await process_events(tenant.ctx)
    assert (await member_view(api, tenant, full))["tags"] == ["card-done"]
    assert (await member_view(api, tenant, half))["tags"] == []

    # The plugin off: its events enter nobody, though the journey stays active.
    await disable_plugin(tenant.ctx, PLUGIN)
    async with tenant_tx(tenant.ctx):
        await emit(tenant.ctx, CardCompleted(member_id=uuid.UUID(later), stamps=10))
    await process_events(tenant.ctx)
    assert (await member_view(api, tenant, later))["tags"] == []


def test_the_event_catalogue_lists_the_platforms_own_events_only() -> None:
    assert EVENT in EVENT_TYPES
    catalogue = catalogue_markdown()
    assert EVENT not in catalogue
    assert "## member.created" in catalogue
