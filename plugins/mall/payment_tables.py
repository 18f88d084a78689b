"""The tables of WeChat Pay 智慧商圈 payments, under the platform's tenancy rules.

``(tenant_id, transaction_id)`` is what makes a payment count once: WeChat Pay sends a notice
again until it is answered, sometimes twice at once, and the second insert of a transaction waits
for the first and then finds it taken. ``(tenant_id, refund_id)`` does the same for refunds. A
refund may arrive for a payment the mall never saw, so it does not reference the payment.
"""

from __future__ import annotations

from plugins.tables import PluginMigration

__all__ = ["PAYMENTS"]

_PAYMENTS = """
CREATE TABLE mall_payments (
    tenant_id            uuid NOT NULL,
    transaction_id       text NOT NULL CHECK (length(transaction_id) BETWEEN 1 AND 128),
    status               text NOT NULL CHECK (status IN ('EARNED', 'UNMATCHED', 'SKIPPED')),
    skip_reason          text,
    merchant_id          text NOT NULL,
    app_id               text,
    openid               text NOT NULL,
    shop_id              text,
    store_code           text,
    member_id            uuid,
    amount               bigint NOT NULL CHECK (amount > 0),
    paid_at              timestamptz NOT NULL,
    order_id             uuid,
    points               bigint NOT NULL DEFAULT 0,
    refunded_amount      bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
    points_clawed_back   bigint NOT NULL DEFAULT 0,
    received_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, transaction_id)
);
CREATE INDEX mall_payments_member_idx ON mall_payments (tenant_id, member_id, paid_at);

CREATE TABLE mall_payment_refunds (
    tenant_id            uuid NOT NULL,
    refund_id            text NOT NULL CHECK (length(refund_id) BETWEEN 1 AND 128),
    transaction_id       text NOT NULL,
    amount               bigint NOT NULL CHECK (amount > 0),
    refunded_at          timestamptz NOT NULL,
    status               text NOT NULL CHECK (status IN ('CLAWED_BACK', 'RECORDED')),
    points_clawed_back   bigint NOT NULL DEFAULT 0,
    received_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, refund_id)
);
CREATE INDEX mall_payment_refunds_tx_idx ON mall_payment_refunds (tenant_id, transaction_id);
"""

PAYMENTS = PluginMigration(
    id="0002_payments",
    sql=_PAYMENTS,
    tenant_tables=("mall_payments", "mall_payment_refunds"),
)
