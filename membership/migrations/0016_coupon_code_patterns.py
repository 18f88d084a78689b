"""Each template's code pattern: a prefix and a length of random characters."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE coupon_templates
    ADD COLUMN code_prefix text NOT NULL DEFAULT '' CHECK (code_prefix ~ '^[A-Z0-9]{0,10}$'),
    ADD COLUMN code_length integer NOT NULL DEFAULT 12 CHECK (code_length BETWEEN 8 AND 32);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0015_rewards")]
    operations = [ops.RunSQL(SCHEMA)]
