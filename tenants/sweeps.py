"""Which tenants have work due, across tenants, in one statement each.

The worker's cron sweeps and relay ask these SECURITY DEFINER functions (owned by the sweep
role, see ``membership.db``) instead of opening a transaction per tenant: a tenant with nothing
due costs nothing, whatever the number of tenants.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from tortoise import Tortoise

from tenants.context import TenantInfo
from tenants.registry import get_tenant

__all__ = ["Sweep", "advancing", "tenant_ids_due", "tenants_due"]

Sweep = Literal[
    "tenants_with_expiring_points",
    "tenants_with_maturing_points",
    "tenants_with_expiring_coupons",
    "tenants_with_lapsed_reservations",
    "tenants_with_due_handlings",
    "tenants_with_due_messages",
    "tenants_with_open_batches",
    "tenants_with_tiered_members",
    "tenants_with_due_plugin_jobs",
    "tenants_with_pending_analytics",
    "tenants_with_stale_churn_model",
]

_NO_TIME = {"tenants_with_tiered_members", "tenants_with_pending_analytics"}


async def tenant_ids_due(sweep: Sweep, at: datetime) -> list[uuid.UUID]:
    conn = Tortoise.get_connection("default")
    if sweep in _NO_TIME:
        _, rows = await conn.execute_query(f"SELECT t AS id FROM {sweep}() t")
    else:
        _, rows = await conn.execute_query(f"SELECT t AS id FROM {sweep}($1) t", [at])
    return [row["id"] for row in rows]


async def tenants_due(*sweeps: Sweep, at: datetime) -> list[TenantInfo]:
    """The tenants any of ``sweeps`` names, each once, in a stable order.

    The functions judge a sandbox tenant by its test clock, and its contexts read that clock; a
    sandbox tenant whose clock is being advanced is left out: the advance runs the same work, in
    time order.
    """
    ids: set[uuid.UUID] = set()
    for sweep in sweeps:
        ids.update(await tenant_ids_due(sweep, at))
    found = [await get_tenant(tenant_id) for tenant_id in sorted(ids)]
    return [t for t in found if t is not None and not advancing(t)]


def advancing(tenant: TenantInfo) -> bool:
    """A sandbox tenant whose test clock is being advanced (its work is the advance's)."""
    return tenant.sandbox is not None and tenant.sandbox.status == "ADVANCING"
