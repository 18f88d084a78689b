"""Points by store over a period (``membership.points.by_store``): the entries of orders, by
tenant and time, with what the read needs, so a month of a large ledger is an index-only range
scan rather than a scan of every entry. Entries made by no order are not indexed."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
CREATE INDEX points_entries_order_time_idx
    ON points_entries (tenant_id, created_at)
    INCLUDE (order_id, kind, points, corrects_id)
    WHERE order_id IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0035_tier_benefits")]
    operations = [ops.RunSQL(SCHEMA)]
