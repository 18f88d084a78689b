"""Every page of the admin, in Chinese, says everything in Chinese.

Walks each menu entry (read from admin_spa/src/layout/navigation.ts, so a new page is walked as
soon as it is in the menu), a member, an order, a coupon template, a webhook endpoint and the
account page, and opens the main dialogs, over data that fills audit trails, timelines, ledgers
and statuses of every kind. A page fails on:

- a key the catalogues lack: the SPA records every miss on ``window.__i18nMissing``;
- a code left in the text: ``ENUM_CODES``, ``dotted.codes``, ``scope:codes``, ``CNY``;
- an English word of en.json that zh-CN.json does not use itself;
- a tab title that is not the page's Chinese name.

Text the SPA marks ``data-raw-code`` (a code shown on purpose, in small type, beside its label)
and the strings this test seeded are left out. Then the error messages: a 500, a masked error, a
lost connection and an ended session are worded for people. Screenshots land in
test-artifacts/screenshots/i18n-<page>.png.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from playwright.async_api import Page, Route

from membership.db import PgTarget
from membership.demo import seed_members, seed_reference_data
from membership.events.models import EventHandling
from membership.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tenants.api_keys import create_api_key
from tenants.tx import tenant_tx
from tests.browser.test_admin import ROOT, SHOTS, browser_page, live_server, pytestmark
from tests.conftest import Api, TenantFixture, make_tenant

__all__ = ["browser_page", "live_server", "pytestmark"]

I18N = ROOT / "admin_spa" / "src" / "i18n"
ZH: dict[str, Any] = json.loads((I18N / "zh-CN.json").read_text())
EN: dict[str, Any] = json.loads((I18N / "en.json").read_text())
NAVIGATION = ROOT / "admin_spa" / "src" / "layout" / "navigation.ts"

# Terms a Chinese page may show as they are.
ALLOWED_WORDS = {"API", "ID", "SKU", "URL", "Webhook", "Webhooks", "CSV", "JSON", "HTTP", "POST"}

ENUM_CODE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
DOTTED_CODE = re.compile(r"\b[a-z]+\.[a-z_]+(?:\.[a-z_]+)*\b")
SCOPE_CODE = re.compile(r"\b[a-z_]+:[a-z_]+\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://\S+")
DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|cn|net|org|io|example|test|local)\b")
WORD = re.compile(r"\b[A-Za-z]{2,}\b")

# The text a person sees: visible text nodes and placeholders, less what is marked as a code.
VISIBLE_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest('[data-raw-code], script, style, noscript, svg')) continue;
    if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    if (node.textContent.trim()) parts.push(node.textContent.trim());
  }
  for (const input of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (input.checkVisibility()) parts.push(input.getAttribute('placeholder'));
  }
  return parts.join('\\n');
}"""

MISSING = "() => { const missing = window.__i18nMissing ?? []; window.__i18nMissing = []; return missing; }"

# The page has drawn what it loads: no spinner, no loading overlay.
SETTLED = """() => document.querySelector('.ant-layout-content, .ant-card')
  && !document.querySelector('.ant-spin-spinning, .ant-spin-blur, .ant-skeleton-active')"""


def _catalogue_texts(catalogue: dict[str, Any]) -> list[str]:
    """Every literal piece of the catalogue's messages (the text between placeholders)."""
    texts: list[str] = []
    for value in catalogue.values():
        if isinstance(value, dict):
            texts += _catalogue_texts(value)
        else:
            texts += re.split(r"\{\{\w+\}\}", str(value))
    return texts


# English the Chinese UI must not show: the words of en.json.
ENGLISH_WORDS = {w for text in _catalogue_texts(EN) for w in WORD.findall(text)} - ALLOWED_WORDS
# What zh-CN.json itself writes in Latin letters ("POST 请求", "如 order.*"): meant to be there.
ZH_LATIN = sorted(
    {text.strip() for text in _catalogue_texts(ZH) if re.search("[A-Za-z]", text)},
    key=len,
    reverse=True,
)


def navigation_pages() -> list[tuple[str, str]]:
    """(key, path) of every menu entry, in menu order."""
    source = NAVIGATION.read_text()
    pages = re.findall(r"\{\s*key:\s*'(\w+)',\s*path:\s*'([^']+)'", source)
    assert pages, "navigation.ts lists no pages"
    return pages


