"""A member's coupons are found by indexes that leave out coupons of no member (codes made in
bulk), so writing a million codes maintains two indexes fewer."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
DROP INDEX coupons_member_idx;
DROP INDEX coupons_limits_idx;
CREATE INDEX coupons_member_idx ON coupons (tenant_id, member_id, issued_at DESC, id DESC)
    WHERE member_id IS NOT NULL;
CREATE INDEX coupons_limits_idx ON coupons (tenant_id, template_id, member_id, issued_at)
    WHERE member_id IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0021_reward_active")]
    operations = [ops.RunSQL(SCHEMA)]
