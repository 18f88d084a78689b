"""A template's redemptions by day come from an index of redeemed coupons only, so codes made in
bulk (never redeemed yet) cost it nothing."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
CREATE INDEX coupons_redeemed_idx ON coupons (tenant_id, template_id, redeemed_at)
    INCLUDE (discount_amount) WHERE redeemed_at IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0022_coupon_member_indexes")]
    operations = [ops.RunSQL(SCHEMA)]
