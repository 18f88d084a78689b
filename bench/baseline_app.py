"""The floor the GraphQL API is measured against: the same lookup with nothing around it.

One Starlette route and one asyncpg pool (connected as ``DATABASE_URL``'s superuser, so no
row-level security, no tenant transaction), one indexed query, JSON out. No authentication, no
GraphQL parsing or validation, no phone normalisation, no logging or metrics: the tenant comes
from ``BENCH_TENANT_ID``. It is served by the same uvicorn command line as the API (uvloop,
httptools, one process), so the difference between the two is what the application adds per
request.

With ``BENCH_BASELINE_RLS=1`` it is the *fair* floor instead: it connects as the application's
database role and runs the lookup the way the platform must, inside a transaction that first sets
``app.tenant_id`` for row-level security (BEGIN, set_config, SELECT, COMMIT on one checkout), with
no tenant filter of its own. The difference from the plain baseline is the price of the tenant
transaction alone.

The route reads the same request body the API gets (``{"query": …, "variables": {"phone": …}}``)
and answers in the same shape (``{"data": {"member": {…}}}``), so one load generator drives both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

__all__ = ["LOOKUP_SQL", "create_app"]

LOOKUP_SQL = (
    "SELECT id, name, phone, tier_id FROM members "
    "WHERE tenant_id = $1 AND phone = $2 AND merged_into_id IS NULL"
)
RLS_LOOKUP_SQL = (
    "SELECT id, name, phone, tier_id FROM members WHERE phone = $1 AND merged_into_id IS NULL"
)
POOL_MAX = 10  # the API's default pool size (MEMBERSHIP_DB_POOL_MAX)


def create_app() -> Starlette:
    """App factory for ``uvicorn bench.baseline_app:create_app --factory``."""
    dsn = os.environ["DATABASE_URL"]
    tenant_id = uuid.UUID(os.environ["BENCH_TENANT_ID"])
    rls = os.environ.get("BENCH_BASELINE_RLS") == "1"
    if rls:
        from membership.db import parse_postgres_url, role_target

        dsn = role_target(parse_postgres_url(dsn), "app").dsn()
    pools: list[asyncpg.Pool] = []

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(
            dsn, min_size=1, max_size=POOL_MAX, server_settings={"jit": "off"}
        )
        pools.append(pool)
        try:
            yield
        finally:
            await pool.close()

    async def lookup(request: Request) -> Response:
        body = await request.json()
        phone = body["variables"]["phone"]
        if rls:
            async with pools[0].acquire() as conn, conn.transaction():
                await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant_id))
                row = await conn.fetchrow(RLS_LOOKUP_SQL, phone)
        else:
            row = await pools[0].fetchrow(LOOKUP_SQL, tenant_id, phone)
        member = (
            None
            if row is None
            else {
                "id": str(row["id"]),
                "name": row["name"],
                "phone": row["phone"],
                "tier": None if row["tier_id"] is None else {"id": str(row["tier_id"])},
            }
        )
        return JSONResponse({"data": {"member": member}})

    async def readyz(request: Request) -> Response:
        await pools[0].fetchval("SELECT 1")
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/lookup", lookup, methods=["POST"]), Route("/readyz", readyz)],
        lifespan=lifespan,
    )
