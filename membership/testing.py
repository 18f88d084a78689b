"""Pytest fixtures for a plugin's own tests: the real platform around the plugin.

The platform registers this module as the pytest plugin ``membership`` (entry-point group
``pytest11``), so a plugin's test suite, run in an environment where the platform and the plugin
are installed, has these fixtures without importing anything. They run the platform as it runs in
production: a PostgreSQL database of the run's own (migrated, the installed plugins' migrations
included, and dropped afterwards), the real ASGI app, real Redis under a key prefix of the run's
own. Every name starts with ``membership_`` so that none shadows a fixture of the plugin's suite.

``membership_database`` (session)
    The run's database, migrated, with the app's pool open as the app role (row-level security
    applies as in production).
``membership_app`` / ``membership_client`` (session)
    The Starlette app, and an ``httpx.AsyncClient`` posting to it in-process.
``membership_graphql``
    ``await membership_graphql(query, variables, token=…)`` returns ``data`` and fails the test
    on any GraphQL error; ``.raw(…)`` returns the whole body to assert on errors.
``membership_tenant``
    A new sandbox tenant for the test, with an owner login (``owner_token``), a secret API key
    (``secret_key``) and ``ctx``, the platform's context for it. Its clock stands still at
    :data:`START` until ``membership_movable_clock`` moves it.
``membership_tenant_factory``
    ``await membership_tenant_factory()`` makes another tenant (``test_clock=None``: a live one).
``membership_staff_token``
    The owner's staff token of ``membership_tenant``.
``membership_member``
    A member of ``membership_tenant``; ``await tenant.new_member()`` makes more.
``membership_enabled_plugin``
    ``await membership_enabled_plugin("stamp-card", {...})`` enables a plugin with a
    configuration for ``membership_tenant`` (or ``tenant=``), as its owner does on the plugins
    page, and returns the plugin as ``enablePlugin`` answers it.
``membership_movable_clock``
    ``membership_tenant``'s test clock: ``await clock.advance(timedelta(days=8))`` moves it and
    runs everything that falls due on the way, in time order (events and their handlers, the
    plugins' included, points and coupon expiry, tier reviews…); ``await clock.run_due()`` runs
    what is due without moving time: the events written so far reach their handlers.

The fixtures run in the session's event loop (the database pool lives there): a plugin's suite
sets ``asyncio_default_fixture_loop_scope`` and ``asyncio_default_test_loop_scope`` to
``"session"`` (a test in another loop fails at once, saying so).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette

    from membership.db import PgTarget
    from tenants.context import RequestContext, TenantInfo

__all__ = [
    "START",
    "EnablePlugin",
    "GraphQLClient",
    "MembershipMember",
    "MembershipTenant",
    "MovableClock",
    "TenantFactory",
    "membership_app",
    "membership_client",
    "membership_database",
    "membership_enabled_plugin",
    "membership_graphql",
    "membership_member",
    "membership_movable_clock",
    "membership_staff_token",
    "membership_tenant",
    "membership_tenant_factory",
    "own_database",
    "running_app",
]

# Where a sandbox tenant's clock starts: a fixed instant, so a plugin's tests read the same
# dates on every run (9:00 on 1 January 2026 in Shanghai).
START = datetime(2026, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

_LOOP_MESSAGE = (
    "the membership fixtures run in the session's event loop: set asyncio_default_fixture_loop_scope"
    ' = "session" and asyncio_default_test_loop_scope = "session" in the pytest configuration'
)
_session_loop: list[asyncio.AbstractEventLoop] = []


def pytest_configure(config: pytest.Config) -> None:
    # Before anything reads the settings: a Redis key prefix of this run's own (the app fixture
    # deletes its keys afterwards), and quiet logs.
    os.environ.setdefault("MEMBERSHIP_REDIS_PREFIX", f"test-{uuid.uuid4().hex[:8]}")
    os.environ.setdefault("MEMBERSHIP_LOG_LEVEL", "WARNING")
    worker_prefix()


def worker_prefix() -> None:
    """Under pytest-xdist, each worker process a Redis prefix of its own (workers inherit the
    controller's environment): their queues and keys never meet."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    prefix = os.environ["MEMBERSHIP_REDIS_PREFIX"]
    if worker and not prefix.endswith(f"-{worker}"):
        os.environ["MEMBERSHIP_REDIS_PREFIX"] = f"{prefix}-{worker}"


def _same_loop() -> None:
    if _session_loop and asyncio.get_running_loop() is not _session_loop[0]:
        pytest.fail(_LOOP_MESSAGE, pytrace=False)


# ---------------------------------------------------------------- the platform


@contextlib.asynccontextmanager
async def own_database(prefix: str) -> AsyncIterator[PgTarget]:
    """A database of its own named ``<prefix>_<random>``, migrated (the installed plugins'
    migrations included), with the app pool open as the app role; dropped afterwards."""
    import asyncpg

    from membership.db import close_db, init_db, migrate, resolve_postgres, role_target
    from membership.settings import get_settings

    settings = get_settings()
    admin = resolve_postgres(settings)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(**admin.connect_kwargs())
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    target = replace(admin, database=name)
    try:
        await migrate(target, settings)
        await init_db(role_target(target, "app", settings), settings)
        yield target
    finally:
        await close_db()
        conn = await asyncpg.connect(**admin.connect_kwargs())
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


@contextlib.asynccontextmanager
async def running_app() -> AsyncIterator[Starlette]:
    """The platform's ASGI app with its services started (on a database already open), with the
    installed plugins' fields in its schema; its Redis keys are deleted afterwards."""
    from membership.app import create_app
    from membership.settings import get_settings

    application = create_app(manage_database=False)
    services = application.state.services
    await services.start(init_database=False)
    try:
        yield application
    finally:
        redis = services.redis
        prefix = get_settings().redis_prefix
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)
        await services.stop(close_database=False)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def membership_database() -> AsyncIterator[PgTarget]:
    """A database of this run's own, migrated, with the app pool open as the app role."""
    _session_loop[:] = [asyncio.get_running_loop()]
    try:
        async with own_database("membership_plugin_test") as target:
            yield target
    finally:
        _session_loop.clear()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def membership_app(membership_database: PgTarget) -> AsyncIterator[Starlette]:
    """The platform's ASGI app, with the installed plugins' fields in its schema."""
    async with running_app() as application:
        yield application


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def membership_client(membership_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app, in-process (``/graphql``, ``/plugin-files/…``)."""
    import httpx

    transport = httpx.ASGITransport(app=membership_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


class GraphQLClient:
    """Posts GraphQL documents to the app, with a credential (a staff token or an API key)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def raw(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        language: str | None = None,
    ) -> dict[str, Any]:
        """The whole response body: ``data``, and ``errors`` when there are some."""
        _same_loop()
        headers = {}
        if token:
            headers["authorization"] = f"Bearer {token}"
        if language:
            headers["accept-language"] = language
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": dict(variables or {})}, headers=headers
        )
        body: dict[str, Any] = response.json()
        assert response.status_code == 200, body
        return body

    async def __call__(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        language: str | None = None,
    ) -> dict[str, Any]:
        """``data``; a GraphQL error fails the test with the errors."""
        body = await self.raw(query, variables, token=token, language=language)
        if body.get("errors"):
            pytest.fail(f"GraphQL errors: {body['errors']}", pytrace=False)
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def membership_graphql(membership_client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(membership_client)


# ---------------------------------------------------------------- tenants and members


@dataclass(frozen=True)
class MembershipMember:
    id: str  # as the API gives it
    phone: str  # E.164

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(self.id)


_phones = itertools.count(random.randrange(10_000_000, 90_000_000))


@dataclass
class MembershipTenant:
    """A tenant made for one test, with its owner's login and a secret API key."""

    info: TenantInfo  # as last read: the movable clock reads it again when it moves
    owner_email: str
    owner_password: str
    owner_token: str
    secret_key: str

    @property
    def id(self) -> uuid.UUID:
        return self.info.id

    @property
    def slug(self) -> str:
        return self.info.slug

    @property
    def ctx(self) -> RequestContext:
        """The platform's own context for the tenant (every permission), at its clock's time."""
        from tenants.context import RequestContext

        return RequestContext.system(self.info)

    async def new_member(
        self, phone: str | None = None, name: str | None = None
    ) -> MembershipMember:
        """A new member of this tenant (a fresh mobile number unless one is given)."""
        from membership.members import service as members

        _same_loop()
        changes = members.MemberChanges(phone=phone or f"139{next(_phones):08d}")
        if name is not None:
            changes.name = name
        member = await members.create_member(self.ctx, changes)
        return MembershipMember(str(member.id), member.phone)


_LOGIN = """mutation($slug: String!, $email: String!, $password: String!) {
  login(tenantSlug: $slug, email: $email, password: $password) { token errors { code message } }
}"""

TenantFactory = Callable[..., Awaitable[MembershipTenant]]


@pytest.fixture
def membership_tenant_factory(
    membership_database: PgTarget, membership_graphql: GraphQLClient
) -> TenantFactory:
    """``await membership_tenant_factory(test_clock=START)``: a new tenant; ``test_clock=None``
    makes a live tenant, on the system clock."""

    async def make(*, test_clock: datetime | None = START) -> MembershipTenant:
        import asyncpg

        from membership.db import role_target
        from tenants.api_keys import create_api_key
        from tenants.context import RequestContext
        from tenants.registry import create_tenant
        from tenants.staff import create_staff

        _same_loop()
        slug = f"p-{uuid.uuid4().hex[:10]}"
        conn = await asyncpg.connect(**role_target(membership_database, "owner").connect_kwargs())
        try:
            info = await create_tenant(
                conn, slug=slug, name=f"Plugin test {slug}", test_clock=test_clock
            )
        finally:
            await conn.close()
        ctx = RequestContext.system(info)
        email, password = f"owner@{slug}.example.com", "owner-pass-123"
        await create_staff(ctx, email=email, password=password, role="owner")
        key = await create_api_key(ctx, name="plugin tests", kind="secret")
        data = await membership_graphql(
            _LOGIN, {"slug": slug, "email": email, "password": password}
        )
        token = data["login"]["token"]
        assert token, data
        return MembershipTenant(info, email, password, token, key.key)

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def membership_tenant(membership_tenant_factory: TenantFactory) -> MembershipTenant:
    return await membership_tenant_factory()


@pytest.fixture
def membership_staff_token(membership_tenant: MembershipTenant) -> str:
    return membership_tenant.owner_token


@pytest_asyncio.fixture(loop_scope="session")
async def membership_member(membership_tenant: MembershipTenant) -> MembershipMember:
    return await membership_tenant.new_member()


# ---------------------------------------------------------------- plugins and the clock

_ENABLE = """mutation($name: String!, $config: JSON) {
  enablePlugin(name: $name, config: $config) {
    plugin { name version enabled config } errors { code field message }
  }
}"""

EnablePlugin = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def membership_enabled_plugin(
    membership_tenant: MembershipTenant, membership_graphql: GraphQLClient
) -> EnablePlugin:
    """``await membership_enabled_plugin(name, config, tenant=None)``: enable (or reconfigure)
    an installed plugin; a refusal fails the test with the platform's errors."""

    async def enable(
        name: str,
        config: Mapping[str, Any] | None = None,
        *,
        tenant: MembershipTenant | None = None,
    ) -> dict[str, Any]:
        owner = tenant or membership_tenant
        data = await membership_graphql(
            _ENABLE,
            {"name": name, "config": None if config is None else dict(config)},
            token=owner.owner_token,
        )
        answer: dict[str, Any] = data["enablePlugin"]
        if answer["errors"]:
            pytest.fail(f"enablePlugin({name!r}) refused: {answer['errors']}", pytrace=False)
        plugin: dict[str, Any] = answer["plugin"]
        return plugin

    return enable


_ADVANCE = """mutation($to: DateTime!) {
  advanceTestClock(to: $to) { testClock { frozenTime status } errors { code field message } }
}"""


class MovableClock:
    """A sandbox tenant's test clock: moving it runs what falls due on the way, in time order."""

    def __init__(self, tenant: MembershipTenant, graphql: GraphQLClient) -> None:
        self.tenant = tenant
        self.graphql = graphql

    @property
    def now(self) -> datetime:
        """The tenant's time."""
        sandbox = self.tenant.info.sandbox
        if sandbox is None:
            raise RuntimeError("a live tenant has no test clock")
        return sandbox.frozen_time

    async def advance(self, by: timedelta) -> datetime:
        return await self.advance_to(self.now + by)

    async def run_due(self) -> None:
        """Run what is due now without moving the clock: the events written so far are relayed
        and handled (the plugins' handlers too), messages and webhooks go out."""
        await self.advance_to(self.now)

    async def advance_to(self, at: datetime) -> datetime:
        """Move the clock to ``at`` (never back), running everything due by then."""
        from membership.testclock.service import resume_advance
        from tenants.registry import get_tenant

        data = await self.graphql(_ADVANCE, {"to": at.isoformat()}, token=self.tenant.owner_token)
        answer = data["advanceTestClock"]
        if answer["errors"]:
            pytest.fail(f"advanceTestClock refused: {answer['errors']}", pytrace=False)
        if answer["testClock"]["status"] != "READY":
            # more than a request's share of work: finish it here, as the worker would
            await resume_advance(self.tenant.id, budget_seconds=None)
        info = await get_tenant(self.tenant.id)
        assert info is not None and info.sandbox is not None
        assert info.sandbox.status == "READY", info.sandbox
        self.tenant.info = info
        return info.sandbox.frozen_time


@pytest.fixture
def membership_movable_clock(
    membership_tenant: MembershipTenant, membership_graphql: GraphQLClient
) -> MovableClock:
    return MovableClock(membership_tenant, membership_graphql)
