"""Sandbox tenants and their test clock.

A sandbox tenant's time stands still at ``tenants.test_clock_at`` (NULL: a live tenant, on the
system clock) until an advance moves it forward: ``test_clock_status`` is READY, or ADVANCING
towards ``test_clock_target``. A tenant is made a sandbox when it is created and stays one.

The app role still only reads the registry. It moves a clock through three SECURITY DEFINER
functions owned by the owner role (which owns ``tenants``); each acts only on the tenant of the
caller's transaction (``app.tenant_id``, as row-level security does), only on a sandbox tenant,
and only forward, so no request can freeze a live tenant's time or move another tenant's.

The sweep functions the worker's cron and relay ask are made again so that each tenant is judged
by its own clock: a live tenant by the time given, a sandbox tenant by its frozen time. A sandbox
tenant's work falls due when its clock is advanced (the advance runs it, in time order), while
what is due at its frozen time (a message just queued) is still sent at once. The daily tier
review, which has no due time, leaves sandbox tenants out: theirs runs when their clock passes
the review hour. The live tenants' part keeps the indexes it had.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.settings import get_settings

SCHEMA = """
ALTER TABLE tenants
    ADD COLUMN test_clock_at timestamptz,
    ADD COLUMN test_clock_status text CHECK (test_clock_status IN ('READY', 'ADVANCING')),
    ADD COLUMN test_clock_target timestamptz,
    ADD CONSTRAINT tenants_test_clock_check CHECK (
        (test_clock_at IS NULL AND test_clock_status IS NULL AND test_clock_target IS NULL)
        OR (test_clock_at IS NOT NULL AND test_clock_status IS NOT NULL
            AND (test_clock_status = 'ADVANCING') = (test_clock_target IS NOT NULL)
            AND (test_clock_target IS NULL OR test_clock_target >= test_clock_at))
    );
CREATE INDEX tenants_sandbox_idx ON tenants (id) INCLUDE (test_clock_at)
    WHERE test_clock_at IS NOT NULL;
"""

_CURRENT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"


def _clock_functions() -> str:
    app = '"' + get_settings().db_app_role.replace('"', '""') + '"'
    functions = {
        "begin_test_clock_advance(target timestamptz)": f"""RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH begun AS (
    UPDATE tenants SET test_clock_status = 'ADVANCING', test_clock_target = target
    WHERE id = {_CURRENT} AND test_clock_status = 'READY' AND test_clock_at <= target
    RETURNING id)
  SELECT EXISTS (SELECT 1 FROM begun)
$$""",
        "move_test_clock(at timestamptz)": f"""RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH moved AS (
    UPDATE tenants SET test_clock_at = at
    WHERE id = {_CURRENT} AND test_clock_status = 'ADVANCING'
      AND test_clock_at <= at AND at <= test_clock_target
    RETURNING id)
  SELECT EXISTS (SELECT 1 FROM moved)
$$""",
        "finish_test_clock_advance()": f"""RETURNS timestamptz
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  UPDATE tenants
  SET test_clock_at = test_clock_target, test_clock_status = 'READY', test_clock_target = NULL
  WHERE id = {_CURRENT} AND test_clock_status = 'ADVANCING'
  RETURNING test_clock_at
$$""",
    }
    sql = ""
    for signature, body in functions.items():
        sql += (
            f"CREATE FUNCTION {signature} {body};\n"
            f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC;\n"
            f"GRANT EXECUTE ON FUNCTION {signature} TO {app};\n"
        )
    return sql


# Sandbox tenants, read once per statement (an InitPlan over the partial index above).
_SANDBOXES = "ARRAY(SELECT id FROM tenants WHERE test_clock_at IS NOT NULL)"


def _skip_scan(name: str, table: str, where: str, due: str) -> str:
    """0024's skip scan, with each tenant's rows judged at its own clock (``{now}`` in ``due``)."""
    now = "COALESCE(s.test_clock_at, at)"
    return f"""
