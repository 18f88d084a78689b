"""The event backbone: typed outbox rows, behaviour events, handlings with dead letters,
webhook endpoints, deliveries and their attempts, and the sweep functions.

The queue tables (unpublished events, due handlings, due deliveries) have partial indexes that
do not lead with ``tenant_id``: they hold only pending rows, and the sweep functions read them
across tenants, so a pass costs what is pending, never a query per tenant. The cron sweeps
(expiry, maturing, reservations, tier reviews) find their tenants with a skip scan over the
tenant-leading partial indexes they already had: one statement, no round trip per tenant, and
nothing at all for a tenant without open rows.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy
from membership.settings import get_settings

TABLES = [
    "member_events",
    "event_handlings",
    "webhook_endpoints",
    "webhook_deliveries",
    "webhook_attempts",
]

SCHEMA = """
ALTER TABLE outbox RENAME COLUMN topic TO type;
ALTER TABLE outbox ADD COLUMN version smallint NOT NULL DEFAULT 1,
                   ADD COLUMN member_id uuid;
UPDATE outbox SET member_id = (payload->>'memberId')::uuid WHERE payload ? 'memberId';
DROP INDEX outbox_unpublished_idx;
CREATE INDEX outbox_unpublished_idx ON outbox (tenant_id, created_at, id) WHERE published_at IS NULL;
CREATE INDEX outbox_member_idx ON outbox (tenant_id, member_id, created_at DESC, id DESC)
    WHERE member_id IS NOT NULL;

