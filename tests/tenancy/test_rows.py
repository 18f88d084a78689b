"""A row made from what the driver read is the row tortoise makes from it."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from tortoise.models import Model

from membership.coupons.models import Coupon
from membership.members import service as members
from membership.members.models import Member
from membership.orders.models import Order
from membership.rows import made
from tenants.tx import tenant_tx
from tests.conftest import TenantFixture


def _fields(row: Model) -> dict[str, Any]:
    return {name: getattr(row, name) for name in row._meta.fields_db_projection}


def _same(record: Any, model: type[Model]) -> None:
    fast, slow = made(model, record), model._init_from_db(**record)
    assert type(fast) is type(slow)
    assert _fields(fast) == _fields(slow)
    for name, value in _fields(slow).items():  # the same types and the same zones, not just equal
        assert type(_fields(fast)[name]) is type(value), name
        if isinstance(value, datetime):
            assert _fields(fast)[name].tzinfo == value.tzinfo, name
    for flag in ("_partial", "_saved_in_db", "_custom_generated_pk", "_await_when_save"):
        assert getattr(fast, flag) == getattr(slow, flag), flag


async def test_a_member_read_by_the_driver(tenant: TenantFixture) -> None:
    member = await members.create_member(
        tenant.ctx,
        members.MemberChanges(phone="13700001234", name="王小明", birthday=date(1990, 5, 1)),
    )
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT * FROM members WHERE id = $1", [member.id])
        _same(rows[0], Member)
        edited = made(Member, rows[0])
        edited.name = "王大明"  # a made row saves like any other
        await edited.save(update_fields=["name"])
        _, again = await conn.execute_query("SELECT name FROM members WHERE id = $1", [member.id])
    assert again[0]["name"] == "王大明"


def test_values_the_driver_does_not_give_are_converted_as_tortoise_converts_them() -> None:
    shanghai = timezone(timedelta(hours=8))
    record = {
        "id": str(uuid.uuid4()),  # text, not a UUID
        "tenant_id": uuid.uuid4(),
        "external_id": "A-1",
        "member_id": uuid.uuid4(),
        "amount": 100,
        "discount_amount": 0,
        "points_spent": 0,
        "points_earned": 1,
        "refunded_amount": 0,
        "points_reversed": 0,
        "points_returned": 0,
        "status": "COMPLETED",
        "store_code": None,
        "items": "[]",
        "item_quantity": None,
        "earning": '{"points": 1}',
        "request_hash": "h",
        "paid_at": datetime(2026, 12, 1, 20, 0, tzinfo=shanghai),  # another zone
        "created_at": datetime(2026, 12, 1, 12, 0),  # naive
    }
    _same(record, Order)
    assert made(Order, record).paid_at.utcoffset() == timedelta(0)  # moved to UTC


def test_a_record_short_of_a_column_is_made_partial_as_tortoise_makes_it() -> None:
    record = {"id": uuid.uuid4(), "code": "X"}
    row = made(Coupon, record)
    assert row._partial is True and row.id == record["id"]
