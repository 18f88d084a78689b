"""Staff accounts in the admin SPA: an owner creates a clerk, deactivates and reactivates them
(the clerk's open session ends at once), changes their role, resets their password (shown once;
the clerk must set a new one before anything else), and cannot deactivate the last owner; a staff
member changes their own password from the account page and stays signed in on the fresh token.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process). Screenshots land in
test-artifacts/screenshots/ as 70-79.
"""

from __future__ import annotations

from tests.browser.selects import choose
from tests.browser.test_admin import SHOTS, _login, browser_page, live_server, pytestmark, shop
from tests.conftest import Api, TenantFixture

__all__ = ["browser_page", "live_server", "pytestmark", "shop"]

CLERK_EMAIL = "clerk.lifecycle@shop.example.com"
CLERK_PASSWORD = "clerk-pass-1"
CLERK_NEW_PASSWORD = "clerk-own-pass-2"
PHONE = {"width": 390, "height": 844}


async def _sign_in(page: object, base: str, slug: str, email: str, password: str) -> None:
    """Fills the login form without waiting for any particular page behind it."""
    await page.goto(f"{base}/admin/login")  # type: ignore[attr-defined]
    await page.get_by_test_id("login-tenant").fill(slug)  # type: ignore[attr-defined]
    await page.get_by_test_id("login-email").fill(email)  # type: ignore[attr-defined]
    await page.get_by_test_id("login-password").fill(password)  # type: ignore[attr-defined]
    await page.get_by_test_id("login-submit").click()  # type: ignore[attr-defined]


