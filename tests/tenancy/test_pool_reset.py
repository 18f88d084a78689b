"""Connections go back to the pool clean: a request cancelled inside its transaction leaves no
transaction and no tenant behind for the next request."""

from __future__ import annotations

import asyncpg

from membership.db import PgTarget, reset_connection


async def test_a_connection_returned_inside_a_transaction_is_reset(database: PgTarget) -> None:
    pool = await asyncpg.create_pool(
        **database.connect_kwargs(), min_size=1, max_size=1, reset=reset_connection
    )
    try:
        async with pool.acquire() as connection:
            await connection.execute("BEGIN")
            # a session-level setting, as a careless query could make
            await connection.execute("SELECT set_config('app.tenant_id', 'leaked', false)")
        async with pool.acquire() as connection:
            assert not connection.is_in_transaction()
            assert await connection.fetchval("SELECT current_setting('app.tenant_id', true)") in (
                None,
                "",
            )
        async with pool.acquire() as connection:
            await connection.execute("BEGIN")
            await connection.execute("SELECT set_config('app.tenant_id', 'local', true)")
            await connection.execute("COMMIT")
        async with pool.acquire() as connection:  # transaction-local: gone without a reset
            assert await connection.fetchval("SELECT current_setting('app.tenant_id', true)") in (
                None,
                "",
            )
    finally:
        await pool.close()
