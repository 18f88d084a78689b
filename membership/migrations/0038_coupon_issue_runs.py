"""A coupon issued to every member of a filtered list: the run, its progress and its targets
(the members listed when it was queued, each with its outcome once processed)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy
from membership.settings import get_settings

SCHEMA = """
CREATE TABLE coupon_issue_runs (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    template_id  uuid NOT NULL,
    filter       jsonb NOT NULL,
    total        integer NOT NULL CHECK (total BETWEEN 1 AND 200000),
    issued       integer NOT NULL DEFAULT 0 CHECK (issued >= 0),
    refused      integer NOT NULL DEFAULT 0 CHECK (refused >= 0),
    -- per error code: {"count": n, "template": message, "params": {...}} of the first refusal
    refusals     jsonb NOT NULL DEFAULT '{}',
    status       text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    error        text,
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,  -- who queued it (the actor's label: a staff email, a key name)
    started_at   timestamptz,
    finished_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id),
    CHECK (issued + refused <= total)
);
CREATE INDEX coupon_issue_runs_created_idx ON coupon_issue_runs (tenant_id, created_at DESC, id DESC);
CREATE INDEX coupon_issue_runs_open_idx ON coupon_issue_runs (tenant_id)
    WHERE status IN ('QUEUED', 'RUNNING');

CREATE TABLE coupon_issue_targets (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    run_id      uuid NOT NULL,
    member_id   uuid NOT NULL,
    outcome     text CHECK (outcome IN ('ISSUED', 'REFUSED')),
    error_code  text,
    coupon_id   uuid,
    PRIMARY KEY (tenant_id, run_id, member_id),
    FOREIGN KEY (tenant_id, run_id) REFERENCES coupon_issue_runs (tenant_id, id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
CREATE INDEX coupon_issue_targets_open_idx ON coupon_issue_targets (tenant_id, run_id, member_id)
    WHERE outcome IS NULL;
"""


def _functions() -> str:
    sweep = '"' + get_settings().db_sweep_role.replace('"', '""') + '"'
    app = '"' + get_settings().db_app_role.replace('"', '""') + '"'
    return f"""
GRANT SELECT ON coupon_issue_runs TO {sweep};
CREATE POLICY sweep_read ON coupon_issue_runs FOR SELECT TO {sweep} USING (true);
CREATE FUNCTION tenants_with_open_issue_runs() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM coupon_issue_runs WHERE status IN ('QUEUED', 'RUNNING')
$$;
ALTER FUNCTION tenants_with_open_issue_runs() OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_open_issue_runs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_open_issue_runs() TO {app};
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0037_analytics")]
    operations = [
        ops.RunSQL(
            SCHEMA
            + tenant_policy("coupon_issue_runs")
            + tenant_policy("coupon_issue_targets")
            + _functions()
        )
    ]
