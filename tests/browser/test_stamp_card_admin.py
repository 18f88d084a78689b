"""The partner kit's example plugin (集点卡, ``examples/stamp_card``) in the admin, in Debian's
chromium against a live API that has it installed as a distribution would be: a clerk finds a
member by phone on the plugin's page and stamps the card until it is full, and the reward points
land on the member's ledger."""

from __future__ import annotations

import importlib
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from playwright.async_api import Page, expect

from membership.activation.migrations import migrate_plugins
from membership.db import PgTarget, role_target
from membership.outbox import EVENT_TYPES
from plugins.manager import also_installed
from tests.browser.test_admin import _login, browser_page, pytestmark, running_api
from tests.conftest import Api, TenantFixture, make_tenant

__all__ = ["browser_page", "pytestmark"]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "stamp_card" / "src"
PHONE = "13900112233"


@pytest.fixture(scope="module")
async def stamp_card_tables(database: PgTarget) -> AsyncIterator[None]:
    """The example's tables in the suite's database, migrated as ``membership migrate`` would."""
    sys.path.insert(0, str(EXAMPLE))
    try:
        plugin = importlib.import_module("stamp_card.plugin")
        with also_installed({"stamp-card": plugin}) as loaded:
            assert "stamp-card" in loaded.manifests, loaded.refused.get("stamp-card")
            conn = await asyncpg.connect(**role_target(database, "owner").connect_kwargs())
            try:
                await migrate_plugins(conn)
            finally:
                await conn.close()
            yield
    finally:
        sys.path.remove(str(EXAMPLE))
        # nothing of the example stays in this process: its modules and its event types
        for name in [
            n for n, cls in EVENT_TYPES.items() if cls.__module__.startswith("stamp_card")
        ]:
            del EVENT_TYPES[name]
        for module in [m for m in sys.modules if m == "stamp_card" or m.startswith("stamp_card.")]:
            del sys.modules[module]


@pytest.fixture(scope="module")
def stamp_card_server(
    database: PgTarget,
    redis_url: str,
    stamp_card_tables: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The API with the example installed: its package and its distribution's entry point."""
    dist = tmp_path_factory.mktemp("dist") / "membership_stamp_card-1.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: membership-stamp-card\nVersion: 1.0.0\n"
    )
    (dist / "entry_points.txt").write_text("[membership.plugins]\nstamp-card = stamp_card.plugin\n")
    path = os.pathsep.join(
        p for p in (str(EXAMPLE), str(dist.parent), os.environ.get("PYTHONPATH")) if p
    )
    with running_api(database, redis_url, PYTHONPATH=path) as base:
        yield base


async def live(
    base: str, query: str, variables: dict[str, object], token: str
) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=base, timeout=20) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]  # type: ignore[no-any-return]


async def test_a_clerk_stamps_a_card_full_on_the_plugins_page(
    stamp_card_server: str, browser_page: Page, database: PgTarget, api: Api
) -> None:
    page = browser_page
    base = stamp_card_server
    shop: TenantFixture = await make_tenant(database, api)
    enabled = await live(
        base,
        """mutation($config: JSON) { enablePlugin(name: "stamp-card", config: $config) {
          plugin { enabled } errors { code field message } } }""",
        {"config": {"card_name": "咖啡集点卡", "stamps_needed": 3, "reward_points": 300}},
        shop.owner_token,
    )
    assert enabled["enablePlugin"] == {"plugin": {"enabled": True}, "errors": []}
    created = await live(
        base,
        """mutation($phone: String!) { createMember(input: {phone: $phone, name: "李雷"}) {
          member { id } errors { code } } }""",
        {"phone": PHONE},
        shop.owner_token,
    )
    member_id = created["createMember"]["member"]["id"]  # type: ignore[index]

    await _login(page, base, shop.info.slug, shop.owner_email, shop.owner_password)
    entry = page.locator("[data-testid=plugin-nav][data-page=cards]")
    await expect(entry).to_have_text("集点卡")
    await entry.click()
    cards = page.get_by_test_id("stamp-cards")
    await cards.get_by_test_id("stamp-card-search").fill(PHONE)
    await cards.get_by_test_id("stamp-card-search").press("Enter")
    card = cards.get_by_test_id("stamp-card")
    await expect(card).to_contain_text("咖啡集点卡")
    await expect(card.get_by_test_id("stamp-card-progress")).to_contain_text("0 / 3")

    add = card.get_by_test_id("stamp-card-add")
    for stamps in (1, 2):
        await add.click()
        await expect(card.get_by_test_id("stamp-card-progress")).to_contain_text(f"{stamps} / 3")
    await add.click()
    await expect(cards.get_by_test_id("stamp-card-notice")).to_contain_text("300")
    await expect(card.get_by_test_id("stamp-card-progress")).to_contain_text("0 / 3")

    balance = await live(
        base,
        "query($id: ID!) { member(id: $id) { pointsBalance } }",
        {"id": member_id},
        shop.owner_token,
    )
    assert balance["member"] == {"pointsBalance": 300}
    assert uuid.UUID(str(member_id))
