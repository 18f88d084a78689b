"""A tenant's earning settings: points per yuan, the money value of a point, the return window,
and how much of an order points may pay (积分抵现上限)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.programme.models import PointsSettings
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["DEFAULTS", "load_settings", "settings_of", "update_earning"]


DEFAULTS: dict[str, object] = {
    "expiry_policy": "NEVER",
    "expiry_period": 0,
    "earn_points_per_yuan": Decimal("1"),
    "point_value_fen": Decimal("1"),
    "return_window_days": 0,
    "points_payment_cap_percent": 100,
    "tier_downgrade_policy": "TO_QUALIFIED",
    "tier_grace_days": 30,
}


def settings_of(tenant_id: uuid.UUID, row: Mapping[str, Any] | None) -> PointsSettings:
    """Settings from a row read as JSON (numbers as Decimal), or the defaults without one."""
    values = dict(DEFAULTS)
    if row is not None:
        values.update({key: row[key] for key in DEFAULTS if key in row})
        for key in ("earn_points_per_yuan", "point_value_fen"):
            values[key] = Decimal(str(values[key]))
    return PointsSettings(tenant_id=tenant_id, **values)


async def load_settings(ctx: RequestContext) -> PointsSettings:
    """The tenant's settings row, or the defaults when it has none."""
    async with tenant_tx(ctx):
        row = await PointsSettings.get_or_none(tenant_id=ctx.tenant.id)
    return row or settings_of(ctx.tenant.id, None)


def _decimal(value: float | None, path: list[str], low: str, high: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.001"))
    except InvalidOperation as exc:
        raise DomainError(
            ErrorCode.INVALID, "Must be between {low} and {high}.", path, low=low, high=high
        ) from exc
    if not Decimal(low) <= number <= Decimal(high):
        raise DomainError(
            ErrorCode.INVALID, "Must be between {low} and {high}.", path, low=low, high=high
        )
    return number


async def update_earning(
    ctx: RequestContext,
    *,
    earn_points_per_yuan: float | None = None,
    point_value_fen: float | None = None,
    return_window_days: int | None = None,
    points_payment_cap_percent: int | None = None,
) -> PointsSettings:
    """Change how orders earn; applies to orders recorded from now on."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    errors: list[DomainError] = []
    values: dict[str, object] = {}
    for key, value, path, low, high in (
        ("earn_points_per_yuan", earn_points_per_yuan, ["input", "earnPointsPerYuan"], "0", "1000"),
        ("point_value_fen", point_value_fen, ["input", "pointValueFen"], "0.001", "100000"),
    ):
        try:
            number = _decimal(value, path, low, high)
        except DomainError as err:
            errors.append(err)
            continue
        if number is not None:
            values[key] = number
    if return_window_days is not None:
        if not 0 <= return_window_days <= 365:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Must be between {low} and {high}.",
                    ["input", "returnWindowDays"],
                    low="0",
                    high="365",
                )
            )
        values["return_window_days"] = return_window_days
    if points_payment_cap_percent is not None:
        if not 0 <= points_payment_cap_percent <= 100:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Must be between {low} and {high}.",
                    ["input", "pointsPaymentCapPercent"],
                    low="0",
                    high="100",
                )
            )
        values["points_payment_cap_percent"] = points_payment_cap_percent
    if errors:
        raise DomainErrors(errors)
    current = await load_settings(ctx)
    before = {k: str(getattr(current, k)) for k in values}
    async with tenant_tx(ctx):
        await PointsSettings.update_or_create(
            tenant_id=ctx.tenant.id, defaults={**values, "updated_at": ctx.clock.now()}
        )
        await audit.record(
            ctx,
            "points.earning_settings",
            "tenant",
            ctx.tenant.id,
            before=before,
            after={k: str(v) for k, v in values.items()},
        )
    return await load_settings(ctx)
