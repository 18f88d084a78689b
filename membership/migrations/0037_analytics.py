"""Analytics roll-ups (``membership.analytics``): each member's RFM inputs, the daily facts with a
bitmap of the day's buyers, the tenant's refresh state (with the sums the RFM thresholds come
from, and the fitted churn model), and the work the event backbone marks for the next refresh.
Indexes by time on orders, members and coupons let a refresh recompute one local day from its
source rows. Orders keep the total quantity of their items, so that the analytics read a number
instead of parsing every order's item lines."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy
from membership.settings import get_settings

SCHEMA = """
-- A member's orders up to now (a merged profile's orders count for the member it went into):
-- the RFM inputs. ``ordinal`` numbers the member's bit in the tenant's daily buyer bitmaps; it is
-- never reused while the roll-up lives, so a bitmap written before stays true. Derived rows a
-- rebuild writes by the million: no foreign keys to check on each (the source rows have them).
CREATE TABLE analytics_members (
    tenant_id       uuid NOT NULL,
    member_id       uuid NOT NULL,
    ordinal         integer NOT NULL CHECK (ordinal >= 0),
    orders          integer NOT NULL CHECK (orders > 0),
    purchase_days   integer NOT NULL CHECK (purchase_days > 0),
    first_order_on  date NOT NULL,
    last_order_on   date NOT NULL,
    monetary        bigint NOT NULL,
    PRIMARY KEY (tenant_id, member_id),
    UNIQUE (tenant_id, ordinal)
);

-- One row per local day with anything to count. ``buyers`` has the bit of every member who
-- ordered that day set; all of a tenant's bitmaps are ``analytics_state.capacity`` bits long, so
-- that a period's buyers are the bitwise OR of its days.
CREATE TABLE analytics_days (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    day                date NOT NULL,
    new_members        integer NOT NULL DEFAULT 0,
    orders             integer NOT NULL DEFAULT 0,
    revenue            bigint NOT NULL DEFAULT 0,
    items              bigint NOT NULL DEFAULT 0,
    orders_with_items  integer NOT NULL DEFAULT 0,
    coupons_issued     integer NOT NULL DEFAULT 0,
    coupons_redeemed   integer NOT NULL DEFAULT 0,
    buyers             bit varying NOT NULL,
    PRIMARY KEY (tenant_id, day)
);
-- Bitmaps are read whole and often: stored out of line but not compressed.
ALTER TABLE analytics_days ALTER COLUMN buyers SET STORAGE EXTERNAL;

-- Per calendar month: the OR of its days' buyer bitmaps, and the members who bought on two days
-- or more of it. A period reads its whole months here and only its odd days above.
CREATE TABLE analytics_months (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    month          date NOT NULL CHECK (extract(day FROM month) = 1),
    buyers         bit varying NOT NULL,
    repeat_buyers  bit varying NOT NULL,
    PRIMARY KEY (tenant_id, month)
);
ALTER TABLE analytics_months ALTER COLUMN buyers SET STORAGE EXTERNAL;
ALTER TABLE analytics_months ALTER COLUMN repeat_buyers SET STORAGE EXTERNAL;

CREATE TABLE analytics_state (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    capacity        integer NOT NULL DEFAULT 0 CHECK (capacity % 8 = 0),
    next_ordinal    integer NOT NULL DEFAULT 0,
    refreshed_at    timestamptz,
    rebuilt_at      timestamptz,
    -- over analytics_members, kept with every change: the RFM means of any day come from them
    buyers          integer NOT NULL DEFAULT 0,
    last_days       bigint NOT NULL DEFAULT 0,  -- sum of last_order_on, as days since 2000-01-01
    purchase_days   bigint NOT NULL DEFAULT 0,
    monetary        bigint NOT NULL DEFAULT 0,
    -- the members' available points at the last refresh (what the liability values)
    points          bigint NOT NULL DEFAULT 0,
    -- the BG/NBD fit of the churn risk: {"r", "alpha", "a", "b", "asOf", "members", ...}
    churn_model     jsonb,
    churn_fitted_at timestamptz,
    PRIMARY KEY (tenant_id)
);

