"""Webhooks in the admin SPA: an endpoint added, tested against a real receiver, its secret
rotated, then disabled; the dead letters page and a replay; a member's timeline.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process), with a real worker
beside it that delivers; both may reach loopback addresses. Screenshots land in
test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from membership.db import PgTarget
from membership.events.models import EventHandling
from tenants.tx import tenant_tx
from tests.browser.test_admin import SHOTS, _login, browser_page, pytestmark, running_api
from tests.conftest import Api, TenantFixture, make_tenant
from tests.webhooks.receiver import running_receiver
from tests.workers.process import start_worker

__all__ = ["browser_page", "pytestmark"]

# The receiver listens on 127.0.0.1: the API and the worker must be allowed to reach it.
WEBHOOK_ENV = {"MEMBERSHIP_WEBHOOKS_ALLOW_PRIVATE_URLS": "true"}

CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code message } }
}"""

TRACK_EVENT = """mutation($input: TrackEventInput!) {
  trackEvent(input: $input) { eventId errors { code field message } }
}"""

RECORD_ORDER = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { id } errors { code field message } }
}"""

ADJUST_POINTS = """mutation($input: AdjustPointsInput!) {
  adjustPoints(input: $input) { errors { code field message } }
}"""


@pytest.fixture(scope="module")
def live_server(database: PgTarget, redis_url: str) -> Iterator[str]:
    """test_admin's live API, started with private webhook URLs allowed."""
    with running_api(database, redis_url, **WEBHOOK_ENV) as base:
        yield base


