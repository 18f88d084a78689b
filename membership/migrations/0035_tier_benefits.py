"""What a tier gives its members (会员权益), as text shown to members and staff."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE tiers ADD COLUMN benefits text CHECK (length(benefits) <= 2000);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0034_tenant_plugins")]
    operations = [ops.RunSQL(SCHEMA)]
