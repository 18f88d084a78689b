"""What a redemption took off, kept on the coupon for receipts and for giving it back later."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE coupons
    ADD COLUMN discount_amount bigint CHECK (discount_amount >= 0),
    ADD COLUMN order_amount bigint CHECK (order_amount > 0),
    ADD CONSTRAINT coupons_redeemed_has_amounts
        CHECK (status <> 'REDEEMED' OR (discount_amount IS NOT NULL AND redeemed_at IS NOT NULL));
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0012_coupons")]
    operations = [ops.RunSQL(SCHEMA)]
