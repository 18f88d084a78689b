"""Messages a member was sent per day, for the frequency cap: the gate reads a week of these
rows by primary key instead of counting the tenant's messages."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
CREATE TABLE member_message_days (
    tenant_id  uuid NOT NULL,
    member_id  uuid NOT NULL,
    day        date NOT NULL,
    sent       int NOT NULL CHECK (sent >= 0),
    PRIMARY KEY (tenant_id, member_id, day),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0029_staff_wecom")]
    operations = [ops.RunSQL(SCHEMA + tenant_policy("member_message_days"))]
