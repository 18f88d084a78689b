"""Pending points: lots earned inside the return window wait, without an entry, until they mature."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE points_settings
    ADD COLUMN return_window_days integer NOT NULL DEFAULT 0
        CHECK (return_window_days BETWEEN 0 AND 365);

ALTER TABLE points_lots
    ADD COLUMN pending boolean NOT NULL DEFAULT false,
    ADD COLUMN order_id uuid,
    ALTER COLUMN entry_id DROP NOT NULL,
    ADD CONSTRAINT points_lots_pending_has_no_entry CHECK (pending = (entry_id IS NULL)),
    ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id);
CREATE INDEX points_lots_maturing_idx ON points_lots (tenant_id, available_at) WHERE pending;
CREATE INDEX points_lots_order_idx ON points_lots (tenant_id, order_id) WHERE order_id IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0004_orders")]
    operations = [ops.RunSQL(SCHEMA)]
