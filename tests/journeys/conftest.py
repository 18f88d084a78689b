"""Journey fixtures: save and activate a definition, drive the event backbone, move time."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import membership.journeys.triggers  # noqa: F401  (registers the journeys' event handler)
from membership.clock import FrozenClock, SystemClock
from membership.events.handlers import run_due_handlings
from membership.events.relay import relay_tenant
from membership.journeys.dispatch import run_due
from membership.journeys.models import JourneyRun
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture

SAVE = """mutation($input: SaveJourneyInput!) {
  saveJourney(input: $input) {
    journey { id name status version activeVersion definition }
    errors { code field message } } }"""
ACTIVATE = """mutation($id: ID!) { activateJourney(id: $id) {
  journey { id status version activeVersion } errors { code field message } } }"""
PAUSE = """mutation($id: ID!) { pauseJourney(id: $id) {
  journey { id status } errors { code field message } } }"""
CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""
RUNS = """query($id: ID!) { member(id: $id) {
  pointsBalance tags
  journeyRuns { id version status currentStep journey { id name } }
  coupons(first: 10) { edges { node { id code status } } } } }"""


class NoJobs:
    async def enqueue(self, function: str, *args: Any, job_id: str) -> None:
        raise AssertionError(f"unexpected job {function}")


async def save(
    api: Api, tenant: TenantFixture, definition: dict[str, Any], journey_id: str | None = None
) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": "Welcome", "definition": definition}
    if journey_id:
        fields["id"] = journey_id
    return (await api(SAVE, {"input": fields}, tenant.owner_token))["saveJourney"]  # type: ignore[no-any-return]


async def activated(api: Api, tenant: TenantFixture, definition: dict[str, Any]) -> str:
    saved = await save(api, tenant, definition)
    assert saved["errors"] == [], saved["errors"]
    journey_id: str = saved["journey"]["id"]
    result = await api(ACTIVATE, {"id": journey_id}, tenant.owner_token)
    assert result["activateJourney"]["errors"] == [], result["activateJourney"]["errors"]
    return journey_id


async def new_member(api: Api, tenant: TenantFixture) -> str:
    phone = f"1371{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
    return made["createMember"]["member"]["id"]  # type: ignore[no-any-return]


def at(tenant: TenantFixture, when: datetime | None = None) -> RequestContext:
    return RequestContext.system(tenant.info, clock=FrozenClock(when) if when else SystemClock())


async def process_events(ctx: RequestContext) -> None:
    """Relay every committed event and run every due handling, as the worker would."""
    for _ in range(20):
        relayed = await relay_tenant(ctx)
        handled = await run_due_handlings(ctx, NoJobs())
        if not relayed.events and not handled:
            return
    raise AssertionError("events kept coming")


async def days_later(tenant: TenantFixture, days: float) -> RequestContext:
    """A context ``days`` from now in which every due run has been woken."""
    ctx = at(tenant, SystemClock().now() + timedelta(days=days))
    await run_due(ctx)
    await process_events(ctx)
    return ctx


async def member_view(api: Api, tenant: TenantFixture, member: str) -> dict[str, Any]:
    return (await api(RUNS, {"id": member}, tenant.owner_token))["member"]  # type: ignore[no-any-return]


async def runs_of(tenant: TenantFixture, member: str) -> list[JourneyRun]:
    async with tenant_tx(tenant.ctx):
        return list(await JourneyRun.filter(member_id=uuid.UUID(member)).order_by("started_at"))


MESSAGE_TEMPLATE = """mutation($input: SaveMessageTemplateInput!) {
  saveMessageTemplate(input: $input) { errors { code field message } } }"""


async def sms_template(
    api: Api, tenant: TenantFixture, name: str, purpose: str = "marketing"
) -> None:
    """A message template with SMS content only."""
    saved = await api(
        MESSAGE_TEMPLATE,
        {
            "input": {
                "name": name,
                "title": name,
                "purpose": purpose,
                "content": {
                    "SMS": {
                        "templateCode": f"SMS_{name.upper()}",
                        "text": "${name}",
                        "fields": {"name": "{{member.name}}"},
                    }
                },
            }
        },
        tenant.owner_token,
    )
    assert saved["saveMessageTemplate"]["errors"] == []
