"""Mall payment points (智慧商圈): a WeChat Pay payment in a mall shop earns the payer points at
that shop's store, and a refund within 30 days takes them back.

* A payment is recorded once per transaction id: its row is inserted first, and the unique key
  makes a concurrent duplicate wait for the first notice's transaction and then find the
  payment taken, so exactly one order is recorded (``mall:wxpay:<transaction id>``, earning by
  the store's rules, tiers and ledger like any order).
* A payer who is not a member (no member holds the openid under the notice's app) is recorded
  as ``UNMATCHED``: the notice is answered, WeChat Pay stops sending it, and staff can see it.
* A shop the configuration does not map, or mapped to a store code the mall does not have, is
  recorded as ``SKIPPED`` with the reason and earns nothing: points by an unknown store's rules
  would be wrong, and refusing the notice would only make WeChat Pay send it again for a day.
* A refund is recorded once per refund id. Within 30 days of the payment it refunds the order
  (the platform takes back the points in proportion to what is refunded so far); later, or for
  a payment that earned nothing, it is only recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from plugins.api.data import (
    fetch,
    find_member_by_identity,
    record_order,
    refund_order,
    tenant_transaction,
)
from plugins.mall.wechat_pay import MallPayment, MallRefund

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient

    from plugins.mall.wechat_pay_config import WeChatPayConfig
    from tenants.context import RequestContext

__all__ = [
    "CLAWBACK_WINDOW",
    "PaymentOutcome",
    "RefundOutcome",
    "take_payment",
    "take_refund",
]

CLAWBACK_WINDOW = timedelta(days=30)
OPENID = "WECHAT_OPENID"


@dataclass(frozen=True)
class PaymentOutcome:
    status: Literal["EARNED", "UNMATCHED", "SKIPPED"]
    points: int
    replayed: bool  # the transaction was handled before: nothing new was written


@dataclass(frozen=True)
class RefundOutcome:
    status: Literal["CLAWED_BACK", "RECORDED"]
    points_clawed_back: int
    replayed: bool


def external_id(transaction_id: str) -> str:
    return f"mall:wxpay:{transaction_id}"


async def _store_of(
    conn: BaseDBAsyncClient, config: WeChatPayConfig, shop_id: str | None
) -> tuple[str | None, str | None]:
    """The store code of the shop, or None with why it is skipped."""
    code = config.shops.get(shop_id) if shop_id else None
    if code is None:
        return None, f"shop {shop_id or '(none)'} is not mapped to a store"
    if not await fetch(conn, "SELECT 1 FROM mall_stores WHERE code = $1", code):
        return None, f"store {code} does not exist"
    return code, None


async def take_payment(
    ctx: RequestContext, config: WeChatPayConfig, payment: MallPayment
) -> PaymentOutcome:
    """Record the payment once and earn its points (see the module)."""
    async with tenant_transaction(ctx) as conn:
        claimed = await fetch(
            conn,
            "WITH x AS (INSERT INTO mall_payments (tenant_id, transaction_id, status, "
            "merchant_id, app_id, openid, shop_id, amount, paid_at, received_at) "
            "VALUES ($1, $2, 'SKIPPED', $3, $4, $5, $6, $7, $8, $9) "
            "ON CONFLICT (tenant_id, transaction_id) DO NOTHING RETURNING transaction_id) "
            "SELECT transaction_id FROM x",
            ctx.tenant.id,
            payment.transaction_id,
            payment.merchant_id,
            payment.app_id,
            payment.openid,
            payment.shop_id,
            payment.amount,
            payment.paid_at,
            ctx.clock.now(),
        )
        if not claimed:
            [row] = await fetch(
                conn,
                "SELECT status, points FROM mall_payments WHERE transaction_id = $1",
                payment.transaction_id,
            )
            return PaymentOutcome(row["status"], row["points"], replayed=True)
        store_code, reason = await _store_of(conn, config, payment.shop_id)
        member = (
            await find_member_by_identity(ctx, OPENID, payment.app_id, payment.openid)
            if payment.app_id
            else None
        )
        if store_code is None or member is None:
            status: Literal["UNMATCHED", "SKIPPED"] = (
                "SKIPPED" if store_code is None else "UNMATCHED"
            )
            await fetch(
                conn,
                "UPDATE mall_payments SET status = $2, skip_reason = $3, store_code = $4 "
                "WHERE transaction_id = $1",
                payment.transaction_id,
                status,
                reason or "the payer is not a member",
                store_code,
            )
            return PaymentOutcome(status, 0, replayed=False)
        order = await record_order(
            ctx,
            member_id=member.id,
            external_id=external_id(payment.transaction_id),
            amount=payment.amount,
            store_code=store_code,
            paid_at=payment.paid_at,
        )
        await fetch(
            conn,
            "UPDATE mall_payments SET status = 'EARNED', store_code = $2, member_id = $3, "
            "order_id = $4, points = $5 WHERE transaction_id = $1",
            payment.transaction_id,
            store_code,
            member.id,
            order.order_id,
            order.points_earned,
        )
        return PaymentOutcome("EARNED", order.points_earned, replayed=False)


async def take_refund(ctx: RequestContext, refund: MallRefund) -> RefundOutcome:
    """Record the refund once; within 30 days of an earning payment, take its points back."""
    async with tenant_transaction(ctx) as conn:
        claimed = await fetch(
            conn,
            "WITH x AS (INSERT INTO mall_payment_refunds (tenant_id, refund_id, transaction_id, "
            "amount, refunded_at, status, received_at) VALUES ($1, $2, $3, $4, $5, 'RECORDED', $6) "
            "ON CONFLICT (tenant_id, refund_id) DO NOTHING RETURNING refund_id) "
            "SELECT refund_id FROM x",
            ctx.tenant.id,
            refund.refund_id,
            refund.transaction_id,
            refund.amount,
            refund.refunded_at,
            ctx.clock.now(),
        )
        if not claimed:
            [row] = await fetch(
                conn,
                "SELECT status, points_clawed_back FROM mall_payment_refunds WHERE refund_id = $1",
                refund.refund_id,
            )
            return RefundOutcome(row["status"], row["points_clawed_back"], replayed=True)
        rows = await fetch(
            conn,
            "SELECT status, amount, paid_at, refunded_amount, points_clawed_back "
            "FROM mall_payments WHERE transaction_id = $1 FOR UPDATE",
            refund.transaction_id,
        )
        payment = rows[0] if rows else None
        refundable = 0 if payment is None else payment["amount"] - payment["refunded_amount"]
        if payment is not None:
            await fetch(
                conn,
                "UPDATE mall_payments SET refunded_amount = refunded_amount + $2 "
                "WHERE transaction_id = $1",
                refund.transaction_id,
                min(refund.amount, refundable),
            )
        if (
            payment is None
            or payment["status"] != "EARNED"
            or refundable <= 0
            or refund.refunded_at - payment["paid_at"] > CLAWBACK_WINDOW
        ):
            return RefundOutcome("RECORDED", 0, replayed=False)
        result = await refund_order(
            ctx,
            external_id(refund.transaction_id),
            min(refund.amount, refundable),
            f"mall:wxpay:refund:{refund.refund_id}",
        )
        clawed = result.points_reversed - payment["points_clawed_back"]
        await fetch(
            conn,
            "UPDATE mall_payments SET points_clawed_back = $2 WHERE transaction_id = $1",
            refund.transaction_id,
            result.points_reversed,
        )
        await fetch(
            conn,
            "UPDATE mall_payment_refunds SET status = 'CLAWED_BACK', points_clawed_back = $2 "
            "WHERE refund_id = $1",
            refund.refund_id,
            clawed,
        )
        return RefundOutcome("CLAWED_BACK", clawed, replayed=False)
