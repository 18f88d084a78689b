"""Rewards can be taken off the points mall: inactive ones stay listed but cannot be redeemed."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE rewards ADD COLUMN active boolean NOT NULL DEFAULT true;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0020_coupon_reservations")]
    operations = [ops.RunSQL(SCHEMA)]
