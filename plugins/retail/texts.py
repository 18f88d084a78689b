"""The words the retail preset writes for members and staff, from the configuration.

A tier's benefits left empty in the configuration are written from what the preset sets up, so
they say what the programme really gives; coupon names say the offer (新人礼 满 50 减 10), as a
merchant would name them by hand.
"""

from __future__ import annotations

from decimal import Decimal

from plugins.retail.config import MemberDayConfig, RetailConfig, TierConfig

__all__ = [
    "amount_off_name",
    "discount_text",
    "member_day_name",
    "member_day_text",
    "number",
    "tier_benefits",
]

_WEEKDAYS = "一二三四五六日"


def number(value: float | Decimal) -> str:
    """A number as a merchant writes it: 2, 1.25, 0.5."""
    return format(Decimal(str(value)).normalize(), "f")


def discount_text(percent_off: int) -> str:
    """10 percent off is 9 折, 15 is 8.5 折, 100 is 免费."""
    if percent_off >= 100:
        return "免费"
    return f"{number(Decimal(100 - percent_off) / 10)} 折"


def amount_off_name(label: str, amount_yuan: int, min_spend_yuan: int) -> str:
    """满减 coupons: 新人礼 满 50 减 10, or 新人礼 10 元无门槛."""
    if min_spend_yuan:
        return f"{label} 满 {min_spend_yuan} 减 {amount_yuan}"
    return f"{label} {amount_yuan} 元无门槛"


def member_day_text(day: MemberDayConfig) -> str:
    """每周三、每月 18 日."""
    parts = []
    if day.weekdays:
        parts.append("每周" + "、".join(_WEEKDAYS[d - 1] for d in day.weekdays))
    if day.month_days:
        parts.append("每月 " + "、".join(str(d) for d in day.month_days) + " 日")
    return "，".join(parts)


def member_day_name(day: MemberDayConfig) -> str:
    """The earning rule's name: 会员日双倍积分, or 会员日 3 倍积分."""
    times = "双倍" if day.multiplier == 2 else f" {number(day.multiplier)} 倍"
    return f"会员日{times}积分"


def tier_benefits(config: RetailConfig, tier: TierConfig) -> str:
    """The benefits shown for ``tier``: its own text, or what the programme gives at it."""
    if tier.benefits:
        return tier.benefits
    rate = Decimal(str(config.points_per_yuan)) * Decimal(str(tier.points_multiplier))
    parts = [f"每消费 1 元积 {number(rate)} 分"]
    day = config.member_day
    if day.enabled:
        parts.append(f"会员日（{member_day_text(day)}）积分再乘 {number(day.multiplier)} 倍")
    birthday = config.birthday
    when = f"生日前 {birthday.days_before} 天" if birthday.days_before else "生日当天"
    parts.append(f"{when}送 {discount_text(birthday.coupon_percent_off)}生日券")
    return "；".join(parts) + "。"
