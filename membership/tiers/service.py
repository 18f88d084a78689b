"""Tiers: the catalogue members display, and creating, changing and deleting tiers.

Evaluating members against tiers (upgrades, windows, downgrades) belongs to the tier engine.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.tiers.models import Tier
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "CATALOGUE_SECONDS",
    "TierChanges",
    "create_tier",
    "delete_tier",
    "forget_catalogue",
    "fresh_catalogue",
    "list_tiers",
    "tier_catalogue",
    "update_tier",
    "window_of",
]

# A tenant has a handful of tiers and almost every member read shows one, so their definitions
# are kept per process for a few seconds. Writes in this process drop the entry at once; other
# processes see a renamed tier within CATALOGUE_SECONDS. Decisions that depend on a tier (earning
# multipliers, upgrades) read it in their own transaction, never from here.
CATALOGUE_SECONDS = 10.0
_catalogues: dict[uuid.UUID, tuple[float, dict[uuid.UUID, Tier]]] = {}


async def list_tiers(ctx: RequestContext) -> list[Tier]:
    async with tenant_tx(ctx):
        return list(await Tier.all().order_by("rank"))


def fresh_catalogue(tenant_id: uuid.UUID) -> dict[uuid.UUID, Tier] | None:
    """The tenant's tier catalogue if one read a few seconds ago is still kept, else None."""
    hit = _catalogues.get(tenant_id)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    return None


async def tier_catalogue(ctx: RequestContext) -> dict[uuid.UUID, Tier]:
    """The tenant's tiers by id, for display: one query per tenant every few seconds at most."""
    kept = fresh_catalogue(ctx.tenant.id)
    if kept is not None:
        return kept
    catalogue = {t.id: t for t in await list_tiers(ctx)}
    _catalogues[ctx.tenant.id] = (time.monotonic() + CATALOGUE_SECONDS, catalogue)
    return catalogue


def forget_catalogue(tenant_id: uuid.UUID) -> None:
    """Call after changing a tenant's tiers."""
    _catalogues.pop(tenant_id, None)


# ---------------------------------------------------------------- writes

METRICS = ("POINTS_EARNED", "SPEND", "ORDER_COUNT")
WINDOWS = ("ROLLING_DAYS", "CALENDAR_YEAR", "LIFETIME")
MAX_MULTIPLIER = Decimal("100")
MAX_BENEFITS = 2000


@dataclass
class TierChanges:
    """Input of create and update; ``None`` means "not given" (window_days: use ``clear_window``)."""

    name: str | None = None
    rank: int | None = None
    metric: str | None = None
    threshold: int | None = None
    window_days: int | None = None
    clear_window: bool = False
    window: str | None = None  # ROLLING_DAYS (needs window_days), CALENDAR_YEAR or LIFETIME
    points_multiplier: Decimal | None = None
    benefits: str | None = None  # what the tier gives; empty text clears it


def window_of(tier: Tier) -> str:
    if tier.window_days:
        return "ROLLING_DAYS"
    return "CALENDAR_YEAR" if tier.calendar_year else "LIFETIME"


def _set_window(tier: Tier, changes: TierChanges) -> None:
    """Apply the window part of ``changes``; a tier has one window."""
    window = changes.window
    if window is None:
        if changes.window_days is not None:
            window = "ROLLING_DAYS"
        elif changes.clear_window:
            window = "LIFETIME"
        else:
            return
    days = changes.window_days if changes.window_days is not None else tier.window_days
    if window == "ROLLING_DAYS" and not days:
        raise DomainError(
            ErrorCode.INVALID, "A rolling window needs windowDays.", ["input", "windowDays"]
        )
    if window != "ROLLING_DAYS" and changes.window_days is not None:
        raise DomainError(
            ErrorCode.INVALID, "windowDays is only for rolling windows.", ["input", "windowDays"]
        )
    tier.window_days = days if window == "ROLLING_DAYS" else None
    tier.calendar_year = window == "CALENDAR_YEAR"


def _validate(changes: TierChanges) -> None:
    errors: list[DomainError] = []
    if changes.name is not None and not 1 <= len(changes.name.strip()) <= 50:
        errors.append(
            DomainError(ErrorCode.INVALID, "Tier names have 1 to 50 characters.", ["input", "name"])
        )
    if changes.rank is not None and not 0 <= changes.rank <= 100:
        errors.append(
            DomainError(ErrorCode.INVALID, "Rank must be between 0 and 100.", ["input", "rank"])
        )
    if changes.window is not None and changes.window not in WINDOWS:
        errors.append(DomainError(ErrorCode.INVALID, "Unknown tier window.", ["input", "window"]))
    if changes.metric is not None and changes.metric not in METRICS:
        errors.append(DomainError(ErrorCode.INVALID, "Unknown tier metric.", ["input", "metric"]))
    if changes.threshold is not None and not 0 <= changes.threshold <= 2**53:
        errors.append(
            DomainError(
                ErrorCode.INVALID, "The threshold must not be negative.", ["input", "threshold"]
            )
        )
    if changes.window_days is not None and not 1 <= changes.window_days <= 3660:
        errors.append(
            DomainError(
                ErrorCode.INVALID, "The window must be 1 to 3660 days.", ["input", "windowDays"]
            )
        )
    multiplier = changes.points_multiplier
    if multiplier is not None and not (0 < multiplier <= MAX_MULTIPLIER):
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "The points multiplier must be above 0 and at most 100.",
                ["input", "pointsMultiplier"],
            )
        )
    if changes.benefits is not None and len(changes.benefits.strip()) > MAX_BENEFITS:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Benefits have at most {limit} characters.",
                ["input", "benefits"],
                limit=MAX_BENEFITS,
            )
        )
    if errors:
        raise DomainErrors(errors)


