"""Coupons issued from templates: a code, a member, a validity window and a status."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
CREATE TABLE coupons (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    template_id  uuid NOT NULL,
    code         text NOT NULL CHECK (length(code) BETWEEN 4 AND 64),
    member_id    uuid,
    status       text NOT NULL CHECK (status IN ('ISSUED', 'REDEEMED', 'EXPIRED', 'VOIDED')),
    valid_from   timestamptz NOT NULL,
    valid_until  timestamptz NOT NULL CHECK (valid_until > valid_from),
    issued_at    timestamptz NOT NULL,
    redeemed_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
CREATE INDEX coupons_member_idx ON coupons (tenant_id, member_id, issued_at DESC, id DESC);
CREATE INDEX coupons_limits_idx ON coupons (tenant_id, template_id, member_id, issued_at);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0011_coupon_templates")]
    operations = [ops.RunSQL(SCHEMA + tenant_policy("coupons"))]
