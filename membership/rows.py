"""Model rows made from what asyncpg read.

``made`` makes the row of a model from a record holding its columns: what tortoise's
``_init_from_db`` makes, in fewer steps, as the hot reads make one per request. A hot read that
joins, say, a coupon with its template asks for each model's columns under a prefix of its own
(``columns``) and makes each model's row back from the one record (``take``), without a query
per model.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from asyncpg import Record
from tortoise import fields
from tortoise.models import Model
from tortoise.timezone import get_default_timezone, get_use_tz

__all__ = ["columns", "made", "take"]

M = TypeVar("M", bound=Model)


def columns(model: type[Model], alias: str, prefix: str) -> str:
    """The select list of ``model``'s columns from the table aliased ``alias``, each named
    ``prefix`` + its column."""
    return ", ".join(
        f"{alias}.{column} AS {prefix}{column}"
        for column in model._meta.fields_db_projection.values()
    )


def take(model: type[M], record: Mapping[str, Any] | Record, prefix: str) -> M:
    """The row of ``model`` whose columns ``record`` holds under ``prefix``."""
    return made(
        model,
        {column: record[prefix + column] for column in model._meta.fields_db_projection.values()},
    )


# (column, attribute, what turns the driver's value into the model's; None: it is already)
_Plan = tuple[tuple[str, str, Callable[[Any], Any] | None], ...]
_plans: dict[type[Model], _Plan] = {}


def made(model: type[M], record: Mapping[str, Any] | Record) -> M:
    """The row of ``model`` whose every column ``record`` holds, as ``_init_from_db`` makes it
    (a record short of a column is made by ``_init_from_db`` itself)."""
    plan = _plans.get(model)
    if plan is None:
        plan = _plans[model] = _plan(model)
    row = model.__new__(model)
    set_ = object.__setattr__  # as _init_from_db: past Model.__setattr__'s bookkeeping
    try:
        for column, attribute, convert in plan:
            value = record[column]
            set_(row, attribute, value if convert is None or value is None else convert(value))
    except KeyError:
        return model._init_from_db(**record)
    meta = model._meta
    set_(row, "_partial", False)
    set_(row, "_saved_in_db", True)
    set_(row, "_custom_generated_pk", meta.db_pk_column not in meta.generated_db_fields)
    set_(row, "_await_when_save", {})
    return row


def _plan(model: type[Model]) -> _Plan:
    """Each field as ``_init_from_db`` converts it, with the conversions asyncpg's values make
    needless skipped: its ids are UUIDs already, its times aware."""
    meta = model._meta
    plan: list[tuple[str, str, Callable[[Any], Any] | None]] = []
    plan += [(column, attribute, None) for column, attribute, _ in meta.db_native_fields]
    plan += [(column, attribute, f.field_type) for column, attribute, f in meta.db_default_fields]
    for column, attribute, field in meta.db_complex_fields:
        plan.append((column, attribute, _converter(field)))
    return tuple(plan)


def _converter(field: fields.Field[Any]) -> Callable[[Any], Any]:
    slow = field.to_python_value
    if isinstance(field, fields.UUIDField):
        return lambda value: value if isinstance(value, uuid.UUID) else slow(value)
    if isinstance(field, fields.DatetimeField) and get_use_tz():
        zone: tzinfo = get_default_timezone()
        return lambda value: (
            value.astimezone(zone)
            if isinstance(value, datetime) and value.tzinfo is not None
            else slow(value)
        )
    return slow
