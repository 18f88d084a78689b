"""What a test process shares across its browser test modules: one API process and one browser.

Starting either costs seconds, and every test makes a tenant of its own, so sharing them keeps
tests apart while the suite starts each once per process. A test gets a fresh browser context
(``browser_page``): no cookie, storage or permission of another test reaches it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

from membership.db import PgTarget
from tests.browser.live import launch_chromium, running_api

if TYPE_CHECKING:
    from playwright.async_api import Browser


@pytest.fixture(scope="session")
def shared_api(database: PgTarget, redis_url: str) -> Iterator[str]:
    with running_api(database, redis_url) as base:
        yield base


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        try:
            yield browser
        finally:
            await browser.close()
