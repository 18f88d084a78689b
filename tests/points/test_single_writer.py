"""The ledger has one writer: nothing else writes points rows or a member's cached points, the
order that only earns costs one statement, and ``grant`` works inside a caller's transaction."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from membership.clock import FrozenClock
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.members.models import Member
from membership.orders import service as orders
from membership.outbox import OutboxEvent
from membership.points.ledger import grant
from membership.points.models import PointsEntry, PointsLot
from membership.programme.expiry import set_policy
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.conftest import TenantFixture, count_queries
from tests.points.test_ledger_invariants import assert_invariant, ledger_state, new_member

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("membership", "plugins", "resolvers", "workers", "schema", "tenants")
WRITER = ROOT / "membership" / "points" / "ledger"
MIGRATIONS = ROOT / "membership" / "migrations"

WRITE = re.compile(r"\b(INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b")
CACHED_TOTALS = {"points_balance", "pending_points", "points_debt"}
LEDGER_MODELS = {"PointsEntry", "PointsLot"}
WRITE_METHODS = {
    "bulk_create",
    "bulk_update",
    "create",
    "delete",
    "get_or_create",
    "save",
    "update",
    "update_or_create",
}
SQL_WRITES = [
    re.compile(
        r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?points_(entries|lots|allocations)\b", re.I
    ),
    re.compile(
        r"\bUPDATE\s+\"?members\"?\s+SET\b[^;]*\b(points_balance|pending_points|points_debt)\b",
        re.I | re.S,
    ),
]


def _root_name(node: ast.expr) -> str | None:
    """The name a chain such as ``PointsLot.filter(...).update`` starts from."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return node.id if isinstance(node, ast.Name) else None


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def ledger_writes(source: str) -> Iterator[tuple[int, str]]:
    """Where ``source`` writes points rows or a member's cached points: (line, what).

    SQL that inserts, updates or deletes ledger rows or a member's cached points; assignments to
    those totals; ORM writes on a chain that starts at a ledger model. A lot fetched elsewhere and
    saved through a variable is beyond a syntax scan: fetching one to write is the ledger's too.
    """
    for node in ast.walk(ast.parse(source)):
        text = _text(node)
        if text is not None and any(p.search(text) for p in SQL_WRITES):
            yield getattr(node, "lineno", 0), "writes the ledger in SQL"
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in CACHED_TOTALS:
                yield node.lineno, f"assigns {target.attr}"
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in LEDGER_MODELS:
            yield node.lineno, f"makes a {func.id}"
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) > 1:
            name = _text(node.args[1])
            if name in CACHED_TOTALS:
                yield node.lineno, f"sets {name}"
        if isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS:
            if _root_name(func) in LEDGER_MODELS:
                yield node.lineno, f"{func.attr} on {_root_name(func)}"
            for keyword in node.keywords:
                if keyword.arg in CACHED_TOTALS:
                    yield node.lineno, f"{func.attr} with {keyword.arg}"


def test_the_scan_finds_every_kind_of_ledger_write() -> None:
    source = """
async def sneaky(conn, member, lot):
    member.points_balance = 5
    member.pending_points += 1
    setattr(member, "points_debt", 0)
    await PointsEntry.create(points=1)
    await PointsLot.filter(member_id=1).update(remaining=0)
    await Member.filter(id=1).update(points_balance=0)
    PointsLot(amount=1)
    await conn.execute_query("INSERT INTO points_allocations (points) VALUES ($1)", [1])
    await conn.execute_query(f"UPDATE members SET points_debt = {0} WHERE id = $1", [1])
    await conn.execute_query("DELETE FROM points_lots WHERE id = $1", [1])
    await conn.execute_query("SELECT sum(points) FROM points_entries")  # a read
    print(member.points_balance)  # a read
"""
    found = list(ledger_writes(source))
    assert sorted({line for line, _ in found}) == list(range(3, 13)), found


def test_only_the_ledger_writes_points_rows_or_a_members_cached_points() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for package in SCANNED
        for path in sorted((ROOT / package).rglob("*.py"))
        if not path.is_relative_to(WRITER) and not path.is_relative_to(MIGRATIONS)
        for line, what in ledger_writes(path.read_text())
    ]
    assert offenders == [], "write points through membership.points.ledger:\n" + "\n".join(
        offenders
    )


async def test_an_order_that_only_earns_is_written_in_one_statement(
    tenant: TenantFixture,
) -> None:
    member = await new_member(tenant)
    request = orders.OrderRequest(external_id=f"one-{member}", member_id=member, amount=12_345)
    with count_queries() as counter:
        result = await orders.record_order(tenant.ctx, request)
    writes = [q for q in counter.queries if WRITE.search(q)]
    assert len(writes) == 1, writes
    assert result.order.points_earned == 123
    assert_invariant(await ledger_state(tenant, member), 123)


