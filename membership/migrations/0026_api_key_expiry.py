"""API keys may expire: a key past ``expires_at`` is refused like a revoked one."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0025_staff_lifecycle")]
    operations = [ops.RunSQL(SCHEMA)]
