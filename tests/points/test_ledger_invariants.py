"""The ledger under real races and random sequences, checked against its invariant in SQL."""

from __future__ import annotations

import asyncio
import itertools
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from membership.errors import DomainError, ErrorCode
from membership.members import service as members
from membership.points import service as points
from tenants.tx import tenant_tx
from tests.conftest import TenantFixture

_phones = itertools.count(1)


async def new_member(tenant: TenantFixture) -> uuid.UUID:
    phone = f"1350{next(_phones):07d}"
    member = await members.create_member(tenant.ctx, members.MemberChanges(phone=phone))
    return member.id


async def ledger_state(tenant: TenantFixture, member_id: uuid.UUID) -> dict[str, int]:
    """The four numbers that must agree, read straight from the tables."""
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            """
            SELECT m.points_balance AS balance,
              (SELECT coalesce(sum(points), 0) FROM points_entries WHERE member_id = m.id) AS entries,
              (SELECT coalesce(sum(remaining), 0) FROM points_lots
                 WHERE member_id = m.id AND NOT pending) AS lots,
              m.pending_points - (SELECT coalesce(sum(remaining), 0) FROM points_lots
                 WHERE member_id = m.id AND pending) AS pending_drift,
              (SELECT count(*) FROM points_lots l WHERE l.member_id = m.id AND l.amount - l.remaining
                 <> (SELECT coalesce(sum(points), 0) FROM points_allocations a
                     WHERE a.lot_id = l.id)) AS misallocated
            FROM members m WHERE m.id = $1
            """,
            [member_id],
        )
    return {k: int(v) for k, v in dict(rows[0]).items()}


def assert_invariant(state: dict[str, int], expected: int) -> None:
    assert state == {
        "balance": expected,
        "entries": expected,
        "lots": expected,
        "pending_drift": 0,
        "misallocated": 0,
    }, state


async def test_twenty_simultaneous_spends_of_one_balance_let_exactly_one_through(
    tenant: TenantFixture,
) -> None:
    member = await new_member(tenant)
    await points.adjust(
        tenant.ctx, member_id=member, points=100, reason="grant", idempotency_key=f"grant-{member}"
    )

    async def attempt(i: int) -> str:
        try:
            await points.spend(
                tenant.ctx,
                member_id=member,
                points=100,
                reason="race",
                idempotency_key=f"race-{member}-{i}",
            )
        except DomainError as exc:
            return exc.code.value
        return "OK"

    outcomes = await asyncio.gather(*(attempt(i) for i in range(20)))
    assert sorted(outcomes) == ["INSUFFICIENT_POINTS"] * 19 + ["OK"]
    assert_invariant(await ledger_state(tenant, member), 0)


