"""Segments (分群) in the admin SPA: the live count while a condition is typed, the checker's
error, saving as a tag, the members inside, a refused delete; and the journey builder's pickers
(the task assignee, the segment a trigger names).

Runs like test_admin.py (Debian's chromium, Playwright, a live API process); screenshots land in
test-artifacts/screenshots/segments-<step>-<width>.png.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest

from membership.db import PgTarget
from tests.browser.selects import choose
from tests.browser.test_admin import ROOT, _login, browser_page, live_server, pytestmark
from tests.browser.test_translations_admin import MISSING, VISIBLE_TEXT, raw_text_problems
from tests.browser.viewports import (
    assert_no_sideways_scroll,
    assert_tap_targets,
    screenshot,
    use_device,
)
from tests.conftest import Api, TenantFixture, make_tenant
from tests.journeys.conftest import activated

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

__all__ = ["browser_page", "live_server", "pytestmark"]

ZH: dict[str, Any] = json.loads(
    (ROOT / "admin_spa" / "src" / "i18n" / "zh-CN.json").read_text(encoding="utf-8")
)

CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code message } } }"""
ADJUST = """mutation($input: AdjustPointsInput!) {
  adjustPoints(input: $input) { errors { code message } } }"""
SAVE_SEGMENT = """mutation($input: SaveSegmentInput!) {
  saveSegment(input: $input) { segment { id name } errors { code field message } } }"""
