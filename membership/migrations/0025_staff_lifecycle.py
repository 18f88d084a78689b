"""Staff who leave or forget: a password reset forces a change at the next login, and tokens
issued before a password change are refused."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE staff
    ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
    ADD COLUMN sessions_valid_after timestamptz;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0024_event_backbone")]
    operations = [ops.RunSQL(SCHEMA)]
