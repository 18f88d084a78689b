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
like any other: its columns and values are read from the model, as tortoise's own INSERT does
(its ids and aware times go to the driver as they are, which is what tortoise's conversion of
them amounts to).

The statement's text depends only on the order's shape (whether it spends, how it earns, the
member's columns set, the number of events, the reads), so it is made once per shape; each order
gathers only its values, in the order the text numbers them.

A caller may ask for scalar reads to ride on the statement's round trip (``reads``: SQL with its
own ``$1``…``$n``, each used, and their values). They see the database as the statement found
it, before its own writes, so a read that should count the order says so itself.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields.base import DatabaseDefault, Field
from tortoise.fields.data import DatetimeField, UUIDField
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


# What tells one statement's text from another's: the row's model and the fields it leaves to
# the database's defaults, whether it spends, how it earns, the member's columns set, the
# number of events, and the reads' SQL. The values change with every order; the text only
# with the shape, so it is made once per shape.
_Shape = tuple[
    type[Model], tuple[int, ...], bool, int, tuple[str, ...], int, tuple[tuple[str, int], ...]
]
_NO_EARN, _PENDING, _EARN = 0, 1, 2
_texts: dict[_Shape, str] = {}
_TEXTS_KEPT = 1_000

_ENTRY = (
    "INSERT INTO points_entries (tenant_id, id, member_id, kind, points, balance_after, reason, "
    "order_id, corrects_id, available_at, expires_at, actor_type, actor_id, created_at) "
)
_LOT = (
    "INSERT INTO points_lots (tenant_id, id, member_id, entry_id, order_id, pending, amount, "
    "remaining, available_at, expires_at, created_at) "
)


def _insert_plan(model: type[Model]) -> tuple[str, tuple[tuple[str, str, _ToDb], ...]]:
    """A model's table and (field, column, the field's value for the database) in tortoise's
    order."""
    plan = _insert_plans.get(model)
    if plan is None:
        meta = model._meta
        plan = _insert_plans[model] = (
            meta.db_table,
            tuple(
                (name, column, _to_db(meta.fields_map[name]))
                for name, column in meta.fields_db_projection.items()
            ),
        )
    return plan


_ToDb = Callable[[Any, Model], Any]
_insert_plans: dict[type, tuple[str, tuple[tuple[str, str, _ToDb], ...]]] = {}


def _to_db(field: Field[Any]) -> _ToDb:
    """The field's ``to_db_value``, except that ids and aware times the driver sends as they are
    skip it: for them it only makes text of an id, or checks a time it leaves unchanged."""
    to_db_value = field.to_db_value
    if type(field) is UUIDField:

        def id_value(value: Any, row: Model) -> Any:
            return value if isinstance(value, uuid.UUID) else to_db_value(value, row)

        return id_value
    if (
        type(field) is DatetimeField
        and not (field.auto_now or field.auto_now_add)
        and not field.validators
    ):

        def time_value(value: Any, row: Model) -> Any:
            if isinstance(value, datetime) and value.tzinfo is not None:
                return value
            return to_db_value(value, row)

        return time_value
    return to_db_value


def _row_values(row: Model, values: list[Any]) -> tuple[int, ...]:
    """Add the row's values to ``values`` as tortoise's own INSERT sends them (ids and aware
    times as they are, see ``_to_db``); the positions of the fields left to the database's
    defaults (not sent)."""
    skipped: tuple[int, ...] = ()
    for index, (name, _, to_db_value) in enumerate(_insert_plan(type(row))[1]):
        value = getattr(row, name)
        if isinstance(value, DatabaseDefault):
            skipped += (index,)
        else:
            values.append(to_db_value(value, row))
    return skipped


class _Numbers:
    """The statement's parameters after the first three, numbered in the order they are added."""

    def __init__(self) -> None:
        self.count = 3

    def __call__(self, cast: str = "") -> str:
        self.count += 1
        return f"${self.count}{cast}"


def _renumbered(sql: str, offset: int) -> str:
    return _PARAMETER.sub(lambda m: f"${offset + int(m[1])}", sql)


