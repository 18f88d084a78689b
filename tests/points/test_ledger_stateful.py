"""A hypothesis state machine drives one member through random orders, refunds, spends,
adjustments, replays, clock moves and settlement jobs (maturing and expiring), and checks the
ledger after every step against the database.

Checked after each step:
- balance = Σ entries = Σ remaining of available lots; pending = Σ remaining of pending lots;
  every consumed lot is explained by allocations (``assert_invariant``);
- balance, pending points and debt are never negative;
- no order gives back or claws back more than it spent or earned, and a full refund gives back
  and claws back exactly that;
- a replay changes nothing.

The machine runs in a worker thread; each step hands its coroutine to the test's event loop,
where the database pool lives.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from membership.clock import FrozenClock
from membership.errors import DomainError, ErrorCode
from membership.members.models import Member
from membership.orders import service as orders
from membership.orders.models import Order
from membership.points import service as points
from membership.points.expiry import expire_due
from membership.programme.expiry import set_policy
from membership.programme.settings import update_earning
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.conftest import TenantFixture
from tests.points.test_ledger_invariants import ledger_state, new_member

T = TypeVar("T")
START = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


def build_machine(tenant: TenantFixture, loop: asyncio.AbstractEventLoop) -> type:
    def run(coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=60)

    epoch = [START]

    class LedgerMachine(RuleBasedStateMachine):
        @initialize()
        def start(self) -> None:
            # Each example gets its own member and a clock later than every earlier example's.
            epoch[0] += timedelta(days=800)
            self.clock = FrozenClock(epoch[0])
            self.ctx = RequestContext.system(tenant.info, clock=self.clock)
            self.member = run(new_member(tenant))
            self.orders: list[str] = []
            self.balance = 0
            self.step = 0
            self.last_order: orders.OrderRequest | None = None

        def key(self) -> str:
            self.step += 1
            return f"{self.member}-{self.step}"

        async def _row(self) -> Member:
            async with tenant_tx(self.ctx):
                return await Member.get(id=self.member)

        def refresh(self) -> Member:
            member = run(self._row())
            self.balance = member.points_balance
            return member

        @rule(amount=st.integers(1, 50_000), share=st.sampled_from([0, 0, 0.25, 1]))
        def record_order(self, amount: int, share: float) -> None:
            spend = min(self.balance, int(amount * share))
            request = orders.OrderRequest(
                external_id=f"O-{self.key()}",
                member_id=self.member,
                amount=amount,
                points_to_spend=spend,
                items=[orders.OrderItem("SKU-1", 1, amount)],
            )
            try:
                result = run(orders.record_order(self.ctx, request))
            except DomainError as exc:  # the points it meant to use expired meanwhile
                self.refused(exc, spend)
                return
            assert result.order.points_spent == spend
            self.orders.append(request.external_id)
            self.last_order = request

        @precondition(lambda self: self.last_order is not None)
        @rule()
        def replay_last_order(self) -> None:
            assert self.last_order is not None
            before = run(ledger_state(tenant, self.member))
            result = run(orders.record_order(self.ctx, self.last_order))
            assert result.replayed
            assert run(ledger_state(tenant, self.member)) == before

        # Draws never depend on the state (hypothesis replays them): the order and the share
        # of what is left are picked by number.
        @precondition(lambda self: bool(self.orders))
        @rule(pick=st.integers(0, 10**6), percent=st.integers(1, 100), full=st.booleans())
        def refund(self, pick: int, percent: int, full: bool) -> None:
            number = self.orders[pick % len(self.orders)]
            order = run(self._order(number))
            refundable = order.amount - order.refunded_amount
            amount = None if full else max(1, refundable * percent // 100)
            try:
                run(
                    orders.refund_order(
                        self.ctx, external_id=number, amount=amount, idempotency_key=self.key()
                    )
                )
            except DomainError as exc:
                assert exc.code is ErrorCode.INVALID and refundable == 0
                return
            assert refundable > 0

        async def _order(self, number: str) -> Order:
            async with tenant_tx(self.ctx):
                return await Order.get(external_id=number)

        @rule(amount=st.integers(1, 5_000), grant=st.booleans())
        def adjust(self, amount: int, grant: bool) -> None:
            delta = amount if grant else -amount
            try:
                run(
                    points.adjust(
                        self.ctx,
                        member_id=self.member,
                        points=delta,
                        reason="clerk",
                        idempotency_key=self.key(),
                    )
                )
            except DomainError as exc:
                self.refused(exc, amount)

        def refused(self, exc: DomainError, amount: int) -> None:
            """A refusal must be for want of points, judged on the balance after settlement
            (matured points in, expired points out; the refusal then rolls that back too)."""
            assert exc.code is ErrorCode.INSUFFICIENT_POINTS
            available = exc.params["balance"]
            assert isinstance(available, int) and amount > available

        @rule(amount=st.integers(1, 5_000))
        def spend(self, amount: int) -> None:
            try:
                run(
                    points.spend(
                        self.ctx,
                        member_id=self.member,
                        points=amount,
                        reason="reward",
                        idempotency_key=self.key(),
                    )
                )
            except DomainError as exc:
                self.refused(exc, amount)

        @rule(days=st.integers(0, 45), hours=st.integers(0, 23))
        def move_clock(self, days: int, hours: int) -> None:
            self.clock.advance(timedelta(days=days, hours=hours))

        @rule()
        def settlement_job(self) -> None:
            run(points.mature_due(self.ctx))
            run(expire_due(self.ctx))

        @invariant()
        def ledger_is_whole(self) -> None:
            if not hasattr(self, "member"):
                return
            state = run(ledger_state(tenant, self.member))
            member = self.refresh()
            assert state["balance"] == state["entries"] == state["lots"], state
            assert state["pending_drift"] == 0 and state["misallocated"] == 0, state
            assert member.points_balance >= 0
            assert member.pending_points >= 0 and member.points_debt >= 0

        @invariant()
        def orders_never_give_back_more_than_they_took(self) -> None:
            if not getattr(self, "orders", None):
                return
            for order in run(self._orders()):
                assert 0 <= order.refunded_amount <= order.amount
                assert order.points_returned <= order.points_spent
                assert order.points_reversed <= order.points_earned
                if order.refunded_amount == order.amount:
                    assert order.status == "REFUNDED"
                    assert order.points_returned == order.points_spent
                    assert order.points_reversed == order.points_earned

        async def _orders(self) -> list[Order]:
            async with tenant_tx(self.ctx):
                return list(await Order.filter(member_id=self.member))

    return LedgerMachine


async def test_random_orders_refunds_spends_and_clock_moves_keep_the_ledger_whole(
    tenant: TenantFixture,
) -> None:
    setup = RequestContext.system(tenant.info, clock=FrozenClock(START))
    await update_earning(setup, return_window_days=7)
    await set_policy(setup, "DAYS_AFTER_EARNING", 30)
    machine = build_machine(tenant, asyncio.get_running_loop())
    await asyncio.to_thread(
        run_state_machine_as_test,
        machine,
        # Derandomized: CI runs the same 25 sequences every time, so a red run is reproducible
        # and the coverage check below is stable.
        settings=settings(
            derandomize=True,
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # The machine really exercised the ledger: every kind of entry was written.
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT DISTINCT kind FROM points_entries")
    assert {r["kind"] for r in rows} >= {"EARN", "SPEND", "EXPIRE", "REVERSE", "ADJUST"}
    assert uuid.UUID(str(tenant.info.id))
