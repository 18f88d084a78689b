"""Reaching members in the admin SPA: channel settings and the send policy, message templates with
a member preview, a member's consent, identities and messages, and the message log.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process, real PostgreSQL). The
member-page test has a real worker beside it, which sends queued messages through the fake
providers that carry every channel a tenant never configured. Screenshots land in
test-artifacts/screenshots/messaging-<step>-<width>.png.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any, cast

import pytest
from playwright.async_api import Locator, Page, expect

from membership.db import PgTarget
from tests.browser.selects import choose, choose_more
from tests.browser.test_admin import _login, browser_page, live_server, pytestmark
from tests.browser.test_translations_admin import VISIBLE_TEXT, raw_text_problems
from tests.browser.viewports import assert_no_sideways_scroll, assert_tap_targets, screenshot
from tests.conftest import Api, TenantFixture, make_tenant
from tests.workers.process import start_worker

__all__ = ["browser_page", "live_server", "pytestmark"]

MARKETER_EMAIL, MARKETER_PASSWORD = "marketer@messaging.example.com", "marketer-pass-1"

STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { staff { id } errors { code message } }
}"""
MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code message } }
}"""
SAVE_TEMPLATE = """mutation($input: SaveMessageTemplateInput!) {
  saveMessageTemplate(input: $input) { template { id } errors { code field message } }
}"""
POLICY = """mutation($input: UpdateMessagingSettingsInput!) {
  updateMessagingSettings(input: $input) { errors { code field message } }
}"""
CONSENT = """mutation($input: RecordConsentInput!) {
  recordConsent(input: $input) { errors { code field message } }
}"""
SEND = """mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { messages { channel status skipReason } errors { code field message } }
}"""
CHANNELS = "{ channelConfigs { channel provider credentials creditBalance } }"
SETTINGS = "{ messagingSettings { maxPerDay maxPerWeek quietStart quietEnd fallback } }"
TEMPLATES = "{ messageTemplates { name purpose content } }"
REACH = """query($id: ID!) {
  member(id: $id) {
    consents { channel purpose granted source }
    identities { provider appId subject }
    messages { edges { node { channel status skipReason } } }
  }
}"""

# Aliyun's formats (plugins/builtin/providers/aliyun_sms.py); the secret is 30 letters and digits.
ACCESS_KEY_ID = "LTAI5tQ7xKp2Vb9mNc4Rz8Yw"
ACCESS_KEY_SECRET = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5"

# A marketing message to win a member back: an official-account template and an SMS.
WIN_BACK = {
    "name": "win.back",
    "title": "好久不见",
    "purpose": "marketing",
    "content": {
        "WECHAT_TEMPLATE": {
            "templateCode": "tpl-wx-winback",
            "fields": {"first": "{{member.name}}，好久不见"},
        },
        "SMS": {
            "templateCode": "SMS_100200",
            "fields": {"name": "{{member.name}}"},
            "text": "${name}，好久不见，送您一张券",
        },
    },
}


@pytest.fixture(scope="module")
def message_worker(
    live_server: str, database: PgTarget, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The worker that sends queued messages, beside the API."""
    worker = start_worker(database, redis_url, tmp_path_factory.mktemp("worker") / "worker.log")
    yield
    worker.stop()


