"""The expiry job finds issued coupons past their validity without reading the others."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
CREATE INDEX coupons_due_idx ON coupons (tenant_id, valid_until) WHERE status = 'ISSUED';
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0016_coupon_code_patterns")]
    operations = [ops.RunSQL(SCHEMA)]