async def test_an_order_that_spends_and_earns_is_written_in_one_statement(
    tenant: TenantFixture,
) -> None:
    member = await new_member(tenant)
    # three lots expiring at different times: the spend takes the earliest first
    async with tenant_tx(tenant.ctx) as conn:
        row = await Member.filter(id=member).select_for_update().get()
        for points, days in ((30, 60), (50, 10), (40, None)):
            await grant(tenant.ctx, conn, row, points, "seed", source="test")
            await conn.execute_query(
                "UPDATE points_lots SET expires_at = $1 WHERE member_id = $2 AND amount = $3",
                [
                    None if days is None else datetime.now(UTC) + timedelta(days=days),
                    member,
                    points,
                ],
            )
    request = orders.OrderRequest(
        external_id=f"spend-{member}", member_id=member, amount=10_000, points_to_spend=70
    )
    with count_queries() as counter:
        result = await orders.record_order(tenant.ctx, request)
    writes = [q for q in counter.queries if WRITE.search(q)]
    assert len(writes) == 1, writes
    assert result.order.points_spent == 70 and result.order.points_earned > 0
    assert_invariant(await ledger_state(tenant, member), 120 - 70 + result.order.points_earned)
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT l.amount, l.remaining, a.points AS taken FROM points_lots l"
            " LEFT JOIN points_allocations a ON a.lot_id = l.id"
            " WHERE l.member_id = $1 AND l.order_id IS NULL ORDER BY l.expires_at",
            [member],
        )
    assert [(r["amount"], r["remaining"], r["taken"]) for r in rows] == [
        (50, 0, 50),
        (30, 10, 20),
        (40, 40, None),
    ]
    async with tenant_tx(tenant.ctx):
        events = await OutboxEvent.filter(member_id=member, type="points.changed")
    changes = sorted(e.payload["points"] for e in events)
    assert changes == sorted([30, 50, 40, -70, result.order.points_earned])


def _clocked(tenant: TenantFixture) -> RequestContext:
    return RequestContext.system(tenant.info, clock=FrozenClock(datetime(2026, 3, 1, tzinfo=UTC)))


async def test_grant_opens_a_lot_under_the_policy_with_its_source_as_actor(
    tenant: TenantFixture,
) -> None:
    ctx = _clocked(tenant)
    await set_policy(ctx, "DAYS_AFTER_EARNING", 30)
    member_id = await new_member(tenant)
    async with tenant_tx(ctx) as conn:
        member = await Member.filter(id=member_id).select_for_update().get()
        entry = await grant(ctx, conn, member, 100, "birthday bonus", source="journey:j-1")
    assert (entry.kind, entry.points, entry.actor_id) == ("ADJUST", 100, "journey:j-1")
    async with tenant_tx(ctx):
        lot = await PointsLot.get(entry_id=entry.id)
        event = await OutboxEvent.get(type="points.changed", member_id=member_id)
    assert lot.expires_at == ctx.clock.now() + timedelta(days=30)
    assert event.payload["entryId"] == str(entry.id)
    assert_invariant(await ledger_state(tenant, member_id), 100)


async def test_a_negative_grant_takes_points_and_refuses_more_than_the_balance(
    tenant: TenantFixture,
) -> None:
    ctx = _clocked(tenant)
    member_id = await new_member(tenant)
    async with tenant_tx(ctx) as conn:
        member = await Member.filter(id=member_id).select_for_update().get()
        await grant(ctx, conn, member, 50, "welcome", source="journey:j-2")
        with pytest.raises(DomainError) as short:
            await grant(ctx, conn, member, -80, "correction", source="journey:j-2")
        taken = await grant(ctx, conn, member, -30, "correction", source="journey:j-2")
    assert short.value.code == ErrorCode.INSUFFICIENT_POINTS
    assert (taken.points, taken.balance_after) == (-30, 20)
    assert_invariant(await ledger_state(tenant, member_id), 20)


async def test_grant_refuses_zero_points_and_a_blank_source(tenant: TenantFixture) -> None:
    member_id = await new_member(tenant)
    async with tenant_tx(tenant.ctx) as conn:
        member = await Member.filter(id=member_id).select_for_update().get()
        with pytest.raises(DomainErrors) as refused:
            await grant(tenant.ctx, conn, member, 0, "nothing", source=" ")
        assert not await PointsEntry.exists(member_id=member_id)
    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.INVALID, ["points"]),
        (ErrorCode.INVALID, ["source"]),
    ]