def _benefits(text: str) -> str | None:
    return text.strip() or None


def _describe(tier: Tier) -> dict[str, object]:
    return {
        "name": tier.name,
        "rank": tier.rank,
        "metric": tier.metric,
        "threshold": tier.threshold,
        "windowDays": tier.window_days,
        "window": window_of(tier),
        "pointsMultiplier": str(tier.points_multiplier),
        "benefits": tier.benefits,
    }


async def _rank_taken(rank: int, exclude: uuid.UUID | None) -> bool:
    query = Tier.filter(rank=rank)
    if exclude is not None:
        query = query.exclude(id=exclude)
    return await query.exists()


async def create_tier(ctx: RequestContext, changes: TierChanges) -> Tier:
    ctx.require(Permission.PROGRAMME_MANAGE)
    missing = [k for k in ("name", "rank", "metric", "threshold") if getattr(changes, k) is None]
    if missing:
        raise DomainError(
            ErrorCode.INVALID,
            "Name, rank, metric and threshold are required.",
            ["input", missing[0]],
        )
    _validate(changes)
    assert changes.name is not None and changes.rank is not None
    async with tenant_tx(ctx):
        if await _rank_taken(changes.rank, None):
            raise DomainError(
                ErrorCode.DUPLICATE,
                "Another tier has rank {rank}.",
                ["input", "rank"],
                rank=changes.rank,
            )
        tier = Tier(
            id=uuid.uuid4(),
            tenant_id=ctx.tenant.id,
            name=changes.name.strip(),
            rank=changes.rank,
            metric=changes.metric,
            threshold=changes.threshold,
            points_multiplier=changes.points_multiplier or Decimal("1.0"),
            benefits=_benefits(changes.benefits) if changes.benefits is not None else None,
            created_at=ctx.clock.now(),
        )
        _set_window(tier, changes)
        try:
            await tier.save()
        except IntegrityError as exc:
            raise DomainError(
                ErrorCode.DUPLICATE,
                "Another tier has rank {rank}.",
                ["input", "rank"],
                rank=changes.rank,
            ) from exc
        await audit.record(ctx, "tier.create", "tier", tier.id, after=_describe(tier))
    forget_catalogue(ctx.tenant.id)
    return tier


async def update_tier(ctx: RequestContext, tier_id: uuid.UUID, changes: TierChanges) -> Tier:
    ctx.require(Permission.PROGRAMME_MANAGE)
    _validate(changes)
    async with tenant_tx(ctx):
        tier = await Tier.filter(id=tier_id).select_for_update().first()
        if tier is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such tier.", ["id"])
        before = _describe(tier)
        if changes.rank is not None and await _rank_taken(changes.rank, tier.id):
            raise DomainError(
                ErrorCode.DUPLICATE,
                "Another tier has rank {rank}.",
                ["input", "rank"],
                rank=changes.rank,
            )
        for attr in ("rank", "metric", "threshold", "points_multiplier"):
            value = getattr(changes, attr)
            if value is not None:
                setattr(tier, attr, value)
        if changes.name is not None:
            tier.name = changes.name.strip()
        if changes.benefits is not None:
            tier.benefits = _benefits(changes.benefits)
        _set_window(tier, changes)
        await tier.save()
        await audit.record(
            ctx, "tier.update", "tier", tier.id, before=before, after=_describe(tier)
        )
    forget_catalogue(ctx.tenant.id)
    return tier


async def delete_tier(ctx: RequestContext, tier_id: uuid.UUID) -> uuid.UUID:
    """Delete a tier no member holds (move its members first)."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    async with tenant_tx(ctx) as conn:
        tier = await Tier.filter(id=tier_id).select_for_update().first()
        if tier is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such tier.", ["id"])
        # tiers sit below members in the layers: count holders without the member model
        _, rows = await conn.execute_query(
            "SELECT count(*) AS holders FROM members WHERE tier_id = $1", [tier.id]
        )
        holders = int(rows[0]["holders"])
        if holders:
            raise DomainError(
                ErrorCode.INVALID,
                "Members hold this tier ({count}); move them to another tier first.",
                ["id"],
                count=holders,
            )
        await audit.record(ctx, "tier.delete", "tier", tier.id, before=_describe(tier))
        await tier.delete()
    forget_catalogue(ctx.tenant.id)
    return tier_id
