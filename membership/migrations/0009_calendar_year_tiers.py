"""Tiers measured over the calendar year in the tenant's time zone."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE tiers
    ADD COLUMN calendar_year boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT tiers_one_window CHECK (NOT calendar_year OR window_days IS NULL);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0008_earning_rules")]
    operations = [ops.RunSQL(SCHEMA)]
