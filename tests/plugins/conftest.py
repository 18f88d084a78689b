"""A plugin that uses every hook (``tests.plugins.sample_kit``), installed for a test, with its
tables migrated and an app whose schema has its fields."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from membership.activation.migrations import migrate_plugins
from membership.db import PgTarget, role_target
from membership.testing import running_app
from plugins.manager import LoadedPlugins, also_installed
from tests.conftest import Api
from tests.plugins import sample_kit


@pytest.fixture
async def sample(database: PgTarget) -> AsyncIterator[LoadedPlugins]:
    with also_installed({"sample-kit": sample_kit}) as loaded:
        conn = await asyncpg.connect(**role_target(database, "owner").connect_kwargs())
        try:
            await migrate_plugins(conn)
        finally:
            await conn.close()
        yield loaded


@pytest.fixture
async def plugin_api(sample: LoadedPlugins) -> AsyncIterator[Api]:
    """The API of an app made while the sample plugin is installed."""
    async with running_app() as application:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Api(client)
