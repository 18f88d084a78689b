"""The ``membership`` command, run as a real process against the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from membership.db import PgTarget

ROOT = Path(__file__).resolve().parents[1]


def run(database: PgTarget, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database.dsn()}
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


async def test_demo_seed_creates_logins_keys_and_members(database: PgTarget) -> None:
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
    assert sorted(codes, key=str) == [None, None, "WELCOME26"]


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
