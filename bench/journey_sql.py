"""One-off statements on the benchmark database as the superuser (row-level security does not
apply): the set-ups, read-backs and checks of the journeys benchmark, each on a connection of its
own so that none of them is priced with the work measured."""

from __future__ import annotations

from typing import Any

import asyncpg

__all__ = ["execute", "fetch", "fetchrow", "fetchval", "prepare_tables"]


async def execute(database_url: str, sql: str, *args: Any) -> str:
    conn = await asyncpg.connect(database_url)
    try:
        return str(await conn.execute(sql, *args))
    finally:
        await conn.close()


async def fetch(database_url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def fetchrow(database_url: str, sql: str, *args: Any) -> dict[str, Any]:
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(sql, *args)
    finally:
        await conn.close()
    if row is None:
        raise RuntimeError(f"no row: {sql}")
    return dict(row)


async def fetchval(database_url: str, sql: str, *args: Any) -> Any:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def prepare_tables(database_url: str, tables: tuple[str, ...]) -> None:
    """``VACUUM (ANALYZE)`` the tables, then a checkpoint: every measured run starts alike,
    with statistics that know the rows just written."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()
