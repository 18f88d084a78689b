"""An order's points written in one statement of data-modifying CTEs.

The order's row; its SPEND entry with the lots it consumes (earliest expiry first) and their
allocations; its EARN entry and lot (or its pending lot); the member's new totals; and the
events (``points.changed`` per entry, then the order's own) cost the database one round trip
instead of one per row. It writes exactly the rows ``post`` and the pending hold would, and
events through ``outbox_row`` as ``emit`` does; the ledger tests check both paths against the
same invariant. Foreign keys are checked at the end of the statement, when every row exists.

Every sub-statement sees the lots as they were before the statement, so the spend takes only
lots that existed before the order (its own earn comes after it, as in ``post``). The member's
row is locked by the caller, and every writer of a member's lots holds that lock, so the lots
read are the lots updated; the update still checks each lot had what was taken, and a shortfall
fails the whole statement.

Orders build on the ledger, not the other way round, so the order comes in as a tortoise row
like any other: its columns and values are read from the model, as tortoise's own INSERT does.

A caller may ask for scalar reads to ride on the statement's round trip (``reads``: SQL with its
own ``$1``…``$n`` and their values). They see the database as the statement found it, before
its own writes, so a read that should count the order says so itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields.base import DatabaseDefault
from tortoise.models import Model

from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import DomainEvent, OutboxRow, outbox_row
from membership.points.events import PointsChanged
from membership.points.ledger._posting import Posting, actor_id
from membership.programme.expiry import expires_at, get_policy
from tenants.context import RequestContext
from tenants.tx import fetch

__all__ = ["Read", "write_order_statement"]

# A scalar SQL expression with its own numbered parameters, and their values.
Read = tuple[str, Sequence[Any]]
_PARAMETER = re.compile(r"\$(\d+)")


class _Params:
    """Numbered parameters of the statement being built."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any, cast: str = "") -> str:
        self.values.append(value)
        return f"${len(self.values)}{cast}"


def _insert(row: Model, p: _Params) -> str:
    """The INSERT of ``row`` (a model instance not saved yet), its values as tortoise sends them."""
    table, fields = _insert_plan(type(row))
    columns: list[str] = []
    values: list[str] = []
    for name, column, to_db_value in fields:
        value = getattr(row, name)
        if isinstance(value, DatabaseDefault):
            continue
        columns.append(column)
        values.append(p(to_db_value(value, row)))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})"


_InsertPlan = tuple[str, tuple[tuple[str, str, Any], ...]]
_insert_plans: dict[type, _InsertPlan] = {}


def _insert_plan(model: type[Model]) -> _InsertPlan:
    """A model's table and (field, column, the field's to_db_value) in tortoise's order."""
    plan = _insert_plans.get(model)
    if plan is None:
        meta = model._meta
        plan = _insert_plans[model] = (
            meta.db_table,
            tuple(
                (name, column, meta.fields_map[name].to_db_value)
                for name, column in meta.fields_db_projection.items()
            ),
        )
    return plan


def _bound(sql: str, values: Sequence[Any], p: _Params) -> str:
    """A read's SQL with its own ``$1``…``$n`` made parameters of the statement (the reads hold
    no ``$`` inside literals)."""
    return _PARAMETER.sub(lambda m: p(values[int(m[1]) - 1]), sql)


