"""The counter: a cap on paying with points, staff assigned to stores, members' account
managers, and short-lived member codes a till scans."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
ALTER TABLE points_settings
    ADD COLUMN points_payment_cap_percent int NOT NULL DEFAULT 100
    CHECK (points_payment_cap_percent BETWEEN 0 AND 100);
ALTER TABLE staff ADD COLUMN store_codes text[] NOT NULL DEFAULT '{}';
ALTER TABLE members ADD COLUMN account_manager_id uuid;
ALTER TABLE members ADD CONSTRAINT members_account_manager_fk
    FOREIGN KEY (tenant_id, account_manager_id) REFERENCES staff (tenant_id, id);
CREATE INDEX members_account_manager_idx ON members (tenant_id, account_manager_id)
    WHERE account_manager_id IS NOT NULL;

CREATE TABLE member_codes (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    code        text NOT NULL,
    member_id   uuid NOT NULL,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, code),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
CREATE INDEX member_codes_member_idx ON member_codes (tenant_id, member_id, expires_at);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0026_api_key_expiry")]
    operations = [ops.RunSQL(SCHEMA + tenant_policy("member_codes"))]
