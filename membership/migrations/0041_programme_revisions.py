"""A revision number for each tenant's programme, so an order reads the programme only when it
changed.

Every order decides on the tenant's earning settings, tiers, enabled earning rules and enabled
plugins. ``programme_revisions`` holds one number per tenant, taken from a sequence (never
reused) by a trigger on each of those four tables whenever a row is inserted, changed or
deleted, in the writer's own transaction. A process that has parsed the programme at revision R
asks for it again only when the tenant's number is no longer R: any snapshot that sees R sees
the rows as they were when R was written.

The trigger runs as the writer, whose tenant is set (row-level security holds every write of
these tables to it), so the revision's row is written under the same policy. A tenant without a
row has not written its programme since revisions began: it is at revision 0, and its first
write gives it a number above 0. Rows are never deleted.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

PROGRAMME_TABLES = ("points_settings", "tiers", "earning_rules", "tenant_plugins")

SCHEMA = (
    """
CREATE SEQUENCE programme_revision_seq;

CREATE TABLE programme_revisions (
    tenant_id  uuid PRIMARY KEY,
    revision   bigint NOT NULL
);

CREATE FUNCTION bump_programme_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO programme_revisions (tenant_id, revision)
  VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END,
          nextval('programme_revision_seq'))
  ON CONFLICT (tenant_id) DO UPDATE SET revision = EXCLUDED.revision;
  RETURN NULL;
END
$$;
"""
    + tenant_policy("programme_revisions")
    + "".join(
        f"CREATE TRIGGER {table}_programme_revision AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION bump_programme_revision();\n"
        for table in PROGRAMME_TABLES
    )
)


class Migration(migrations.Migration):
    dependencies = [("membership", "0040_member_lookup")]
    operations = [ops.RunSQL(SCHEMA)]