CREATE TABLE member_events (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    member_id        uuid NOT NULL,
    type             text NOT NULL,
    properties       jsonb NOT NULL DEFAULT '{}',
    occurred_at      timestamptz NOT NULL,
    idempotency_key  text NOT NULL,
    request_hash     text NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
CREATE INDEX member_events_member_idx ON member_events (tenant_id, member_id, occurred_at DESC, id DESC);

CREATE TABLE event_handlings (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    event_id         uuid NOT NULL,
    event_type       text NOT NULL,
    handler          text NOT NULL,
    member_id        uuid,
    event_at         timestamptz NOT NULL,
    status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DONE', 'DEAD')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, event_id, handler)
);
CREATE INDEX event_handlings_due_idx ON event_handlings (next_attempt_at) INCLUDE (tenant_id)
    WHERE status = 'PENDING';
CREATE INDEX event_handlings_order_idx
    ON event_handlings (tenant_id, handler, member_id, event_at, id) WHERE status = 'PENDING';
CREATE INDEX event_handlings_dead_idx ON event_handlings (tenant_id, updated_at DESC, id DESC)
    WHERE status = 'DEAD';

CREATE TABLE webhook_endpoints (
    tenant_id               uuid NOT NULL REFERENCES tenants (id),
    id                      uuid NOT NULL,
    url                     text NOT NULL CHECK (length(url) <= 2000),
    description             text CHECK (length(description) <= 500),
    event_types             text[] NOT NULL DEFAULT '{}',
    enabled                 boolean NOT NULL DEFAULT true,
    disabled_reason         text,
    secret                  text NOT NULL,
    previous_secret         text,
    previous_secret_until   timestamptz,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_deliveries (
    tenant_id             uuid NOT NULL,
    id                    uuid NOT NULL,
    endpoint_id           uuid NOT NULL,
    event_id              uuid NOT NULL,
    event_type            text NOT NULL,
    status                text NOT NULL DEFAULT 'PENDING'
                          CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    attempts              integer NOT NULL DEFAULT 0,
    last_response_status  integer,
    next_attempt_at       timestamptz,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, endpoint_id, event_id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    INCLUDE (tenant_id, endpoint_id) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_take_idx
    ON webhook_deliveries (tenant_id, endpoint_id, next_attempt_at, created_at, id)
    WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_endpoint_idx
    ON webhook_deliveries (tenant_id, endpoint_id, created_at DESC, id DESC);

CREATE TABLE webhook_attempts (
    tenant_id         uuid NOT NULL,
    id                uuid NOT NULL,
    delivery_id       uuid NOT NULL,
    attempt           integer NOT NULL,
    started_at        timestamptz NOT NULL,
    latency_ms        integer NOT NULL,
    response_status   integer,
    response_excerpt  text,
    error             text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id)
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (tenant_id, delivery_id, attempt);

CREATE INDEX coupon_batches_open_idx ON coupon_batches (tenant_id, created_at)
    WHERE status IN ('QUEUED', 'RUNNING');
"""


def _sweep_sql() -> str:
    sweep = '"' + get_settings().db_sweep_role.replace('"', '""') + '"'
    app = '"' + get_settings().db_app_role.replace('"', '""') + '"'
    read = [
        "outbox",
        "event_handlings",
        "webhook_deliveries",
        "points_lots",
        "coupons",
        "members",
        "tiers",
        "coupon_batches",
    ]
    grants = "".join(
        f"GRANT SELECT ON {t} TO {sweep};\n"
        f"CREATE POLICY sweep_read ON {t} FOR SELECT TO {sweep} USING (true);\n"
        for t in read
    )

    # A skip scan: each step jumps to the next tenant in a tenant-leading partial index.
    def skip_scan(name: str, table: str, where: str, due: str) -> str:
        return f"""
CREATE FUNCTION {name}(at timestamptz) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH RECURSIVE t(tenant_id) AS (
    (SELECT tenant_id FROM {table} WHERE {where} ORDER BY tenant_id LIMIT 1)
    UNION ALL
    SELECT (SELECT x.tenant_id FROM {table} x WHERE {where}
            AND x.tenant_id > t.tenant_id ORDER BY x.tenant_id LIMIT 1)
    FROM t WHERE t.tenant_id IS NOT NULL
  )
  SELECT t.tenant_id FROM t WHERE t.tenant_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM {table} d WHERE d.tenant_id = t.tenant_id AND {due})
$$;
ALTER FUNCTION {name}(timestamptz) OWNER TO {sweep};
REVOKE ALL ON FUNCTION {name}(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {name}(timestamptz) TO {app};
"""

    functions = f"""
CREATE FUNCTION tenants_with_pending_events() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH RECURSIVE t(tenant_id) AS (
    (SELECT tenant_id FROM outbox WHERE published_at IS NULL ORDER BY tenant_id LIMIT 1)
    UNION ALL
    SELECT (SELECT o.tenant_id FROM outbox o WHERE o.published_at IS NULL
            AND o.tenant_id > t.tenant_id ORDER BY o.tenant_id LIMIT 1)
    FROM t WHERE t.tenant_id IS NOT NULL
  )
  SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL
$$;
ALTER FUNCTION tenants_with_pending_events() OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_pending_events() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_pending_events() TO {app};

CREATE FUNCTION tenants_with_due_handlings(at timestamptz) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM event_handlings WHERE status = 'PENDING' AND next_attempt_at <= at
$$;
ALTER FUNCTION tenants_with_due_handlings(timestamptz) OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_due_handlings(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_due_handlings(timestamptz) TO {app};

CREATE FUNCTION endpoints_with_due_deliveries(at timestamptz)
RETURNS TABLE (tenant_id uuid, endpoint_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT d.tenant_id, d.endpoint_id FROM webhook_deliveries d
  WHERE d.status = 'PENDING' AND d.next_attempt_at <= at
$$;
ALTER FUNCTION endpoints_with_due_deliveries(timestamptz) OWNER TO {sweep};
REVOKE ALL ON FUNCTION endpoints_with_due_deliveries(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION endpoints_with_due_deliveries(timestamptz) TO {app};
"""
    functions += skip_scan(
        "tenants_with_expiring_points",
        "points_lots",
        "remaining > 0 AND expires_at IS NOT NULL",
        "d.remaining > 0 AND d.expires_at <= at",
    )
    functions += skip_scan(
        "tenants_with_maturing_points",
        "points_lots",
        "pending",
        "d.pending AND d.remaining > 0 AND d.available_at <= at",
    )
    functions += skip_scan(
        "tenants_with_expiring_coupons",
        "coupons",
        "status = 'ISSUED'",
        "d.status = 'ISSUED' AND d.valid_until <= at",
    )
    functions += skip_scan(
        "tenants_with_lapsed_reservations",
        "coupons",
        "reserved_until IS NOT NULL",
        "d.reserved_until <= at",
    )
    functions += f"""
CREATE FUNCTION tenants_with_open_batches(at timestamptz) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM coupon_batches
  WHERE status IN ('QUEUED', 'RUNNING') AND created_at <= at
$$;
ALTER FUNCTION tenants_with_open_batches(timestamptz) OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_open_batches(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_open_batches(timestamptz) TO {app};

CREATE FUNCTION tenants_with_tiered_members() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.tenant_id FROM tiers t WHERE t.rank > 0
    AND EXISTS (SELECT 1 FROM members m WHERE m.tenant_id = t.tenant_id AND m.tier_id = t.id)
  GROUP BY t.tenant_id
$$;
ALTER FUNCTION tenants_with_tiered_members() OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_tiered_members() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_tiered_members() TO {app};
"""
    return grants + functions


class Migration(migrations.Migration):
    dependencies = [("membership", "0023_coupon_redemption_days")]
    operations = [
        ops.RunSQL(SCHEMA + "".join(tenant_policy(t) for t in TABLES) + _sweep_sql()),
    ]
