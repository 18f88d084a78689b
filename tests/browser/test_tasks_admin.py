"""The task inbox (待办任务) in the admin SPA: a clerk opens their tasks on a phone, sees the
overdue one in red with a link to the member, and completes it with a note.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process); screenshots land in
test-artifacts/screenshots/tasks-<step>-<width>.png.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from membership.db import PgTarget
from membership.tasks.models import StaffTask
from membership.tasks.service import create_task
from tenants.tx import tenant_tx
from tests.browser.selects import choose
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.viewports import (
    assert_no_sideways_scroll,
    assert_tap_targets,
    screenshot,
    use_device,
)
from tests.conftest import Api, TenantFixture, make_tenant

if TYPE_CHECKING:
    from playwright.async_api import Page

__all__ = ["browser_page", "live_server", "pytestmark"]

CLERK_EMAIL = "clerk@tasks.example.com"
CLERK_PASSWORD = "clerk-pass-1"

CREATE_STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { staff { id } errors { code message } }
}"""
CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code field message } }
}"""
TASK = """query($id: ID!) { task(id: $id) { status completionNote completedBy { email } } }"""


async def _task(
    shop: TenantFixture, title: str, member_id: str | None, assign_to: str | None, due: datetime
) -> StaffTask:
    ctx = shop.ctx
    async with tenant_tx(ctx) as conn:
        return await create_task(
            ctx,
            conn,
            member_id=uuid.UUID(member_id) if member_id else None,
            title=title,
            assign_to=assign_to,
            due_at=due,
        )


@pytest.fixture
async def task_shop(database: PgTarget, api: Api) -> tuple[TenantFixture, str, StaffTask]:
    """A shop whose clerk manages 王芳 and has two open tasks (one overdue); another task is
    nobody's. Returns the shop, 王芳's id and the overdue task."""
    shop = await make_tenant(database, api)
    staff = {"email": CLERK_EMAIL, "password": CLERK_PASSWORD, "role": "clerk", "name": "小李"}
    created = await api(CREATE_STAFF, {"input": staff}, token=shop.owner_token)
    clerk_id = created["createStaff"]["staff"]["id"]
    member = {"phone": "13800138000", "name": "王芳", "accountManagerId": clerk_id}
    made = await api(CREATE_MEMBER, {"input": member}, token=shop.owner_token)
    member_id: str = made["createMember"]["member"]["id"]
    now = datetime.now(UTC)
    overdue = await _task(
        shop, "回访：30 天未消费", member_id, "accountManager", now - timedelta(days=1)
    )
    await _task(shop, "邀请到店试衣", member_id, "accountManager", now + timedelta(days=2))
    await _task(shop, "不是小李的任务", None, None, now + timedelta(days=1))
    return shop, member_id, overdue


async def _rows(page: Page) -> list[str]:
    return await page.locator("[data-testid=task-row] [data-testid=task-title]").all_inner_texts()


async def test_a_clerk_completes_an_overdue_task_from_a_phone(
    live_server: str,
    browser_page: object,
    task_shop: tuple[TenantFixture, str, StaffTask],
    api: Api,
) -> None:
    page: Page = browser_page  # type: ignore[assignment]
    shop, member_id, overdue = task_shop
    await use_device(page, "phone")
    await _login(
        page,
        live_server,
        shop.info.slug,
        CLERK_EMAIL,
        CLERK_PASSWORD,
        path="tasks",
        ready="tasks-page",
    )
    await page.get_by_test_id("task-row").first.wait_for()

    # the clerk's own open tasks, soonest due first; on a phone each is a card
    assert await _rows(page) == ["回访：30 天未消费", "邀请到店试衣"]
    assert await page.locator(".responsive-card[data-testid=task-row]").count() == 2
    late = page.locator(f"[data-testid=task-row][data-id='{overdue.id}']")
    assert await late.get_attribute("data-overdue") == "true"
    due = late.get_by_test_id("task-due")
    assert "ant-typography-danger" in (await due.get_attribute("class") or "")
    member_link = late.get_by_test_id("task-member")
    assert (await member_link.get_attribute("href") or "").endswith(f"/members/{member_id}")
    assert "王芳" in await member_link.inner_text()
    await assert_no_sideways_scroll(page)
    await assert_tap_targets(page)
    await screenshot(page, "tasks-inbox")

    # the overdue view holds the late one only
    await page.get_by_test_id("tasks-view").get_by_text("已逾期").click()
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=task-row]').length === 1"
    )
    assert await _rows(page) == ["回访：30 天未消费"]

    # complete it with a note: it leaves the open list
    await late.get_by_test_id("task-complete").click()
    await page.get_by_test_id("task-complete-note").fill("已电话回访，周末到店")
    await screenshot(page, "tasks-complete", full_page=False)
    await page.get_by_test_id("task-complete-confirm").click()
    await page.get_by_test_id("tasks-empty").wait_for()

    stored = await api(TASK, {"id": str(overdue.id)}, token=shop.owner_token)
    assert stored["task"] == {
        "status": "DONE",
        "completionNote": "已电话回访，周末到店",
        "completedBy": {"email": CLERK_EMAIL},
    }

    # on a desktop the clerk's list is a table; the done task shows under its status
    await use_device(page, "desktop")
    await page.get_by_test_id("tasks-view").get_by_text("我的").click()
    await choose(page, page.get_by_test_id("tasks-status"), "已完成", exact=True)
    done = page.locator(f"tr[data-testid=task-row][data-id='{overdue.id}']")
    await done.wait_for()
    assert await done.get_by_test_id("task-status").get_attribute("data-status") == "DONE"
    assert await done.get_by_test_id("task-complete").count() == 0
    await screenshot(page, "tasks-done")
