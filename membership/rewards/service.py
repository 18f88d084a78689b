"""The points mall: create and change rewards, redeem them for points, cancel a redemption.

Redeeming locks the reward's row (its stock), then the member's (its points): the stock is
checked and taken, the points spent (a SPEND entry through the ledger), and the coupon issued,
all in one transaction. If any step fails nothing happens, so a member who does not get the
reward pays nothing, and stock is never oversold: with a stock of 3 and 10 members at once,
exactly 3 redeem it. Cancelling returns the points (a REVERSE entry opening a new lot), the stock,
and voids the coupon if it is still unused. Restocking adds a signed delta in SQL under the same
row lock, so it never loses a concurrent redemption's decrement; an inactive reward stays listed
(staff manage it) but cannot be redeemed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from membership.coupons.issue import issue_locked
from membership.coupons.lifecycle import void_locked
from membership.coupons.models import Coupon, CouponTemplate
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.idempotency import service as idempotency
from membership.ids import new_id
from membership.members.models import Member
from membership.outbox import emit
from membership.points import ledger
from membership.points.ledger import MAX_POINTS, Posting
from membership.points.models import PointsEntry
from membership.rewards.events import RewardRedeemed, RewardRedemptionCancelled
from membership.rewards.models import Reward, RewardRedemption
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "MAX_STOCK",
    "Redeemed",
    "RewardDraft",
    "RewardPatch",
    "cancel_redemption",
    "create_reward",
    "list_rewards",
    "redeem_reward",
    "update_reward",
]

MAX_STOCK = 100_000_000


@dataclass(frozen=True)
class RewardDraft:
    name: str
    points_cost: int
    stock: int | None = None
    coupon_template_id: uuid.UUID | None = None
    per_member_limit: int | None = None


@dataclass(frozen=True)
class RewardPatch:
    """Input of update: ``None`` leaves a field as it is.

    ``add_stock`` is a signed delta on the current stock (restocking, or writing off broken
    items); ``clear_per_member_limit`` removes the limit.
    """

    name: str | None = None
    points_cost: int | None = None
    per_member_limit: int | None = None
    clear_per_member_limit: bool = False
    add_stock: int | None = None
    active: bool | None = None


@dataclass(frozen=True)
class Redeemed:
    redemption: RewardRedemption
    entry: PointsEntry
    coupon: Coupon | None
    replayed: bool


def _invalid(template: str, name: str, **params: object) -> DomainError:
    return DomainError(ErrorCode.INVALID, template, ["input", name], **params)


def _field_errors(
    name: str | None, points_cost: int | None, per_member_limit: int | None
) -> list[DomainError]:
    errors = []
    if name is not None and not 1 <= len(name.strip()) <= 100:
        errors.append(_invalid("Names have 1 to 100 characters.", "name"))
    if points_cost is not None and not 0 < points_cost <= MAX_POINTS:
        errors.append(_invalid("The points cost must be positive.", "pointsCost"))
    if per_member_limit is not None and not 1 <= per_member_limit <= 100_000:
        errors.append(_invalid("Limits must be at least 1.", "perMemberLimit"))
    return errors


def _describe(reward: Reward) -> dict[str, object]:
    return {
        "name": reward.name,
        "pointsCost": reward.points_cost,
        "stock": reward.stock,
        "perMemberLimit": reward.per_member_limit,
        "active": reward.active,
    }


async def create_reward(ctx: RequestContext, draft: RewardDraft) -> Reward:
    """Add a reward to the points mall, on offer at once."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    errors = _field_errors(draft.name, draft.points_cost, draft.per_member_limit)
    if draft.stock is not None and not 0 <= draft.stock <= MAX_STOCK:
        errors.append(_invalid("Stock must not be negative.", "stock"))
    if errors:
        raise DomainErrors(errors)
    now = ctx.clock.now()
    async with tenant_tx(ctx):
        if draft.coupon_template_id is not None and not await CouponTemplate.exists(
            id=draft.coupon_template_id
        ):
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such coupon template.", ["input", "couponTemplateId"]
            )
        reward = await Reward.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            name=draft.name.strip(),
            points_cost=draft.points_cost,
            stock=draft.stock,
            coupon_template_id=draft.coupon_template_id,
            per_member_limit=draft.per_member_limit,
            created_at=now,
            updated_at=now,
        )
        await audit.record(ctx, "reward.create", "reward", reward.id, after=_describe(reward))
    return reward


