"""Sandbox tenants for the test-clock tests: an owner login and a secret key, the clock frozen at
9:00 on 1 January 2026 in Shanghai (months before the machine's time, as a merchant's rehearsal
of a past month would be), and scheduled works of the tests' own."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import asyncpg
import pytest

from membership.db import PgTarget, role_target
from membership.testclock.schedule import ScheduledWork, register, unregister
from tenants.context import RequestContext
from tests.conftest import LOGIN, Api, TenantFixture

START = datetime.fromisoformat("2026-01-01T09:00:00+08:00")


def day(n: float) -> datetime:
    """``n`` days after the sandbox's start."""
    return START + timedelta(days=n)


async def make_sandbox(database: PgTarget, api: Api, at: datetime = START) -> TenantFixture:
    from tenants.api_keys import create_api_key
    from tenants.registry import create_tenant
    from tenants.staff import create_staff

    slug = f"s-{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(**role_target(database, "owner").connect_kwargs())
    try:
        info = await create_tenant(conn, slug=slug, name=f"Sandbox {slug}", test_clock=at)
    finally:
        await conn.close()
    ctx = RequestContext.system(info)
    email, password = f"owner@{slug}.example.com", "owner-pass-123"
    await create_staff(ctx, email=email, password=password, role="owner")
    key = await create_api_key(ctx, name="server", kind="secret")
    data = await api(LOGIN, {"slug": slug, "email": email, "password": password})
    return TenantFixture(info, email, password, data["login"]["token"], key.key)


@pytest.fixture
async def sandbox(database: PgTarget, api: Api) -> TenantFixture:
    return await make_sandbox(database, api)


class RecordingWork:
    """A scheduled work due at given instants of one tenant, recording when it ran."""

    def __init__(self, name: str, tenant_id: uuid.UUID, instants: list[datetime]) -> None:
        self.name = name
        self.tenant_id = tenant_id
        self.waiting = sorted(instants)
        self.ran: list[datetime] = []

    async def next_due(self, ctx: RequestContext) -> datetime | None:
        if ctx.tenant.id != self.tenant_id or not self.waiting:
            return None
        return self.waiting[0]

    async def run_due(self, ctx: RequestContext) -> int:
        now = ctx.clock.now()
        due = [at for at in self.waiting if at <= now]
        self.waiting = [at for at in self.waiting if at > now]
        if due:
            self.ran.append(now)
        return len(due)

    def work(self) -> ScheduledWork:
        return ScheduledWork(self.name, self.next_due, self.run_due)


Record = Callable[[str, uuid.UUID, list[datetime]], RecordingWork]


@pytest.fixture
def recording() -> Iterator[Record]:
    """Registers ``RecordingWork``s for the test, and removes them after it."""
    made: list[RecordingWork] = []

    def record(name: str, tenant_id: uuid.UUID, instants: list[datetime]) -> RecordingWork:
        work = RecordingWork(f"tests.{name}", tenant_id, instants)
        register(work.work())
        made.append(work)
        return work

    try:
        yield record
    finally:
        for work in made:
            unregister(work.name)
