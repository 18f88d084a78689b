"""Programme settings in the admin SPA: an owner sets points per yuan, the value of a point and
the return window on the tiers page; an out-of-range value gets the server's message under its
field; the saved values are there after a reload and in the API.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process). Screenshots land in
test-artifacts/screenshots/ as 80-83.
"""

from __future__ import annotations

from tests.browser.test_admin import SHOTS, _login, browser_page, live_server, pytestmark, shop
from tests.conftest import Api, TenantFixture

__all__ = ["browser_page", "live_server", "pytestmark", "shop"]


def _field_error(page: object, testid: str) -> object:
    item = page.locator(".ant-form-item", has=page.get_by_test_id(testid))  # type: ignore[attr-defined]
    return item.locator(".ant-form-item-explain-error")  # type: ignore[attr-defined]


async def test_owner_sets_the_earning_rate_and_point_value(
    live_server: str, browser_page: object, shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.goto(f"{live_server}/admin/tiers")  # type: ignore[attr-defined]
    per_yuan = page.get_by_test_id("earning-per-yuan")  # type: ignore[attr-defined]
    point_value = page.get_by_test_id("earning-point-value")  # type: ignore[attr-defined]
    window = page.get_by_test_id("earning-return-window")  # type: ignore[attr-defined]
    cap = page.get_by_test_id("earning-points-cap")  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=earning-per-yuan]')?.value !== ''"
    )
    await page.get_by_test_id("earning-settings").screenshot(
        path=str(SHOTS / "80-programme-settings.png")
    )  # type: ignore[attr-defined]

    # when: a negative rate is saved, the server's message sits under that field and nothing changes
    await per_yuan.fill("-2")
    await point_value.fill("2.5")
    await window.fill("14")
    await cap.fill("150")
    await page.get_by_test_id("earning-settings-save").click()  # type: ignore[attr-defined]
    error = _field_error(page, "earning-per-yuan")
    await error.wait_for()
    assert "1000" in await error.inner_text()
    assert await _field_error(page, "earning-point-value").count() == 0
    assert "100" in await _field_error(page, "earning-points-cap").inner_text()
    await page.get_by_test_id("earning-settings").screenshot(
        path=str(SHOTS / "81-programme-settings-invalid.png")
    )  # type: ignore[attr-defined]
    unchanged = await api("{ pointsSettings { earnPointsPerYuan } }", token=shop.owner_token)
    assert unchanged["pointsSettings"]["earnPointsPerYuan"] >= 0

    # when: corrected and saved
    await per_yuan.fill("3")
    await cap.fill("50")
    await page.get_by_test_id("earning-settings-save").click()  # type: ignore[attr-defined]
    await page.get_by_text("已保存").first.wait_for()  # type: ignore[attr-defined]
    await error.wait_for(state="detached")
    assert "7.50" in await page.get_by_test_id("earning-rebate").inner_text()  # type: ignore[attr-defined]

    # then: the values are kept, after a reload and in the API
    await page.reload()  # type: ignore[attr-defined]
    await page.wait_for_function(  # type: ignore[attr-defined]
        "() => parseFloat(document.querySelector('[data-testid=earning-per-yuan]')?.value ?? '') === 3"
    )
    assert float(await point_value.input_value()) == 2.5
    assert await window.input_value() == "14"
    assert await cap.input_value() == "50"
    await page.screenshot(path=str(SHOTS / "82-programme-settings-saved.png"), full_page=True)  # type: ignore[attr-defined]
    saved = await api(
        "{ pointsSettings { earnPointsPerYuan pointValueFen returnWindowDays "
        "pointsPaymentCapPercent } }",
        token=shop.owner_token,
    )
    assert saved["pointsSettings"] == {
        "earnPointsPerYuan": 3.0,
        "pointValueFen": 2.5,
        "returnWindowDays": 14,
        "pointsPaymentCapPercent": 50,
    }

    # and: on a phone the card fits the width (the tiers table above it is another matter)
    await page.set_viewport_size({"width": 390, "height": 844})  # type: ignore[attr-defined]
    # the phone layout (drawer menu) renders the page afresh: measure the card it renders
    await page.get_by_test_id("nav-drawer-toggle").wait_for()  # type: ignore[attr-defined]
    card = page.get_by_test_id("earning-settings")  # type: ignore[attr-defined]
    await card.wait_for()
    await card.scroll_into_view_if_needed()
    right = await card.evaluate("(e) => e.getBoundingClientRect().right")
    assert right <= 390
    await page.get_by_test_id("earning-settings").screenshot(
        path=str(SHOTS / "83-programme-settings-phone.png")
    )  # type: ignore[attr-defined]
