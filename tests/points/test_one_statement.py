"""An order's one statement: its text is made once per shape, and every shape's text numbers
exactly the values the order sends, in their places."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from tortoise.fields import DatetimeField

from membership.members.models import Member
from membership.orders import service as orders
from membership.points.ledger import _one_statement
from membership.programme.settings import update_earning
from tenants.context import RequestContext
from tests.conftest import TenantFixture
from tests.orders.test_tier_upgrade import tiers
from tests.points.test_ledger_invariants import assert_invariant, ledger_state, new_member

PARAMETER = re.compile(r"\$(\d+)")

Sent = list[tuple[str, list[Any]]]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Every one-statement order's text and values, as handed to the driver."""
    seen: Sent = []
    real = _one_statement.fetch

    async def fetch(conn: Any, sql: str, values: Sequence[Any]) -> Any:
        seen.append((sql, list(values)))
        return await real(conn, sql, values)

    monkeypatch.setattr(_one_statement, "fetch", fetch)
    _one_statement._texts.clear()
    return seen


async def buy(
    ctx: RequestContext, member: uuid.UUID, amount: int, spend: int = 0
) -> orders.OrderResult:
    return await orders.record_order(
        ctx,
        orders.OrderRequest(
            external_id=f"S-{uuid.uuid4().hex[:10]}",
            member_id=member,
            amount=amount,
            points_to_spend=spend,
        ),
    )


async def test_every_shape_numbers_exactly_the_values_it_sends(
    tenant: TenantFixture, sent: Sent
) -> None:
    member = await new_member(tenant)
    await buy(tenant.ctx, member, 20_000)  # earns, no tiers: no reads
    await buy(tenant.ctx, member, 10_000, spend=50)  # spends and earns
    await tiers(tenant)
    await buy(tenant.ctx, member, 10_000)  # earns, with the tiers' reads
    await buy(tenant.ctx, member, 10_000, spend=50)  # spends, earns and reads
    await update_earning(tenant.ctx, return_window_days=7)
    await buy(tenant.ctx, member, 10_000)  # a pending lot, with reads
    await buy(tenant.ctx, member, 10_000, spend=50)  # spends, and a pending lot

    assert len(sent) == 6
    assert len({sql for sql, _ in sent}) == 6, "each order above has a shape of its own"
    for sql, values in sent:
        used = {int(n) for n in PARAMETER.findall(sql)}
        assert used == set(range(1, len(values) + 1)), sql
    # the pending lots are not in the balance yet
    state = await ledger_state(tenant, member)
    assert_invariant(state, state["balance"])


async def test_a_shape_seen_again_reuses_its_text(tenant: TenantFixture, sent: Sent) -> None:
    first, second = await new_member(tenant), await new_member(tenant)
    earned = (await buy(tenant.ctx, first, 10_000)).order.points_earned
    await buy(tenant.ctx, second, 30_000)
    again = (await buy(tenant.ctx, first, 10_000, spend=20)).order.points_earned

    (a, a_values), (b, b_values), (c, _) = sent
    assert a is b and a != c
    assert len(_one_statement._texts) == 2
    # the same text, each order's own values
    assert a_values[1] == first and b_values[1] == second
    for member, points in ((first, earned - 20 + again), (second, 300)):
        assert_invariant(await ledger_state(tenant, member), points)


def test_ids_and_aware_times_go_to_the_driver_as_they_are() -> None:
    fields = Member._meta.fields_map
    row = Member(id=uuid.uuid4(), tenant_id=uuid.uuid4())
    id_value = _one_statement._to_db(fields["id"])
    some = uuid.uuid4()
    assert id_value(some, row) is some
    assert id_value(str(some), row) == str(some) == fields["id"].to_db_value(str(some), row)
    assert id_value(None, row) is None

    time_value = _one_statement._to_db(fields["last_order_at"])
    aware = datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=8)))
    assert time_value(aware, row) is aware
    assert time_value(None, row) is None
    # a naive time still goes through tortoise, which makes it aware (and warns)
    with pytest.warns(RuntimeWarning):
        naive = time_value(datetime(2026, 3, 1, 8, 30), row)
    assert naive.tzinfo is not None


def test_fields_tortoise_fills_or_checks_keep_their_own_conversion() -> None:
    for field in (
        DatetimeField(auto_now=True),
        DatetimeField(auto_now_add=True),
        DatetimeField(validators=[lambda value: None]),
        Member._meta.fields_map["name"],  # text: tortoise checks its length
        Member._meta.fields_map["points_balance"],
    ):
        assert _one_statement._to_db(field) == field.to_db_value
