"""The mall's own tables, under the platform's tenancy rules.

Both tables lead every key and index with ``tenant_id`` and are listed in ``tenant_tables``, so
the platform forces row-level security on them. The unique key ``(tenant_id, store_code,
receipt_no)`` is what makes a receipt number count once per store even when two submissions of
it race: the second insert waits for the first and then finds the number taken.
"""

from __future__ import annotations

from plugins.mall.payment_tables import PAYMENTS
from plugins.tables import PluginMigration

__all__ = ["MIGRATIONS"]

_STORES_AND_RECEIPTS = """
CREATE TABLE mall_stores (
    tenant_id   uuid NOT NULL,
    code        text NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

CREATE TABLE mall_receipts (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    member_id        uuid NOT NULL,
    store_code       text NOT NULL,
    receipt_no       text NOT NULL CHECK (length(receipt_no) BETWEEN 1 AND 64),
    amount           bigint NOT NULL CHECK (amount > 0),
    issued_at        timestamptz,
    image_url        text,
    status           text NOT NULL CHECK (status IN ('PENDING_REVIEW', 'APPROVED', 'REJECTED')),
    points_earned    bigint NOT NULL DEFAULT 0,
    reject_reason    text,
    order_id         uuid,
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    submitted_by     text NOT NULL,
    submitted_at     timestamptz NOT NULL,
    reviewed_by      text,
    reviewed_at      timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, store_code, receipt_no),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, store_code) REFERENCES mall_stores (tenant_id, code)
);
CREATE INDEX mall_receipts_queue_idx ON mall_receipts (tenant_id, status, submitted_at, id);
CREATE INDEX mall_receipts_member_idx ON mall_receipts (tenant_id, member_id, submitted_at);
"""

MIGRATIONS = (
    PluginMigration(
        id="0001_stores_and_receipts",
        sql=_STORES_AND_RECEIPTS,
        tenant_tables=("mall_stores", "mall_receipts"),
    ),
    PAYMENTS,
)
