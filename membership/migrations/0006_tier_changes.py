"""Each member's tier history."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
CREATE TABLE tier_changes (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    member_id     uuid NOT NULL,
    from_tier_id  uuid,
    to_tier_id    uuid,
    reason        text NOT NULL,
    metric_value  bigint,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id),
    FOREIGN KEY (tenant_id, from_tier_id) REFERENCES tiers (tenant_id, id) ON DELETE SET NULL (from_tier_id),
    FOREIGN KEY (tenant_id, to_tier_id) REFERENCES tiers (tenant_id, id) ON DELETE SET NULL (to_tier_id)
);
CREATE INDEX tier_changes_member_idx ON tier_changes (tenant_id, member_id, created_at DESC);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0005_pending_points")]
    operations = [ops.RunSQL(SCHEMA + tenant_policy("tier_changes"))]
