"""Tenants, staff, API keys, tiers, members, custom fields, audit log, outbox; roles and RLS.

Every tenant-owned table carries ``tenant_id`` in its primary key, its unique keys and its foreign
keys (distributable by tenant), and has row-level security ENABLED and FORCED with one policy on
``app.tenant_id``: a query made outside a tenant transaction sees zero rows.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy
from membership.settings import get_settings

TENANT_TABLES = [
    "staff",
    "api_keys",
    "tiers",
    "custom_field_definitions",
    "members",
    "audit_log",
    "outbox",
]

SCHEMA = """
CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text NOT NULL,
    timezone    text NOT NULL DEFAULT 'Asia/Shanghai',
    currency    char(3) NOT NULL DEFAULT 'CNY',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    email          text NOT NULL,
    name           text,
    role           text NOT NULL CHECK (role IN ('owner', 'admin', 'marketer', 'clerk', 'analyst')),
    password_hash  text NOT NULL,
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_login_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email)
);

CREATE TABLE api_keys (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    name          text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('secret', 'publishable')),
    prefix        text NOT NULL,
    key_hash      text NOT NULL,
    scopes        text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, key_hash)
);

CREATE TABLE tiers (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    id                 uuid NOT NULL,
    name               text NOT NULL,
    rank               integer NOT NULL CHECK (rank >= 0),
    metric             text NOT NULL CHECK (metric IN ('POINTS_EARNED', 'SPEND', 'ORDER_COUNT')),
    threshold          bigint NOT NULL CHECK (threshold >= 0),
    window_days        integer CHECK (window_days > 0),
    points_multiplier  numeric(6, 3) NOT NULL DEFAULT 1.0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, rank)
);

CREATE TABLE custom_field_definitions (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    label       text NOT NULL,
    type        text NOT NULL CHECK (type IN ('TEXT', 'NUMBER', 'DATE', 'ENUM', 'BOOL')),
    required    boolean NOT NULL DEFAULT false,
    pii         boolean NOT NULL DEFAULT false,
    options     text[] NOT NULL DEFAULT '{}',
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, key)
);

CREATE TABLE members (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    phone           text NOT NULL,
    name            text,
    gender          text CHECK (gender IN ('MALE', 'FEMALE', 'OTHER', 'UNKNOWN')),
    birthday        date,
    external_id     text,
    source_channel  text,
    referrer_id     uuid,
    tags            text[] NOT NULL DEFAULT '{}',
    custom_fields   jsonb NOT NULL DEFAULT '{}',
    tier_id         uuid,
    points_balance  bigint NOT NULL DEFAULT 0,
    pending_points  bigint NOT NULL DEFAULT 0,
    total_spent     bigint NOT NULL DEFAULT 0,
    order_count     integer NOT NULL DEFAULT 0,
    last_order_at   timestamptz,
    merged_into_id  uuid,
    merged_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, tier_id) REFERENCES tiers (tenant_id, id),
    FOREIGN KEY (tenant_id, referrer_id) REFERENCES members (tenant_id, id),
    FOREIGN KEY (tenant_id, merged_into_id) REFERENCES members (tenant_id, id)
);
-- One live profile per phone / external id; a merged profile keeps its phone for the record.
CREATE UNIQUE INDEX members_phone_key ON members (tenant_id, phone) WHERE merged_into_id IS NULL;
CREATE UNIQUE INDEX members_external_id_key ON members (tenant_id, external_id)
    WHERE external_id IS NOT NULL AND merged_into_id IS NULL;
CREATE INDEX members_list_idx ON members (tenant_id, created_at DESC, id DESC)
    WHERE merged_into_id IS NULL;
CREATE INDEX members_tier_idx ON members (tenant_id, tier_id);
CREATE INDEX members_tags_idx ON members USING gin (tags);
CREATE INDEX members_custom_fields_idx ON members USING gin (custom_fields jsonb_path_ops);
CREATE INDEX members_name_idx ON members (tenant_id, lower(name) text_pattern_ops);
CREATE INDEX members_phone_pattern_idx ON members (tenant_id, phone text_pattern_ops);

CREATE TABLE audit_log (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    actor_type   text NOT NULL,
    actor_id     text,
    actor_label  text,
    action       text NOT NULL,
    target_type  text NOT NULL,
    target_id    text,
    before       jsonb,
    after        jsonb,
    request_id   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_target_idx ON audit_log (tenant_id, target_type, target_id, created_at DESC);
CREATE INDEX audit_log_time_idx ON audit_log (tenant_id, created_at DESC, id DESC);

CREATE TABLE outbox (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    topic         text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX outbox_unpublished_idx ON outbox (created_at) WHERE published_at IS NULL;
"""


# The app role may read the tenant registry (login resolves a slug) but never change it.
_APP = '"' + get_settings().db_app_role.replace('"', '""') + '"'
GRANTS = f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON tenants FROM {_APP};\n"


class Migration(migrations.Migration):
    initial = True
    operations = [
        ops.RunSQL(SCHEMA + "".join(tenant_policy(t) for t in TENANT_TABLES) + GRANTS),
    ]
