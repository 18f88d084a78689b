"""The order a coupon was redeemed on, so a refund can give it back."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE coupons ADD COLUMN order_id uuid,
    ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id);
CREATE INDEX coupons_order_idx ON coupons (tenant_id, order_id) WHERE order_id IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0013_coupon_redemptions")]
    operations = [ops.RunSQL(SCHEMA)]
