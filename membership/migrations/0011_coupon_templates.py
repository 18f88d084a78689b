"""Coupon templates: what a coupon is worth, where it applies, how long, how many, and stacking."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
CREATE TABLE coupon_templates (
    tenant_id           uuid NOT NULL REFERENCES tenants (id),
    id                  uuid NOT NULL,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind                text NOT NULL CHECK (kind IN ('AMOUNT_OFF', 'PERCENT_OFF', 'GIFT')),
    amount_off          bigint CHECK (amount_off > 0),
    percent_off         integer CHECK (percent_off BETWEEN 1 AND 100),
    max_discount        bigint CHECK (max_discount > 0),
    min_spend           bigint NOT NULL DEFAULT 0 CHECK (min_spend >= 0),
    gift_sku            text,
    skus                jsonb NOT NULL DEFAULT '[]',
    categories          jsonb NOT NULL DEFAULT '[]',
    stores              jsonb NOT NULL DEFAULT '[]',
    excluded_skus       jsonb NOT NULL DEFAULT '[]',
    excluded_categories jsonb NOT NULL DEFAULT '[]',
    valid_days          integer CHECK (valid_days BETWEEN 1 AND 3650),
    start_delay_days    integer NOT NULL DEFAULT 0 CHECK (start_delay_days BETWEEN 0 AND 365),
    valid_from          timestamptz,
    valid_until         timestamptz,
    per_member_limit    integer CHECK (per_member_limit > 0),
    total_limit         integer CHECK (total_limit > 0),
    period              text CHECK (period IN ('DAY', 'WEEK', 'MONTH')),
    period_limit        integer CHECK (period_limit > 0),
    budget              bigint CHECK (budget > 0),
    stackable           boolean NOT NULL DEFAULT false,
    priority            integer NOT NULL DEFAULT 0,
    max_per_order       integer NOT NULL DEFAULT 1 CHECK (max_per_order BETWEEN 1 AND 10),
    issued_count        integer NOT NULL DEFAULT 0 CHECK (issued_count >= 0),
    redeemed_count      integer NOT NULL DEFAULT 0 CHECK (redeemed_count >= 0),
    discount_given      bigint NOT NULL DEFAULT 0 CHECK (discount_given >= 0),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((valid_days IS NULL) <> (valid_until IS NULL)),
    CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from < valid_until),
    CHECK ((period IS NULL) = (period_limit IS NULL)),
    CHECK (budget IS NULL OR discount_given <= budget),
    CHECK (total_limit IS NULL OR issued_count <= total_limit)
);
CREATE INDEX coupon_templates_tenant_idx ON coupon_templates (tenant_id, created_at);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0010_hot_path_storage")]
    operations = [ops.RunSQL(SCHEMA + tenant_policy("coupon_templates"))]