def _zh(key: str) -> str:
    node: Any = ZH
    for segment in key.split("."):
        node = node[segment]
    assert isinstance(node, str), key
    return node


def title_of(key: str) -> str:
    """The tab title of a page named by ``key``: "会员 · 会员管理后台"."""
    return _zh("titles.page").replace("{{page}}", _zh(key)).replace("{{app}}", _zh("titles.app"))


def _literals(values: list[str]) -> re.Pattern[str]:
    """Any of ``values``, as whole tokens: "EN" is not taken out of "OPEN", nor "sku" out of "skus"."""

    def one(value: str) -> str:
        before = r"(?<![A-Za-z0-9_])" if re.match(r"[A-Za-z0-9_]", value) else ""
        after = r"(?![A-Za-z0-9_])" if re.search(r"[A-Za-z0-9_]$", value) else ""
        return before + re.escape(value) + after

    ordered = sorted((v for v in values if v), key=len, reverse=True)
    return re.compile("|".join(one(v) for v in ordered) or "(?!)")


def raw_text_problems(text: str, seeded: list[str]) -> list[str]:
    """What in a Chinese page's text is a code, an English UI word, or a currency code."""
    text = _literals(ZH_LATIN).sub(" ", text)
    text = _literals(seeded).sub(" ", text)
    text = DOMAIN.sub(" ", URL.sub(" ", EMAIL.sub(" ", text)))
    found: list[str] = []
    for pattern, what in ((ENUM_CODE, "code"), (DOTTED_CODE, "code"), (SCOPE_CODE, "scope")):
        found += [f"{what} {m.group()!r}" for m in pattern.finditer(text)]
        text = pattern.sub(" ", text)  # a code's parts are not English words as well
    found += ["currency code 'CNY'"] if "CNY" in text or "CN¥" in text else []
    found += [f"English {w!r}" for w in WORD.findall(text) if w in ENGLISH_WORDS]
    return sorted(set(found))


@dataclass
class Seeded:
    member_id: str
    order_id: str
    template_id: str
    endpoint_id: str
    # strings the pages show as data (names, codes, URLs), left out of the scan
    strings: list[str] = field(default_factory=list)


@dataclass
class Walk:
    page: Page
    base: str
    seeded: Seeded
    problems: dict[str, list[str]] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)

    async def settle(self) -> None:
        await self.page.wait_for_function(SETTLED, timeout=20_000)
        await self.page.wait_for_timeout(400)  # late renders: a second query, a modal's animation
        await self.page.wait_for_function(SETTLED, timeout=20_000)

    async def check(self, name: str, title: str | None) -> None:
        """Record what page ``name`` shows untranslated, and its screenshot."""
        await self.settle()
        self.visited.append(name)
        found = [f"missing key {k!r}" for k in await self.page.evaluate(MISSING)]
        found += raw_text_problems(await self.page.evaluate(VISIBLE_TEXT), self.seeded.strings)
        if title is not None and await self.page.title() != title:
            found.append(f"title {await self.page.title()!r}, not {title!r}")
        self.expect(name, found)
        await self.page.screenshot(path=str(SHOTS / f"i18n-{name}.png"), full_page=True)

    def expect(self, name: str, problems: list[str]) -> None:
        """Keep ``problems`` of ``name`` for the report at the end (one run shows them all)."""
        if problems:
            self.problems.setdefault(name, []).extend(problems)

    async def visit(self, name: str, path: str, title: str | None) -> None:
        """Open the page and check it, then each of its tabs in turn."""
        await self.page.goto(f"{self.base}/admin{path}")
        await self.check(name, title)
        tabs = self.page.locator(".ant-layout-content .ant-tabs-tab")
        for index in range(1, await tabs.count()):
            await tabs.nth(index).click()
            await self.check(f"{name}-tab{index}", title)

    async def dialog(self, name: str, *openers: str) -> None:
        """Open the dialog or drawer behind the first of ``openers`` (test ids) the page has,
        check it, close it."""
        button = self.page.locator(", ".join(f'[data-testid="{o}"]' for o in openers)).first
        await button.wait_for(timeout=10_000)
        await button.click()
        layer = self.page.locator(".ant-modal-content, .ant-drawer-content").last
        await layer.wait_for()
        await self.check(name, None)
        await self.page.keyboard.press("Escape")
        await layer.wait_for(state="hidden")


