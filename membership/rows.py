"""Rows of several models read by one statement.

A hot read that joins, say, a coupon with its template asks for each model's columns under a
prefix of its own (``columns``) and makes each model's row back from the one record
(``take``), exactly as tortoise makes a row it fetched, without a query per model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from asyncpg import Record
from tortoise.models import Model

__all__ = ["columns", "take"]

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
    return model._init_from_db(
        **{column: record[prefix + column] for column in model._meta.fields_db_projection.values()}
    )
