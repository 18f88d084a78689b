"""The counter: a cap on paying with points, staff assigned to stores, and members' account
managers."""

from tortoise import migrations
from tortoise.migrations import operations as ops

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
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0026_api_key_expiry")]
    operations = [ops.RunSQL(SCHEMA)]
