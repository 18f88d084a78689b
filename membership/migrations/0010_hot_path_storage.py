"""Storage for the order hot path.

- Rows that reference their member through (tenant_id, member_id), or an entry or lot through
  (tenant_id, id), no longer also reference ``tenants`` directly: that check proved nothing more,
  and every insert took a share lock on the tenant's one row, so concurrent orders of a tenant
  queued on it. The outbox, written only inside the tenant transaction (row-level security
  checks its tenant), drops it too.
- Members keep free room in their pages, so the balance and totals an order updates stay on
  the same page (HOT updates write no index entries).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

TABLES = ("orders", "points_entries", "points_lots", "points_allocations", "tier_changes", "outbox")

SCHEMA = (
    "".join(
        f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_tenant_id_fkey;\n"
        for table in TABLES
    )
    + "ALTER TABLE members SET (fillfactor = 85);\n"
)


class Migration(migrations.Migration):
    dependencies = [("membership", "0009_calendar_year_tiers")]
    operations = [ops.RunSQL(SCHEMA)]
