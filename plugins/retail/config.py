"""The retail preset's configuration: what a tenant chooses when it enables the plugin.

Its JSON Schema is what the admin's enable form is generated from, so every field has a short
zh-CN title, a description and its bounds; the bounds are those the platform's services accept,
so a configuration that validates sets up without a surprise. Checks across fields (tier
thresholds that rise, a coupon still valid on the birthday…) report each problem at the field
to change, all at once. The journeys' part is in :mod:`plugins.retail.journey_config`.

Amounts are whole yuan here (a merchant thinks 满 100 减 30); the preset turns them into fen.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from plugins.retail.journey_config import (
    BirthdayConfig,
    MessageConfig,
    WelcomeConfig,
    WinBackConfig,
)
from plugins.retail.validation import (
    MAX_MULTIPLIER,
    MAX_YUAN,
    Problem,
    fail,
    model_settings,
    three_decimals,
)

__all__ = [
    "BirthdayConfig",
    "MemberDayConfig",
    "MessageConfig",
    "RetailConfig",
    "TierConfig",
    "WelcomeConfig",
    "WinBackConfig",
]


class TierConfig(BaseModel):
    """One tier: reach its spend within the tier window to hold it."""

    model_config = model_settings(
        "会员等级", "累计消费达到门槛即升级，每个等级有自己的积分倍数和权益。"
    )

    name: str = Field(
        title="等级名称", description="会员看到的等级名，例如 金卡。", min_length=1, max_length=50
    )
    threshold_yuan: int = Field(
        title="升级门槛（元）",
        description="周期内累计消费达到此金额即升到该等级；第一个等级（入门等级）为 0。",
        ge=0,
        le=MAX_YUAN,
    )
    points_multiplier: float = Field(
        default=1.0,
        title="积分倍数",
        description="该等级会员每笔订单的积分乘以此数，例如 1.5；高等级不低于低等级。",
        gt=0,
        le=MAX_MULTIPLIER,
    )
    benefits: str | None = Field(
        default=None,
        title="等级权益",
        description="展示给会员的权益说明；留空则按本方案的积分、会员日和生日礼自动生成。",
        max_length=2000,
    )

    _multiplier = field_validator("points_multiplier")(three_decimals)


def _default_tiers() -> list[TierConfig]:
    return [
        TierConfig(name="普卡", threshold_yuan=0, points_multiplier=1.0),
        TierConfig(name="银卡", threshold_yuan=2_000, points_multiplier=1.25),
        TierConfig(name="金卡", threshold_yuan=5_000, points_multiplier=1.5),
        TierConfig(name="钻石", threshold_yuan=20_000, points_multiplier=1.75),
    ]


class MemberDayConfig(BaseModel):
    """The member day (会员日): orders paid on it earn more points."""

    model_config = model_settings("会员日设置", "会员日的订单获得更多积分。")

    enabled: bool = Field(default=True, title="启用会员日", description="关闭则不设会员日规则。")
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        default=[3],
        title="每周会员日",
        description="每周的哪几天，1 为周一 … 7 为周日。",
        max_length=7,
    )
    month_days: list[Annotated[int, Field(ge=1, le=31)]] = Field(
        default=[],
        title="每月会员日",
        description="每月的哪几天（1–31），可与每周会员日同时使用。",
        max_length=31,
    )
    multiplier: float = Field(
        default=2.0,
        title="会员日积分倍数",
        description="会员日订单的积分乘以此数（在等级倍数之上），2 即双倍积分。",
        gt=1,
        le=MAX_MULTIPLIER,
    )

    _multiplier = field_validator("multiplier")(three_decimals)

    @field_validator("weekdays", "month_days")
    @classmethod
    def _sorted(cls, days: list[int]) -> list[int]:
        return sorted(set(days))

    @model_validator(mode="after")
    def _some_day(self) -> MemberDayConfig:
        if self.enabled and not self.weekdays and not self.month_days:
            fail(
                [
                    (
                        ("weekdays",),
                        "Give the weekdays, the days of the month or both, or turn the member "
                        "day off.",
                        {},
                    )
                ]
            )
        return self


class RetailConfig(BaseModel):
    """The retail preset (零售会员方案): spend-based tiers, points per yuan, a member day, and
    the welcome, birthday and win-back journeys."""

    model_config = model_settings(
        "零售会员方案",
        "按消费升级的会员等级（普卡/银卡/金卡/钻石）、每元积分、会员日多倍积分，以及新人礼、生日礼和沉睡唤醒三个自动旅程。",
    )

    points_per_yuan: float = Field(
        default=1.0,
        title="每元积分",
        description="每消费 1 元（实付现金）获得的积分，等级倍数和会员日之前的基础值。",
        ge=0,
        le=1000,
    )
    tiers: list[TierConfig] = Field(
        default=_default_tiers(),
        title="会员等级",
        description="从入门等级（门槛 0）到最高等级，门槛依次升高。",
        min_length=1,
        max_length=10,
    )
    tier_window: Literal["ROLLING_DAYS", "CALENDAR_YEAR", "LIFETIME"] = Field(
        default="ROLLING_DAYS",
        title="等级消费周期",
        description="ROLLING_DAYS：最近 N 天；CALENDAR_YEAR：自然年（达到的等级保持到次年底）；"
        "LIFETIME：累计。",
    )
    tier_window_days: int = Field(
        default=365,
        title="滚动周期（天）",
        description="等级消费周期为 ROLLING_DAYS 时，计算最近多少天的消费。",
        ge=1,
        le=3660,
    )
    downgrade_policy: Literal["ONE_TIER", "TO_QUALIFIED"] = Field(
        default="TO_QUALIFIED",
        title="降级方式",
        description="ONE_TIER：每次降一级；TO_QUALIFIED：直接降到仍符合条件的最高等级。",
    )
    downgrade_grace_days: int = Field(
        default=30,
        title="降级宽限（天）",
        description="低于所在等级门槛多少天后降级。",
        ge=0,
        le=3650,
    )
    member_day: MemberDayConfig = Field(
        default=MemberDayConfig(),
        title="会员日",
        description="哪几天是会员日，以及会员日的积分倍数。",
    )
    welcome: WelcomeConfig = Field(
        default=WelcomeConfig(),
        title="新人礼",
        description="新人券、入会积分和欢迎短信。",
    )
    birthday: BirthdayConfig = Field(
        default=BirthdayConfig(),
        title="生日礼",
        description="生日券、发券时间和生日短信。",
    )
    win_back: WinBackConfig = Field(
        default=WinBackConfig(),
        title="沉睡唤醒",
        description="沉睡天数、唤醒券、唤醒短信和人工回访。",
    )

    _points = field_validator("points_per_yuan")(three_decimals)

    @field_validator("tiers")
    @classmethod
    def _a_ladder(cls, tiers: list[TierConfig]) -> list[TierConfig]:
        problems: list[Problem] = []
        if tiers[0].threshold_yuan != 0:
            problems.append(
                (
                    (0, "threshold_yuan"),
                    "The first tier is the entry tier every member starts in: its threshold is 0.",
                    {},
                )
            )
        seen: set[str] = set()
        for index, tier in enumerate(tiers):
            if tier.name in seen:
                problems.append(
                    ((index, "name"), "Another tier is named {name}.", {"name": tier.name})
                )
            seen.add(tier.name)
            if index == 0:
                continue
            below = tiers[index - 1]
            if tier.threshold_yuan <= below.threshold_yuan:
                problems.append(
                    (
                        (index, "threshold_yuan"),
                        "Give more than the tier below ({below}: {threshold} yuan).",
                        {"below": below.name, "threshold": below.threshold_yuan},
                    )
                )
            if tier.points_multiplier < below.points_multiplier:
                problems.append(
                    (
                        (index, "points_multiplier"),
                        "Give at least the tier below's multiplier ({below}: {multiplier}).",
                        {"below": below.name, "multiplier": below.points_multiplier},
                    )
                )
        if problems:
            fail(problems)
        return tiers
