"""Batches of coupon codes generated in bulk by a background job, with their progress."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
-- UUIDv7 made by the server, for rows written in bulk (membership.ids makes them in Python).
CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid()) PLACING
                substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                FROM 3) FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;
CREATE TABLE coupon_batches (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    template_id  uuid NOT NULL,
    quantity     integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    generated    integer NOT NULL DEFAULT 0 CHECK (generated BETWEEN 0 AND quantity),
    status       text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    error        text,
    created_at   timestamptz NOT NULL,
    started_at   timestamptz,
    finished_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id)
);
CREATE INDEX coupon_batches_template_idx ON coupon_batches (tenant_id, template_id, created_at DESC);
ALTER TABLE coupons ADD COLUMN batch_id uuid;
CREATE INDEX coupons_batch_idx ON coupons (tenant_id, batch_id, id) WHERE batch_id IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0017_coupon_expiry_index")]
    operations = [ops.RunSQL(SCHEMA + tenant_policy("coupon_batches"))]
