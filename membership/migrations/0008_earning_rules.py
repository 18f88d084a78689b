"""Earning rules, and the index the orders list pages by."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
CREATE TABLE earning_rules (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind        text NOT NULL CHECK (kind ~ '^[A-Z][A-Z0-9_]{0,63}$'),
    params      jsonb NOT NULL DEFAULT '{}',
    priority    integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -1000000 AND 1000000),
    enabled     boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX orders_created_idx ON orders (tenant_id, created_at DESC, id DESC);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0007_tier_downgrades")]
    operations = [ops.RunSQL(SCHEMA + tenant_policy("earning_rules"))]
