"""The points ledger: lots, append-only entries, the lots each entry consumed, idempotency keys.

Invariant (tested): for every member, ``members.points_balance`` = sum of its entries' points =
sum of ``remaining`` over its lots that are available, and it is never negative.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

TABLES = ["idempotency_keys", "points_entries", "points_lots", "points_allocations"]

SCHEMA = """
CREATE TABLE idempotency_keys (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    operation     text NOT NULL,
    request_hash  text NOT NULL,
    result_id     uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

CREATE TABLE points_entries (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    member_id      uuid NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('EARN', 'SPEND', 'EXPIRE', 'REVERSE', 'ADJUST')),
    points         bigint NOT NULL CHECK (points <> 0),
    balance_after  bigint NOT NULL CHECK (balance_after >= 0),
    reason         text,
    order_id       uuid,
    corrects_id    uuid,
    available_at   timestamptz,
    expires_at     timestamptz,
    actor_type     text NOT NULL,
    actor_id       text,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id),
    FOREIGN KEY (tenant_id, corrects_id) REFERENCES points_entries (tenant_id, id)
);
CREATE INDEX points_entries_member_idx
    ON points_entries (tenant_id, member_id, created_at DESC, id DESC);

CREATE TABLE points_lots (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    member_id     uuid NOT NULL,
    entry_id      uuid NOT NULL,
    amount        bigint NOT NULL CHECK (amount > 0),
    remaining     bigint NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
    available_at  timestamptz NOT NULL,
    expires_at    timestamptz,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES points_entries (tenant_id, id)
);
-- Spends take the open lots of one member, earliest expiry first.
CREATE INDEX points_lots_open_idx
    ON points_lots (tenant_id, member_id, expires_at NULLS LAST, created_at, id)
    WHERE remaining > 0;

CREATE TABLE points_allocations (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    entry_id   uuid NOT NULL,
    lot_id     uuid NOT NULL,
    points     bigint NOT NULL CHECK (points > 0),
    PRIMARY KEY (tenant_id, entry_id, lot_id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES points_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, lot_id) REFERENCES points_lots (tenant_id, id)
);
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0001_foundation")]
    operations = [ops.RunSQL(SCHEMA + "".join(tenant_policy(t) for t in TABLES))]
