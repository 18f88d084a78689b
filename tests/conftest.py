"""Test fixtures: a fresh database per run (dropped afterwards), a Redis prefix of its own, the real
ASGI app, and factories for tenants with an owner login and API keys.

``DATABASE_URL`` / ``REDIS_URL`` point the suite at running servers (CI does); unset, the embedded
servers under ./var/ are used, exactly as the run command does.
"""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("MEMBERSHIP_REDIS_PREFIX", f"test-{uuid.uuid4().hex[:8]}")
os.environ.setdefault("MEMBERSHIP_LOG_LEVEL", "WARNING")
# a prefix per pytest-xdist worker process (they inherit the controller's environment)
os.environ.update(
    {"MEMBERSHIP_REDIS_PREFIX": f"{os.environ['MEMBERSHIP_REDIS_PREFIX']}-{w}"}
    if (w := os.environ.get("PYTEST_XDIST_WORKER"))
    and not os.environ["MEMBERSHIP_REDIS_PREFIX"].endswith(f"-{w}")
    else {}
)

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

import workers.analytics  # noqa: F401  (the worker's analytics handler, in every test process)
from membership.db import (
    PgTarget,
    resolve_postgres,
    resolve_redis_url,
    role_target,
)
from membership.settings import get_settings
from membership.testing import own_database, running_app
from tenants.context import RequestContext, TenantInfo


@pytest.fixture(scope="session")
def admin_target() -> PgTarget:
    return resolve_postgres(get_settings())


@pytest.fixture(scope="session")
async def database(admin_target: PgTarget) -> AsyncIterator[PgTarget]:
    """A database of this run's own, migrated, with the app pool open as the app role."""
    async with own_database("membership_test") as target:
        yield target


@pytest.fixture(scope="session")
async def app(database: PgTarget) -> AsyncIterator[Starlette]:
    async with running_app() as application:
        yield application


@pytest.fixture(scope="session")
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@dataclass
class TenantFixture:
    info: TenantInfo
    owner_email: str
    owner_password: str
    owner_token: str
    secret_key: str

    @property
    def ctx(self) -> RequestContext:
        return RequestContext.system(self.info)


class Api:
    """Posts GraphQL through the real ASGI app."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def raw(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        h = dict(headers or {})
        if token:
            h["authorization"] = f"Bearer {token}"
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=h
        )

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        response = await self.raw(query, variables, token)
        body = response.json()
        assert response.status_code == 200, body
        assert not body.get("errors"), body["errors"]
        return body["data"]  # type: ignore[no-any-return]


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)


LOGIN = """mutation($slug: String!, $email: String!, $password: String!) {
  login(tenantSlug: $slug, email: $email, password: $password) {
    token staff { id email role } errors { code field message }
  }
}"""


async def make_tenant(database: PgTarget, api: Api, slug: str | None = None) -> TenantFixture:
    from tenants.api_keys import create_api_key
    from tenants.registry import create_tenant
    from tenants.staff import create_staff

    slug = slug or f"t-{uuid.uuid4().hex[:10]}"
    owner = role_target(database, "owner")
    conn = await asyncpg.connect(**owner.connect_kwargs())
    try:
        info = await create_tenant(conn, slug=slug, name=f"Tenant {slug}")
    finally:
        await conn.close()
    ctx = RequestContext.system(info)
    email, password = f"owner@{slug}.example.com", "owner-pass-123"
    await create_staff(ctx, email=email, password=password, role="owner")
    key = await create_api_key(ctx, name="server", kind="secret")
    data = await api(LOGIN, {"slug": slug, "email": email, "password": password})
    return TenantFixture(info, email, password, data["login"]["token"], key.key)


@pytest.fixture
async def tenant(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


@pytest.fixture
async def other_tenant(database: PgTarget, api: Api) -> TenantFixture:
    return await make_tenant(database, api)


@pytest.fixture(scope="session")
def redis_url() -> str:
    return resolve_redis_url(get_settings())


class QueryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "connection pool" not in message:
            self.queries.append(message)


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Count the SQL statements Tortoise sends while the block runs."""
    logger = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)
