"""The gym's own tables, under the platform's tenancy rules.

Every table leads its keys and indexes with ``tenant_id`` and is listed in ``tenant_tables``, so
row-level security shows a query only the current tenant's rows. Idempotency keys are unique per
tenant: a replayed sale, freeze or check-in finds its row.
"""

from __future__ import annotations

from plugins.tables import PluginMigration

__all__ = ["MIGRATIONS"]

_TABLES = """
CREATE TABLE gym_products (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    kind        text NOT NULL CHECK (kind IN ('TIME', 'VISITS')),
    days        integer CHECK (days BETWEEN 1 AND 3660),
    visits      integer CHECK (visits BETWEEN 1 AND 1000),
    price       bigint NOT NULL CHECK (price >= 0),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

-- A card sold to a member; sale_key is the sale's idempotency key, sale_request what it asked.
CREATE TABLE gym_cards (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    member_id       uuid NOT NULL,
    product_id      uuid NOT NULL,
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz,
    visits_left     integer CHECK (visits_left >= 0),
    sale_key        text NOT NULL,
    sale_request    text NOT NULL,
    order_id        uuid,
    reminded_for    timestamptz,  -- the end date gym.card.ending was emitted for
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, sale_key),
    FOREIGN KEY (tenant_id, product_id) REFERENCES gym_products (tenant_id, id)
);
CREATE INDEX gym_cards_member_idx ON gym_cards (tenant_id, member_id);
CREATE INDEX gym_cards_ends_idx ON gym_cards (tenant_id, ends_at);

-- A freeze of a card, from and until dates in the tenant's time zone, both included.
CREATE TABLE gym_freezes (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    card_id     uuid NOT NULL,
    from_date   date NOT NULL,
    until_date  date NOT NULL CHECK (until_date >= from_date),
    key         text NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, key),
    FOREIGN KEY (tenant_id, card_id) REFERENCES gym_cards (tenant_id, id)
);
CREATE INDEX gym_freezes_card_idx ON gym_freezes (tenant_id, card_id, from_date);

-- One row per check-in, keyed by its idempotency key: a replayed key finds its row.
CREATE TABLE gym_check_ins (
    tenant_id       uuid NOT NULL,
    key             text NOT NULL,
    member_id       uuid NOT NULL,
    card_id         uuid NOT NULL,
    store_code      text,
    points          bigint NOT NULL,
    streak_bonus    boolean NOT NULL,
    checked_in_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key),
    FOREIGN KEY (tenant_id, card_id) REFERENCES gym_cards (tenant_id, id)
);
CREATE INDEX gym_check_ins_member_idx ON gym_check_ins (tenant_id, member_id, checked_in_at);
"""

MIGRATIONS = (
    PluginMigration(
        id="0001_gym_cards",
        sql=_TABLES,
        tenant_tables=("gym_products", "gym_cards", "gym_freezes", "gym_check_ins"),
    ),
)