async def write_order_statement(
    ctx: RequestContext,
    conn: BaseDBAsyncClient,
    member: Member,
    row: Model,
    spend: Posting | None,
    earn: Posting | None,
    events: Sequence[DomainEvent],
    member_fields: Sequence[str],
    reads: Sequence[Read] = (),
) -> list[Any]:
    """Write ``row``, its ``spend`` and its ``earn`` for a locked ``member`` whose other totals
    are counted; the values of ``reads``, in their order.

    The balance must cover the spend. Raises IntegrityError if the row's unique key exists (an
    order number recorded already).
    """
    now = ctx.clock.now()
    p = _Params()
    tenant = p(ctx.tenant.id, "::uuid")
    parts = [f"source AS ({_insert(row, p)})"]
    outbox: list[OutboxRow] = []
    spent = 0
    if spend is not None:
        spent = -spend.points
        if member.points_balance < spent:
            raise ValueError("the spend is more than the balance: write it with post")
        member.points_balance -= spent
        spend_id = new_id()
        outbox.append(
            outbox_row(
                PointsChanged(
                    member_id=member.id,
                    entry_id=spend_id,
                    kind=spend.kind,
                    points=spend.points,
                    balance=member.points_balance,
                    reason=spend.reason,
                )
            )
        )
        spend_entry = p(spend_id, "::uuid")
        wanted = p(spent, "::bigint")
        parts += [
            "spend AS (INSERT INTO points_entries (tenant_id, id, member_id, kind, points, "
            "balance_after, reason, order_id, corrects_id, available_at, expires_at, actor_type, "
            f"actor_id, created_at) VALUES ({tenant}, {spend_entry}, {p(member.id)}, "
            f"{p(spend.kind)}, {p(spend.points)}, {p(member.points_balance)}, "
            f"{p(spend.reason)}, {p(spend.order_id)}, {p(spend.corrects_id)}, NULL, NULL, "
            f"{p(ctx.actor.kind)}, {p(actor_id(ctx, spend))}, {p(now)}))",
            "open AS (SELECT id, remaining, sum(remaining) OVER "
            "(ORDER BY expires_at, created_at, id) AS upto FROM points_lots "
            f"WHERE member_id = {p(member.id)} AND remaining > 0 AND NOT pending "
            f"AND (expires_at IS NULL OR expires_at > {p(now, '::timestamptz')}))",
            f"take AS (SELECT id, least(remaining, {wanted} - (upto - remaining)) AS points "
            f"FROM open WHERE upto - remaining < {wanted})",
            "consumed AS (UPDATE points_lots l SET remaining = l.remaining - t.points FROM take t "
            f"WHERE l.tenant_id = {tenant} AND l.id = t.id AND l.remaining >= t.points "
            "RETURNING l.id, t.points)",
            "allocated AS (INSERT INTO points_allocations (tenant_id, entry_id, lot_id, points) "
            f"SELECT {tenant}, {spend_entry}, id, points FROM consumed)",
        ]
    if earn is not None and earn.available_at is not None:
        # Inside the return window: a pending lot, no entry until it matures.
        member.pending_points += earn.points
        parts.append(
            "lot AS (INSERT INTO points_lots (tenant_id, id, member_id, entry_id, order_id, "
            "pending, amount, remaining, available_at, expires_at, created_at) VALUES "
            f"({tenant}, {p(new_id())}, {p(member.id)}, NULL, {p(earn.order_id)}, true, "
            f"{p(earn.points)}, {p(earn.points)}, {p(earn.available_at)}, NULL, {p(now)}))"
        )
    elif earn is not None:
        expiry = expires_at(earn.expiry or await get_policy(ctx), now, ctx.tenant.timezone)
        member.points_balance += earn.points
        entry_id = new_id()
        outbox.append(
            outbox_row(
                PointsChanged(
                    member_id=member.id,
                    entry_id=entry_id,
                    kind=earn.kind,
                    points=earn.points,
                    balance=member.points_balance,
                    reason=earn.reason,
                )
            )
        )
        entry = p(entry_id, "::uuid")
        parts.append(
            "entry AS (INSERT INTO points_entries (tenant_id, id, member_id, kind, points, "
            "balance_after, reason, order_id, corrects_id, available_at, expires_at, actor_type, "
            f"actor_id, created_at) VALUES ({tenant}, {entry}, {p(member.id)}, {p(earn.kind)}, "
            f"{p(earn.points)}, {p(member.points_balance)}, {p(earn.reason)}, "
            f"{p(earn.order_id)}, {p(earn.corrects_id)}, {p(now)}, {p(expiry)}, "
            f"{p(ctx.actor.kind)}, {p(actor_id(ctx, earn))}, {p(now)}))"
        )
        parts.append(
            "lot AS (INSERT INTO points_lots (tenant_id, id, member_id, entry_id, order_id, "
            "pending, amount, remaining, available_at, expires_at, created_at) VALUES "
            f"({tenant}, {p(new_id())}, {p(member.id)}, {entry}, {p(earn.order_id)}, false, "
            f"{p(earn.points)}, {p(earn.points)}, {p(now)}, {p(expiry)}, {p(now)}))"
        )
    member.updated_at = now
    meta = member._meta
    assignments = [
        f"{meta.fields_db_projection[name]} = "
        f"{p(meta.fields_map[name].to_db_value(getattr(member, name), member))}"
        for name in dict.fromkeys(
            ("points_balance", "pending_points", *member_fields, "updated_at")
        )
    ]
    parts.append(
        f"member AS (UPDATE members SET {', '.join(assignments)} WHERE id = {p(member.id)})"
    )
    outbox += [outbox_row(event) for event in events]
    rows = ", ".join(
        f"({tenant}, {p(r.id, '::uuid')}, {p(r.type, '::text')}, {p(r.version, '::smallint')}, "
        f"{p(r.member_id, '::uuid')}, {p(r.payload, '::jsonb')}, {p(now, '::timestamptz')})"
        for r in outbox
    )
    if outbox:
        parts.append(
            "events AS (INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, "
            f"created_at) VALUES {rows})"
        )
    columns = ["coalesce(sum(points), 0)::bigint AS taken" if spend else "0 AS taken"]
    for index, (sql, values) in enumerate(reads):
        columns.append(f"({_bound(sql, values, p)}) AS read{index}")
    final = f"SELECT {', '.join(columns)}" + (" FROM consumed" if spend else "")
    found = await fetch(conn, f"WITH {', '.join(parts)} {final}", p.values)
    if spend is not None and found[0]["taken"] != spent:
        # The cached balance said yes but the lots say no: the ledger is inconsistent. Refuse
        # (raising rolls the whole order back).
        raise RuntimeError(
            f"points ledger of member {member.id} is short by {spent - found[0]['taken']}"
        )
    row._saved_in_db = True
    return [found[0][f"read{index}"] for index in range(len(reads))]
