"""Tier downgrades: the tenant's policy and grace period, and when a member fell below its tier."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE points_settings
    ADD COLUMN tier_downgrade_policy text NOT NULL DEFAULT 'TO_QUALIFIED'
        CHECK (tier_downgrade_policy IN ('ONE_TIER', 'TO_QUALIFIED')),
    ADD COLUMN tier_grace_days integer NOT NULL DEFAULT 30
        CHECK (tier_grace_days BETWEEN 0 AND 3650);
ALTER TABLE members ADD COLUMN tier_below_since timestamptz;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0006_tier_changes")]
    operations = [ops.RunSQL(SCHEMA)]
