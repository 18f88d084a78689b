"""The members list behind a dashboard figure, in the admin SPA: the drill-down read from the URL
lists exactly what the API lists for that filter and says so in plain words, clearing it shows
everyone, the CSV export holds the list (UTF-8 with a BOM), and "send a coupon" queues a run the
worker process finishes, each listed member then holding the coupon.

Runs like test_admin.py (Debian's chromium, Playwright, a live API process), with a real worker.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.async_api import expect

import membership.analytics.rollup
from membership.db import PgTarget
from membership.members.service import MemberChanges, create_member
from tenants.context import RequestContext
from tests.analytics.history import make_history
from tests.browser.selects import choose
from tests.browser.test_admin import ROOT, SHOTS, _login, browser_page, live_server, pytestmark
from tests.conftest import Api, TenantFixture, make_tenant
from tests.workers.process import start_worker

if TYPE_CHECKING:
    import httpx
    from playwright.async_api import Page

__all__ = ["browser_page", "live_server", "pytestmark"]

ZH = json.loads((ROOT / "admin_spa" / "src" / "i18n" / "zh-CN.json").read_text())["memberList"]
ACTIVE_Q1 = {"activity": {"kind": "ACTIVE", "from": "2026-01-01", "until": "2026-03-31"}}
DRILL_URL = "members?activity=ACTIVE&from=2026-01-01&until=2026-03-31"

MEMBERS = """query($filter: MemberFilter, $after: String) {
  members(first: 100, after: $after, filter: $filter) {
    totalCount edges { node { id name } } pageInfo { hasNextPage endCursor }
  }
}"""
CREATE_TEMPLATE = """mutation($input: CreateCouponTemplateInput!) {
  createCouponTemplate(input: $input) { template { id } errors { code message } }
}"""
MEMBER_COUPONS = """query($id: ID!) {
  member(id: $id) { coupons(first: 50) { edges { node { status template { id } } } } }
}"""
RUNS = """query { couponIssueRuns(first: 5) { id total issued refused status template { id } } }"""


@pytest.fixture(scope="module")
async def drill_shop(database: PgTarget, client: httpx.AsyncClient) -> TenantFixture:
    """Members, orders and coupons over Jan–Mar 2026, rolled up; and members who never bought
    (who no activity drill-down lists)."""
    shop = await make_tenant(database, Api(client))
    await make_history(shop.info, seed=29)
    await membership.analytics.rollup.rebuild(RequestContext.system(shop.info))
    for n in range(3):
        changes = MemberChanges(phone=f"+861370000{n:04d}", name=f"未消费会员{n}")
        await create_member(shop.ctx, changes)
    return shop


@pytest.fixture(scope="module")
def issue_worker(
    live_server: str, database: PgTarget, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The worker that processes coupon issue runs, beside the API."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    worker = start_worker(database, redis_url, log)
    yield log
    worker.stop()


async def _listed(api: Api, token: str, filter: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every member the API lists for ``filter``, in the list's order (newest first)."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api(MEMBERS, {"filter": filter, "after": after}, token))["members"]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert len(found) == page["totalCount"]
            return found
        after = page["pageInfo"]["endCursor"]


async def _row_keys(page: Page) -> list[str]:
    keys: list[str] = await page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=member-row]')]"
        ".map((row) => row.getAttribute('data-row-key'))"
    )
    return keys


async def _rows_are(page: Page, ids: list[str]) -> None:
    await page.wait_for_function(
        "(ids) => { const rows = [...document.querySelectorAll('[data-testid=member-row]')];"
        " return rows.length === ids.length"
        " && rows.every((row, i) => row.getAttribute('data-row-key') === ids[i]); }",
        arg=ids,
    )


async def test_a_drill_down_lists_what_the_api_lists_exports_it_and_sends_it_a_coupon(
    live_server: str,
    issue_worker: Path,
    browser_page: object,
    drill_shop: TenantFixture,
    api: Api,
) -> None:
    page: Page = browser_page  # type: ignore[assignment]
    token = drill_shop.owner_token
    active = await _listed(api, token, ACTIVE_Q1)
    everyone = await _listed(api, token, None)
    assert len(everyone) > 20 and 0 < len(active) < len(everyone)  # the filter narrows the list
    active_ids = [m["id"] for m in active]

    await _login(
        page, live_server, drill_shop.info.slug, drill_shop.owner_email, drill_shop.owner_password
    )
    await page.goto(f"{live_server}/admin/{DRILL_URL}")

    # --- the drill-down in plain words, with the API's count, and exactly its members
    alert = page.get_by_test_id("member-drilldown")
    await alert.wait_for()
    await page.get_by_test_id("member-drilldown-count").wait_for()
    parts = await page.get_by_test_id("member-drilldown-part").all_inner_texts()
    assert parts == ["2026-01-01 至 2026-03-31 有消费的会员"]
    count_text = await page.get_by_test_id("member-drilldown-count").inner_text()
    assert count_text == f"共 {len(active)} 位会员"
    await _rows_are(page, active_ids[:20])  # the first page, in the API's order
    await page.screenshot(path=str(SHOTS / "member-list-drilldown.png"))

    # --- the CSV export: every listed member once, header first, a BOM for Excel
    async with page.expect_download() as downloading:
        await page.get_by_test_id("member-export").click()
    download = await downloading.value
    saved = await download.path()
    raw = await asyncio.to_thread(Path(saved).read_bytes)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    columns = ZH["export"]["columns"]
    assert rows[0] == [
        columns[c] for c in ("id", "name", "phone", "tier", "points", "joinedOn", "sourceChannel")
    ]
    assert [r[0] for r in rows[1:]] == active_ids
    assert [r[1] for r in rows[1:]] == [m["name"] or "" for m in active]
    assert all(r[5].startswith("2026-") for r in rows[1:])  # joined dates, tenant days

    # --- send a coupon to the list: the worker finishes the run, the members hold the coupon
    made = await api(
        CREATE_TEMPLATE,
        {"input": {"name": "回馈券", "kind": "AMOUNT_OFF", "amountOff": 500, "validDays": 30}},
        token,
    )
    template_id = made["createCouponTemplate"]["template"]["id"]
    await page.get_by_test_id("member-issue-list").click()
    await choose(page, page.get_by_test_id("issue-list-template"), "回馈券")
    # the sentence names the template once the choice has rendered
    confirm_text = page.get_by_test_id("issue-list-confirm")
    await expect(confirm_text).to_contain_text("回馈券")
    assert f"{len(active)} 位会员" in await confirm_text.inner_text()
    await page.get_by_test_id("issue-list-submit").dblclick()  # confirmed twice: queued once
    await page.wait_for_function(
        "() => document.querySelector('[data-testid=issue-run-progress]')?.dataset.status"
        " === 'DONE'",
        timeout=60_000,
    )
    assert await page.get_by_test_id("issue-run-issued").inner_text() == str(len(active))
    assert await page.get_by_test_id("issue-run-refused").inner_text() == "0"
    assert await page.get_by_test_id("issue-run-status").inner_text() == "已完成"
    await page.wait_for_timeout(400)  # the bar's fill animation, for the screenshot
    await page.screenshot(path=str(SHOTS / "member-list-issue-run.png"))
    runs = (await api(RUNS, None, token))["couponIssueRuns"]
    assert [(r["total"], r["issued"], r["status"], r["template"]["id"]) for r in runs] == [
        (len(active), len(active), "DONE", template_id)
    ]
    for member in everyone:
        coupons = (await api(MEMBER_COUPONS, {"id": member["id"]}, token))["member"]["coupons"]
        mine = [e for e in coupons["edges"] if e["node"]["template"]["id"] == template_id]
        assert len(mine) == (1 if member["id"] in active_ids else 0), member
    await page.get_by_test_id("issue-run-close").click()

    # --- clearing the drill-down shows every member
    await page.get_by_test_id("member-drilldown-clear").click()
    await alert.wait_for(state="detached")
    assert "activity=" not in page.url
    await _rows_are(page, [m["id"] for m in everyone[:20]])
    total = await page.get_by_test_id("members-total").inner_text()
    assert str(len(everyone)) in total
