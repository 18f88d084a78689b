"""A template's public campaign code, which members claim to be issued a coupon of their own."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE coupon_templates
    ADD COLUMN public_code text CHECK (public_code ~ '^[A-Z0-9]{4,32}$');
CREATE UNIQUE INDEX coupon_templates_public_code_key
    ON coupon_templates (tenant_id, public_code) WHERE public_code IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0018_coupon_batches")]
    operations = [ops.RunSQL(SCHEMA)]