@pytest.fixture(scope="module")
def webhook_worker(
    live_server: str, database: PgTarget, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The worker that relays events and delivers webhooks, beside the API."""
    worker = start_worker(database, redis_url, tmp_path_factory.mktemp("worker") / "worker.log")
    yield
    worker.stop()


@pytest.fixture
async def webhook_shop(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


async def _shot(page: object, name: str, *, full_page: bool = False) -> None:
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)  # type: ignore[attr-defined]


async def _secret_shown(page: object) -> str:
    """The whsec_ secret the open secret modal shows."""
    secret_text = page.get_by_test_id("webhook-secret")  # type: ignore[attr-defined]
    await secret_text.wait_for()
    secret = str(await secret_text.inner_text()).strip()
    assert secret.startswith("whsec_"), secret
    await page.wait_for_timeout(400)  # type: ignore[attr-defined]  # the modal's zoom-in, for the screenshot
    return secret


async def test_owner_adds_an_endpoint_tests_it_rotates_its_secret_and_disables_it(
    live_server: str, webhook_worker: None, browser_page: object, webhook_shop: TenantFixture
) -> None:
    page: object = browser_page
    shop = webhook_shop
    async with running_receiver() as receiver:
        await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
        await page.get_by_test_id("nav-webhooks").click()  # type: ignore[attr-defined]
        await page.get_by_test_id("webhooks-empty").wait_for()  # type: ignore[attr-defined]

        # --- a URL the platform will not deliver to: the server's error sits under the field
        await page.get_by_test_id("webhook-create").click()  # type: ignore[attr-defined]
        await page.get_by_test_id("webhook-url").fill("ftp://x")  # type: ignore[attr-defined]
        await page.get_by_test_id("webhook-submit").click()  # type: ignore[attr-defined]
        url_item = page.locator(".ant-form-item", has=page.get_by_test_id("webhook-url"))  # type: ignore[attr-defined]
        url_error = url_item.locator(".ant-form-item-explain-error")
        await url_error.wait_for()
        assert (await url_error.inner_text()).strip()
        await _shot(page, "60-webhook-invalid-url")

        # --- the receiver's URL, two kinds of event: added, and its secret shown once
        await page.get_by_test_id("webhook-url").fill(receiver.url())  # type: ignore[attr-defined]
        types = page.get_by_test_id("webhook-event-types").locator("input")  # type: ignore[attr-defined]
        for pattern in ("order.*", "event.product.viewed"):
            await types.fill(pattern)
            await types.press("Enter")
        await page.keyboard.press("Escape")  # type: ignore[attr-defined]
        await page.get_by_test_id("webhook-description").fill("ERP 同步")  # type: ignore[attr-defined]
        await page.get_by_test_id("webhook-submit").click()  # type: ignore[attr-defined]
        secret = await _secret_shown(page)
        modal = page.locator(".ant-modal-content", has=page.get_by_test_id("webhook-secret"))  # type: ignore[attr-defined]
        assert "只显示这一次" in await modal.inner_text()
        await _shot(page, "61-webhook-secret")
        await page.get_by_test_id("webhook-secret-close").click()  # type: ignore[attr-defined]

        row = page.get_by_test_id("webhook-row").filter(has_text=receiver.url())  # type: ignore[attr-defined]
        await row.wait_for()
        assert secret not in await page.content()  # type: ignore[attr-defined]  # shown once only
        row_text = await row.inner_text()
        assert "order.*" in row_text and "event.product.viewed" in row_text
        assert await row.get_by_test_id("webhook-status").get_attribute("data-enabled") == "true"
        await _shot(page, "62-webhooks")

        # --- a test event: the worker delivers it, the log turns SUCCEEDED by itself
        await row.get_by_test_id("webhook-url-link").click()
        await page.get_by_test_id("deliveries-empty").wait_for()  # type: ignore[attr-defined]
        await page.get_by_test_id("webhook-test").click()  # type: ignore[attr-defined]
        await page.wait_for_function(  # type: ignore[attr-defined]
            "() => document.querySelector('[data-testid=delivery-row][data-event-type=\"webhook.test\"]')"
            "?.dataset.status === 'SUCCEEDED'",
            timeout=30_000,
        )
        delivery = page.get_by_test_id("delivery-row").first  # type: ignore[attr-defined]
        assert await delivery.get_by_test_id("delivery-response-status").inner_text() == "200"
        await delivery.locator(".ant-table-row-expand-icon").click()
        attempt = page.get_by_test_id("delivery-attempt").first  # type: ignore[attr-defined]
        await attempt.wait_for()
        assert await attempt.get_attribute("data-status") == "200"
        assert "毫秒" in await attempt.get_by_test_id("attempt-latency").inner_text()
        payload = json.loads(await page.get_by_test_id("delivery-payload").inner_text())  # type: ignore[attr-defined]
        assert payload["type"] == "webhook.test"
        await _shot(page, "63-webhook-delivery-succeeded", full_page=True)

        await receiver.wait_for(1)
        first = receiver.arrivals[0]
        assert "webhook-signature" in first.headers
        assert first.verifies_with(secret)
        assert json.loads(first.body)["type"] == "webhook.test"

        # --- rotate: a new secret, once; the old one signs beside it for a day
        await page.get_by_test_id("webhook-rotate").click()  # type: ignore[attr-defined]
        await page.get_by_test_id("webhook-rotate-confirm").click()  # type: ignore[attr-defined]
        new_secret = await _secret_shown(page)
        assert new_secret != secret
        await page.get_by_test_id("webhook-secret-previous").wait_for()  # type: ignore[attr-defined]
        await _shot(page, "64-webhook-secret-rotated")
        await page.get_by_test_id("webhook-secret-close").click()  # type: ignore[attr-defined]
        await page.get_by_test_id("webhook-previous-secret").wait_for()  # type: ignore[attr-defined]

        # a second test is signed with both secrets
        await page.get_by_test_id("webhook-test").click()  # type: ignore[attr-defined]
        await receiver.wait_for(2)
        second = receiver.arrivals[1]
        assert second.verifies_with(new_secret)
        assert second.verifies_with(secret)
        await page.wait_for_function(  # type: ignore[attr-defined]
            "() => [...document.querySelectorAll('[data-testid=delivery-row]')]"
            ".filter((r) => r.dataset.status === 'SUCCEEDED').length === 2",
            timeout=30_000,
        )

        # --- replay since a day ago: only failed ones (none), then every one (both tests)
        await page.get_by_test_id("replay-since").click()  # type: ignore[attr-defined]
        await page.get_by_test_id("replay-since-submit").click()  # type: ignore[attr-defined]
        result = page.get_by_test_id("replay-since-result")  # type: ignore[attr-defined]
        # the result, or what the modal says instead of it (a refusal, an error message)
        said = result.or_(page.locator(".ant-message-error, .ant-modal-content .ant-alert-error"))  # type: ignore[attr-defined]
        await said.first.wait_for()
        assert await result.is_visible(), await page.locator(".ant-modal-content").inner_text()  # type: ignore[attr-defined]
        assert await result.get_attribute("data-count") == "0"
        await page.get_by_test_id("replay-since-close").click()  # type: ignore[attr-defined]
        await page.get_by_test_id("replay-since").click()  # type: ignore[attr-defined]
        await page.get_by_test_id("replay-since-only-failed").uncheck()  # type: ignore[attr-defined]
        await page.get_by_test_id("replay-since-submit").click()  # type: ignore[attr-defined]
        await result.wait_for()
        assert await result.get_attribute("data-count") == "2"
        await page.get_by_test_id("replay-since-close").click()  # type: ignore[attr-defined]
        await receiver.wait_for(4)
        await page.wait_for_function(  # type: ignore[attr-defined]
            "() => [...document.querySelectorAll('[data-testid=delivery-row]')]"
            ".filter((r) => r.dataset.status === 'SUCCEEDED' && Number(r.dataset.attempts) >= 2)"
            ".length === 2",
            timeout=30_000,
        )

        # --- at phone width the log scrolls inside its card, the page does not
        await page.set_viewport_size({"width": 390, "height": 844})  # type: ignore[attr-defined]
        await page.wait_for_timeout(500)  # type: ignore[attr-defined]  # the menu folds away
        overflow = await page.evaluate(  # type: ignore[attr-defined]
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, overflow
        await _shot(page, "65-webhook-detail-phone", full_page=True)
        await page.set_viewport_size({"width": 1366, "height": 860})  # type: ignore[attr-defined]

        # --- disable: shown as disabled, and why
        await page.get_by_test_id("webhook-disable").click()  # type: ignore[attr-defined]
        await page.get_by_test_id("webhook-disable-confirm").click()  # type: ignore[attr-defined]
        await page.locator("[data-testid=webhook-status][data-enabled=false]").wait_for()  # type: ignore[attr-defined]
        reason = await page.get_by_test_id("webhook-disabled-reason").inner_text()  # type: ignore[attr-defined]
        assert reason == "由员工停用"
        await page.get_by_test_id("webhook-enable").wait_for()  # type: ignore[attr-defined]
        await _shot(page, "66-webhook-disabled")


async def test_dead_letters_are_listed_and_replayed(
    live_server: str, webhook_worker: None, browser_page: object, webhook_shop: TenantFixture
) -> None:
    page: object = browser_page
    shop = webhook_shop
    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.get_by_test_id("nav-deadLetters").click()  # type: ignore[attr-defined]
    await page.get_by_test_id("dead-letters-empty").wait_for()  # type: ignore[attr-defined]

    # a handler that gave up on an event (a handling the relay would have made)
    now = datetime.now(UTC)
    handling_id = uuid.uuid4()
    async with tenant_tx(shop.ctx):
        await EventHandling.create(
            id=handling_id,
            tenant_id=shop.info.id,
            event_id=uuid.uuid4(),
            event_type="coupon_batch.created",
            handler="coupons.generate_batch",
            member_id=None,
            event_at=now - timedelta(hours=3),
            status="DEAD",
            attempts=8,
            next_attempt_at=None,
            last_error="ConnectionError: Redis refused the connection",
            created_at=now - timedelta(hours=3),
            updated_at=now,
        )
    await page.reload()  # type: ignore[attr-defined]
    row = page.get_by_test_id("dead-letter-row")  # type: ignore[attr-defined]
    await row.wait_for()
    text = await row.inner_text()
    assert "coupons.generate_batch" in text and "coupon_batch.created" in text
    assert "Redis refused" in text
    await _shot(page, "67-dead-letters")

    await row.get_by_test_id("dead-letter-replay").click()
    await page.get_by_test_id("dead-letters-empty").wait_for()  # type: ignore[attr-defined]
    async with tenant_tx(shop.ctx):
        replayed = await EventHandling.get(id=handling_id)
    assert replayed.status in {"PENDING", "DONE"}


async def _track(
    api: Api, shop: TenantFixture, member_id: str, type_: str, key: str, **properties: str
) -> None:
    tracked = await api(
        TRACK_EVENT,
        {
            "input": {
                "memberId": member_id,
                "type": type_,
                "properties": properties,
                "idempotencyKey": key,
            }
        },
        token=shop.secret_key,
    )
    assert tracked["trackEvent"]["errors"] == [], tracked


async def test_member_timeline_shows_joining_and_reported_behaviour(
    live_server: str, browser_page: object, webhook_shop: TenantFixture, api: Api
) -> None:
    page: object = browser_page
    shop = webhook_shop
    created = await api(
        CREATE_MEMBER, {"input": {"phone": "+8617400009601"}}, token=shop.secret_key
    )
    assert created["createMember"]["errors"] == [], created
    member_id = created["createMember"]["member"]["id"]
    # more than a page (20) of events, of several families: joining is on the second page
    for index in range(20):
        await _track(
            api, shop, member_id, "campaign.joined", f"join-{index}", campaign=f"spring-{index}"
        )
    await _track(api, shop, member_id, "product.viewed", "view-tea-1", sku="TEA-1", page="/p/tea")
    ordered = await api(
        RECORD_ORDER,
        {"input": {"externalId": "WX-9601", "memberId": member_id, "amount": 12800}},
        token=shop.secret_key,
    )
    assert ordered["recordOrder"]["errors"] == [], ordered
    adjusted = await api(
        ADJUST_POINTS,
        {
            "input": {
                "memberId": member_id,
                "points": 50,
                "reason": "客诉补偿",
                "idempotencyKey": "adj-9601",
            }
        },
        token=shop.secret_key,
    )
    assert adjusted["adjustPoints"]["errors"] == [], adjusted

    await _login(page, live_server, shop.info.slug, shop.owner_email, shop.owner_password)
    await page.goto(f"{live_server}/admin/members/{member_id}?tab=timeline")  # type: ignore[attr-defined]
    timeline = page.get_by_test_id("member-timeline")  # type: ignore[attr-defined]
    events = timeline.get_by_test_id("timeline-event")
    viewed = timeline.locator("[data-testid=timeline-event][data-type='event.product.viewed']")
    joined = timeline.locator("[data-testid=timeline-event][data-type='member.created']")
    await viewed.wait_for()
    assert await events.count() == 20
    # newest first: the adjustment, then what the order did, then the behaviour
    types = await events.evaluate_all("(items) => items.map((i) => i.dataset.type)")
    assert types[0] == "points.changed"
    assert types.index("order.recorded") < types.index("event.product.viewed")
    assert types.index("event.product.viewed") < types.index("event.campaign.joined")
    adjustment = await events.first.get_by_test_id("timeline-summary").inner_text()
    assert "+50" in adjustment and "客诉补偿" in adjustment
    order = timeline.locator("[data-testid=timeline-event][data-type='order.recorded']")
    summary = await order.get_by_test_id("timeline-summary").inner_text()
    assert "WX-9601" in summary and "¥128.00" in summary
    assert await viewed.get_by_test_id("timeline-title").inner_text() == "product.viewed"
    properties = {
        p.strip() for p in await viewed.get_by_test_id("timeline-property").all_inner_texts()
    }
    assert properties == {"sku: TEA-1", "page: /p/tea"}
    assert await joined.count() == 0

    await timeline.get_by_test_id("timeline-more").click()
    await joined.wait_for()
    assert await events.count() > 20
    assert await events.last.get_attribute("data-type") == "member.created"
    assert await joined.get_by_test_id("timeline-title").inner_text() == "加入会员"
    assert await timeline.get_by_test_id("timeline-more").count() == 0  # the last page is in
    await timeline.evaluate("(card) => card.scrollIntoView({ block: 'start' })")
    await _shot(page, "68-member-timeline")

    await page.set_viewport_size({"width": 390, "height": 844})  # type: ignore[attr-defined]
    await page.wait_for_timeout(500)  # type: ignore[attr-defined]  # the menu folds away
    await timeline.evaluate("(card) => card.scrollIntoView({ block: 'start' })")
    await _shot(page, "69-member-timeline-phone")