SEGMENTS = "{ segments { id name condition tag memberCount } }"
MEMBER_TAGS = "query($id: ID!) { member(id: $id) { tags } }"
CREATE_STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { staff { id } errors { code message } } }"""
JOURNEY = "query($id: ID!) { journey(id: $id) { definition } }"


def zh(key: str) -> str:
    node: Any = ZH
    for part in key.split("."):
        node = node[part]
    assert isinstance(node, str), key
    return node


@pytest.fixture
async def shop(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


async def _member(api: Api, shop: TenantFixture, phone: str, name: str) -> str:
    made = await api(CREATE_MEMBER, {"input": {"phone": phone, "name": name}}, shop.secret_key)
    assert made["createMember"]["errors"] == []
    return made["createMember"]["member"]["id"]  # type: ignore[no-any-return]


async def _segment(api: Api, shop: TenantFixture, name: str, condition: str) -> str:
    saved = await api(
        SAVE_SEGMENT, {"input": {"name": name, "condition": condition}}, shop.owner_token
    )
    assert saved["saveSegment"]["errors"] == []
    return saved["saveSegment"]["segment"]["id"]  # type: ignore[no-any-return]


async def _choose(page: Page, select: Locator, option: str) -> None:
    """Pick the option labelled ``option`` in an antd select."""
    await choose(page, select, option, exact=True)


async def _speaks_chinese(page: Page, seeded: list[str]) -> None:
    """Nothing on the page is a missing key, a code or an English word (see
    test_translations_admin), apart from the data this test seeded."""
    missing = await page.evaluate(MISSING)
    problems = raw_text_problems(await page.evaluate(VISIBLE_TEXT), seeded)
    assert not missing and not problems, (page.url, missing, problems)


async def _fits_a_phone(page: Page, name: str) -> None:
    await use_device(page, "phone")
    await page.wait_for_function("() => !document.querySelector('main .ant-table')")
    await screenshot(page, name)
    await assert_no_sideways_scroll(page)
    await assert_tap_targets(page, 44)
    await use_device(page, "tablet")


async def _live_count(page: Page, count: str) -> None:
    await page.locator(
        f"[data-testid=segment-live-count][data-state=counted][data-count='{count}']"
    ).wait_for()


async def test_a_condition_is_counted_as_typed_checked_and_saved_as_a_tag(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: Page = browser_page  # type: ignore[assignment]
    rich = await _member(api, shop, "13700000001", "林晓雨")
    await _member(api, shop, "13700000002", "周小满")
    adjusted = await api(
        ADJUST,
        {"input": {"memberId": rich, "points": 1500, "reason": "seed", "idempotencyKey": "s1"}},
        shop.secret_key,
    )
    assert adjusted["adjustPoints"]["errors"] == []

    seeded = [shop.info.name, shop.owner_email, "高积分", "林晓雨", "13700000001"]
    await use_device(page, "tablet")
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path="segments",
        ready="segment-create",
    )
    await page.get_by_test_id("segments-empty").wait_for()
    await _speaks_chinese(page, seeded)
    await page.get_by_test_id("segment-create").click()
    await page.get_by_test_id("segment-name").fill("高积分")

    # the live count follows the condition as it is typed
    condition = page.get_by_test_id("segment-condition")
    await condition.fill("member.pointsBalance >= 1000")
    await _live_count(page, "1")
    await screenshot(page, "segments-live-count", full_page=False)
    await _speaks_chinese(page, seeded)

    # a condition that does not compile: the checker's message under the field, no count
    await condition.fill("member.pointsBalance >=")
    error = page.get_by_test_id("segment-condition-error")
    await error.wait_for()
    assert "表达式无法编译" in await error.inner_text()
    assert await page.get_by_test_id("segment-live-count").get_attribute("data-state") == "error"
    await screenshot(page, "segments-condition-error", full_page=False)

    # fixed again: the error goes, the count comes back; saved as a tag
    await condition.fill("member.pointsBalance >= 1000")
    await _live_count(page, "1")
    assert await error.count() == 0
    await page.get_by_test_id("segment-tag").click()
    await page.get_by_test_id("segment-submit").click()
    await page.locator(".ant-drawer-content").wait_for(state="detached")

    row = page.locator("[data-testid=segment-row][data-name='高积分']")
    await row.wait_for()
    assert await row.get_by_test_id("segment-row-count").inner_text() == "1"
    assert await row.get_by_test_id("segment-tag-flag").get_attribute("data-tag") == "true"
    assert (
        await row.get_by_test_id("segment-condition-text").inner_text()
        == "member.pointsBalance >= 1000"
    )
    await screenshot(page, "segments-list")
    await _speaks_chinese(page, seeded)
    # on a phone the list is cards
    await _fits_a_phone(page, "segments-list")

    # its page lists the member inside, linked to the member's page
    await row.get_by_test_id("segment-link").click()
    await page.wait_for_url(re.compile(r"/admin/segments/[0-9a-f-]{36}$"))
    member = page.get_by_test_id("segment-member-row")
    await member.first.wait_for()
    assert await member.count() == 1
    assert await page.get_by_test_id("segment-member-count").inner_text() == "1"
    link = member.get_by_test_id("segment-member-link")
    assert await link.inner_text() == "林晓雨"
    assert (await link.get_attribute("href") or "").endswith(f"/members/{rich}")
    await screenshot(page, "segments-detail")
    await _speaks_chinese(page, seeded)
    await _fits_a_phone(page, "segments-detail")

    stored = (await api(SEGMENTS, token=shop.owner_token))["segments"]
    assert stored == [
        {
            "id": page.url.rsplit("/", 1)[1],
            "name": "高积分",
            "condition": "member.pointsBalance >= 1000",
            "tag": True,
            "memberCount": 1,
        }
    ]
    tags = (await api(MEMBER_TAGS, {"id": rich}, token=shop.owner_token))["member"]["tags"]
    assert tags == ["高积分"]


async def test_deleting_a_segment_an_active_journey_starts_on_is_refused(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: Page = browser_page  # type: ignore[assignment]
    await _segment(api, shop, "沉睡会员", "member.daysSinceLastOrder > 90")
    await activated(
        api,
        shop,
        {
            "trigger": {"type": "segmentEntered", "segment": "沉睡会员"},
            "entry": "tag",
            "steps": {"tag": {"type": "addTag", "tag": "唤醒", "next": "end"}},
        },
    )
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path="segments",
        ready="segment-create",
    )
    row = page.locator("[data-testid=segment-row][data-name='沉睡会员']")
    await row.get_by_test_id("segment-delete").click()
    await page.get_by_test_id("segment-delete-confirm").click()
    refused = page.get_by_test_id("segment-delete-refused")
    await refused.wait_for()
    # the journey fixture names its journeys "Welcome"
    assert "Welcome" in await refused.inner_text()
    await screenshot(page, "segments-delete-refused", full_page=False)
    assert len((await api(SEGMENTS, token=shop.owner_token))["segments"]) == 1
    assert await row.count() == 1


async def test_the_builder_picks_a_segment_and_a_task_assignee_by_name(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: Page = browser_page  # type: ignore[assignment]
    segment_id = await _segment(api, shop, "高积分", "member.pointsBalance >= 1000")
    staff = await api(
        CREATE_STAFF,
        {
            "input": {
                "email": "wang@shop.example.com",
                "password": "staff-pass-123",
                "role": "clerk",
                "name": "王店长",
            }
        },
        token=shop.owner_token,
    )
    assert staff["createStaff"]["errors"] == []
    staff_id = staff["createStaff"]["staff"]["id"]

    await use_device(page, "tablet")
    await _login(
        page,
        live_server,
        shop.info.slug,
        shop.owner_email,
        shop.owner_password,
        path="journeys/new",
        ready="journey-name",
    )
    await page.get_by_test_id("journey-name").fill("高积分关怀")

    # the trigger: members entering a segment, picked from the tenant's segments
    await page.locator("[data-testid=journey-node][data-node='trigger']").click()
    await _choose(page, page.get_by_test_id("trigger-type"), zh("journeys.triggers.segmentEntered"))
    await _choose(page, page.get_by_test_id("trigger-segment"), "高积分")
    link = page.get_by_test_id("trigger-segment-link")
    await link.wait_for()
    assert (await link.get_attribute("href") or "").endswith(f"/segments/{segment_id}")
    await screenshot(page, "segments-builder-trigger", full_page=False)

    # a task: the assignee is the member's account manager or a staff member, by name
    await page.get_by_test_id("palette-createTask").click()
    await page.get_by_test_id("step-form").wait_for()
    await page.get_by_test_id("step-title").fill("回访高积分会员")
    assignee = page.get_by_test_id("step-assignTo")
    assert zh("journeys.form.accountManager") in await assignee.inner_text()
    await assignee.click()
    dropdown = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)")
    options = dropdown.locator(".ant-select-item-option")
    await options.first.wait_for()
    titles = await options.evaluate_all("(items) => items.map((item) => item.title)")
    assert titles[0] == zh("journeys.form.accountManager")
    assert "王店长 · wang@shop.example.com" in titles
    await screenshot(page, "segments-builder-assignee", full_page=False)
    await choose(page, assignee, "王店长 · wang@shop.example.com", exact=True)
    await page.get_by_test_id("journey-valid").wait_for()

    await page.get_by_test_id("journey-save").click()
    await page.wait_for_url(re.compile(r"/admin/journeys/[0-9a-f-]{36}"))
    journey_id = page.url.rsplit("/", 1)[1].split("?")[0]
    definition = (await api(JOURNEY, {"id": journey_id}, token=shop.owner_token))["journey"][
        "definition"
    ]
    assert definition["trigger"] == {"type": "segmentEntered", "segment": "高积分"}
    step = definition["steps"][definition["entry"]]
    assert step["type"] == "createTask"
    assert step["assignTo"] == staff_id