def _text(shape: _Shape) -> str:
    """The statement of ``shape``: its parameters in the order ``write_order_statement`` adds
    their values."""
    model, skipped, spends, earning, assigned, events, reads = shape
    p = _Numbers()
    tenant, member, now = "$1::uuid", "$2::uuid", "$3::timestamptz"
    table, fields = _insert_plan(model)
    columns = [column for i, (_, column, _) in enumerate(fields) if i not in skipped]
    row_values = ", ".join(p() for _ in columns)
    parts = [f"source AS (INSERT INTO {table} ({', '.join(columns)}) VALUES ({row_values}))"]
    if spends:
        entry, wanted = p("::uuid"), p("::bigint")
        parts += [
            f"spend AS ({_ENTRY}VALUES ({tenant}, {entry}, {member}, {p()}, {p()}, {p()}, "
            f"{p()}, {p()}, {p()}, NULL, NULL, {p()}, {p()}, {now}))",
            "open AS (SELECT id, remaining, sum(remaining) OVER "
            "(ORDER BY expires_at, created_at, id) AS upto FROM points_lots "
            f"WHERE member_id = {member} AND remaining > 0 AND NOT pending "
            f"AND (expires_at IS NULL OR expires_at > {now}))",
            f"take AS (SELECT id, least(remaining, {wanted} - (upto - remaining)) AS points "
            f"FROM open WHERE upto - remaining < {wanted})",
            "consumed AS (UPDATE points_lots l SET remaining = l.remaining - t.points FROM take t "
            f"WHERE l.tenant_id = {tenant} AND l.id = t.id AND l.remaining >= t.points "
            "RETURNING l.id, t.points)",
            "allocated AS (INSERT INTO points_allocations (tenant_id, entry_id, lot_id, points) "
            f"SELECT {tenant}, {entry}, id, points FROM consumed)",
        ]
    if earning == _PENDING:
        parts.append(
            f"lot AS ({_LOT}VALUES ({tenant}, {p()}, {member}, NULL, {p()}, true, {p()}, {p()}, "
            f"{p()}, NULL, {now}))"
        )
    elif earning == _EARN:
        entry = p("::uuid")
        parts += [
            f"entry AS ({_ENTRY}VALUES ({tenant}, {entry}, {member}, {p()}, {p()}, {p()}, {p()}, "
            f"{p()}, {p()}, {now}, {p()}, {p()}, {p()}, {now}))",
            f"lot AS ({_LOT}VALUES ({tenant}, {p()}, {member}, {entry}, {p()}, false, {p()}, "
            f"{p()}, {now}, {p()}, {now}))",
        ]
    projection = Member._meta.fields_db_projection
    assignments = ", ".join(f"{projection[name]} = {p()}" for name in assigned)
    parts.append(f"member AS (UPDATE members SET {assignments} WHERE id = {member})")
    if events:
        rows = ", ".join(
            f"({tenant}, {p('::uuid')}, {p('::text')}, {p('::smallint')}, {p('::uuid')}, "
            f"{p('::jsonb')}, {now})"
            for _ in range(events)
        )
        parts.append(
            "events AS (INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, "
            f"created_at) VALUES {rows})"
        )
    columns = ["coalesce(sum(points), 0)::bigint AS taken" if spends else "0 AS taken"]
    for index, (sql, count) in enumerate(reads):
        # a read's own $1…$n become the statement's next n parameters (reads hold no ``$`` in
        # literals, and use each of their values)
        columns.append(f"({_renumbered(sql, p.count)}) AS read{index}")
        p.count += count
    final = f"SELECT {', '.join(columns)}" + (" FROM consumed" if spends else "")
    return f"WITH {', '.join(parts)} {final}"


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
    member_id = member.id
    # $1 the tenant, $2 the member, $3 now; then each part's values in the order ``_text``
    # numbers them
    values: list[Any] = [ctx.tenant.id, member_id, now]
    model = type(row)
    skipped = _row_values(row, values)
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
                    member_id=member_id,
                    entry_id=spend_id,
                    kind=spend.kind,
                    points=spend.points,
                    balance=member.points_balance,
                    reason=spend.reason,
                )
            )
        )
        values += (
            spend_id,
            spent,
            spend.kind,
            spend.points,
            member.points_balance,
            spend.reason,
            spend.order_id,
            spend.corrects_id,
            ctx.actor.kind,
            actor_id(ctx, spend),
        )
    earning = _NO_EARN
    if earn is not None and earn.available_at is not None:
        # Inside the return window: a pending lot, no entry until it matures.
        earning = _PENDING
        member.pending_points += earn.points
        values += (new_id(), earn.order_id, earn.points, earn.points, earn.available_at)
    elif earn is not None:
        earning = _EARN
        expiry = expires_at(earn.expiry or await get_policy(ctx), now, ctx.tenant.timezone)
        member.points_balance += earn.points
        entry_id = new_id()
        outbox.append(
            outbox_row(
                PointsChanged(
                    member_id=member_id,
                    entry_id=entry_id,
                    kind=earn.kind,
                    points=earn.points,
                    balance=member.points_balance,
                    reason=earn.reason,
                )
            )
        )
        values += (
            entry_id,
            earn.kind,
            earn.points,
            member.points_balance,
            earn.reason,
            earn.order_id,
            earn.corrects_id,
            expiry,
            ctx.actor.kind,
            actor_id(ctx, earn),
            new_id(),
            earn.order_id,
            earn.points,
            earn.points,
            expiry,
        )
    member.updated_at = now
    assigned = tuple(
        dict.fromkeys(("points_balance", "pending_points", *member_fields, "updated_at"))
    )
    fields_map = member._meta.fields_map
    values += [fields_map[name].to_db_value(getattr(member, name), member) for name in assigned]
    outbox += [outbox_row(event) for event in events]
    for r in outbox:
        values += (r.id, r.type, r.version, r.member_id, r.payload)
    for _, read_values in reads:
        values += read_values
    shape = (
        model,
        skipped,
        spend is not None,
        earning,
        assigned,
        len(outbox),
        tuple((sql, len(read_values)) for sql, read_values in reads),
    )
    sql = _texts.get(shape)
    if sql is None:
        sql = _text(shape)
        if len(_texts) >= _TEXTS_KEPT:
            _texts.clear()
        _texts[shape] = sql
    found = await fetch(conn, sql, values)
    if spend is not None and found[0][0] != spent:
        # The cached balance said yes but the lots say no: the ledger is inconsistent. Refuse
        # (raising rolls the whole order back).
        raise RuntimeError(f"points ledger of member {member_id} is short by {spent - found[0][0]}")
    row._saved_in_db = True
    return [found[0][index] for index in range(1, len(reads) + 1)]