async def _no_sideways_scroll(page: object) -> None:
    width = await page.evaluate("() => document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide"


def _row(page: object, email: str) -> object:
    return page.locator(f'[data-testid=staff-row][data-email="{email}"]')  # type: ignore[attr-defined]


async def test_owner_runs_a_clerks_account_lifecycle(
    live_server: str, browser_page: object, shop: TenantFixture
) -> None:
    page: object = browser_page
    slug = shop.info.slug
    await _login(page, live_server, slug, shop.owner_email, shop.owner_password)

    # given: a clerk created on the staff page
    await page.goto(f"{live_server}/admin/staff")  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-create").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-email").fill(CLERK_EMAIL)  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-password").fill(CLERK_PASSWORD)  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-submit").click()  # type: ignore[attr-defined]
    row = _row(page, CLERK_EMAIL)
    await row.wait_for()  # type: ignore[attr-defined]
    assert "店员" in await row.get_by_test_id("staff-role").inner_text()  # type: ignore[attr-defined]
    assert "从未登录" in await row.get_by_test_id("staff-last-login").inner_text()  # type: ignore[attr-defined]

    # and: the clerk signed in in a browser of their own
    browser = page.context.browser  # type: ignore[attr-defined]
    clerk_context = await browser.new_context(
        viewport={"width": 1366, "height": 860}, locale="zh-CN"
    )
    clerk = await clerk_context.new_page()
    await _sign_in(clerk, live_server, slug, CLERK_EMAIL, CLERK_PASSWORD)
    await clerk.get_by_test_id("counter-search").wait_for()  # a clerk's home: the counter

    # when: the owner deactivates the clerk
    await page.reload()  # type: ignore[attr-defined]
    row = _row(page, CLERK_EMAIL)
    await row.get_by_test_id("staff-deactivate").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-deactivate-confirm").click()  # type: ignore[attr-defined]
    await row.get_by_test_id("staff-reactivate").wait_for()  # type: ignore[attr-defined]
    assert "已停用" in await row.get_by_test_id("staff-status").inner_text()  # type: ignore[attr-defined]
    assert "从未登录" not in await row.get_by_test_id("staff-last-login").inner_text()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "70-staff-deactivated.png"))  # type: ignore[attr-defined]

    # then: the clerk's next action takes them to the login page, which says why
    await clerk.get_by_test_id("counter-search").fill("17400000001")
    await clerk.get_by_test_id("counter-search").press("Enter")
    ended = clerk.get_by_test_id("session-ended")
    await ended.wait_for()
    assert "停用" in await ended.inner_text()
    assert clerk.url.endswith("/admin/login")
    await clerk.screenshot(path=str(SHOTS / "71-staff-clerk-signed-out.png"))

    # when: reactivated, then given the analyst role
    await row.get_by_test_id("staff-reactivate").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-reactivate-confirm").click()  # type: ignore[attr-defined]
    await row.get_by_test_id("staff-deactivate").wait_for()  # type: ignore[attr-defined]
    assert "在职" in await row.get_by_test_id("staff-status").inner_text()  # type: ignore[attr-defined]
    await row.get_by_test_id("staff-change-role").click()  # type: ignore[attr-defined]
    await choose(page, page.get_by_test_id("staff-role-select"), "分析师")  # type: ignore[arg-type, attr-defined]
    await page.screenshot(path=str(SHOTS / "72-staff-change-role.png"))  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-role-confirm").click()  # type: ignore[attr-defined]
    await row.get_by_test_id("staff-role").filter(has_text="分析师").wait_for()  # type: ignore[attr-defined]

    # when: the password is reset, the temporary one shows once
    await row.get_by_test_id("staff-reset-password").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-reset-confirm").click()  # type: ignore[attr-defined]
    shown = page.get_by_test_id("staff-temp-password")  # type: ignore[attr-defined]
    await shown.wait_for()
    temporary = (await shown.inner_text()).strip()
    assert len(temporary) >= 8
    await page.screenshot(path=str(SHOTS / "73-staff-temporary-password.png"))  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-temp-close").click()  # type: ignore[attr-defined]
    await shown.wait_for(state="detached")
    assert temporary not in await page.content()  # type: ignore[attr-defined]
    await row.get_by_test_id("staff-must-change").wait_for()  # type: ignore[attr-defined]

    # then: the clerk logs in with it and sees only the set-a-new-password page
    await _sign_in(clerk, live_server, slug, CLERK_EMAIL, temporary)
    await clerk.get_by_test_id("forced-password").wait_for()
    assert clerk.url.endswith("/admin/change-password")
    assert await clerk.get_by_test_id("nav-members").count() == 0
    await clerk.goto(f"{live_server}/admin/members")
    await clerk.get_by_test_id("forced-password").wait_for()
    assert clerk.url.endswith("/admin/change-password")
    await clerk.get_by_test_id("password-current").fill(temporary)
    await clerk.get_by_test_id("password-new").fill(CLERK_NEW_PASSWORD)
    await clerk.get_by_test_id("password-repeat").fill(CLERK_NEW_PASSWORD + "x")
    await clerk.get_by_test_id("password-submit").click()
    await clerk.get_by_text("两次输入的新密码不一致").wait_for()
    await clerk.get_by_test_id("password-repeat").fill(CLERK_NEW_PASSWORD)
    await clerk.screenshot(path=str(SHOTS / "74-staff-forced-password.png"))
    await clerk.get_by_test_id("password-submit").click()

    # and: lands in the admin on an analyst's home, the dashboard, on the fresh token, which
    # survives a reload
    await clerk.get_by_test_id("dashboard").wait_for()
    assert clerk.url.split("?")[0].endswith("/admin/dashboard")
    await clerk.reload()
    await clerk.get_by_test_id("dashboard").wait_for()
    await clerk_context.close()

    # when: the only owner tries to deactivate themselves, the server's reason shows
    own = _row(page, shop.owner_email)
    await own.get_by_test_id("staff-deactivate").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-deactivate-confirm").click()  # type: ignore[attr-defined]
    refusal = page.get_by_test_id("staff-action-error")  # type: ignore[attr-defined]
    await refusal.wait_for()
    assert "owner" in (await refusal.inner_text()).lower() or "所有者" in await refusal.inner_text()
    assert "在职" in await own.get_by_test_id("staff-status").inner_text()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "75-staff-last-owner.png"))  # type: ignore[attr-defined]

    # and: at 390 px the page does not scroll sideways; the table scrolls inside its card
    await page.set_viewport_size(PHONE)  # type: ignore[attr-defined]
    await page.reload()  # type: ignore[attr-defined]
    await _row(page, CLERK_EMAIL).wait_for()  # type: ignore[attr-defined]
    await _no_sideways_scroll(page)
    await page.screenshot(path=str(SHOTS / "76-staff-phone.png"), full_page=True)  # type: ignore[attr-defined]
    await (
        _row(page, CLERK_EMAIL).get_by_test_id("staff-reset-password").scroll_into_view_if_needed()
    )  # type: ignore[attr-defined]
    await _row(page, CLERK_EMAIL).get_by_test_id("staff-reset-password").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-reset-confirm").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-temp-password").wait_for()  # type: ignore[attr-defined]
    await _no_sideways_scroll(page)
    await page.screenshot(path=str(SHOTS / "77-staff-temporary-password-phone.png"))  # type: ignore[attr-defined]


