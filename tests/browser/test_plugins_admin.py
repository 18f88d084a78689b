"""The admin's plugins page and the pages plugins add, in Debian's chromium against a live API.

The API process has two test plugins installed besides the platform's own (``plugin_pages/``,
put on its ``PYTHONPATH`` with their ``.dist-info``, as a distribution installs them): the
member board, with a configuration holding a list of columns, a query field and admin pages
shipped as ES modules; and an old plugin made for an earlier platform, which cannot be used.

The list shows what is installed; enabling goes through the form generated from the plugin's
configuration schema, with the server's verdict at each field; an enabled plugin's pages join
the menu and load from their module; disabling takes them away. Screenshots land in
test-artifacts/screenshots/plugins-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from membership.db import PgTarget
from membership.demo import seed_members
from tests.browser.selects import choose
from tests.browser.test_admin import _login, browser_page, pytestmark, running_api
from tests.browser.viewports import (
    assert_no_sideways_scroll,
    assert_tap_targets,
    screenshot,
    use_device,
)
from tests.conftest import Api, TenantFixture, make_tenant

__all__ = ["browser_page", "pytestmark"]

PLUGIN_PAGES = Path(__file__).resolve().parent / "plugin_pages"
BOARD = "member-board"
MEMBERS = 12

PLUGINS = """{ plugins { name version compatible problem enabled alwaysOn config } }"""
CREATE_STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { errors { code message } }
}"""
ENABLE = """mutation($name: String!, $config: JSON) {
  enablePlugin(name: $name, config: $config) { plugin { enabled } errors { code field message } }
}"""


@pytest.fixture(scope="module")
def plugin_server(database: PgTarget, redis_url: str) -> Iterator[str]:
    """The API with the test plugins installed (only in its own process)."""
    import os

    path = os.pathsep.join(p for p in (str(PLUGIN_PAGES), os.environ.get("PYTHONPATH")) if p)
    with running_api(database, redis_url, PYTHONPATH=path) as base:
        yield base


@pytest.fixture
async def shop(database: PgTarget, api: Api) -> TenantFixture:
    tenant = await make_tenant(database, api)
    await seed_members(tenant.ctx, MEMBERS, start_index=0)
    return tenant


async def live_graphql(
    base: str, query: str, variables: dict[str, Any] | None = None, *, token: str
) -> dict[str, Any]:
    """A call to the live API process, which alone has the test plugins."""
    async with httpx.AsyncClient(base_url=base, timeout=20) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert not body.get("errors"), body["errors"]
    data: dict[str, Any] = body["data"]
    return data


async def plugin_state(base: str, shop: TenantFixture, name: str) -> dict[str, Any]:
    data = await live_graphql(base, PLUGINS, token=shop.owner_token)
    found: dict[str, Any] = next(p for p in data["plugins"] if p["name"] == name)
    return found


def card(page: Page, name: str) -> Locator:
    return page.locator(f"[data-testid=plugin-card][data-plugin='{name}']")


def config_item(page: Page, path: str) -> Locator:
    """A field of the configuration form, by its path ("columns.1.label")."""
    return page.locator(f"[data-testid=plugin-config-item][data-path='{path}']")


def config_input(page: Page, path: str) -> Locator:
    return page.locator(f"[data-testid=plugin-config-input][data-path='{path}']")


async def open_plugins(page: Page) -> None:
    await page.locator(".ant-layout-sider").get_by_test_id("nav-plugins").click()
    await page.wait_for_url(re.compile(r"/admin/plugins$"))
    await card(page, BOARD).wait_for()


