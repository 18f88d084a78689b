"""API keys that expire and say when they were last used: through the real app, with its clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from membership.app import create_app
from membership.clock import FrozenClock
from membership.db import PgTarget
from tenants.auth import Authenticator
from tests.conftest import Api, TenantFixture, count_queries, make_tenant

ROOT = Path(__file__).resolve().parents[2]
CREATE = """mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    key apiKey { id expiresAt expired lastUsedAt } errors { code field message }
  }
}"""
API_KEYS = "{ apiKeys { id expiresAt expired lastUsedAt } }"
VIEWER = "{ viewer { tenant { slug } } }"


@dataclass
class FrozenApp:
    api: Api
    clock: FrozenClock
    authenticator: Authenticator
    tenant: TenantFixture


@pytest.fixture
async def frozen(database: PgTarget) -> AsyncIterator[FrozenApp]:
    """An app of its own whose clock moves only when the test says so."""
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    app = create_app(clock=clock, manage_database=False)
    services = app.state.services
    await services.start(init_database=False)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            api = Api(client)
            tenant = await make_tenant(database, api)
            yield FrozenApp(api, clock, services.authenticator, tenant)
    finally:
        await services.stop(close_database=False)


async def create_key(api: Api, tenant: TenantFixture, expires_at: datetime | None) -> Any:
    variables = {
        "input": {
            "name": "till 3",
            "kind": "SECRET",
            "expiresAt": expires_at.isoformat() if expires_at else None,
        }
    }
    return (await api(CREATE, variables, tenant.owner_token))["createApiKey"]


async def listed(api: Api, tenant: TenantFixture, key_id: str) -> dict[str, Any]:
    keys = (await api(API_KEYS, token=tenant.owner_token))["apiKeys"]
    return next(k for k in keys if k["id"] == key_id)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "offset",
    [timedelta(minutes=-1), timedelta(days=3 * 365 + 2)],
    ids=["in-the-past", "beyond-three-years"],
)
async def test_an_expiry_in_the_past_or_too_far_ahead_is_invalid_and_creates_nothing(
    api: Api, tenant: TenantFixture, offset: timedelta
) -> None:
    before = (await api(API_KEYS, token=tenant.owner_token))["apiKeys"]

    payload = await create_key(api, tenant, datetime.now(UTC) + offset)

    assert payload["key"] is None and payload["apiKey"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID", ["input", "expiresAt"])
    ]
    assert (await api(API_KEYS, token=tenant.owner_token))["apiKeys"] == before


async def test_a_key_works_until_it_expires_then_is_refused_at_once(frozen: FrozenApp) -> None:
    api, clock, tenant = frozen.api, frozen.clock, frozen.tenant
    expires_at = clock.now() + timedelta(hours=1)
    created = await create_key(api, tenant, expires_at)
    assert created["errors"] == [] and created["apiKey"]["expired"] is False
    key, key_id = created["key"], created["apiKey"]["id"]
    assert (await api(VIEWER, token=key))["viewer"]["tenant"]["slug"] == tenant.info.slug

    clock.advance(timedelta(hours=1))  # the key is still in the process's cache

    refused = await api.raw(VIEWER, token=key)
    assert refused.status_code == 401, refused.text
    message = refused.json()["errors"][0]["message"]
    assert "expired on " + expires_at.strftime("%Y-%m-%dT%H:%M:%SZ") in message
    frozen.authenticator.forget_key(uuid.UUID(key_id))  # and looked up afresh
    assert (await api.raw(VIEWER, token=key)).status_code == 401
    shown = await listed(api, tenant, key_id)
    assert shown["expired"] is True
    assert datetime.fromisoformat(shown["expiresAt"]) == expires_at


async def test_last_use_is_recorded_at_most_once_a_minute(frozen: FrozenApp) -> None:
    api, clock, tenant = frozen.api, frozen.clock, frozen.tenant
    created = await create_key(api, tenant, None)
    key, key_id = created["key"], created["apiKey"]["id"]
    assert created["apiKey"]["lastUsedAt"] is None and created["apiKey"]["expiresAt"] is None
    first_use = clock.now()
    await api(VIEWER, token=key)
    assert datetime.fromisoformat((await listed(api, tenant, key_id))["lastUsedAt"]) == first_use

    def updates(queries: list[str]) -> int:
        return len([q for q in queries if "UPDATE" in q and "api_keys" in q])

    with count_queries() as within_the_minute:
        for _ in range(3):
            clock.advance(timedelta(seconds=15))
            # Out of the cache, so every request looks the key up: only the minute holds writes back.
            frozen.authenticator.forget_key(uuid.UUID(key_id))
            await api(VIEWER, token=key)
    assert updates(within_the_minute.queries) == 0
    assert datetime.fromisoformat((await listed(api, tenant, key_id))["lastUsedAt"]) == first_use

    clock.advance(timedelta(seconds=15))
    frozen.authenticator.forget_key(uuid.UUID(key_id))
    with count_queries() as after_the_minute:
        await api(VIEWER, token=key)
    assert updates(after_the_minute.queries) == 1
    assert datetime.fromisoformat((await listed(api, tenant, key_id))["lastUsedAt"]) == clock.now()


def run_cli(database: PgTarget, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database.dsn()}
    return subprocess.run(
        [sys.executable, "-m", "membership.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_the_cli_creates_a_key_that_expires_and_prints_when(database: PgTarget) -> None:
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    assert run_cli(database, "tenant", "create", "--slug", slug, "--name", "Tills").returncode == 0
    args = ["apikey", "create", "--tenant", slug, "--name", "POS"]

    made = run_cli(database, *args, "--expires-in-days", "30")
    refused = run_cli(database, *args, "--expires-in-days", "2000")

    assert made.returncode == 0, made.stderr
    expires_at = datetime.fromisoformat(json.loads(made.stdout)["expiresAt"])
    assert abs(expires_at - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["errors"][0]["field"] == ["input", "expiresAt"]