def _check_restock(reward: Reward, delta: int) -> None:
    if reward.stock is None:
        raise _invalid("This reward has unlimited stock; there is no count to add to.", "addStock")
    if reward.stock + delta < 0:
        raise _invalid(
            "Only {stock} left in stock; the stock cannot go below zero.",
            "addStock",
            stock=reward.stock,
        )
    if reward.stock + delta > MAX_STOCK:
        raise _invalid("Stock must be at most {max}.", "addStock", max=MAX_STOCK)


async def update_reward(ctx: RequestContext, reward_id: uuid.UUID, patch: RewardPatch) -> Reward:
    """Rename, reprice, restock, or take a reward off the mall (``active=False``).

    The stock changes by ``add_stock`` in SQL (``stock = stock + delta``) while the row is locked,
    so concurrent restocks and redemptions all count. Refused, changing nothing, when the stock
    would go below zero or when the reward has unlimited stock.
    """
    ctx.require(Permission.PROGRAMME_MANAGE)
    errors = _field_errors(patch.name, patch.points_cost, patch.per_member_limit)
    if patch.add_stock is not None and not -MAX_STOCK <= patch.add_stock <= MAX_STOCK:
        errors.append(_invalid("Stock must be at most {max}.", "addStock", max=MAX_STOCK))
    if errors:
        raise DomainErrors(errors)
    async with tenant_tx(ctx):
        reward = await Reward.filter(id=reward_id).select_for_update().first()
        if reward is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such reward.", ["id"])
        before = _describe(reward)
        if patch.add_stock:
            _check_restock(reward, patch.add_stock)
        if patch.name is not None:
            reward.name = patch.name.strip()
        if patch.points_cost is not None:
            reward.points_cost = patch.points_cost
        if patch.clear_per_member_limit:
            reward.per_member_limit = None
        elif patch.per_member_limit is not None:
            reward.per_member_limit = patch.per_member_limit
        if patch.active is not None:
            reward.active = patch.active
        reward.updated_at = ctx.clock.now()
        await reward.save(
            update_fields=["name", "points_cost", "per_member_limit", "active", "updated_at"]
        )
        if patch.add_stock:
            await Reward.filter(id=reward.id).update(stock=F("stock") + patch.add_stock)
            await reward.refresh_from_db(fields=["stock"])
        after = _describe(reward)
        if after != before:
            await audit.record(
                ctx, "reward.update", "reward", reward.id, before=before, after=after
            )
    return reward


async def list_rewards(ctx: RequestContext, *, active: bool | None = None) -> list[Reward]:
    """The tenant's rewards, oldest first (members browse them with a publishable key too).

    Inactive rewards are listed too unless ``active`` asks for one kind: staff manage them, a
    storefront asks for ``active=True``.
    """
    async with tenant_tx(ctx):
        query = Reward.all() if active is None else Reward.filter(active=active)
        return list(await query.order_by("created_at", "id"))


async def _replay(key: str, hashed: str) -> Redeemed | None:
    redemption_id = await idempotency.first_result(key, hashed)
    if redemption_id is None:
        return None
    redemption = await RewardRedemption.get(id=redemption_id)
    coupon = await Coupon.get(id=redemption.coupon_id) if redemption.coupon_id else None
    entry = await PointsEntry.get(id=redemption.entry_id)
    return Redeemed(redemption, entry, coupon, replayed=True)


