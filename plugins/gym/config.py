"""The gym preset's configuration: the default card products, the freeze limits, the points a
check-in earns and the renewal reminder.

Its JSON Schema is the admin's enable form, so every field has a zh-CN title, a description and
its bounds. Prices are whole yuan here (a gym prices a 月卡 at ¥300); the preset stores fen.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

__all__ = ["NAME", "GymConfig", "ProductConfig", "ReminderConfig"]

NAME = "gym"  # the entry-point name: what tenants enable and errors name


def _settings(title: str, description: str) -> ConfigDict:
    return ConfigDict(
        title=title,
        json_schema_extra={"description": description},
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )


class ProductConfig(BaseModel):
    """A card product the preset creates."""

    model_config = _settings("卡种", "会员可购买的卡：按天数（月卡、年卡）或按次数（次卡）。")

    name: str = Field(
        title="卡名", description="前台和会员看到的名称，例如 月卡。", min_length=1, max_length=50
    )
    kind: Literal["TIME", "VISITS"] = Field(
        title="类型", description="TIME：按天数有效；VISITS：按次数使用。"
    )
    days: int | None = Field(
        default=None,
        title="有效天数",
        description="TIME 卡必填：自开卡起有效的天数；VISITS 卡可选：次数的有效期，留空为不限期。",
        ge=1,
        le=3660,
    )
    visits: int | None = Field(
        default=None,
        title="次数",
        description="VISITS 卡必填：可入场的次数；TIME 卡留空。",
        ge=1,
        le=1000,
    )
    price_yuan: int = Field(
        title="售价（元）",
        description="售卡时按此金额记为订单，会员据此获得积分。",
        ge=0,
        le=1_000_000,
    )

    @model_validator(mode="after")
    def _shape(self) -> ProductConfig:
        if self.kind == "TIME" and (self.days is None or self.visits is not None):
            raise PydanticCustomError("gym_config", "A TIME card has days and no visits.")
        if self.kind == "VISITS" and self.visits is None:
            raise PydanticCustomError("gym_config", "A VISITS card has visits.")
        return self


def _default_products() -> list[ProductConfig]:
    return [
        ProductConfig(name="月卡", kind="TIME", days=30, price_yuan=300),
        ProductConfig(name="年卡", kind="TIME", days=365, price_yuan=2_400),
        ProductConfig(name="10 次卡", kind="VISITS", visits=10, price_yuan=500),
    ]


class ReminderConfig(BaseModel):
    """The renewal reminder: an SMS when a card is about to end or nearly used up."""

    model_config = _settings("续卡提醒", "会员卡即将到期或次数将用完时发送的续卡短信。")

    days_before: int = Field(
        default=7,
        title="到期前天数",
        description="卡在这么多天内到期时提醒一次（每张卡每个到期日一次）。",
        ge=1,
        le=60,
    )
    visits_left: int = Field(
        default=2,
        title="剩余次数",
        description="次卡的剩余次数降到此数时提醒。",
        ge=1,
        le=100,
    )
    sms_template_code: str = Field(
        default="SMS_GYM_RENEWAL",
        title="短信模板编号",
        description="短信服务商审核通过的模板编号。",
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
    )
    text: str = Field(
        default="【健身中心】${name}，您的会员卡即将到期或次数将用完，欢迎到前台续卡。",
        title="短信内容",
        description="与审核通过的模板一致的文字；可用 ${name}（会员姓名）。",
        min_length=1,
        max_length=300,
    )


class GymConfig(BaseModel):
    """The gym preset (健身房会员方案)."""

    model_config = _settings(
        "健身房会员方案",
        "月卡、年卡、次卡，冻结规则，签到积分与连续签到奖励，以及到期和次数将尽的续卡提醒。",
    )

    products: list[ProductConfig] = Field(
        default=_default_products(),
        title="默认卡种",
        description="启用时创建的卡种；已有同名卡种的保留原样。",
        max_length=20,
    )
    freeze_max_days: int = Field(
        default=30,
        title="单次冻结最长天数",
        description="一次冻结（含起止两天）最多多少天。",
        ge=1,
        le=365,
    )
    freezes_per_year: int = Field(
        default=2,
        title="每年冻结次数",
        description="一张卡在同一自然年内（按冻结开始日）最多冻结几次；0 为不允许冻结。",
        ge=0,
        le=12,
    )
    points_per_check_in: int = Field(
        default=10,
        title="每次签到积分",
        description="每次签到获得的积分；0 为不送。",
        ge=0,
        le=100_000,
    )
    streak_visits: int = Field(
        default=3,
        title="连续签到次数",
        description="在连续签到天数内签到达到这么多次即获得奖励积分。",
        ge=2,
        le=31,
    )
    streak_days: int = Field(
        default=7,
        title="连续签到天数",
        description="计算连续签到的时间窗口（天）。",
        ge=1,
        le=31,
    )
    streak_bonus_points: int = Field(
        default=50,
        title="连续签到奖励积分",
        description="达到连续签到要求时额外获得的积分；0 为不设奖励。",
        ge=0,
        le=1_000_000,
    )
    reminder: ReminderConfig = Field(
        default=ReminderConfig(),
        title="续卡提醒",
        description="到期前和次数将尽时的续卡短信。",
    )
