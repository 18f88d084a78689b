"""A coupon held for one checkout until a time, so no other checkout can use it meanwhile."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE coupons
    ADD COLUMN reserved_for text CHECK (length(reserved_for) BETWEEN 1 AND 100),
    ADD COLUMN reserved_until timestamptz,
    ADD CONSTRAINT coupons_reservation_check
        CHECK ((reserved_for IS NULL) = (reserved_until IS NULL));
CREATE INDEX coupons_reserved_idx ON coupons (tenant_id, reserved_until)
    WHERE reserved_until IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0019_campaign_codes")]
    operations = [ops.RunSQL(SCHEMA)]
