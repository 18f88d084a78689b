"""One round trip for the hottest read: a live member by id, phone or external id.

``tenant_member(tenant, by, value)`` sets the tenant for row-level security and reads the member
in one statement, so a lookup outside a transaction needs neither BEGIN nor COMMIT. It runs as
its caller (SECURITY INVOKER): the app role's policies apply to the read exactly as they do to
any other; the tenant set is local to the statement's own transaction.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

SCHEMA = """
CREATE FUNCTION tenant_member(p_tenant uuid, p_by text, p_value text) RETURNS SETOF members
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  IF p_by = 'id' THEN
    RETURN QUERY SELECT * FROM members WHERE id = p_value::uuid;
  ELSIF p_by = 'phone' THEN
    RETURN QUERY SELECT * FROM members WHERE phone = p_value AND merged_into_id IS NULL;
  ELSIF p_by = 'external_id' THEN
    RETURN QUERY SELECT * FROM members WHERE external_id = p_value AND merged_into_id IS NULL;
  ELSE
    RAISE EXCEPTION 'tenant_member: unknown key %', p_by;
  END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0039_persisted_operations")]
    operations = [ops.RunSQL(SCHEMA)]
