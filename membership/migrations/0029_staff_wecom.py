"""Staff members' WeCom accounts: who confirms a WeCom mass-message task to a member (the
member's account manager) and who receives WeCom messages for staff."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
ALTER TABLE staff ADD COLUMN wecom_user_id text CHECK (wecom_user_id ~ '^[A-Za-z0-9_.@-]{1,64}$');
CREATE UNIQUE INDEX staff_wecom_user_idx ON staff (tenant_id, wecom_user_id)
    WHERE wecom_user_id IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0028_channels")]
    operations = [ops.RunSQL(SCHEMA)]