async def test_twenty_concurrent_replays_of_one_key_write_once(tenant: TenantFixture) -> None:
    member = await new_member(tenant)
    key = f"replay-{member}"
    results = await asyncio.gather(
        *(
            points.adjust(
                tenant.ctx, member_id=member, points=30, reason="gift", idempotency_key=key
            )
            for _ in range(20)
        )
    )
    assert len({r.entry.id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert_invariant(await ledger_state(tenant, member), 30)


async def test_one_key_raced_for_two_members_is_used_once(tenant: TenantFixture) -> None:
    first, second = await new_member(tenant), await new_member(tenant)
    key = f"shared-{first}"

    async def attempt(member: uuid.UUID) -> str:
        try:
            await points.adjust(
                tenant.ctx, member_id=member, points=10, reason="gift", idempotency_key=key
            )
        except DomainError as exc:
            return exc.code.value
        return "OK"

    outcomes = await asyncio.gather(*(attempt(m) for m in [first, second] * 5))
    assert outcomes.count("OK") == 5
    assert outcomes.count(ErrorCode.IDEMPOTENCY_KEY_REUSED.value) == 5
    states = [await ledger_state(tenant, m) for m in (first, second)]
    assert sorted(s["balance"] for s in states) == [0, 10]


async def test_spends_take_the_oldest_lots_first(tenant: TenantFixture) -> None:
    member = await new_member(tenant)
    for i, amount in enumerate((100, 50)):
        await points.adjust(
            tenant.ctx,
            member_id=member,
            points=amount,
            reason="lot",
            idempotency_key=f"lot-{member}-{i}",
        )
    await points.spend(
        tenant.ctx, member_id=member, points=120, reason="redeem", idempotency_key=f"take-{member}"
    )
    from membership.points.models import PointsLot

    async with tenant_tx(tenant.ctx):
        lots = await PointsLot.filter(member_id=member).order_by("created_at")
    assert [(lot.amount, lot.remaining) for lot in lots] == [(100, 0), (50, 30)]


operations = st.lists(
    st.tuples(
        st.sampled_from(["grant", "deduct", "spend", "replay", "reuse"]),
        st.integers(min_value=1, max_value=400),
    ),
    min_size=1,
    max_size=20,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
async def test_random_sequences_keep_the_invariant(
    tenant: TenantFixture, ops: list[tuple[str, int]]
) -> None:
    member = await new_member(tenant)
    expected = 0
    last: tuple[str, int, str] | None = None  # (operation, points, key) of the last success
    for n, (operation, amount) in enumerate(ops):
        key = f"{member}-{n}"
        try:
            if operation == "grant":
                await points.adjust(
                    tenant.ctx, member_id=member, points=amount, reason="r", idempotency_key=key
                )
                expected += amount
                last = ("grant", amount, key)
            elif operation == "deduct":
                await points.adjust(
                    tenant.ctx, member_id=member, points=-amount, reason="r", idempotency_key=key
                )
                expected -= amount
                last = ("deduct", amount, key)
            elif operation == "spend":
                await points.spend(
                    tenant.ctx, member_id=member, points=amount, reason="r", idempotency_key=key
                )
                expected -= amount
                last = ("spend", amount, key)
            elif operation in ("replay", "reuse") and last is not None:
                kind, points_, old_key = last
                changed = points_ + (1 if operation == "reuse" else 0)
                if kind == "spend":
                    await points.spend(
                        tenant.ctx,
                        member_id=member,
                        points=changed,
                        reason="r",
                        idempotency_key=old_key,
                    )
                else:
                    await points.adjust(
                        tenant.ctx,
                        member_id=member,
                        points=changed if kind == "grant" else -changed,
                        reason="r",
                        idempotency_key=old_key,
                    )
                assert operation == "replay", "a changed replay must be refused"
        except DomainError as exc:
            if operation == "reuse":
                assert exc.code is ErrorCode.IDEMPOTENCY_KEY_REUSED
            else:
                assert exc.code is ErrorCode.INSUFFICIENT_POINTS
                assert amount > expected
        assert expected >= 0
        assert_invariant(await ledger_state(tenant, member), expected)


async def test_a_merge_moves_the_open_points_and_both_ledgers_stay_whole(
    tenant: TenantFixture,
) -> None:
    target, source = await new_member(tenant), await new_member(tenant)
    await points.adjust(
        tenant.ctx, member_id=target, points=100, reason="r", idempotency_key=f"m-{target}"
    )
    await points.adjust(
        tenant.ctx, member_id=source, points=80, reason="r", idempotency_key=f"m-{source}"
    )
    await points.spend(
        tenant.ctx, member_id=source, points=30, reason="r", idempotency_key=f"s-{source}"
    )
    merged = await members.merge_members(tenant.ctx, source_id=source, target_id=target)
    assert merged.points_balance == 150
    assert_invariant(await ledger_state(tenant, target), 150)
    assert_invariant(await ledger_state(tenant, source), 0)
    await points.spend(
        tenant.ctx, member_id=target, points=150, reason="all", idempotency_key=f"all-{target}"
    )
    assert_invariant(await ledger_state(tenant, target), 0)