@pytest.fixture
async def messaging_shop(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


@asynccontextmanager
async def _reporting(page: Page, name: str) -> AsyncIterator[None]:
    """On a failure, a screenshot of the page as it was."""
    try:
        yield
    except Exception:
        await screenshot(page, f"messaging-FAILED-{name}")
        raise


async def _ok(api: Api, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """A mutation that must succeed; its payload."""
    data = await api(query, variables, token=token)
    payload = cast(dict[str, Any], next(iter(data.values())))
    assert payload.get("errors") == [], payload
    return payload


async def _member(api: Api, shop: TenantFixture, phone: str, name: str) -> str:
    payload = await _ok(api, MEMBER, {"input": {"phone": phone, "name": name}}, shop.owner_token)
    return str(payload["member"]["id"])


async def _win_back_template(api: Api, shop: TenantFixture) -> None:
    """The win-back template, and no quiet hours, so a marketing message goes out at any hour."""
    await _ok(api, SAVE_TEMPLATE, {"input": WIN_BACK}, shop.owner_token)
    await _ok(api, POLICY, {"input": {"clearQuietHours": True}}, shop.owner_token)


async def _close_dialog(page: Page, close: Locator) -> None:
    """Close a dialog by its button; once seen re-rendered under load without its outcome (and
    so without the button), it closes with Escape all the same."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await close.click(timeout=5_000)
    except PlaywrightTimeout:
        await page.keyboard.press("Escape")
    await expect(page.locator(".ant-modal-content:visible")).to_have_count(0)


async def _choose(page: Page, select: Locator, option: str) -> None:
    """Pick the option labelled ``option`` in an antd select."""
    await choose(page, select, option, exact=True)


def _field_error(control: Locator) -> Locator:
    """The error antd shows under the form item holding ``control``."""
    item = "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' ant-form-item ')][1]"
    return control.locator(item).locator(".ant-form-item-explain-error")


async def test_owner_configures_sms_credentials_and_the_send_policy(
    live_server: str, browser_page: object, messaging_shop: TenantFixture, api: Api
) -> None:
    page = cast(Page, browser_page)
    shop = messaging_shop
    async with _reporting(page, "channels"):
        await _login(
            page,
            live_server,
            shop.info.slug,
            shop.owner_email,
            shop.owner_password,
            path="messaging/channels",
            ready="channels-page",
        )
        sms = page.locator("[data-testid=channel-card][data-channel=SMS]")
        # never configured: the fake provider carries it in development
        await sms.get_by_test_id("channel-fake-hint").wait_for()
        assert await sms.get_by_test_id("channel-state").get_attribute("data-state") == "fake"
        assert "模拟短信" in await sms.get_by_test_id("channel-fake-hint").inner_text()

        # --- Alibaba Cloud SMS with an AccessKey ID in the wrong format: refused at that field
        await _choose(page, sms.get_by_test_id("channel-provider"), "阿里云短信")
        credential = sms.get_by_test_id("channel-credential")
        key_id = credential.and_(page.locator("[data-field=accessKeyId]"))
        await key_id.fill("AKID-not-aliyun")
        await credential.and_(page.locator("[data-field=accessKeySecret]")).fill(ACCESS_KEY_SECRET)
        await credential.and_(page.locator("[data-field=signName]")).fill("会员中心")
        await sms.get_by_test_id("channel-save").click()
        key_error = _field_error(key_id)
        await key_error.wait_for()
        assert ACCESS_KEY_ID[:4] in await key_error.inner_text()  # the provider's example
        await screenshot(page, "messaging-channel-invalid")
        assert (await api(CHANNELS, token=shop.owner_token))["channelConfigs"] == []

        # --- the right format: saved, and the secret shown only as its hint
        await key_id.fill(ACCESS_KEY_ID)
        await sms.get_by_test_id("channel-save").click()
        hint = sms.locator("[data-testid=channel-secret-hint][data-field=accessKeySecret]")
        await hint.wait_for()
        assert "••••N4o5" in await hint.inner_text()
        assert await sms.get_by_test_id("channel-state").get_attribute("data-state") == "on"
        assert ACCESS_KEY_SECRET not in await page.content()
        saved = (await api(CHANNELS, token=shop.owner_token))["channelConfigs"]
        assert [(c["channel"], c["provider"]) for c in saved] == [("SMS", "aliyun_sms")]
        assert saved[0]["credentials"] == {
            "accessKeyId": ACCESS_KEY_ID,
            "accessKeySecret": "••••N4o5",
            "signName": "会员中心",
        }

        # --- the secret left blank keeps the saved credentials; the balance changes alone
        await sms.get_by_test_id("channel-credit-balance").fill("500")
        await sms.get_by_test_id("channel-save").click()
        for _ in range(50):
            kept = (await api(CHANNELS, token=shop.owner_token))["channelConfigs"][0]
            if kept["creditBalance"] == 500:
                break
            await page.wait_for_timeout(100)
        assert kept["creditBalance"] == 500
        assert kept["credentials"]["accessKeySecret"] == "••••N4o5"
        await screenshot(page, "messaging-channel-saved")

        # --- the send policy: a week below a day is refused at its field, then saved
        policy = page.get_by_test_id("send-policy")
        await policy.get_by_test_id("policy-max-per-day").fill("3")
        await policy.get_by_test_id("policy-max-per-week").fill("1")
        await policy.get_by_test_id("policy-save").click()
        week_error = _field_error(policy.get_by_test_id("policy-max-per-week"))
        await week_error.wait_for()
        await policy.get_by_test_id("policy-max-per-week").fill("10")
        await policy.get_by_test_id("policy-no-quiet-hours").click()
        await policy.get_by_test_id("policy-quiet-start").wait_for(state="detached")
        # SMS one step earlier, official-account template messages no longer tried
        order = list((await api(SETTINGS, token=shop.owner_token))["messagingSettings"]["fallback"])
        at = order.index("SMS")
        order[at - 1 : at + 1] = ["SMS", order[at - 1]]
        order.remove("WECHAT_TEMPLATE")
        step = "[data-testid=fallback-item][data-channel={}] [data-testid=fallback-{}]"
        await policy.locator(step.format("SMS", "up")).click()
        await policy.locator(step.format("WECHAT_TEMPLATE", "remove")).click()
        await policy.locator("[data-testid=fallback-add][data-channel=WECHAT_TEMPLATE]").wait_for()
        await policy.get_by_test_id("policy-save").click()
        await page.get_by_text("发送策略已保存").wait_for()
        await week_error.wait_for(state="detached")
        settings = (await api(SETTINGS, token=shop.owner_token))["messagingSettings"]
        assert settings == {
            "maxPerDay": 3,
            "maxPerWeek": 10,
            "quietStart": None,
            "quietEnd": None,
            "fallback": order,
        }
        await screenshot(page, "messaging-channels")


async def test_marketer_writes_a_template_and_previews_it_for_a_member(
    live_server: str, browser_page: object, messaging_shop: TenantFixture, api: Api
) -> None:
    page = cast(Page, browser_page)
    shop = messaging_shop
    async with _reporting(page, "templates"):
        await _ok(
            api,
            STAFF,
            {"input": {"email": MARKETER_EMAIL, "password": MARKETER_PASSWORD, "role": "marketer"}},
            shop.owner_token,
        )
        await _member(api, shop, "+8617400055001", "周小满")
        await _login(
            page,
            live_server,
            shop.info.slug,
            MARKETER_EMAIL,
            MARKETER_PASSWORD,
            path="messaging/templates",
            ready="templates-empty",
        )
        # a marketer writes and sends messages; channels and credentials are the owner's
        await page.get_by_test_id("nav-messageLog").wait_for()
        assert await page.get_by_test_id("nav-channels").count() == 0

        # --- a subscribe message naming a variable that does not exist: refused at that value
        await page.get_by_test_id("template-create").click()
        drawer = page.locator(".ant-drawer-content")
        await drawer.get_by_test_id("template-name").fill("points.reminder")
        await drawer.get_by_test_id("template-title").fill("积分提醒")
        await _choose(page, drawer.get_by_test_id("template-purpose"), "服务通知")
        subscribe = drawer.locator("[data-testid=template-channel][data-channel=WECHAT_SUBSCRIBE]")
        await drawer.locator(
            "[data-testid=template-channel-toggle][data-channel=WECHAT_SUBSCRIBE]"
        ).click()
        await subscribe.get_by_test_id("template-code").fill("tmpl-points-1")
        await subscribe.get_by_test_id("template-field-add").click()
        await subscribe.get_by_test_id("template-field-key").fill("thing1")
        value = subscribe.get_by_test_id("template-field-value")
        await value.fill("{{member.nickname}}的积分")
        await drawer.get_by_test_id("template-save").click()
        value_error = _field_error(value)
        await value_error.wait_for()
        assert "member.nickname" in await value_error.inner_text()
        await screenshot(page, "messaging-template-invalid")
        assert (await api(TEMPLATES, token=shop.owner_token))["messageTemplates"] == []

        # --- the draft is previewed for a member as it is written, before it is saved
        draft_picker = drawer.get_by_test_id("template-preview-member")
        await draft_picker.click()
        await draft_picker.locator("input").fill("17400055001")
        await page.locator(".ant-select-item-option", has_text="周小满").click()
        draft = drawer.locator(
            "[data-testid=template-preview-channel][data-channel=WECHAT_SUBSCRIBE]"
        )
        await draft.wait_for()
        await page.wait_for_function(
            "() => document.querySelector("
            "'.ant-drawer-content [data-testid=template-preview-channel]"
            "[data-channel=WECHAT_SUBSCRIBE]')?.dataset.problems === '1'"
        )
        assert (
            "member.nickname" in await draft.get_by_test_id("template-preview-problem").inner_text()
        )

        # --- the variables go in where the cursor is; then it saves
        await value.fill("")
        await value.click()
        await drawer.locator("[data-testid=template-variable][data-variable='member.name']").click()
        await value.press("End")
        await value.type("，积分 ")
        await drawer.locator(
            "[data-testid=template-variable][data-variable='member.points']"
        ).click()
        assert await value.input_value() == "{{member.name}}，积分 {{member.points}}"
        await page.wait_for_function(
            "() => document.querySelector("
            "'.ant-drawer-content [data-testid=template-preview-channel]"
            "[data-channel=WECHAT_SUBSCRIBE] [data-testid=template-preview-body]')"
            "?.innerText === 'thing1: 周小满，积分 0'"
        )
        await drawer.get_by_test_id("template-save").click()
        await drawer.wait_for(state="hidden")
        row = page.locator("[data-testid=template-row][data-name='points.reminder']")
        await row.wait_for()
        assert await row.locator("[data-channel=WECHAT_SUBSCRIBE]").count() == 1
        saved = (await api(TEMPLATES, token=shop.owner_token))["messageTemplates"]
        assert saved == [
            {
                "name": "points.reminder",
                "purpose": "service",
                "content": {
                    "WECHAT_SUBSCRIBE": {
                        "templateCode": "tmpl-points-1",
                        "fields": {"thing1": "{{member.name}}，积分 {{member.points}}"},
                    }
                },
            }
        ]

        # --- previewed for a member found by phone: the name and points filled in
        await row.get_by_test_id("template-preview-open").click()
        modal = page.locator(".ant-modal-content")
        picker = modal.get_by_test_id("template-preview-member")
        await picker.click()
        await picker.locator("input").fill("17400055001")
        option = page.locator(".ant-select-item-option", has_text="周小满")
        # a marketer sees phones masked, the picker included
        assert await option.get_attribute("title") == "周小满 · 174****5001"
        await option.click()
        preview = modal.locator(
            "[data-testid=template-preview-channel][data-channel=WECHAT_SUBSCRIBE]"
        )
        await preview.wait_for()
        body = await preview.get_by_test_id("template-preview-body").inner_text()
        assert body == "thing1: 周小满，积分 0"
        assert await preview.get_attribute("data-problems") == "0"
        await screenshot(page, "messaging-template-preview")


async def test_member_page_consent_identity_and_a_message_sent_by_the_worker(
    live_server: str,
    message_worker: None,
    browser_page: object,
    messaging_shop: TenantFixture,
    api: Api,
) -> None:
    page = cast(Page, browser_page)
    shop = messaging_shop
    async with _reporting(page, "member"):
        await _win_back_template(api, shop)
        member_id = await _member(api, shop, "+8617400066001", "陈一帆")
        await _login(
            page,
            live_server,
            shop.info.slug,
            shop.owner_email,
            shop.owner_password,
            path=f"members/{member_id}?tab=consents",
            ready="member-consents",
        )

        # --- consent to marketing by SMS, recorded by the owner from the admin
        cell = page.locator("[data-testid=consent-cell][data-channel=SMS][data-purpose=marketing]")
        assert await cell.get_attribute("data-state") == "none"
        await cell.get_by_test_id("consent-grant").click()
        await page.locator(
            "[data-testid=consent-cell][data-channel=SMS][data-purpose=marketing][data-state=granted]"
        ).wait_for()
        history = page.get_by_test_id("consent-history-row")
        await history.first.wait_for()
        assert await history.count() == 1
        assert await history.first.get_by_test_id("consent-recorded-by").inner_text() == (
            shop.owner_email
        )

        # --- a WeChat openid bound under an official account
        await page.get_by_test_id("identity-bind").click()
        await page.get_by_test_id("identity-app-id").fill("wx8a3f2c1d4e5b6a79")
        await page.get_by_test_id("identity-subject").fill("o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
        await page.get_by_test_id("identity-bind-submit").click()
        await page.locator(
            "[data-testid=identity-row][data-subject='o6_bmjrPTlm6_2sgVt7hMZOPfL2M']"
        ).wait_for()
        await screenshot(page, "messaging-member-consents")

        reach = (await api(REACH, {"id": member_id}, token=shop.owner_token))["member"]
        assert reach["consents"] == [
            {"channel": "SMS", "purpose": "marketing", "granted": True, "source": "admin"}
        ]
        assert reach["identities"] == [
            {
                "provider": "WECHAT_OPENID",
                "appId": "wx8a3f2c1d4e5b6a79",
                "subject": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M",
            }
        ]

        # --- 发消息: the template message has no consent and is skipped; the SMS is queued
        await page.get_by_test_id("member-action-send-message").click()
        modal = page.locator(".ant-modal-content")
        await _choose(page, modal.get_by_test_id("send-message-template"), "好久不见")
        channels = modal.get_by_test_id("send-message-channels")
        await choose_more(page, channels, "公众号模板消息")
        await choose_more(page, channels, "短信")
        await modal.locator(".ant-modal-title").click()  # the dropdown closes
        await modal.get_by_test_id("send-message-submit").click()
        outcomes = modal.get_by_test_id("send-outcome")
        await outcomes.first.wait_for()
        seen = [
            (
                await outcome.get_attribute("data-channel"),
                await outcome.get_attribute("data-status"),
                await outcome.get_attribute("data-reason"),
            )
            for outcome in await outcomes.all()
        ]
        assert seen == [("WECHAT_TEMPLATE", "SKIPPED", "NO_CONSENT"), ("SMS", "QUEUED", "")]
        assert "未授权" in await outcomes.first.inner_text()
        await screenshot(page, "messaging-member-sent")
        await _close_dialog(page, modal.get_by_test_id("send-message-close"))

        # --- the worker sends it; the member's messages tab follows by itself
        await page.get_by_test_id("member-tab-messages").click()
        sent = page.locator("[data-testid=message-row][data-channel=SMS][data-status=SENT]")
        await sent.wait_for(timeout=30_000)
        skipped = page.locator("[data-testid=message-row][data-channel=WECHAT_TEMPLATE]")
        assert await skipped.get_attribute("data-reason") == "NO_CONSENT"
        assert await sent.get_by_test_id("message-status").inner_text() == "已发送"
        await screenshot(page, "messaging-member-messages")


async def test_the_message_log_filters_by_status_in_chinese_and_on_a_phone(
    live_server: str, browser_page: object, messaging_shop: TenantFixture, api: Api
) -> None:
    page = cast(Page, browser_page)
    shop = messaging_shop
    async with _reporting(page, "log"):
        await _win_back_template(api, shop)
        consenting = await _member(api, shop, "+8617400077001", "林一")
        silent = await _member(api, shop, "+8617400077002", "林二")
        await _ok(
            api,
            CONSENT,
            {
                "input": {
                    "memberId": consenting,
                    "channel": "SMS",
                    "purpose": "marketing",
                    "granted": True,
                    "source": "pos",
                    "idempotencyKey": str(uuid.uuid4()),
                }
            },
            shop.owner_token,
        )
        for member_id in (consenting, silent):
            await _ok(
                api,
                SEND,
                {
                    "input": {
                        "memberId": member_id,
                        "template": "win.back",
                        "idempotencyKey": str(uuid.uuid4()),
                        "channels": ["WECHAT_TEMPLATE", "SMS"],
                    }
                },
                shop.owner_token,
            )
        await _login(
            page,
            live_server,
            shop.info.slug,
            shop.owner_email,
            shop.owner_password,
            path="messaging/log",
            ready="message-log",
        )
        rows = page.get_by_test_id("message-row")
        await page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=message-row]').length === 4"
        )

        # --- held back only: three (two without consent on either channel, one template message)
        await _choose(page, page.get_by_test_id("filter-status"), "已跳过")
        await page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=message-row]').length === 3"
        )
        assert {await row.get_attribute("data-status") for row in await rows.all()} == {"SKIPPED"}
        assert {await row.get_attribute("data-reason") for row in await rows.all()} == {
            "NO_CONSENT"
        }
        assert await page.get_by_test_id("messages-total").inner_text() == "共 3 条"
        assert "status=SKIPPED" in page.url  # the filter is kept in the address

        # --- in Chinese: statuses, reasons and channels named, no code left in the text
        first = rows.first
        assert await first.get_by_test_id("message-status").inner_text() == "已跳过"
        assert await first.get_by_test_id("message-skip-reason").inner_text() == "未授权"
        await first.locator(".ant-table-row-expand-icon").click()
        body = page.get_by_test_id("message-body").first
        await body.wait_for()
        assert "好久不见" in await body.inner_text()
        text = cast(str, await page.evaluate(VISIBLE_TEXT))
        assert raw_text_problems(text, [shop.info.name, shop.info.slug]) == []
        assert await page.title() == "消息记录 · 会员管理后台"
        await screenshot(page, "messaging-log")

        # --- at 375 px: the same three as cards, nothing sideways, every control a thumb can hit
        await page.set_viewport_size({"width": 375, "height": 812})
        await page.locator("main .responsive-card[data-testid=message-row]").first.wait_for()
        assert await page.locator("main .ant-table").count() == 0
        assert await page.locator("main .responsive-card[data-testid=message-row]").count() == 3
        await assert_no_sideways_scroll(page)
        await assert_tap_targets(page, 44)
        await screenshot(page, "messaging-log")