-- What changed since the last refresh: a member whose RFM inputs to recompute, a local day
-- whose facts to recompute (either may be absent; both absent: only points moved).
CREATE TABLE analytics_pending (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    member_id  uuid,
    day        date,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX orders_paid_idx ON orders (tenant_id, paid_at);
CREATE INDEX members_created_idx ON members (tenant_id, created_at) WHERE merged_into_id IS NULL;
CREATE INDEX members_merged_into_idx ON members (tenant_id, merged_into_id)
    WHERE merged_into_id IS NOT NULL;
CREATE INDEX coupons_issued_idx ON coupons (tenant_id, issued_at);
CREATE INDEX coupons_redeemed_at_idx ON coupons (tenant_id, redeemed_at)
    WHERE redeemed_at IS NOT NULL;

-- The owner runs migrations and row-level security is forced on it too: the backfill of every
-- tenant's orders lifts it for this transaction only.
ALTER TABLE orders ADD COLUMN item_quantity integer CHECK (item_quantity >= 0);
ALTER TABLE orders NO FORCE ROW LEVEL SECURITY;
UPDATE orders SET item_quantity = (
    SELECT sum((i->>'quantity')::int) FROM jsonb_array_elements(items) i
) WHERE items <> '[]'::jsonb;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
"""


def _functions() -> str:
    sweep = '"' + get_settings().db_sweep_role.replace('"', '""') + '"'
    app = '"' + get_settings().db_app_role.replace('"', '""') + '"'
    return f"""
GRANT SELECT ON analytics_pending TO {sweep};
CREATE POLICY sweep_read ON analytics_pending FOR SELECT TO {sweep} USING (true);
CREATE FUNCTION tenants_with_pending_analytics() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM analytics_pending
$$;
ALTER FUNCTION tenants_with_pending_analytics() OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_pending_analytics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_pending_analytics() TO {app};
GRANT SELECT ON analytics_state TO {sweep};
CREATE POLICY sweep_read ON analytics_state FOR SELECT TO {sweep} USING (true);
-- Tenants with buyers whose churn model is missing or was fitted before ``at``.
CREATE FUNCTION tenants_with_stale_churn_model(at timestamptz) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT tenant_id FROM analytics_state
  WHERE buyers > 0 AND (churn_fitted_at IS NULL OR churn_fitted_at < at)
$$;
ALTER FUNCTION tenants_with_stale_churn_model(timestamptz) OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_stale_churn_model(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_stale_churn_model(timestamptz) TO {app};

-- The running state of a period's buyers: [anyone, twice] (members with at least one and at
-- least two purchase days among the parts aggregated). A part is a day (its buyers, twice
-- null) or a month (its buyers and those who bought on two of its days).
CREATE FUNCTION analytics_buyers_step(
    state bit varying[], buyers bit varying, twice bit varying
) RETURNS bit varying[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN buyers IS NULL THEN state
    WHEN state IS NULL THEN ARRAY[buyers, coalesce(twice, buyers # buyers)]
    WHEN twice IS NULL THEN ARRAY[state[1] | buyers, state[2] | (state[1] & buyers)]
    ELSE ARRAY[state[1] | buyers, state[2] | twice | (state[1] & buyers)]
  END
$$;
CREATE AGGREGATE analytics_buyers(bit varying, bit varying) (
    SFUNC = analytics_buyers_step,
    STYPE = bit varying[]
);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0036_points_by_store")]
    operations = [
        ops.RunSQL(
            SCHEMA
            + tenant_policy("analytics_members")
            + tenant_policy("analytics_days")
            + tenant_policy("analytics_months")
            + tenant_policy("analytics_state")
            + tenant_policy("analytics_pending")
            + _functions()
        )
    ]