async def test_staff_member_changes_their_own_password_from_the_account_page(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    await page.set_viewport_size(PHONE)  # type: ignore[attr-defined]
    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)

    await page.get_by_test_id("user-menu").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("user-menu-account").click()  # type: ignore[attr-defined]
    assert (await page.get_by_test_id("account-email").inner_text()) == shop.owner_email  # type: ignore[attr-defined]
    assert "所有者" in await page.get_by_test_id("account-role").inner_text()  # type: ignore[attr-defined]

    # a wrong current password: the server's message sits under that field
    await page.get_by_test_id("password-current").fill("not-the-password")  # type: ignore[attr-defined]
    await page.get_by_test_id("password-new").fill("owner-new-pass-9")  # type: ignore[attr-defined]
    await page.get_by_test_id("password-repeat").fill("owner-new-pass-9")  # type: ignore[attr-defined]
    await page.get_by_test_id("password-submit").click()  # type: ignore[attr-defined]
    current_item = page.locator(".ant-form-item", has=page.get_by_test_id("password-current"))  # type: ignore[attr-defined]
    await current_item.locator(".ant-form-item-explain-error").wait_for()
    await _no_sideways_scroll(page)
    await page.screenshot(path=str(SHOTS / "78-account-phone.png"), full_page=True)  # type: ignore[attr-defined]

    await page.get_by_test_id("password-current").fill(shop.owner_password)  # type: ignore[attr-defined]
    await page.get_by_test_id("password-submit").click()  # type: ignore[attr-defined]
    await page.get_by_text("密码已修改").first.wait_for()  # type: ignore[attr-defined]

    # the fresh token replaced the old one: still signed in after a reload, and the API agrees
    await page.reload()  # type: ignore[attr-defined]
    await page.get_by_test_id("account-email").wait_for()  # type: ignore[attr-defined]
    token = await page.evaluate("() => localStorage.getItem('membership.admin.token')")  # type: ignore[attr-defined]
    assert token and token != shop.owner_token
    viewer = await api("{ viewer { staff { email mustChangePassword } } }", token=token)
    assert viewer["viewer"]["staff"] == {"email": shop.owner_email, "mustChangePassword": False}
    await page.screenshot(path=str(SHOTS / "79-account-password-changed.png"))  # type: ignore[attr-defined]


async def test_owner_assigns_a_clerk_to_stores(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    created = await api(
        """mutation($input: CreateStaffInput!) { createStaff(input: $input) {
             staff { id } errors { code } } }""",
        {
            "input": {
                "email": "clerk.stores@shop.example.com",
                "password": CLERK_PASSWORD,
                "role": "clerk",
            }
        },
        shop.owner_token,
    )
    assert created["createStaff"]["errors"] == []
    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.goto(f"{live_server}/admin/staff")  # type: ignore[attr-defined]
    row = _row(page, "clerk.stores@shop.example.com")
    assert "全部门店" in await row.get_by_test_id("staff-stores").inner_text()  # type: ignore[attr-defined]

    # when: two store codes are typed, each with Enter, and confirmed
    await row.get_by_test_id("staff-assign-stores").click()  # type: ignore[attr-defined]
    select = page.get_by_test_id("staff-stores-select").locator("input")  # type: ignore[attr-defined]
    for code in ("SH-001", "SH-002"):
        await select.fill(code)
        await select.press("Enter")
    await page.get_by_test_id("staff-stores-confirm").click()  # type: ignore[attr-defined]
    await page.get_by_text("门店已更新").first.wait_for()  # type: ignore[attr-defined]

    # then: the row and the API show them
    stores = row.get_by_test_id("staff-stores")  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('[data-testid=staff-stores]')]"
        ".some((e) => e.innerText.includes('SH-002'))"
    )
    assert "SH-001" in await stores.inner_text()
    await page.screenshot(path=str(SHOTS / "69-staff-stores.png"))  # type: ignore[attr-defined]
    staff = await api("{ staff { email stores } }", token=shop.owner_token)
    assert next(s["stores"] for s in staff["staff"] if s["email"].startswith("clerk.stores")) == [
        "SH-001",
        "SH-002",
    ]

    # and: the clerk's WeCom account, refused when malformed, saved when right
    await row.get_by_test_id("staff-set-wecom").click()  # type: ignore[attr-defined]
    wecom = page.get_by_test_id("staff-wecom-input")  # type: ignore[attr-defined]
    await wecom.fill("zhang san")
    await page.get_by_test_id("staff-wecom-confirm").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("staff-wecom-error").wait_for()  # type: ignore[attr-defined]
    await wecom.fill("zhangsan")
    await page.get_by_test_id("staff-wecom-confirm").click()  # type: ignore[attr-defined]
    await page.get_by_text("企业微信账号已保存").first.wait_for()  # type: ignore[attr-defined]
    await row.get_by_test_id("staff-wecom").wait_for()  # type: ignore[attr-defined]
    assert "zhangsan" in await row.get_by_test_id("staff-wecom").inner_text()  # type: ignore[attr-defined]
    staff = await api("{ staff { email wecomUserId } }", token=shop.owner_token)
    assert [s["wecomUserId"] for s in staff["staff"] if s["email"].startswith("clerk.stores")] == [
        "zhangsan"
    ]