async def test_the_list_shows_every_installed_plugin_with_its_compatibility(
    plugin_server: str, browser_page: Page, shop: TenantFixture
) -> None:
    page = browser_page
    await _login(page, plugin_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await open_plugins(page)
    await screenshot(page, "plugins-list")

    core = card(page, "membership-core")
    await expect(core.get_by_test_id("plugin-state")).to_have_attribute("data-state", "always")
    await expect(core.get_by_test_id("plugin-title")).to_have_text("平台核心功能")
    await expect(core.get_by_test_id("plugin-version")).to_have_text("v0.1.0")
    await expect(core.get_by_test_id("plugin-core-range")).to_have_text(">=0.1,<0.2")
    assert await core.get_by_test_id("plugin-enable").count() == 0  # always on: nothing to do

    board = card(page, BOARD)
    await expect(board.get_by_test_id("plugin-title")).to_have_text("Member board")
    await expect(board.get_by_test_id("plugin-version")).to_have_text("v1.0.0")
    await expect(board.get_by_test_id("plugin-core-range")).to_have_text(">=0.1")
    await expect(board.get_by_test_id("plugin-compatible")).to_have_attribute(
        "data-compatible", "true"
    )
    await expect(board.get_by_test_id("plugin-state")).to_have_text("未启用")
    await expect(board.get_by_test_id("plugin-enable")).to_be_visible()

    old = card(page, "old-board")
    await expect(old.get_by_test_id("plugin-compatible")).to_have_attribute(
        "data-compatible", "false"
    )
    await expect(old.get_by_test_id("plugin-state")).to_have_text("不兼容")
    await expect(old.get_by_test_id("plugin-problem")).to_contain_text("needs membership <0.1")
    assert await old.get_by_test_id("plugin-enable").count() == 0


async def test_staff_without_programme_manage_see_the_plugins_but_no_buttons(
    plugin_server: str, browser_page: Page, shop: TenantFixture, api: Api
) -> None:
    page = browser_page
    created = await api(
        CREATE_STAFF,
        {
            "input": {
                "email": "clerk@plugins.example.com",
                "password": "clerk-pass-1",
                "role": "clerk",
            }
        },
        token=shop.owner_token,
    )
    assert created["createStaff"]["errors"] == []
    await _login(page, plugin_server, shop.info.slug, "clerk@plugins.example.com", "clerk-pass-1")
    await open_plugins(page)
    await expect(page.get_by_test_id("plugins-page")).to_contain_text("管理会员方案")
    await expect(card(page, BOARD).get_by_test_id("plugin-state")).to_have_text("未启用")
    for button in ("plugin-enable", "plugin-configure", "plugin-disable"):
        assert await page.get_by_test_id(button).count() == 0, button


async def test_enabling_through_the_generated_form_stores_the_configuration(
    plugin_server: str, browser_page: Page, shop: TenantFixture
) -> None:
    page = browser_page
    await _login(page, plugin_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await open_plugins(page)
    await card(page, BOARD).get_by_test_id("plugin-enable").click()
    drawer = page.get_by_test_id("plugin-config-drawer")
    await drawer.wait_for()

    # the schema's defaults, the nested list included
    await expect(config_input(page, "heading")).to_have_value("Top members")
    await expect(config_input(page, "rows")).to_have_value("5")
    await expect(config_input(page, "columns.0.label")).to_have_value("Member")
    await expect(config_input(page, "columns.1.label")).to_have_value("Points")

    # a client-side check: the schema's maximum, in the UI's words
    await config_input(page, "rows").fill("99")
    await page.get_by_test_id("plugin-config-submit").click()
    await expect(config_item(page, "rows").locator(".ant-form-item-explain-error")).to_contain_text(
        "1 – 50"
    )
    await config_input(page, "rows").fill("3")

    await config_input(page, "heading").fill("积分榜")
    await config_input(page, "columns.1.label").fill("积分余额")
    await drawer.locator("[data-testid=plugin-config-add][data-path=columns]").click()
    await choose(page, config_input(page, "columns.2.field"), "orders")
    await config_input(page, "columns.2.label").fill("订单数")
    await config_input(page, "note").fill("每周一更新")
    await screenshot(page, "plugins-enable-form")
    await page.get_by_test_id("plugin-config-submit").click()
    await drawer.wait_for(state="detached")
    await expect(card(page, BOARD).get_by_test_id("plugin-state")).to_have_text("已启用")

    state = await plugin_state(plugin_server, shop, BOARD)
    assert state["enabled"] is True
    assert state["config"] == {
        "heading": "积分榜",
        "rows": 3,
        "show_count": True,
        "note": "每周一更新",
        "columns": [
            {"field": "name", "label": "Member"},
            {"field": "points", "label": "积分余额"},
            {"field": "orders", "label": "订单数"},
        ],
    }

    # the menu now has the plugin's pages, under the plugins heading, in Chinese
    nav = page.locator(".ant-layout-sider [data-testid=plugin-nav][data-page=board]")
    await expect(nav).to_have_text("会员看板")

    # configuring again starts from what was stored
    await card(page, BOARD).get_by_test_id("plugin-configure").click()
    await expect(config_input(page, "columns.2.label")).to_have_value("订单数")
    await expect(config_input(page, "heading")).to_have_value("积分榜")


async def test_a_value_the_server_refuses_is_shown_at_its_field_and_enables_nothing(
    plugin_server: str, browser_page: Page, shop: TenantFixture
) -> None:
    page = browser_page
    await _login(page, plugin_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await open_plugins(page)
    await card(page, BOARD).get_by_test_id("plugin-enable").click()
    await page.get_by_test_id("plugin-config-drawer").wait_for()

    # Only the server knows a label is plain text: the form sends it, the answer comes back.
    await config_input(page, "columns.1.label").fill("<b>积分</b>")
    await page.get_by_test_id("plugin-config-submit").click()
    error = config_item(page, "columns.1.label").locator(".ant-form-item-explain-error")
    await expect(error).to_contain_text("取值无效")
    await expect(error).to_contain_text("plain text")
    # The viewport only: a full-page capture resizes the page for a moment, and once, under
    # load, the layout took that for a narrow screen and remounted the page, drawer and all.
    await screenshot(page, "plugins-server-error", full_page=False)
    assert await page.get_by_test_id("plugin-config-errors").count() == 0  # placed, not above

    state = await plugin_state(plugin_server, shop, BOARD)
    assert state["enabled"] is False and state["config"] is None
    await expect(card(page, BOARD).get_by_test_id("plugin-state")).to_have_text("未启用")
    assert await page.locator("[data-testid=plugin-nav]").count() == 0

    # changing the field takes the server's message away
    await config_input(page, "columns.1.label").fill("积分")
    await expect(error).to_have_count(0)


async def test_an_enabled_plugin_page_loads_from_its_module_and_leaves_when_disabled(
    plugin_server: str, browser_page: Page, shop: TenantFixture
) -> None:
    page = browser_page
    enabled = await live_graphql(
        plugin_server,
        ENABLE,
        {
            "name": BOARD,
            "config": {
                "heading": "Points leaders",
                "rows": 4,
                "columns": [{"field": "name", "label": "Who"}, {"field": "points", "label": "Pts"}],
            },
        },
        token=shop.owner_token,
    )
    assert enabled["enablePlugin"]["errors"] == []
    await _login(page, plugin_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.get_by_test_id("lang-switch").get_by_text("EN").click()

    sider = page.locator(".ant-layout-sider")
    await expect(sider.locator(".ant-menu-item-group-title", has_text="Plugins")).to_be_visible()
    nav = sider.locator("[data-testid=plugin-nav][data-page=board]")
    await expect(nav).to_have_text("Member board")
    async with page.expect_response(
        lambda r: r.url.endswith("/plugin-files/member-board/pages/board.js")
    ) as module:
        await nav.click()
    assert (await module.value).status == 200
    await page.wait_for_url(re.compile(r"/admin/plugins/member-board/board$"))

    board = page.get_by_test_id("member-board")
    await expect(board.get_by_test_id("board-heading")).to_have_text("Points leaders")
    await expect(board.get_by_test_id("board-tenant")).to_have_text(shop.info.name)
    await expect(board.get_by_test_id("board-count")).to_have_text(f"{MEMBERS} members")
    await expect(board.get_by_test_id("board-row")).to_have_count(4)
    headers = await board.locator(".ant-table-thead th").all_inner_texts()
    assert [h.strip() for h in headers] == ["Who", "Pts"]
    await expect(board.get_by_test_id("board-chart").locator("canvas")).to_have_count(1)
    await screenshot(page, "plugins-board-page")

    # a page that throws while it renders, and one whose module is not there: contained
    await sider.locator("[data-testid=plugin-nav][data-page=broken]").click()
    failed = page.get_by_test_id("plugin-page-error")
    await expect(failed).to_have_attribute("data-reason", "render")
    await expect(failed).to_contain_text("The plugin's page failed")
    await expect(failed).to_contain_text("fails on purpose")
    await sider.locator("[data-testid=plugin-nav][data-page=missing]").click()
    await expect(failed).to_have_attribute("data-reason", "load")
    await expect(failed).to_contain_text("The plugin's page did not load")
    await screenshot(page, "plugins-missing-page")

    # back on the board, then disable the plugin from the plugins page
    await nav.click()
    await expect(board.get_by_test_id("board-heading")).to_be_visible()
    await open_plugins(page)
    await card(page, BOARD).get_by_test_id("plugin-disable").click()
    await page.get_by_test_id("plugin-disable-confirm").click()
    await expect(card(page, BOARD).get_by_test_id("plugin-state")).to_have_text("Not enabled")
    await expect(page.locator("[data-testid=plugin-nav]")).to_have_count(0)
    assert (await plugin_state(plugin_server, shop, BOARD))["enabled"] is False

    # the board's address, reached again, says why it cannot open
    await page.go_back()
    await page.wait_for_url(re.compile(r"/admin/plugins/member-board/board$"))
    unavailable = page.get_by_test_id("plugin-page-unavailable")
    await expect(unavailable).to_have_attribute("data-reason", "not-enabled")
    await expect(unavailable).to_contain_text("is not enabled")
    await screenshot(page, "plugins-page-not-enabled")


async def test_the_plugin_pages_fit_a_phone(
    plugin_server: str, browser_page: Page, shop: TenantFixture
) -> None:
    page = browser_page
    enabled = await live_graphql(plugin_server, ENABLE, {"name": BOARD}, token=shop.owner_token)
    assert enabled["enablePlugin"]["errors"] == []
    await use_device(page, "phone")
    await _login(page, plugin_server, shop.info.slug, shop.owner_email, shop.owner_password)

    await page.get_by_test_id("nav-drawer-toggle").click()
    drawer = page.locator(".ant-drawer-content")
    await drawer.get_by_test_id("nav-plugins").click()
    await card(page, BOARD).wait_for()
    await assert_no_sideways_scroll(page)
    await assert_tap_targets(page, 44)
    await screenshot(page, "plugins-list-phone")

    await card(page, BOARD).get_by_test_id("plugin-configure").click()
    form = page.get_by_test_id("plugin-config-drawer")
    await config_input(page, "columns.0.label").wait_for()
    await page.wait_for_function(  # the drawer has slid all the way in
        "() => document.querySelector('[data-testid=plugin-config-drawer]')"
        "?.getBoundingClientRect().left === 0"
    )
    await assert_no_sideways_scroll(page)
    await assert_tap_targets(page, 44, root=".ant-drawer-content")
    await screenshot(page, "plugins-config-phone", full_page=False)
    await page.get_by_test_id("plugin-config-cancel").click()
    await form.wait_for(state="detached")

    await page.get_by_test_id("nav-drawer-toggle").click()
    await drawer.locator("[data-testid=plugin-nav][data-page=board]").click()
    await page.get_by_test_id("board-row").first.wait_for()
    await assert_no_sideways_scroll(page)
    await screenshot(page, "plugins-board-phone")


async def test_the_retail_preset_is_enabled_from_its_generated_form_with_its_defaults(
    plugin_server: str, browser_page: Page, shop: TenantFixture
) -> None:
    page = browser_page
    before = await plugin_state(plugin_server, shop, "retail")
    assert before["compatible"] and not before["enabled"]
    await _login(page, plugin_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await open_plugins(page)
    await card(page, "retail").get_by_test_id("plugin-enable").click()
    drawer = page.get_by_test_id("plugin-config-drawer")
    await config_input(page, "tiers.0.name").wait_for()
    await screenshot(page, "plugins-retail-form")
    await page.get_by_test_id("plugin-config-submit").click()
    await drawer.wait_for(state="detached", timeout=30_000)
    await expect(card(page, "retail").get_by_test_id("plugin-state")).to_have_text("已启用")

    after = await plugin_state(plugin_server, shop, "retail")
    assert after["enabled"] is True
    assert [tier["name"] for tier in after["config"]["tiers"]] == ["普卡", "银卡", "金卡", "钻石"]


MISSING_KEYS = (
    "() => { const missing = window.__i18nMissing ?? []; window.__i18nMissing = []; "
    "return missing; }"
)


async def test_the_plugins_page_and_its_form_speak_english(
    plugin_server: str, browser_page: Page, shop: TenantFixture
) -> None:
    page = browser_page
    await _login(page, plugin_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.get_by_test_id("lang-switch").get_by_text("EN").click()
    await page.wait_for_function("() => document.documentElement.lang === 'en'")
    await open_plugins(page)

    await expect(card(page, "membership-core").get_by_test_id("plugin-state")).to_have_text(
        "Always on"
    )
    await expect(card(page, BOARD).get_by_test_id("plugin-state")).to_have_text("Not enabled")
    await expect(card(page, "old-board").get_by_test_id("plugin-state")).to_have_text(
        "Incompatible"
    )
    await expect(card(page, BOARD).get_by_test_id("plugin-enable")).to_have_text("Enable")

    await card(page, BOARD).get_by_test_id("plugin-enable").click()
    drawer = page.get_by_test_id("plugin-config-drawer")
    await drawer.wait_for()
    await expect(drawer).to_contain_text("Enable “Member board”")
    await config_input(page, "rows").fill("99")
    await page.get_by_test_id("plugin-config-submit").click()
    await expect(config_item(page, "rows").locator(".ant-form-item-explain-error")).to_contain_text(
        "1 – 50"
    )
    await screenshot(page, "plugins-form-en")
    assert await page.evaluate(MISSING_KEYS) == []
    # nothing was enabled by the refused form
    assert (await plugin_state(plugin_server, shop, BOARD))["enabled"] is False
