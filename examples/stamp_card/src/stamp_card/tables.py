"""The plugin's own tables, under the platform's tenancy rules.

Both tables lead every key and index with ``tenant_id`` and are listed in ``tenant_tables``, so
the platform enables and forces row-level security on them: a query sees only the current
tenant's rows even if it forgets to filter. A migration's ``id`` never changes once released;
a later change to the schema is a new migration (``0002_…``), never an edit of this one.
"""

from __future__ import annotations

from plugins.tables import PluginMigration

__all__ = ["MIGRATIONS"]

_CARDS = """
CREATE TABLE stamp_card_cards (
    tenant_id   uuid NOT NULL,
    member_id   uuid NOT NULL,
    stamps      integer NOT NULL DEFAULT 0 CHECK (stamps >= 0),
    completed   integer NOT NULL DEFAULT 0 CHECK (completed >= 0),
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, member_id)
);

-- One row per stamp ever added, keyed by its idempotency key: a replayed key finds its row.
CREATE TABLE stamp_card_stamps (
    tenant_id     uuid NOT NULL,
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    member_id     uuid NOT NULL,
    source        text NOT NULL CHECK (source IN ('api', 'order', 'journey')),
    stamps_after  integer NOT NULL,
    completed     boolean NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX stamp_card_stamps_member_idx ON stamp_card_stamps (tenant_id, member_id, created_at);
"""

MIGRATIONS = (
    PluginMigration(
        id="0001_stamp_cards",
        sql=_CARDS,
        tenant_tables=("stamp_card_cards", "stamp_card_stamps"),
    ),
)
