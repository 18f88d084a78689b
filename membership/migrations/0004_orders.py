"""Orders and refunds; the tenant's earning rate and point value; members' points debt."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
ALTER TABLE points_settings
    ADD COLUMN earn_points_per_yuan numeric(10, 3) NOT NULL DEFAULT 1
        CHECK (earn_points_per_yuan >= 0 AND earn_points_per_yuan <= 1000),
    ADD COLUMN point_value_fen numeric(10, 3) NOT NULL DEFAULT 1
        CHECK (point_value_fen > 0 AND point_value_fen <= 100000);

-- Points a refund clawed back after the member had already spent them; later earnings repay it.
ALTER TABLE members ADD COLUMN points_debt bigint NOT NULL DEFAULT 0 CHECK (points_debt >= 0);

CREATE TABLE orders (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    external_id      text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 100),
    member_id        uuid NOT NULL,
    amount           bigint NOT NULL CHECK (amount > 0),
    discount_amount  bigint NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
    points_spent     bigint NOT NULL DEFAULT 0 CHECK (points_spent >= 0),
    points_earned    bigint NOT NULL DEFAULT 0 CHECK (points_earned >= 0),
    refunded_amount  bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
    points_reversed  bigint NOT NULL DEFAULT 0 CHECK (points_reversed >= 0),
    points_returned  bigint NOT NULL DEFAULT 0 CHECK (points_returned >= 0),
    status           text NOT NULL CHECK (status IN ('COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED')),
    store_code       text,
    items            jsonb NOT NULL DEFAULT '[]',
    earning          jsonb NOT NULL DEFAULT '{}',
    request_hash     text NOT NULL,
    paid_at          timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, external_id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
CREATE INDEX orders_member_idx ON orders (tenant_id, member_id, paid_at DESC);
CREATE INDEX orders_store_idx ON orders (tenant_id, store_code, paid_at DESC);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0003_points_expiry")]
    operations = [
        ops.RunSQL(
            SCHEMA
            + tenant_policy("orders")
            + "ALTER TABLE points_entries ADD FOREIGN KEY (tenant_id, order_id) "
            "REFERENCES orders (tenant_id, id);\n"
        )
    ]