async def redeem_reward(
    ctx: RequestContext, *, reward_id: uuid.UUID, member_id: uuid.UUID, idempotency_key: str
) -> Redeemed:
    """Spend the member's points on the reward and issue its coupon, in one transaction."""
    ctx.require(Permission.POINTS_WRITE)
    idempotency.check_key(idempotency_key)
    request_hash = idempotency.request_hash("redeem_reward", reward_id, member_id)
    try:
        async with tenant_tx(ctx) as conn:
            replayed = await _replay(idempotency_key, request_hash)
            if replayed is not None:
                return replayed
            reward = await Reward.filter(id=reward_id).select_for_update().first()
            if reward is None:
                raise DomainError(ErrorCode.NOT_FOUND, "No such reward.", ["input", "rewardId"])
            if not reward.active:
                raise DomainError(
                    ErrorCode.INVALID,
                    "This reward has been taken off the points mall.",
                    ["input", "rewardId"],
                )
            member = (
                await Member.filter(id=member_id, merged_into_id=None).select_for_update().first()
            )
            if member is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such member in this tenant.", ["input", "memberId"]
                )
            if reward.stock is not None and reward.stock <= 0:
                raise DomainError(
                    ErrorCode.OUT_OF_STOCK, "This reward is out of stock.", ["input", "rewardId"]
                )
            if reward.per_member_limit is not None:
                taken = await RewardRedemption.filter(
                    reward_id=reward.id, member_id=member.id, status="REDEEMED"
                ).count()
                if taken >= reward.per_member_limit:
                    raise DomainError(
                        ErrorCode.INVALID,
                        "This member has redeemed this reward {limit} times already.",
                        ["input", "rewardId"],
                        limit=reward.per_member_limit,
                    )
            now = ctx.clock.now()
            await ledger.settle(ctx, conn, member, now)
            entry = await ledger.post(
                ctx, conn, member, Posting("SPEND", -reward.points_cost, f"reward {reward.name}")
            )
            coupon = None
            if reward.coupon_template_id is not None:
                template = (
                    await CouponTemplate.filter(id=reward.coupon_template_id)
                    .select_for_update()
                    .get()
                )
                coupon = await issue_locked(ctx, template, member.id)
            if reward.stock is not None:
                reward.stock -= 1
            reward.redeemed_count += 1
            reward.updated_at = now
            await reward.save(update_fields=["stock", "redeemed_count", "updated_at"])
            redemption = await RewardRedemption.create(
                id=new_id(),
                tenant_id=ctx.tenant.id,
                reward_id=reward.id,
                member_id=member.id,
                points=reward.points_cost,
                entry_id=entry.id,
                coupon_id=coupon.id if coupon else None,
                status="REDEEMED",
                created_at=now,
            )
            await idempotency.remember(
                ctx, idempotency_key, "redeem_reward", request_hash, redemption.id
            )
            await emit(
                ctx,
                RewardRedeemed(
                    member_id=member.id,
                    redemption_id=redemption.id,
                    reward_id=reward.id,
                    reward=reward.name,
                    points=reward.points_cost,
                    coupon_id=coupon.id if coupon else None,
                ),
            )
            return Redeemed(redemption, entry, coupon, replayed=False)
    except IntegrityError:
        async with tenant_tx(ctx):
            replayed = await _replay(idempotency_key, request_hash)
            if replayed is None:
                raise
            return replayed


async def cancel_redemption(ctx: RequestContext, redemption_id: uuid.UUID) -> RewardRedemption:
    """Give the points and the stock back, and void the coupon; refused once it was used."""
    ctx.require(Permission.POINTS_WRITE)
    async with tenant_tx(ctx) as conn:
        redemption = await RewardRedemption.filter(id=redemption_id).select_for_update().first()
        if redemption is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such redemption.", ["id"])
        if redemption.status == "CANCELLED":
            return redemption
        reward = await Reward.filter(id=redemption.reward_id).select_for_update().get()
        member = await Member.filter(id=redemption.member_id).select_for_update().get()
        now = ctx.clock.now()
        if redemption.coupon_id is not None:
            coupon = await Coupon.filter(id=redemption.coupon_id).select_for_update().get()
            if coupon.status == "REDEEMED":
                raise DomainError(
                    ErrorCode.COUPON_ALREADY_REDEEMED,
                    "This coupon has been redeemed already.",
                    ["id"],
                )
            await void_locked(ctx, coupon)
        await ledger.settle(ctx, conn, member, now)
        await ledger.post(
            ctx,
            conn,
            member,
            Posting(
                "REVERSE",
                redemption.points,
                f"cancelled reward {reward.name}",
                corrects_id=redemption.entry_id,
            ),
        )
        if reward.stock is not None:
            reward.stock += 1
        reward.redeemed_count -= 1
        reward.updated_at = now
        await reward.save(update_fields=["stock", "redeemed_count", "updated_at"])
        redemption.status = "CANCELLED"
        redemption.cancelled_at = now
        await redemption.save(update_fields=["status", "cancelled_at"])
        await audit.record(ctx, "reward.cancel", "reward_redemption", redemption.id)
        await emit(
            ctx,
            RewardRedemptionCancelled(
                member_id=member.id,
                redemption_id=redemption.id,
                reward_id=reward.id,
                points=redemption.points,
            ),
        )
    return redemption
