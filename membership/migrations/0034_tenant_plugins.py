"""Plugins per tenant, and the plugins' own migrations.

``tenant_plugins`` holds a tenant's choice for each plugin it ever enabled: whether it is on now,
its configuration, and when the plugin's preset set the tenant up (``preset_at``: a preset runs
once, so enabling again after disabling duplicates nothing). The platform's own plugin is always on
and has no row.

``plugin_jobs`` is the queue of the plugins' jobs: written in the transaction that asks for one,
so a job exists exactly when what asked for it committed, and run by the worker, which marks it
done in the job's own transaction.

``plugin_migrations`` records which of an installed plugin's migrations ran (not tenant data: only
the owner role, which runs migrations, reads it). ``tenants_with_plugin`` lets the worker find the
tenants a plugin's cron runs for without reading any tenant's rows.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy
from membership.settings import get_settings

SCHEMA = """
CREATE TABLE tenant_plugins (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    name         text NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{1,39}$'),
    enabled      boolean NOT NULL,
    config       jsonb NOT NULL DEFAULT '{}'::jsonb,
    preset_at    timestamptz,
    enabled_at   timestamptz,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
CREATE INDEX tenant_plugins_enabled_idx ON tenant_plugins (name, tenant_id) WHERE enabled;

CREATE TABLE plugin_jobs (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    plugin       text NOT NULL,
    job          text NOT NULL,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    args         jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'PENDING'
                 CHECK (status IN ('PENDING', 'DONE', 'FAILED', 'DROPPED')),
    attempts     integer NOT NULL DEFAULT 0,
    run_at       timestamptz NOT NULL,
    last_error   text,
    created_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, plugin, key)
);
CREATE INDEX plugin_jobs_due_idx ON plugin_jobs (tenant_id, run_at) WHERE status = 'PENDING';

CREATE TABLE plugin_migrations (
    plugin      text NOT NULL,
    id          text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plugin, id)
);
"""


def _functions() -> str:
    sweep = '"' + get_settings().db_sweep_role.replace('"', '""') + '"'
    app = '"' + get_settings().db_app_role.replace('"', '""') + '"'
    return f"""
REVOKE ALL ON plugin_migrations FROM {app};
GRANT SELECT ON tenant_plugins TO {sweep};
CREATE POLICY sweep_read ON tenant_plugins FOR SELECT TO {sweep} USING (true);
CREATE FUNCTION tenants_with_plugin(plugin text) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT tenant_id FROM tenant_plugins WHERE name = plugin AND enabled ORDER BY tenant_id
$$;
ALTER FUNCTION tenants_with_plugin(text) OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_plugin(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_plugin(text) TO {app};
GRANT SELECT ON plugin_jobs TO {sweep};
CREATE POLICY sweep_read ON plugin_jobs FOR SELECT TO {sweep} USING (true);
CREATE FUNCTION tenants_with_due_plugin_jobs(at timestamptz) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM plugin_jobs WHERE status = 'PENDING' AND run_at <= at
$$;
ALTER FUNCTION tenants_with_due_plugin_jobs(timestamptz) OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_due_plugin_jobs(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_due_plugin_jobs(timestamptz) TO {app};
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0033_test_clock")]
    operations = [
        ops.RunSQL(
            SCHEMA + tenant_policy("tenant_plugins") + tenant_policy("plugin_jobs") + _functions()
        )
    ]
