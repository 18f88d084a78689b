"""How the retail preset's configuration models describe themselves and report problems.

Each problem is reported at the field to change (``["config", "tiers", "2", "threshold_yuan"]``
once the platform prefixes it), with every other problem of the same configuration, so the
admin's form can mark them all at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

from pydantic import ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = [
    "MAX_MULTIPLIER",
    "MAX_YUAN",
    "Loc",
    "Problem",
    "fail",
    "model_settings",
    "three_decimals",
]

MAX_YUAN = 10_000_000  # ¥10 million: far above any coupon or tier line, far below the API's limit
MAX_MULTIPLIER = 100.0  # what tiers and earning rules accept

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str, dict[str, str | int | float]]


def model_settings(title: str, description: str) -> ConfigDict:
    """Frozen, strict about unknown keys, and titled and described in zh-CN for the form."""
    return ConfigDict(
        title=title,
        json_schema_extra={"description": description},
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )


def fail(problems: Sequence[Problem]) -> NoReturn:
    """Report ``problems`` (where, message, its values) each at its own field."""
    raise ValidationError.from_exception_data(
        "RetailConfig",
        [
            InitErrorDetails(
                type=PydanticCustomError("retail_config", message, values),
                loc=loc,
                input=None,
            )
            for loc, message, values in problems
        ],
    )


def three_decimals(value: float) -> float:
    """Multipliers and rates are stored with 3 decimals: refuse more rather than round them."""
    if round(value, 3) != value:
        raise PydanticCustomError("retail_config", "Give at most 3 decimal places.")
    return value
