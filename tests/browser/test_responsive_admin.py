"""The admin SPA on a phone (390 px), a counter tablet (1024 px) and a desktop (1366 px).

Every page of the navigation, an order, a coupon template and a webhook endpoint, at each width:
nothing scrolls sideways; on a phone the menu is a drawer, lists are cards and every tap target
is at least 44 px high; on a tablet and a desktop no table hides its actions off to the right.
Runs like test_admin.py (Debian's chromium, Playwright, a live API process); screenshots at
every width land in test-artifacts/screenshots/<page>-<width>.png.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Page

from membership.demo import seed_orders
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark, shop
from tests.browser.viewports import (
    Device,
    NetworkQuiet,
    assert_actions_in_view,
    assert_no_sideways_scroll,
    assert_tap_targets,
    screenshot,
    use_device,
)
from tests.conftest import Api, TenantFixture

__all__ = ["browser_page", "live_server", "pytestmark", "shop"]

NAVIGATION_TS = (
    Path(__file__).resolve().parents[2] / "admin_spa" / "src" / "layout" / "navigation.ts"
)
ACTIONS_HEADER = "操作"  # common.actions in zh-CN, the tests' locale
# Pages whose list has an actions column and, with the data below, rows in it.
PAGES_WITH_ACTIONS = {
    "tiers",
    "earningRules",
    "coupons",
    "rewards",
    "customFields",
    "staff",
    "apiKeys",
    "webhooks",
}
DEVICES: list[Device] = ["phone", "tablet", "desktop"]

CREATE_RULE = """mutation($input: CreateEarningRuleInput!) {
  createEarningRule(input: $input) { errors { code field message } }
}"""
CREATE_ENDPOINT = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id } errors { code field message } }
}"""
SEND_TEST = """mutation($id: ID!) { sendTestWebhook(id: $id) { errors { code message } } }"""
TEMPLATES = "{ couponTemplates { id name } }"
GENERATE_CODES = """mutation($input: GenerateCouponCodesInput!) {
  generateCouponCodes(input: $input) { errors { code field message } }
}"""
CREATE_STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { errors { code message } }
}"""


@dataclass(frozen=True)
class NavEntry:
    key: str
    path: str


def navigation() -> list[NavEntry]:
    """The menu as admin_spa/src/layout/navigation.ts declares it (an owner sees all of it)."""
    source = NAVIGATION_TS.read_text(encoding="utf-8")
    entries = [
        NavEntry(key, path)
        for key, path in re.findall(r"\{\s*key:\s*'(\w+)',\s*path:\s*'([^']+)'", source)
    ]
    assert entries, f"no navigation entries found in {NAVIGATION_TS}"
    return entries


@dataclass(frozen=True)
class ResponsiveShop:
    tenant: TenantFixture
    template_name: str


@pytest.fixture
async def responsive_shop(shop: TenantFixture, api: Api) -> ResponsiveShop:
    """test_admin's shop (tiers, custom fields, coupons, rewards, 40 members) with orders, an
    earning rule, a clerk, a webhook endpoint with a delivery and a batch of codes besides."""
    await seed_orders(shop.ctx, start_index=0, count=4)
    token = shop.owner_token

    rule = await api(
        CREATE_RULE,
        {
            "input": {
                "name": "奶茶双倍",
                "kind": "SKU_MULTIPLIER",
                "params": {"skus": ["TEA-1"], "multiplier": 2},
            }
        },
        token=token,
    )
    assert rule["createEarningRule"]["errors"] == []
    staff = await api(
        CREATE_STAFF,
        {
            "input": {
                "email": "clerk@responsive.example.com",
                "password": "clerk-pass-1",
                "role": "clerk",
            }
        },
        token=token,
    )
    assert staff["createStaff"]["errors"] == []

    endpoint = await api(
        CREATE_ENDPOINT,
        {
            "input": {
                "url": "https://hooks.example.com/loyalty/a-rather-long-path-that-must-wrap",
                "eventTypes": ["member.created", "order.*"],
                "description": "CRM 同步",
            }
        },
        token=token,
    )
    assert endpoint["createWebhookEndpoint"]["errors"] == []
    endpoint_id = endpoint["createWebhookEndpoint"]["endpoint"]["id"]
    sent = await api(SEND_TEST, {"id": endpoint_id}, token=token)
    assert sent["sendTestWebhook"]["errors"] == []

    templates = (await api(TEMPLATES, token=token))["couponTemplates"]
    template = templates[0]
    # No worker runs here: the batch stays pending, which still gives the batches table a row.
    generated = await api(
        GENERATE_CODES,
        {
            "input": {
                "templateId": template["id"],
                "quantity": 10,
                "idempotencyKey": str(uuid.uuid4()),
            }
        },
        token=token,
    )
    assert generated["generateCouponCodes"]["errors"] == []
    return ResponsiveShop(shop, template["name"])


class Visitor:
    """An owner going through the admin at one screen size."""

    def __init__(self, page: Page, device: Device) -> None:
        self.page = page
        self.device = device
        self.network = NetworkQuiet(page)
        self.where = "login"

    @asynccontextmanager
    async def reporting(self) -> AsyncIterator[None]:
        """On a failure, a screenshot of the page as it was and a note of where that was."""
        try:
            yield
        except Exception as exc:
            await screenshot(self.page, f"responsive-FAILED-{self.where}")
            exc.add_note(f"at {self.device} width, on {self.where} ({self.page.url})")
            raise

    async def settled(self) -> None:
        """Wait until the content has loaded: no request in flight, no spinner, no skeleton."""
        await self.page.locator("main.ant-layout-content .ant-card").first.wait_for()
        await self.network.wait()
        await self.page.wait_for_function(
            "() => !document.querySelector("
            "'main .ant-spin-spinning, main .ant-skeleton-active, main .ant-spin-blur')"
        )

    async def open_from_menu(self, entry: NavEntry) -> None:
        """Navigate as a person would: the drawer on a phone, the sider otherwise."""
        page = self.page
        self.where = entry.key
        if self.device == "phone":
            await page.get_by_test_id("nav-drawer-toggle").click()
            drawer = page.locator(".ant-drawer-content")
            await drawer.wait_for()
            await drawer.get_by_test_id(f"nav-{entry.key}").click()
            # The drawer closes on the way to the page.
            await page.locator(".ant-drawer-open").wait_for(state="detached")
        else:
            await page.locator(".ant-layout-sider").get_by_test_id(f"nav-{entry.key}").click()
        await page.wait_for_url(re.compile(rf"/admin{re.escape(entry.path)}(\?.*)?$"))
        await self.settled()

    async def check(self, name: str, *, expects_actions: bool = False) -> None:
        """The checks every page passes at this width, and its screenshot."""
        page = self.page
        self.where = name
        if expects_actions:
            # The list itself, not the page it replaces (routes swap in after their code loads).
            if self.device == "phone":
                await page.locator("main .responsive-card").first.wait_for()
            else:
                header = page.locator("main .ant-table-thead th", has_text=ACTIONS_HEADER)
                await header.first.wait_for()
                await page.locator("main .ant-table-row").first.wait_for()
            await self.settled()
        await screenshot(page, f"responsive-{name}")
        await assert_no_sideways_scroll(page)
        if self.device == "phone":
            assert await page.locator("main .ant-table").count() == 0, f"{name}: a table on a phone"
            if expects_actions:
                assert await page.locator("main .responsive-card").count() > 0, f"{name}: no cards"
            await assert_tap_targets(page, 44)
        else:
            found = await assert_actions_in_view(page, ACTIONS_HEADER)
            if expects_actions:
                assert found.cells > 0, (
                    f"{name}: no actions column with rows at {self.device} width"
                )


@pytest.mark.parametrize("device", DEVICES)
async def test_every_page_fits_the_screen(
    live_server: str, browser_page: Page, responsive_shop: ResponsiveShop, device: Device
) -> None:
    page = browser_page
    shop = responsive_shop.tenant
    visitor = Visitor(page, device)
    await use_device(page, device)
    async with visitor.reporting():
        await page.goto(f"{live_server}/admin/")
        await page.get_by_test_id("login-submit").wait_for()
        await assert_no_sideways_scroll(page)
        await screenshot(page, "responsive-login")
        await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)

        for entry in navigation():
            await visitor.open_from_menu(entry)
            await visitor.check(entry.key, expects_actions=entry.key in PAGES_WITH_ACTIONS)

        # --- an order, opened from the list (a card on a phone, a row otherwise)
        await visitor.open_from_menu(NavEntry("orders", "/orders"))
        await page.get_by_test_id("order-row").first.click()
        await page.get_by_test_id("order-item-row").first.wait_for()
        await visitor.settled()
        await visitor.check("order-detail")

        # --- a coupon template with a batch of codes
        await visitor.open_from_menu(NavEntry("coupons", "/coupons"))
        await (
            page.get_by_test_id("coupon-template-row")
            .filter(has_text=responsive_shop.template_name)
            .get_by_test_id("coupon-template-link")
            .click()
        )
        await page.get_by_test_id("batch-row").first.wait_for()
        await visitor.settled()
        await visitor.check("coupon-template", expects_actions=True)

        # --- a webhook endpoint and its deliveries
        await visitor.open_from_menu(NavEntry("webhooks", "/webhooks"))
        await page.get_by_test_id("webhook-url-link").first.click()
        await page.get_by_test_id("delivery-row").first.wait_for()
        await visitor.settled()
        if device == "phone":
            # A delivery's attempts open inside its card, as the table's expanded row does.
            delivery = page.get_by_test_id("delivery-row").first
            await delivery.get_by_test_id("responsive-card-expand").click()
            await page.get_by_test_id("delivery-detail").wait_for()
        await visitor.check("webhook-endpoint", expects_actions=True)


async def test_on_a_phone_the_menu_is_a_drawer_under_a_compact_header(
    live_server: str, browser_page: Page, responsive_shop: ResponsiveShop
) -> None:
    page = browser_page
    shop = responsive_shop.tenant
    visitor = Visitor(page, "phone")
    await use_device(page, "phone")
    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await visitor.settled()

    # the sider is gone; the header keeps the tenant, the menu button, language and account
    assert await page.locator(".ant-layout-sider").count() == 0
    header = page.locator(".ant-layout-header")
    header_box = await header.bounding_box()
    assert header_box is not None and header_box["height"] <= 64
    row = [
        page.get_by_test_id("nav-drawer-toggle"),
        page.get_by_test_id("header-tenant"),
        page.get_by_test_id("lang-switch"),
        page.get_by_test_id("user-menu"),
    ]
    boxes = [await item.bounding_box() for item in row]
    for item, box in zip(row, boxes, strict=True):
        assert box is not None, f"{item} not shown in the header"
        # one line, nothing wrapped letter by letter, nothing pushed off the screen
        assert box["height"] <= 48, f"{item} is {box['height']} px high"
        assert box["y"] >= header_box["y"] and box["y"] + box["height"] <= header_box["y"] + 64
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    lefts = [box["x"] for box in boxes if box is not None]
    assert lefts == sorted(lefts), "the header items are not in one row"

    # the drawer holds every entry of the navigation, each a full-size tap target
    await page.get_by_test_id("nav-drawer-toggle").click()
    drawer = page.locator(".ant-drawer-content")
    await drawer.wait_for()
    shown = await drawer.locator(".ant-menu [data-testid^=nav-]").evaluate_all(
        "(items) => items.map((item) => item.getAttribute('data-testid'))"
    )
    assert shown == [f"nav-{entry.key}" for entry in navigation()]
    assert await assert_tap_targets(page, 44, root=".ant-drawer-content") >= len(shown)
    await page.wait_for_function(  # the drawer has slid all the way in
        "() => document.querySelector('.ant-drawer-content-wrapper')?.getBoundingClientRect().left === 0"
    )
    await screenshot(page, "responsive-drawer", full_page=False)

    # choosing an entry opens its page and closes the drawer
    await drawer.get_by_test_id("nav-rewards").click()
    await page.wait_for_url(re.compile(r"/admin/rewards$"))
    await page.locator(".ant-drawer-open").wait_for(state="detached")
    await page.get_by_test_id("reward-row").first.wait_for()
    assert await page.locator(".responsive-card[data-testid=reward-row]").count() >= 2
