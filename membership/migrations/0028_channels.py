"""Reaching members: identities, the consent ledger, channel settings with encrypted credentials,
message templates, subscribe credits, messages and the fake provider's record.

``member_consents`` is the current state the send gate reads (one row per member, channel and
purpose); ``consent_records`` is the ledger it is derived from and is never updated. A message's
``cause`` is unique per channel: a retried journey step or API call finds the message it made.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy
from membership.settings import get_settings

TABLES = [
    "member_identities",
    "consent_records",
    "member_consents",
    "messaging_settings",
    "channel_configs",
    "message_templates",
    "subscribe_credits",
    "subscribe_grants",
    "message_counters",
    "messages",
    "fake_provider_sends",
]

CHANNEL = "CHECK (channel IN ('SMS', 'WECHAT_TEMPLATE', 'WECHAT_SUBSCRIBE', 'WECOM'))"

SCHEMA = f"""
CREATE TABLE member_identities (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    member_id   uuid NOT NULL,
    provider    text NOT NULL CHECK (provider ~ '^[A-Z][A-Z0-9_]{{1,39}}$'),
    app_id      text NOT NULL DEFAULT '' CHECK (length(app_id) <= 64),
    subject     text NOT NULL CHECK (length(subject) BETWEEN 1 AND 128),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, provider, app_id, subject),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
CREATE INDEX member_identities_member_idx ON member_identities (tenant_id, member_id);

CREATE TABLE consent_records (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    member_id        uuid NOT NULL,
    channel          text NOT NULL {CHANNEL},
    purpose          text NOT NULL,
    granted          boolean NOT NULL,
    source           text CHECK (length(source) <= 64),
    actor            text NOT NULL,
    recorded_at      timestamptz NOT NULL,
    idempotency_key  text NOT NULL,
    request_hash     text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
CREATE INDEX consent_records_member_idx
    ON consent_records (tenant_id, member_id, recorded_at DESC, id DESC);

CREATE TABLE member_consents (
    tenant_id    uuid NOT NULL,
    member_id    uuid NOT NULL,
    channel      text NOT NULL {CHANNEL},
    purpose      text NOT NULL,
    granted      boolean NOT NULL,
    source       text,
    recorded_at  timestamptz NOT NULL,
    record_id    uuid NOT NULL,
    PRIMARY KEY (tenant_id, member_id, channel, purpose),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);

CREATE TABLE messaging_settings (
    tenant_id          uuid PRIMARY KEY REFERENCES tenants (id),
    purposes           text[] NOT NULL DEFAULT '{{marketing,service}}',
    limited_purposes   text[] NOT NULL DEFAULT '{{marketing}}',
    max_per_day        int NOT NULL DEFAULT 2 CHECK (max_per_day BETWEEN 0 AND 100),
    max_per_week       int NOT NULL DEFAULT 5 CHECK (max_per_week BETWEEN 0 AND 500),
    quiet_start        time,
    quiet_end          time,
    fallback           text[] NOT NULL DEFAULT '{{WECHAT_SUBSCRIBE,WECHAT_TEMPLATE,SMS,WECOM}}',
    updated_at         timestamptz NOT NULL
);

CREATE TABLE channel_configs (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    channel          text NOT NULL {CHANNEL},
    provider         text NOT NULL,
    credentials      bytea,
    credential_hint  jsonb NOT NULL DEFAULT '{{}}',
    base_url         text CHECK (length(base_url) <= 500),
    enabled          boolean NOT NULL DEFAULT true,
    daily_quota      int CHECK (daily_quota >= 0),
    credit_balance   bigint CHECK (credit_balance >= 0),
    receipt_token    text NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, channel)
);

CREATE TABLE message_templates (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    name         text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{{0,63}}$'),
    title        text NOT NULL CHECK (length(title) <= 100),
    purpose      text NOT NULL,
    content      jsonb NOT NULL DEFAULT '{{}}',
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE subscribe_credits (
    tenant_id      uuid NOT NULL,
    member_id      uuid NOT NULL,
    template_code  text NOT NULL,
    remaining      int NOT NULL CHECK (remaining >= 0),
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, member_id, template_code),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);

CREATE TABLE subscribe_grants (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    member_id        uuid NOT NULL,
    template_code    text NOT NULL,
    count            int NOT NULL CHECK (count BETWEEN 1 AND 100),
    source           text,
    idempotency_key  text NOT NULL,
    request_hash     text NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);

CREATE TABLE message_counters (
    tenant_id  uuid NOT NULL,
    channel    text NOT NULL {CHANNEL},
    day        date NOT NULL,
    sent       int NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, channel, day)
);

CREATE TABLE messages (
    tenant_id            uuid NOT NULL,
    id                   uuid NOT NULL,
    member_id            uuid,
    channel              text NOT NULL {CHANNEL},
    provider             text,
    template_id          uuid,
    template_name        text,
    purpose              text NOT NULL,
    cause                text NOT NULL CHECK (length(cause) <= 200),
    recipient            text,
    body                 text,
    content              jsonb NOT NULL DEFAULT '{{}}',
    status               text NOT NULL
                         CHECK (status IN ('QUEUED', 'SENT', 'DELIVERED', 'FAILED', 'SKIPPED')),
    skip_reason          text,
    detail               text,
    fallback             text[] NOT NULL DEFAULT '{{}}',
    credit_code          text,
    attempts             int NOT NULL DEFAULT 0,
    provider_message_id  text,
    next_attempt_at      timestamptz,
    deferred_until       timestamptz,
    sent_at              timestamptz,
    delivered_at         timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, cause, channel),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id),
    FOREIGN KEY (tenant_id, template_id) REFERENCES message_templates (tenant_id, id)
);
CREATE INDEX messages_member_idx ON messages (tenant_id, member_id, created_at DESC, id DESC);
CREATE INDEX messages_log_idx ON messages (tenant_id, created_at DESC, id DESC);
CREATE INDEX messages_due_idx ON messages (next_attempt_at) INCLUDE (tenant_id)
    WHERE status = 'QUEUED';
CREATE INDEX messages_provider_idx ON messages (tenant_id, provider, provider_message_id)
    WHERE provider_message_id IS NOT NULL;

CREATE TABLE fake_provider_sends (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    message_id  uuid NOT NULL,
    provider    text NOT NULL,
    channel     text NOT NULL,
    recipient   text NOT NULL,
    request     jsonb NOT NULL,
    sent_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX fake_provider_sends_message_idx ON fake_provider_sends (tenant_id, message_id);
"""


def _sweep_sql() -> str:
    sweep = '"' + get_settings().db_sweep_role.replace('"', '""') + '"'
    app = '"' + get_settings().db_app_role.replace('"', '""') + '"'
    return f"""
GRANT SELECT ON messages TO {sweep};
CREATE POLICY sweep_read ON messages FOR SELECT TO {sweep} USING (true);
CREATE FUNCTION tenants_with_due_messages(at timestamptz) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM messages WHERE status = 'QUEUED' AND next_attempt_at <= at
$$;
ALTER FUNCTION tenants_with_due_messages(timestamptz) OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_due_messages(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_due_messages(timestamptz) TO {app};
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0027_counter")]
    operations = [
        ops.RunSQL(SCHEMA + "".join(tenant_policy(t) for t in TABLES) + _sweep_sql()),
    ]
