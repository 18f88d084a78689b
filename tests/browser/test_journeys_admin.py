"""Journeys (旅程) in the admin SPA: the visual builder with its inline checks, the funnel with the
runs at a step, the member page's journeys tab, and the diff between two versions.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process); screenshots land in
test-artifacts/screenshots/journeys-<step>-<width>.png.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from membership.db import PgTarget
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.viewports import screenshot, use_device
from tests.conftest import Api, TenantFixture, make_tenant
from tests.journeys.conftest import activated, at, new_member, process_events, save

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

__all__ = ["browser_page", "live_server", "pytestmark"]

JOURNEY = """query($id: ID!) { journey(id: $id) {
  name status version activeVersion definition } }"""


@pytest.fixture
async def shop(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


def _node(page: Page, node: str) -> Locator:
    return page.locator(f"[data-testid=journey-node][data-node='{node}']")


async def _wait_attribute(page: Page, selector: str, name: str, value: str) -> None:
    await page.wait_for_function(
        "([selector, name, value]) => document.querySelector(selector)?.getAttribute(name) === value",
        arg=[selector, name, value],
    )


async def _settled(page: Page) -> None:
    """Waits until the canvas has stopped moving (it fits the journey after each change)."""
    await page.wait_for_function(
        """() => new Promise((resolve) => {
          const viewport = document.querySelector('.react-flow__viewport');
          const before = viewport?.style.transform;
          setTimeout(() => resolve(viewport?.style.transform === before), 300);
        })"""
    )


async def _drag(page: Page, source: Locator, target: Locator) -> None:
    """Draws a link as a person does: press on a handle, move to another, let go."""
    await _settled(page)
    start = await source.bounding_box()
    end = await target.bounding_box()
    assert start and end
    await page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    await page.mouse.down()
    await page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    await page.mouse.up()


async def test_a_journey_is_built_from_the_palette_checked_saved_and_activated(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: Page = browser_page  # type: ignore[assignment]
    await use_device(page, "tablet")
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path="journeys",
        ready="journey-create",
    )
    await page.get_by_test_id("journeys-empty").wait_for()
    await page.get_by_test_id("journey-create").click()
    await page.get_by_test_id("journey-name").fill("新会员欢迎")

    # the trigger: member.created
    await _node(page, "trigger").click()
    await page.get_by_test_id("trigger-form").wait_for()
    await page.get_by_test_id("trigger-event").locator("input").fill("member.created")

    # one step from the palette: it becomes the first step and leads to the end
    await page.get_by_test_id("palette-addTag").click()
    step = _node(page, "s1")
    await step.wait_for()
    assert await step.get_attribute("data-type") == "addTag"
    await page.get_by_test_id("step-form").wait_for()
    await page.get_by_test_id("step-tag").fill("新会员")
    await _wait_attribute(
        page, "[data-testid=journey-node][data-node='s1']", "data-invalid", "false"
    )
    await page.get_by_test_id("journey-valid").wait_for()

    # a wait added with nothing selected stands alone until a link is drawn to it
    await page.get_by_test_id("journey-canvas").click(position={"x": 12, "y": 12})
    await page.get_by_test_id("step-form").wait_for(state="detached")
    await page.get_by_test_id("palette-wait").click()
    await _node(page, "s2").wait_for()
    await _wait_attribute(
        page, "[data-testid=journey-node][data-node='s2']", "data-invalid", "true"
    )
    await page.get_by_test_id("journey-canvas").click(position={"x": 12, "y": 12})
    await _drag(
        page,
        _node(page, "s1").locator(".react-flow__handle[data-handleid=next]"),
        _node(page, "s2").locator(".react-flow__handle.target"),
    )
    await _wait_attribute(
        page, "[data-testid=journey-node][data-node='s2']", "data-invalid", "false"
    )
    await page.locator(".react-flow__edge[data-id='s1:next']").wait_for()
    await page.get_by_test_id("journey-valid").wait_for()
    await screenshot(page, "journeys-builder", full_page=False)

    # a condition that does not compile shows on the trigger node and in the list, then goes
    await _node(page, "trigger").click()
    condition = page.get_by_test_id("trigger-if")
    await condition.fill("member.pointsBalance >")
    trigger = "[data-testid=journey-node][data-node='trigger']"
    await _wait_attribute(page, trigger, "data-invalid", "true")
    assert await _node(page, "trigger").get_by_test_id("journey-node-error").count() == 1
    problem = page.get_by_test_id("journey-problem")
    assert await problem.count() == 1
    assert await problem.get_attribute("data-target") == "__trigger"
    await page.get_by_test_id("field-error-if").wait_for()
    await screenshot(page, "journeys-inline-error", full_page=False)
    await condition.fill("member.pointsBalance >= 0")
    await _wait_attribute(page, trigger, "data-invalid", "false")
    await page.get_by_test_id("journey-valid").wait_for()
    assert await page.get_by_test_id("journey-problem").count() == 0

    # save: a first draft version at the journey's own address; then activate it
    await page.get_by_test_id("journey-save").click()
    await page.wait_for_url(re.compile(r"/admin/journeys/[0-9a-f-]{36}"))
    await _wait_attribute(page, "[data-testid=journey-status]", "data-status", "DRAFT")
    journey_id = page.url.rsplit("/", 1)[1].split("?")[0]
    await page.get_by_test_id("journey-activate").click()
    await _wait_attribute(page, "[data-testid=journey-status]", "data-status", "ACTIVE")
    assert await page.get_by_test_id("journey-status").inner_text() == "进行中"
    await page.get_by_test_id("journey-pause").wait_for()
    await screenshot(page, "journeys-active", full_page=False)

    stored = (await api(JOURNEY, {"id": journey_id}, token=shop.owner_token))["journey"]
    assert stored["status"] == "ACTIVE"
    assert stored["activeVersion"] == 1
    assert stored["name"] == "新会员欢迎"
    assert stored["definition"]["trigger"] == {
        "type": "event",
        "event": "member.created",
        "if": "member.pointsBalance >= 0",
    }
    assert stored["definition"]["entry"] == "s1"
    assert stored["definition"]["steps"] == {
        "s1": {"type": "addTag", "tag": "新会员", "next": "s2"},
        "s2": {"type": "wait", "duration": "P1D", "next": "end"},
    }

    # on a phone the panel of a node is a drawer from the bottom, under the full-width canvas
    await use_device(page, "phone")
    await _node(page, "s1").click()
    await page.locator(".ant-drawer-bottom [data-testid=step-form]").wait_for()
    assert await page.get_by_test_id("step-tag").input_value() == "新会员"
    await screenshot(page, "journeys-phone-panel", full_page=False)


def _waiting_journey(tag: str) -> dict[str, Any]:
    return {
        "trigger": {"type": "event", "event": "member.created"},
        "entry": "tag",
        "steps": {
            "tag": {"type": "addTag", "tag": tag, "next": "pause"},
            "pause": {"type": "wait", "duration": "P3D", "next": "end"},
        },
    }


async def test_the_funnel_counts_a_member_who_entered_and_lists_the_run_at_its_step(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: Page = browser_page  # type: ignore[assignment]
    journey_id = await activated(api, shop, _waiting_journey("欢迎"))
    member_id = await new_member(api, shop)
    await process_events(at(shop))

    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path="journeys",
        ready="journey-create",
    )
    row = page.locator(f"[data-testid=journey-row][data-id='{journey_id}']")
    await row.wait_for()
    assert await row.get_by_test_id("journey-row-entered").inner_text() == "1"

    await row.get_by_test_id("journey-link").click()
    await page.get_by_test_id("journey-tab-funnel").click()
    await _wait_attribute(page, "[data-testid=funnel-entered]", "data-count", "1")
    assert await page.get_by_test_id("funnel-waiting").get_attribute("data-count") == "1"
    assert await page.get_by_test_id("funnel-completed").get_attribute("data-count") == "0"
    waiting = page.locator("[data-testid=funnel-step][data-step='pause']")
    assert await waiting.get_attribute("data-now") == "1"
    assert (
        await page.locator("[data-testid=funnel-step][data-step='tag']").get_attribute(
            "data-reached"
        )
        == "1"
    )

    # the runs now at the wait: the member, linked
    await waiting.get_by_test_id("funnel-step-runs").click()
    await page.get_by_test_id("runs-step-filter").wait_for()
    run = page.locator("[data-testid=journey-run-row][data-step='pause']")
    await run.wait_for()
    assert await page.get_by_test_id("journey-run-row").count() == 1
    assert await run.get_attribute("data-status") == "WAITING"
    link = run.get_by_test_id("run-member-link")
    assert (await link.get_attribute("href") or "").endswith(f"/members/{member_id}")
    await screenshot(page, "journeys-funnel")

    # the member's page lists the run under its journeys tab
    await link.click()
    await page.get_by_test_id("member-tab-journeys").click()
    member_run = page.locator(f"[data-testid=member-journey-row][data-journey='{journey_id}']")
    await member_run.wait_for()
    assert await member_run.get_attribute("data-status") == "WAITING"
    assert "Welcome" in await member_run.inner_text()
    await screenshot(page, "journeys-member-tab")


async def test_the_versions_tab_shows_the_step_changed_between_two_versions(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: Page = browser_page  # type: ignore[assignment]
    first = await save(api, shop, _waiting_journey("欢迎"))
    assert first["errors"] == []
    journey_id = first["journey"]["id"]
    second = await save(api, shop, _waiting_journey("贵宾"), journey_id)
    assert second["errors"] == []
    assert second["journey"]["version"] == 2

    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path=f"journeys/{journey_id}?tab=versions",
        ready="journey-versions",
    )
    await page.locator("[data-testid=version-row]").nth(1).wait_for()
    assert await page.locator("[data-testid=version-row]").count() == 2
    drafts = page.locator("[data-testid=version-state][data-state=draft]")
    assert await drafts.count() == 2

    diff = page.get_by_test_id("version-diff")
    await diff.wait_for()
    steps = diff.get_by_test_id("diff-step")
    assert await steps.count() == 1
    changed = diff.locator("[data-testid=diff-step][data-step='tag']")
    assert await changed.get_attribute("data-kind") == "changed"
    field = changed.locator("[data-testid=diff-field][data-field='tag']")
    assert await field.get_attribute("data-kind") == "changed"
    text = await field.inner_text()
    assert "欢迎" in text and "贵宾" in text
    assert await diff.get_by_test_id("diff-settings").count() == 0
    await screenshot(page, "journeys-versions")
