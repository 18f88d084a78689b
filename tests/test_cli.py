"""The ``membership`` command, run as a real process against the test database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import asyncpg
import pytest

from membership.db import PgTarget

ROOT = Path(__file__).resolve().parents[1]
MIGRATE_FIRST = "The database is not migrated: run `membership migrate` first.\n"


def run(
    database: PgTarget, *args: str | bytes, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database.dsn(), **(env or {})}
    env.setdefault("REDIS_URL", os.environ.get("REDIS_URL", ""))
    if not env["REDIS_URL"]:
        env.pop("REDIS_URL")
    return subprocess.run(
        [sys.executable, "-m", "membership.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_migrate_is_safe_to_run_twice(database: PgTarget) -> None:
    first = run(database, "migrate")
    second = run(database, "migrate")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr


def test_create_commands_print_one_json_object(database: PgTarget) -> None:
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    tenant = run(database, "tenant", "create", "--slug", slug, "--name", "CLI 商户")
    assert tenant.returncode == 0, tenant.stderr
    created = json.loads(tenant.stdout)
    assert created["slug"] == slug and created["timezone"] == "Asia/Shanghai"
    assert created["currency"] == "CNY"

    user = run(
        database,
        "user",
        "create",
        "--tenant",
        slug,
        "--email",
        "boss@cli.example.com",
        "--password",
        "long-enough-1",
        "--role",
        "owner",
    )
    assert json.loads(user.stdout) == {
        "id": json.loads(user.stdout)["id"],
        "email": "boss@cli.example.com",
        "role": "owner",
    }

    key = json.loads(
        run(
            database, "apikey", "create", "--tenant", slug, "--name", "POS", "--kind", "secret"
        ).stdout
    )
    assert key["key"].startswith("sk_")
    listed = [
        json.loads(line)
        for line in run(database, "apikey", "list", "--tenant", slug).stdout.splitlines()
    ]
    assert [k["id"] for k in listed] == [key["id"]]
    assert key["key"] not in json.dumps(listed)
    revoked = json.loads(
        run(database, "apikey", "revoke", "--tenant", slug, "--id", key["id"]).stdout
    )
    assert revoked["revokedAt"]

    slugs = [
        json.loads(line)["slug"] for line in run(database, "tenant", "list").stdout.splitlines()
    ]
    assert slug in slugs


def test_bad_input_prints_errors_and_exits_nonzero(database: PgTarget) -> None:
    bad = run(
        database,
        "tenant",
        "create",
        "--slug",
        "Bad Slug!",
        "--name",
        "x",
        "--timezone",
        "Mars/Olympus",
    )
    assert bad.returncode == 1
    fields = sorted(e["field"][0] for e in json.loads(bad.stdout)["errors"])
    assert fields == ["slug", "timezone"]


async def test_demo_seed_creates_logins_keys_and_members_whose_figures_come_from_orders(
    database: PgTarget,
) -> None:
    slug = f"demo-{uuid.uuid4().hex[:6]}"
    seeded = run(database, "demo", "seed", "--members", "30", "--slug", slug)
    assert seeded.returncode == 0, seeded.stderr
    out = json.loads(seeded.stdout)
    assert out["members"] == 30
    assert {login["role"] for login in out["logins"]} == {
        "owner",
        "admin",
        "marketer",
        "clerk",
        "analyst",
    }
    assert out["secretKey"].startswith("sk_") and out["publishableKey"].startswith("pk_")
    again = json.loads(run(database, "demo", "seed", "--members", "40", "--slug", slug).stdout)
    assert again["members"] == 40
    # coupons and a points mall to try, seeded once
    from membership.coupons.models import CouponTemplate
    from membership.rewards.models import Reward
    from tenants.context import RequestContext
    from tenants.registry import get_tenant_by_slug
    from tenants.tx import tenant_tx

    tenant = await get_tenant_by_slug(slug)
    assert tenant is not None
    async with tenant_tx(RequestContext.system(tenant)):
        codes = await CouponTemplate.all().values_list("public_code", flat=True)
        assert await Reward.all().count() == 2
    # the mall's three templates and the three the demo journeys give
    assert sorted(codes, key=str) == [None] * 5 + ["WELCOME26"]
    assert out["ordersRecorded"] > 0 and again["ordersRecorded"] > 0
    # message templates and welcome messages through the send path, once per member
    from membership.messaging.models import Message, MessageTemplate

    async with tenant_tx(RequestContext.system(tenant)):
        names = sorted(await MessageTemplate.all().values_list("name", flat=True))
        causes = await Message.all().values_list("cause", flat=True)
    assert names == ["birthday", "points-expiring", "recall", "welcome"]
    assert causes and all(c.startswith("demo-welcome-") for c in causes)
    # the newest 12 members each seed; a second seed messages only members it had not
    assert 12 <= len(set(causes)) <= 24
    assert max(causes.count(c) for c in causes) <= 2  # a skipped channel, then the one queued
    # the welcome gift, the birthday coupon and win-back, active, seeded once
    from membership.journeys.models import Journey

    async with tenant_tx(RequestContext.system(tenant)):
        journeys = sorted(await Journey.all().values_list("name", "status", "active_version"))
    assert journeys == [
        ("新人礼", "ACTIVE", 1),
        ("沉睡会员唤醒", "ACTIVE", 1),
        ("生日礼", "ACTIVE", 1),
    ]

    # every member's figures and tier come from orders that were really recorded
    async with tenant_tx(RequestContext.system(tenant)) as conn:
        _, disagreeing = await conn.execute_query(
            """
            SELECT m.id FROM members m
            LEFT JOIN (SELECT member_id, count(*) AS n, sum(amount) AS spent, max(paid_at) AS last
                       FROM orders GROUP BY member_id) o ON o.member_id = m.id
            LEFT JOIN tiers t ON t.id = m.tier_id
            WHERE m.order_count <> coalesce(o.n, 0)
               OR m.total_spent <> coalesce(o.spent, 0)
               OR m.last_order_at IS DISTINCT FROM o.last
               OR m.points_balance + m.pending_points <> (
                    SELECT coalesce(sum(points_earned), 0) FROM orders WHERE member_id = m.id)
               OR (t.rank > 0 AND t.threshold > (
                    SELECT coalesce(sum(amount), 0) FROM orders
                    WHERE member_id = m.id AND paid_at >= now() - make_interval(days => 365)))
            """
        )
        _, summary = await conn.execute_query(
            "SELECT count(*) FILTER (WHERE order_count > 0) AS buyers, "
            "count(DISTINCT tier_id) AS tiers FROM members"
        )
    assert disagreeing == []
    assert summary[0]["buyers"] > 20 and summary[0]["tiers"] >= 2


async def test_coupons_generate_makes_the_codes_and_writes_them_as_csv(
    database: PgTarget, tmp_path: Path
) -> None:
    from membership.coupons.templates import TemplateDraft, create_template
    from tenants.context import RequestContext
    from tenants.registry import get_tenant_by_slug

    slug = f"cli-{uuid.uuid4().hex[:8]}"
    assert run(database, "tenant", "create", "--slug", slug, "--name", "券商户").returncode == 0
    tenant = await get_tenant_by_slug(slug)
    assert tenant is not None
    template = await create_template(
        RequestContext.system(tenant),
        TemplateDraft(
            name="印刷券", kind="AMOUNT_OFF", amount_off=500, valid_days=30, code_prefix="PR"
        ),
    )
    out = tmp_path / "codes.csv"
    args = ["coupons", "generate", "--tenant", slug, "--template", str(template.id)]
    made = run(database, *args, "--quantity", "1200", "--out", str(out))
    assert made.returncode == 0, made.stderr
    printed = json.loads(made.stdout)
    assert (printed["generated"], printed["status"]) == (1200, "DONE")
    lines = out.read_text().splitlines()
    assert lines[0] == "code,status,valid_from,valid_until" and len(lines) == 1201
    assert len({line.split(",")[0] for line in lines[1:]}) == 1200
    assert all(line.startswith("PR") for line in lines[1:])
    assert "generating codes" in made.stderr  # the progress bar

    refused = run(database, *args, "--quantity", "0")
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["errors"][0]["field"] == ["input", "quantity"]


def test_apikey_create_grants_the_scopes_named(database: PgTarget) -> None:
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    assert (
        run(database, "tenant", "create", "--slug", slug, "--name", "Back office").returncode == 0
    )
    args = ["apikey", "create", "--tenant", slug, "--name", "ERP", "--kind", "secret"]

    named = run(database, *args, "--scope", "programme:manage", "--scope", "webhooks:manage")
    default = run(database, *args)
    unknown = run(database, *args, "--scope", "tiers:write")

    assert named.returncode == 0, named.stderr
    assert json.loads(named.stdout)["scopes"] == ["programme:manage", "webhooks:manage"]
    scopes = json.loads(default.stdout)["scopes"]
    assert "events:write" in scopes and "programme:manage" not in scopes
    assert unknown.returncode == 1
    assert json.loads(unknown.stdout)["errors"][0]["field"] == ["input", "scopes", "0"]


def test_an_argument_that_is_not_utf8_is_refused_in_one_line(database: PgTarget) -> None:
    slug = f"cli-{uuid.uuid4().hex[:8]}"

    refused = run(database, "tenant", "create", "--slug", slug, "--name", b"caf\xe9")

    assert refused.returncode == 2
    assert refused.stderr == "membership: argument 6 'caf\\udce9' is not valid UTF-8 text.\n"


# ---------------------------------------------------------------- a database never migrated


@pytest.fixture
async def empty_database(admin_target: PgTarget) -> AsyncIterator[PgTarget]:
    """A database nobody migrated, in the suite's server."""
    name = f"membership_empty_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(**admin_target.connect_kwargs())
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        yield replace(admin_target, database=name)
    finally:
        conn = await asyncpg.connect(**admin_target.connect_kwargs())
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


