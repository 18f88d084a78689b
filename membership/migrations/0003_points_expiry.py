"""Points expiry: each tenant's policy, and an index for finding lots that are due."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
CREATE TABLE points_settings (
    tenant_id      uuid PRIMARY KEY REFERENCES tenants (id),
    expiry_policy  text NOT NULL DEFAULT 'NEVER'
        CHECK (expiry_policy IN ('NEVER', 'DAYS_AFTER_EARNING', 'END_OF_MONTH', 'END_OF_YEAR')),
    expiry_period  integer NOT NULL DEFAULT 0 CHECK (expiry_period BETWEEN 0 AND 36500),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX points_lots_due_idx ON points_lots (tenant_id, expires_at)
    WHERE remaining > 0 AND expires_at IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0002_points_ledger")]
    operations = [ops.RunSQL(SCHEMA + tenant_policy("points_settings"))]
