"""``membership analytics rebuild`` and ``refresh``: the roll-up from the command line."""

from __future__ import annotations

import json
import uuid
from datetime import date

from membership.analytics.metrics import overview
from membership.db import PgTarget
from tenants.context import RequestContext
from tenants.registry import get_tenant_by_slug
from tests.analytics.history import expected_overview, make_history, read_source
from tests.test_cli import run


async def test_rebuild_shows_progress_and_makes_the_figures(database: PgTarget) -> None:
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    assert run(database, "tenant", "create", "--slug", slug, "--name", "数据商户").returncode == 0
    tenant = await get_tenant_by_slug(slug)
    assert tenant is not None
    await make_history(tenant, seed=3, members=12, orders=50)
    ctx = RequestContext.system(tenant)
    start, until = date(2026, 1, 1), date(2026, 4, 30)
    before = await overview(ctx, start, until)
    assert before.orders == 0  # nothing counted before a refresh or a rebuild

    rebuilt = run(database, "analytics", "rebuild", "--tenant", slug)
    assert rebuilt.returncode == 0, rebuilt.stderr
    printed = json.loads(rebuilt.stdout)
    assert printed["tenant"] == slug and printed["members"] > 5 and printed["days"] > 10
    assert "rebuilding the roll-up" in rebuilt.stderr  # the progress bar
    after = await overview(ctx, start, until)
    expected = expected_overview(await read_source(tenant), start, until)
    assert (after.orders, after.revenue, after.active_members) == (
        expected["orders"],
        expected["revenue"],
        expected["activeMembers"],
    )

    # nothing marked since: a refresh recomputes nothing
    refreshed = run(database, "analytics", "refresh", "--tenant", slug)
    assert refreshed.returncode == 0, refreshed.stderr
    line = json.loads(refreshed.stdout.splitlines()[0])
    assert (line["members"], line["days"]) == (0, 0)

    unknown = run(database, "analytics", "rebuild", "--tenant", "no-such-shop")
    assert unknown.returncode == 1
    assert json.loads(unknown.stdout)["errors"][0]["field"] == ["tenant"]