GQL = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


def _client(api: Api, token: str) -> GQL:
    async def call(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        data = await api(query, variables, token=token)
        for payload in data.values():
            if isinstance(payload, dict) and payload.get("errors"):
                raise AssertionError(f"{query.split('(')[0]}: {payload['errors']}")
        return data

    return call


async def _seed(api: Api, shop: TenantFixture) -> Seeded:
    """One member with a history of every kind, written by staff so the audit trail has it all;
    around it the programme, staff, keys, webhooks and a dead letter."""
    await seed_reference_data(shop.ctx)
    await seed_members(shop.ctx, 12, start_index=9_100)
    owner = _client(api, shop.owner_token)
    server = _client(api, shop.secret_key)

    await owner(
        """mutation($input: CreateEarningRuleInput!) { createEarningRule(input: $input) { errors { message } } }""",
        {
            "input": {
                "name": "美妆双倍",
                "kind": "SKU_MULTIPLIER",
                "params": {"skus": ["SKU-2048"], "multiplier": 2},
            }
        },
    )
    create = """mutation($input: CreateMemberInput!) {
      createMember(input: $input) { member { id } errors { message } } }"""
    member = await owner(
        create,
        {
            "input": {
                "phone": "+8617400099001",
                "name": "林晓雨",
                "gender": "FEMALE",
                "tags": ["高价值"],
                "sourceChannel": "mini_program",
                "customFields": {"skin_type": "干性", "id_number": "110101199001011234"},
            }
        },
    )
    member_id = member["createMember"]["member"]["id"]
    await owner(
        """mutation($id: ID!, $input: UpdateMemberInput!) {
          updateMember(id: $id, input: $input) { errors { message } } }""",
        {
            "id": member_id,
            "input": {"tags": ["高价值", "复购"], "gender": "OTHER", "birthday": "1990-05-01"},
        },
    )
    await owner(
        """mutation($id: ID!) { revealMemberPii(id: $id) { errors { message } } }""",
        {"id": member_id},
    )
    adjust = """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { errors { message } } }"""
    await owner(
        adjust,
        {
            "input": {
                "memberId": member_id,
                "points": 800,
                "reason": "客诉补偿",
                "idempotencyKey": "i18n-adjust",
            }
        },
    )
    await owner(
        """mutation($input: RecordOrderInput!) { recordOrder(input: $input) { errors { message } } }""",
        {
            "input": {
                "externalId": "ORD-1001",
                "memberId": member_id,
                "amount": 258_000,
                "storeCode": "SH-001",
                "items": [
                    {"sku": "SKU-2048", "category": "美妆", "quantity": 6, "unitPrice": 32_900},
                    {"sku": "SKU-5001", "category": "食品", "quantity": 15, "unitPrice": 3_800},
                ],
            }
        },
    )
    await owner(
        """mutation($input: RefundOrderInput!) { refundOrder(input: $input) { errors { message } } }""",
        {"input": {"externalId": "ORD-1001", "amount": 50_000, "idempotencyKey": "i18n-refund"}},
    )
    catalogue = await owner("{ couponTemplates { id name } rewards { id name } }", {})
    templates = {t["name"]: t["id"] for t in catalogue["couponTemplates"]}
    rewards = {r["name"]: r["id"] for r in catalogue["rewards"]}
    template_id = templates["新人满 100 减 20"]
    issue = """mutation($input: IssueCouponInput!) {
      issueCoupon(input: $input) { coupon { code } errors { message } } }"""
    codes = []
    for n in range(2):
        issued = await owner(
            issue,
            {
                "input": {
                    "templateId": template_id,
                    "memberId": member_id,
                    "idempotencyKey": f"i18n-issue-{n}",
                }
            },
        )
        codes.append(issued["issueCoupon"]["coupon"]["code"])
    await owner(
        """mutation($input: VoidCouponInput!) { voidCoupon(input: $input) { errors { message } } }""",
        {"input": {"code": codes[0], "reason": "误发"}},
    )
    await owner(
        """mutation($input: RedeemRewardInput!) { redeemReward(input: $input) { errors { message } } }""",
        {
            "input": {
                "rewardId": rewards["满 100 减 20 券"],
                "memberId": member_id,
                "idempotencyKey": "i18n-reward",
            }
        },
    )
    await server(
        """mutation($input: TrackEventInput!) { trackEvent(input: $input) { errors { message } } }""",
        {
            "input": {
                "memberId": member_id,
                "type": "product.viewed",
                "properties": {"sku": "SKU-1024"},
                "idempotencyKey": "i18n-view",
            }
        },
    )
    # a second profile of the same person, with points of its own, merged in
    other = await owner(create, {"input": {"phone": "+8617400099002", "name": "林晓雨（旧）"}})
    other_id = other["createMember"]["member"]["id"]
    await owner(
        adjust,
        {
            "input": {
                "memberId": other_id,
                "points": 200,
                "reason": "老会员迁移",
                "idempotencyKey": "i18n-adjust-old",
            }
        },
    )
    await owner(
        """mutation($input: MergeMembersInput!) { mergeMembers(input: $input) { errors { message } } }""",
        {"input": {"sourceId": other_id, "targetId": member_id}},
    )
    await owner(
        """mutation($input: GenerateCouponCodesInput!) {
          generateCouponCodes(input: $input) { errors { message } } }""",
        {"input": {"templateId": template_id, "quantity": 20, "idempotencyKey": "i18n-batch"}},
    )
    clerk = await owner(
        """mutation($input: CreateStaffInput!) { createStaff(input: $input) { staff { id } errors { message } } }""",
        {"input": {"email": "clerk@i18n.example.com", "password": "clerk-pass-1", "role": "clerk"}},
    )
    await owner(
        """mutation($id: ID!, $stores: [String!]!) {
          assignStaffStores(id: $id, storeCodes: $stores) { errors { message } } }""",
        {"id": clerk["createStaff"]["staff"]["id"], "stores": ["SH-001"]},
    )
    await create_api_key(shop.ctx, name="小程序", kind="publishable")
    endpoint_id = await _seed_webhooks(shop, member_id)
    return Seeded(
        member_id=member_id,
        order_id="ORD-1001",
        template_id=template_id,
        endpoint_id=endpoint_id,
        strings=[
            shop.info.name,
            shop.info.slug,
            "product.viewed",  # the behaviour's name, given by the tenant
            "sku",
            "server",  # the API key make_tenant creates
            *codes,
        ],
    )


async def _seed_webhooks(shop: TenantFixture, member_id: str) -> str:
    """Two endpoints (one disabled by a 410), deliveries of each status, and a dead letter."""
    now = datetime.now(UTC)
    endpoint_id = uuid.uuid4()
    async with tenant_tx(shop.ctx):
        for id_, url, enabled, reason in (
            (endpoint_id, "https://erp.example.com/hooks", True, None),
            (
                uuid.uuid4(),
                "https://old.example.com/hooks",
                False,
                "the receiver answered 410 Gone",
            ),
        ):
            await WebhookEndpoint.create(
                id=id_,
                tenant_id=shop.info.id,
                url=url,
                description="ERP 同步",
                event_types=["order.*", "member.created", "event.product.viewed"],
                enabled=enabled,
                disabled_reason=reason,
                secret="whsec_" + uuid.uuid4().hex,
                created_at=now,
                updated_at=now,
            )
        for status, event_type, answer in (
            ("SUCCEEDED", "order.recorded", 200),
            ("FAILED", "member.created", 500),
            ("PENDING", "points.changed", None),
        ):
            delivery = await WebhookDelivery.create(
                id=uuid.uuid4(),
                tenant_id=shop.info.id,
                endpoint_id=endpoint_id,
                event_id=uuid.uuid4(),
                event_type=event_type,
                status=status,
                attempts=0 if answer is None else 1,
                last_response_status=answer,
                next_attempt_at=now + timedelta(hours=1) if status == "PENDING" else None,
                created_at=now,
                updated_at=now,
            )
            if answer is not None:
                await WebhookAttempt.create(
                    id=uuid.uuid4(),
                    tenant_id=shop.info.id,
                    delivery_id=delivery.id,
                    attempt=1,
                    started_at=now,
                    latency_ms=87,
                    response_status=answer,
                    response_excerpt="ok" if answer == 200 else "服务暂不可用",
                    error=None,
                )
        await EventHandling.create(
            id=uuid.uuid4(),
            tenant_id=shop.info.id,
            event_id=uuid.uuid4(),
            event_type="coupon_batch.created",
            handler="coupons.generate_batch",
            member_id=uuid.UUID(member_id),
            event_at=now - timedelta(hours=3),
            status="DEAD",
            attempts=8,
            next_attempt_at=None,
            last_error="服务暂不可用",
            created_at=now - timedelta(hours=3),
            updated_at=now,
        )
    return str(endpoint_id)


@pytest.fixture
async def i18n_shop(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


async def _sign_in(page: Page, base: str, shop: TenantFixture) -> None:
    """The owner's session, as the login form would have stored it."""
    await page.evaluate(
        "(token) => window.localStorage.setItem('membership.admin.token', token)",
        shop.owner_token,
    )
    await page.goto(f"{base}/admin/")
    await page.get_by_test_id("header-tenant").wait_for()


async def _check_language_switch(walk: Walk) -> None:
    """In English the title and money follow; back in Chinese, so does the title."""
    page = walk.page
    await page.goto(f"{walk.base}/admin/orders/{walk.seeded.order_id}")
    await page.get_by_test_id("order-amount").wait_for()
    await page.get_by_test_id("lang-switch").get_by_text("EN").click()
    await page.wait_for_function("() => document.documentElement.lang === 'en'")
    amount = await page.get_by_test_id("order-amount").inner_text()
    title = await page.title()
    await page.screenshot(path=str(SHOTS / "i18n-order-en.png"), full_page=True)
    await page.get_by_test_id("lang-switch").get_by_text("中文").click()
    await page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    back = await page.title()
    walk.expect(
        "order-en",
        [f"amount {amount!r}"] * (amount != "¥2,580.00")
        + [f"title {title!r}"] * (title != "Order · Membership admin")
        + [f"title back in Chinese {back!r}"] * (back != title_of("titles.orderDetail")),
    )


async def _check_error_wording(walk: Walk) -> None:
    """A failed list says what happened in words, with the request id to quote."""
    page = walk.page
    error = page.get_by_test_id("members-error")

    # the admin sends its operations by id: the members list's is the one of its document
    manifest = json.loads((ROOT / "admin_spa/src/gql/persisted-documents.json").read_text())
    (members_id,) = [i for i, d in manifest.items() if "query Members(" in d]

    async def members_answer(answer: Callable[[Route], Awaitable[None]]) -> str:
        async def route(route: Route) -> None:
            if members_id in (route.request.post_data or ""):
                await answer(route)
            else:
                await route.continue_()

        await page.route("**/graphql", route)
        await page.goto(f"{walk.base}/admin/members")
        await error.wait_for()
        text = await error.inner_text()
        await page.unroute("**/graphql")
        return text

    async def server_error(route: Route) -> None:
        await route.fulfill(
            status=500, body="Internal Server Error", headers={"x-request-id": "req-500-i18n"}
        )

    async def masked(route: Route) -> None:
        body = {"data": None, "errors": [{"message": "Unexpected error.", "path": ["members"]}]}
        await route.fulfill(json=body, headers={"x-request-id": "req-masked-i18n"})

    async def offline(route: Route) -> None:
        await route.abort("internetdisconnected")

    failed = await members_answer(server_error)
    walk.expect(
        "error-500", [failed] * (f"{_zh('errors.server')}（请求编号：req-500-i18n）" != failed)
    )
    await walk.check("error-500", None)
    failed = await members_answer(masked)
    walk.expect(
        "error-masked",
        [failed] * (f"{_zh('errors.server')}（请求编号：req-masked-i18n）" != failed),
    )
    failed = await members_answer(offline)
    walk.expect("error-network", [failed] * (failed != _zh("common.network")))
    await walk.check("error-network", None)

    # the credential refused: the session ends, and the login page says why in Chinese
    async def refused(route: Route) -> None:
        body = {
            "errors": [
                {
                    "message": "This staff account is disabled.",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ]
        }
        await route.fulfill(status=401, json=body)

    await page.route("**/graphql", refused)
    await page.goto(f"{walk.base}/admin/members")
    ended = page.get_by_test_id("session-ended")
    await ended.wait_for()
    reason = await ended.inner_text()
    walk.expect("session-ended", [reason] * (_zh("errors.auth.disabled") not in reason))
    await page.unroute("**/graphql")
    await walk.check("session-ended", title_of("titles.login"))


async def test_every_page_speaks_chinese(
    live_server: str, browser_page: object, i18n_shop: TenantFixture, api: Api
) -> None:
    page = cast(Page, browser_page)
    shop = i18n_shop
    seeded = await _seed(api, shop)
    walk = Walk(page, live_server, seeded)
    seeded.strings += [
        shop.owner_email,
        "clerk@i18n.example.com",
        "req-500-i18n",
        "req-masked-i18n",
    ]

    await walk.visit("login", "/login", title_of("titles.login"))
    await _sign_in(page, live_server, shop)

    for key, path in navigation_pages():
        await walk.visit(key, path, title_of(f"nav.{key}"))
    member = f"/members/{seeded.member_id}"
    await walk.visit("member", member, title_of("titles.memberDetail"))
    await walk.visit("order", f"/orders/{seeded.order_id}", title_of("titles.orderDetail"))
    await walk.visit(
        "coupon-template", f"/coupons/{seeded.template_id}", title_of("titles.couponTemplate")
    )
    await walk.visit(
        "webhook", f"/webhooks/{seeded.endpoint_id}", title_of("titles.webhookEndpoint")
    )
    await walk.visit("account", "/account", title_of("titles.account"))
    await walk.visit("not-found", "/no-such-page", title_of("titles.notFound"))

    for name, path, *openers in (
        ("member-create", "/members", "member-new"),
        ("points-adjust", member, "points-adjust"),
        ("coupon-issue", member, "member-action-issue-coupon", "member-coupon-issue"),
        ("order-refund", f"/orders/{seeded.order_id}", "order-refund"),
        ("tier-form", "/tiers", "tier-create"),
        ("earning-rule-drawer", "/earning-rules", "earning-rule-create"),
        ("coupon-template-drawer", "/coupons", "coupon-template-create"),
        ("batch-generate", f"/coupons/{seeded.template_id}", "batch-generate"),
        ("reward-form", "/rewards", "reward-create"),
        ("custom-field-form", "/custom-fields", "cf-create"),
        ("staff-create", "/staff", "staff-create"),
        ("api-key-create", "/api-keys", "apikey-create"),
        ("webhook-form", "/webhooks", "webhook-create"),
    ):
        await page.goto(f"{live_server}/admin{path}")
        await walk.settle()
        await walk.dialog(name, *openers)

    await _check_language_switch(walk)
    await _check_error_wording(walk)

    report = "\n".join(f"  {name}: {', '.join(found)}" for name, found in walk.problems.items())
    assert not walk.problems, f"untranslated text on {len(walk.problems)} page(s):\n{report}"
    assert len(walk.visited) >= len(navigation_pages()) + 15, walk.visited


def test_the_scan_flags_codes_english_and_currency_codes() -> None:
    flagged = raw_text_problems(
        "操作 member.update 状态 PARTIALLY_REFUNDED 权限 members:read ¥1.00 CNY Save 订单",
        seeded=[],
    )
    assert flagged == [
        "English 'Save'",
        "code 'PARTIALLY_REFUNDED'",
        "code 'member.update'",
        "currency code 'CNY'",
        "scope 'members:read'",
    ]
    clean = "林晓雨 owner@t-1.example.com https://erp.example.com/hooks SKU-2048 API 密钥 ¥2,580.00"
    assert raw_text_problems(clean, seeded=[]) == []
    assert raw_text_problems("行为事件：product.viewed", seeded=["product.viewed"]) == []
    # what zh-CN.json writes in Latin letters is meant; the same words elsewhere are not
    assert raw_text_problems(_zh("webhooks.form.eventTypesHint"), seeded=[]) == []
    assert raw_text_problems("原因 order ORD-1001", seeded=[]) == ["English 'order'"]


def test_navigation_lists_the_menu_pages() -> None:
    keys = [key for key, _ in navigation_pages()]
    assert {"members", "orders", "coupons", "webhooks", "deadLetters"} <= set(keys)
    assert all(isinstance(_zh(f"nav.{key}"), str) for key in keys)
