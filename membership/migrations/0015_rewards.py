"""The points mall: rewards with a points cost and stock, and their redemptions."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
CREATE TABLE rewards (
    tenant_id           uuid NOT NULL REFERENCES tenants (id),
    id                  uuid NOT NULL,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    points_cost         bigint NOT NULL CHECK (points_cost > 0),
    stock               integer CHECK (stock >= 0),
    coupon_template_id  uuid,
    per_member_limit    integer CHECK (per_member_limit > 0),
    redeemed_count      integer NOT NULL DEFAULT 0 CHECK (redeemed_count >= 0),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, coupon_template_id) REFERENCES coupon_templates (tenant_id, id)
);
CREATE TABLE reward_redemptions (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    reward_id     uuid NOT NULL,
    member_id     uuid NOT NULL,
    points        bigint NOT NULL CHECK (points > 0),
    entry_id      uuid NOT NULL,
    coupon_id     uuid,
    status        text NOT NULL CHECK (status IN ('REDEEMED', 'CANCELLED')),
    created_at    timestamptz NOT NULL,
    cancelled_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, reward_id) REFERENCES rewards (tenant_id, id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES points_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, coupon_id) REFERENCES coupons (tenant_id, id)
);
CREATE INDEX reward_redemptions_member_idx
    ON reward_redemptions (tenant_id, reward_id, member_id) WHERE status = 'REDEEMED';
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0014_coupon_orders")]
    operations = [
        ops.RunSQL(SCHEMA + tenant_policy("rewards") + tenant_policy("reward_redemptions"))
    ]
