"""API keys in the admin: a key made to expire in 30 days says when, and an expired key says it
expired. Runs like test_admin.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tenants.api_keys import create_api_key
from tenants.tx import tenant_tx
from tests.browser.selects import choose
from tests.browser.test_admin import SHOTS, _login, browser_page, live_server, pytestmark
from tests.conftest import Api, TenantFixture

__all__ = ["browser_page", "live_server", "pytestmark"]

KEYS = "{ apiKeys { name expiresAt expired } }"


async def test_keys_show_when_they_expire_and_that_they_expired(
    live_server: str, browser_page: object, tenant: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    old = await create_api_key(
        tenant.ctx, name="old pos", kind="secret", expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    async with tenant_tx(tenant.ctx) as conn:  # a day later, as it were
        await conn.execute_query(
            "UPDATE api_keys SET expires_at = now() - interval '1 hour' WHERE id = $1",
            [old.api_key.id],
        )
    await _login(page, live_server, tenant.info.slug, tenant.owner_email, tenant.owner_password)
    await page.goto(f"{live_server}/admin/api-keys")  # type: ignore[attr-defined]
    await page.get_by_test_id("apikey-expired").wait_for()  # type: ignore[attr-defined]

    await page.get_by_test_id("apikey-create").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("apikey-name").fill("kiosk")  # type: ignore[attr-defined]
    await choose(page, page.get_by_test_id("apikey-expiry"), "30 天后过期")  # type: ignore[arg-type, attr-defined]
    await page.get_by_test_id("apikey-submit").click()  # type: ignore[attr-defined]
    await page.get_by_text("sk_").first.wait_for()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "86-api-key-expiry.png"))  # type: ignore[attr-defined]

    keys = {k["name"]: k for k in (await api(KEYS, token=tenant.owner_token))["apiKeys"]}
    assert keys["old pos"]["expired"] is True
    kiosk = datetime.fromisoformat(keys["kiosk"]["expiresAt"])
    assert timedelta(days=29) < kiosk - datetime.now(UTC) <= timedelta(days=30)
    assert keys["kiosk"]["expired"] is False