COMMANDS = {
    "tenant-create": ["tenant", "create", "--slug", "fresh", "--name", "Fresh"],
    "tenant-list": ["tenant", "list"],
    "user-create": ["user", "create", "--tenant", "fresh", "--email", "a@b.cn", "--password", "x"],
    "apikey-list": ["apikey", "list", "--tenant", "fresh"],
    "demo-seed": ["demo", "seed", "--members", "1"],
    "coupons-generate": [
        "coupons",
        "generate",
        "--tenant",
        "f",
        "--template",
        "t",
        "--quantity",
        "1",
    ],
    "worker": ["worker"],
    "serve": ["serve", "--port", "1"],
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_every_command_on_a_database_never_migrated_says_to_migrate_first(
    empty_database: PgTarget, command: list[str]
) -> None:
    # roles of their own, so that none exists: a server nobody ran `membership migrate` on
    roles = {
        "MEMBERSHIP_DB_OWNER_ROLE": f"never_owner_{uuid.uuid4().hex[:6]}",
        "MEMBERSHIP_DB_APP_ROLE": f"never_app_{uuid.uuid4().hex[:6]}",
    }

    result = run(empty_database, *command, env=roles)

    assert (result.returncode, result.stderr, result.stdout) == (1, MIGRATE_FIRST, "")


def test_a_database_whose_roles_exist_but_has_no_tables_says_to_migrate_first(
    empty_database: PgTarget,
) -> None:
    result = run(empty_database, *COMMANDS["tenant-create"])

    assert (result.returncode, result.stderr) == (1, MIGRATE_FIRST)


# ---------------------------------------------------------------- serve and its worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:
            continue
        if f"PPid:\t{pid}" in lines:
            found.append(int(status.parent.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def test_serve_stops_its_worker_on_sigterm(database: PgTarget, redis_url: str) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database.dsn(), "REDIS_URL": redis_url}
    serve = subprocess.Popen(
        [sys.executable, "-m", "membership.cli", "serve", "--port", str(port), "--with-worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    workers: list[int] = []
    try:
        assert wait_until(lambda: ready(port) or serve.poll() is not None, 60)
        assert serve.poll() is None, serve.stderr.read() if serve.stderr else ""
        assert wait_until(lambda: workers.extend(children(serve.pid)) or workers, 10)
        (worker,) = workers
        assert running(worker)

        serve.send_signal(signal.SIGTERM)  # to serve alone, as a service manager would

        assert serve.wait(timeout=30) == 0
        assert wait_until(lambda: not running(worker), 5)
    finally:
        for pid in (serve.pid, *workers):
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        serve.wait()


def test_plugin_commands_list_enable_and_disable_for_a_tenant(database: PgTarget) -> None:
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    assert run(database, "tenant", "create", "--slug", slug, "--name", "门店").returncode == 0

    listed = run(database, "plugin", "list")
    assert listed.returncode == 0, listed.stderr
    plugins = {p["name"]: p for p in map(json.loads, listed.stdout.splitlines())}
    assert plugins["membership-core"]["enabled"] is True
    assert plugins["retail"]["compatible"] is True and plugins["retail"]["enabled"] is False

    bad = run(database, "plugin", "enable", "retail", "--tenant", slug, "--config", "[1]")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["errors"][0]["field"] == ["config"]

    enabled = run(database, "plugin", "enable", "retail", "--tenant", slug)
    assert enabled.returncode == 0, enabled.stderr
    assert json.loads(enabled.stdout)["enabled"] is True
    mine = run(database, "plugin", "list", "--tenant", slug)
    assert {
        p["name"]: p["enabled"]
        for p in map(json.loads, mine.stdout.splitlines())
        if p["name"] == "retail"
    } == {"retail": True}
    disabled = run(database, "plugin", "disable", "retail", "--tenant", slug)
    assert json.loads(disabled.stdout)["enabled"] is False


def test_operations_register_checks_every_document_and_lists_them(
    database: PgTarget, tmp_path: Path
) -> None:
    from membership.gateway.persisted import document_id

    lookup = "query PosLookup($phone: String) { member(phone: $phone) { id pointsBalance } }"
    listing = f"query PosList {{ members(first: 5) {{ totalCount }} }}  # {uuid.uuid4()}"
    (tmp_path / "lookup.graphql").write_text(lookup, encoding="utf-8")
    (tmp_path / "manifest.json").write_text(
        json.dumps({document_id(listing): listing}), encoding="utf-8"
    )
    (tmp_path / "bad.graphql").write_text("query { noSuchField }", encoding="utf-8")
    files = [str(tmp_path / "lookup.graphql"), str(tmp_path / "manifest.json")]

    refused = run(database, "operations", "register", *files, str(tmp_path / "bad.graphql"))
    assert refused.returncode == 1
    assert "noSuchField" in json.loads(refused.stdout)["errors"][0]["message"]
    listed = run(database, "operations", "list")
    assert document_id(listing) not in listed.stdout  # all or nothing

    registered = run(database, "operations", "register", *files)
    assert registered.returncode == 0, registered.stderr
    shown = {r["operation"]: r for r in map(json.loads, registered.stdout.splitlines())}
    assert shown["PosLookup"]["compiled"] is True and shown["PosList"]["compiled"] is False
    assert shown["PosList"]["new"] is True and shown["PosLookup"]["id"] == document_id(lookup)
    again = run(database, "operations", "register", *files)
    assert [json.loads(r)["new"] for r in again.stdout.splitlines()] == [False, False]
    listed = run(database, "operations", "list")
    rows = {r["id"]: r for r in map(json.loads, listed.stdout.splitlines())}
    assert rows[document_id(listing)]["source"] == "cli"
    assert rows[document_id(listing)]["operation"] == "PosList"