CREATE OR REPLACE FUNCTION {name}(at timestamptz) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH RECURSIVE t(tenant_id) AS (
    (SELECT tenant_id FROM {table} WHERE {where} ORDER BY tenant_id LIMIT 1)
    UNION ALL
    SELECT (SELECT x.tenant_id FROM {table} x WHERE {where}
            AND x.tenant_id > t.tenant_id ORDER BY x.tenant_id LIMIT 1)
    FROM t WHERE t.tenant_id IS NOT NULL
  )
  SELECT t.tenant_id FROM t LEFT JOIN tenants s ON s.id = t.tenant_id
  WHERE t.tenant_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM {table} d WHERE d.tenant_id = t.tenant_id
                AND {due.format(now=now)})
$$;
"""


def _by_clock(name: str, table: str, due: str) -> str:
    """Live tenants' rows due at ``at`` (the index on the due column, as before), and each
    sandbox tenant's rows due at its frozen time (``{now}`` in ``due``)."""
    return f"""
CREATE OR REPLACE FUNCTION {name}(at timestamptz) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT d.tenant_id FROM {table} d
  WHERE {due.format(now="at")} AND d.tenant_id <> ALL ({_SANDBOXES})
  UNION
  SELECT s.id FROM tenants s WHERE s.test_clock_at IS NOT NULL
    AND EXISTS (SELECT 1 FROM {table} d WHERE d.tenant_id = s.id
                AND {due.format(now="s.test_clock_at")})
$$;
"""


def _sweep_functions() -> str:
    sweep = '"' + get_settings().db_sweep_role.replace('"', '""') + '"'
    sql = f"GRANT SELECT (id, test_clock_at) ON tenants TO {sweep};\n"
    sql += _skip_scan(
        "tenants_with_expiring_points",
        "points_lots",
        "remaining > 0 AND expires_at IS NOT NULL",
        "d.remaining > 0 AND d.expires_at <= {now}",
    )
    sql += _skip_scan(
        "tenants_with_maturing_points",
        "points_lots",
        "pending",
        "d.pending AND d.remaining > 0 AND d.available_at <= {now}",
    )
    sql += _skip_scan(
        "tenants_with_expiring_coupons",
        "coupons",
        "status = 'ISSUED'",
        "d.status = 'ISSUED' AND d.valid_until <= {now}",
    )
    sql += _skip_scan(
        "tenants_with_lapsed_reservations",
        "coupons",
        "reserved_until IS NOT NULL",
        "d.reserved_until <= {now}",
    )
    sql += _by_clock(
        "tenants_with_due_handlings",
        "event_handlings",
        "d.status = 'PENDING' AND d.next_attempt_at <= {now}",
    )
    sql += _by_clock(
        "tenants_with_due_messages",
        "messages",
        "d.status = 'QUEUED' AND d.next_attempt_at <= {now}",
    )
    sql += _by_clock(
        "tenants_with_due_journey_runs",
        "journey_runs",
        "d.status IN ('ACTIVE', 'WAITING') AND d.next_wake_at <= {now}",
    )
    sql += _by_clock(
        "tenants_with_open_batches",
        "coupon_batches",
        "d.status IN ('QUEUED', 'RUNNING') AND d.created_at <= {now}",
    )
    sql += f"""
CREATE OR REPLACE FUNCTION endpoints_with_due_deliveries(at timestamptz)
RETURNS TABLE (tenant_id uuid, endpoint_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT d.tenant_id, d.endpoint_id FROM webhook_deliveries d
  WHERE d.status = 'PENDING' AND d.next_attempt_at <= at
    AND d.tenant_id <> ALL ({_SANDBOXES})
  UNION
  SELECT DISTINCT d.tenant_id, d.endpoint_id
  FROM tenants s JOIN webhook_deliveries d ON d.tenant_id = s.id
  WHERE s.test_clock_at IS NOT NULL AND d.status = 'PENDING'
    AND d.next_attempt_at <= s.test_clock_at
$$;

CREATE OR REPLACE FUNCTION tenants_with_tiered_members() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.tenant_id FROM tiers t WHERE t.rank > 0
    AND t.tenant_id <> ALL ({_SANDBOXES})
    AND EXISTS (SELECT 1 FROM members m WHERE m.tenant_id = t.tenant_id AND m.tier_id = t.id)
  GROUP BY t.tenant_id
$$;
"""
    return sql


class Migration(migrations.Migration):
    dependencies = [("membership", "0032_journeys")]
    operations = [ops.RunSQL(SCHEMA + _clock_functions() + _sweep_functions())]
