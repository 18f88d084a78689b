"""The retail preset's configuration of its journeys: the welcome gift, the birthday coupon
and win-back, each with its coupon and SMS.

Amounts are whole yuan (a merchant thinks 满 100 减 30); the preset turns them into fen.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from plugins.retail.validation import MAX_YUAN, Problem, fail, model_settings

__all__ = [
    "SMS_PLACEHOLDERS",
    "BirthdayConfig",
    "MessageConfig",
    "WelcomeConfig",
    "WinBackConfig",
]

# The SMS placeholders a message text may use, and the member variable each one is filled with.
SMS_PLACEHOLDERS: dict[str, str] = {
    "name": "{{member.name}}",
    "points": "{{member.points}}",
    "tier": "{{member.tier}}",
}
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


class MessageConfig(BaseModel):
    """An SMS the journey sends: the provider's approved template and its wording."""

    model_config = model_settings("短信", "旅程发送的短信：服务商审核通过的模板和它的文字。")

    sms_template_code: str = Field(
        title="短信模板编号",
        description="短信服务商审核通过的模板编号，例如阿里云的 SMS_123456789。",
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
    )
    text: str = Field(
        title="短信内容",
        description="与审核通过的模板一致的文字；可用 ${name}（会员姓名）、${points}（可用积分）、"
        "${tier}（会员等级）。",
        min_length=1,
        max_length=300,
    )

    @field_validator("text")
    @classmethod
    def _known_placeholders(cls, text: str) -> str:
        unknown = [p for p in _PLACEHOLDER.findall(text) if p not in SMS_PLACEHOLDERS]
        if unknown:
            raise PydanticCustomError(
                "retail_config",
                "Unknown placeholder {placeholder}; a text may use {known}.",
                {
                    "placeholder": f"${{{unknown[0]}}}",
                    "known": ", ".join(f"${{{p}}}" for p in SMS_PLACEHOLDERS),
                },
            )
        return text

    def placeholders(self) -> dict[str, str]:
        """The SMS template's parameters: each placeholder the text uses, with its variable."""
        used = _PLACEHOLDER.findall(self.text)
        return {name: variable for name, variable in SMS_PLACEHOLDERS.items() if name in used}


def _amount_off_problems(amount: int, min_spend: int) -> list[Problem]:
    """满减: the amount off stays below the minimum spend (0: a coupon without one)."""
    if not min_spend or amount < min_spend:
        return []
    return [
        (
            ("coupon_amount_yuan",),
            "Give less than the minimum spend ({min_spend} yuan), or a minimum spend of 0 for a "
            "coupon without one.",
            {"min_spend": min_spend},
        )
    ]


class WelcomeConfig(BaseModel):
    """The welcome gift (新人礼): on joining, a coupon, points and a welcome SMS."""

    model_config = model_settings("新人礼设置", "会员入会时发放新人券、赠送积分并发送欢迎短信。")

    coupon_amount_yuan: int = Field(
        default=10, title="新人券金额（元）", description="满减券减免的金额。", ge=1, le=MAX_YUAN
    )
    coupon_min_spend_yuan: int = Field(
        default=50,
        title="新人券使用门槛（元）",
        description="订单满此金额可用；0 为无门槛。",
        ge=0,
        le=MAX_YUAN,
    )
    coupon_valid_days: int = Field(
        default=30, title="新人券有效天数", description="自发放起的有效天数。", ge=1, le=3650
    )
    points: int = Field(
        default=100, title="赠送积分", description="入会赠送的积分；0 为不送。", ge=0, le=1_000_000
    )
    message: MessageConfig = Field(
        default=MessageConfig(
            sms_template_code="SMS_RETAIL_WELCOME",
            text="【会员中心】${name}，欢迎入会！新人礼券已放入您的账户。",
        ),
        title="欢迎短信",
        description="入会时发送（会员同意接收营销短信时）。",
    )

    @model_validator(mode="after")
    def _amount_below_min_spend(self) -> WelcomeConfig:
        problems = _amount_off_problems(self.coupon_amount_yuan, self.coupon_min_spend_yuan)
        if problems:
            fail(problems)
        return self


class BirthdayConfig(BaseModel):
    """The birthday coupon (生日礼): a discount coupon and an SMS a few days before."""

    model_config = model_settings("生日礼设置", "生日前几天发放生日折扣券并发送生日短信。")

    days_before: int = Field(
        default=3, title="提前天数", description="生日前几天发券；0 为生日当天。", ge=0, le=60
    )
    coupon_percent_off: int = Field(
        default=10,
        title="生日券优惠比例（%）",
        description="折扣券减免的百分比：10 即 9 折。",
        ge=1,
        le=100,
    )
    coupon_max_discount_yuan: int = Field(
        default=100,
        title="生日券最高优惠（元）",
        description="一张生日券最多减免的金额；0 为不封顶。",
        ge=0,
        le=MAX_YUAN,
    )
    coupon_valid_days: int = Field(
        default=14,
        title="生日券有效天数",
        description="自发放起的有效天数，须长于提前天数，生日当天仍可用。",
        ge=1,
        le=3650,
    )
    message: MessageConfig = Field(
        default=MessageConfig(
            sms_template_code="SMS_RETAIL_BIRTHDAY",
            text="【会员中心】${name}，生日快乐！生日券已放入您的账户。",
        ),
        title="生日短信",
        description="与生日券一起发送（会员同意接收营销短信时）。",
    )

    @model_validator(mode="after")
    def _valid_on_the_birthday(self) -> BirthdayConfig:
        if self.coupon_valid_days <= self.days_before:
            fail(
                [
                    (
                        ("coupon_valid_days",),
                        "Give more than days_before ({days} days), so that the coupon can be "
                        "used on the birthday.",
                        {"days": self.days_before},
                    )
                ]
            )
        return self


class WinBackConfig(BaseModel):
    """Win-back (沉睡唤醒): members quiet for a while get a coupon and an SMS; if the coupon
    is not used, their account manager is asked to call."""

    model_config = model_settings(
        "沉睡唤醒设置", "会员一段时间没有消费时发放唤醒券和短信；券未使用则请客户经理回访。"
    )

    inactive_days: int = Field(
        default=30,
        title="沉睡天数",
        description="多少天没有消费算沉睡；每位会员在此天数内最多唤醒一次。",
        ge=1,
        le=730,
    )
    min_points: int = Field(
        default=1000,
        title="积分门槛",
        description="只唤醒可用积分高于此数的会员；0 为不限。",
        ge=0,
        le=1_000_000_000,
    )
    coupon_amount_yuan: int = Field(
        default=30, title="唤醒券金额（元）", description="满减券减免的金额。", ge=1, le=MAX_YUAN
    )
    coupon_min_spend_yuan: int = Field(
        default=100,
        title="唤醒券使用门槛（元）",
        description="订单满此金额可用；0 为无门槛。",
        ge=0,
        le=MAX_YUAN,
    )
    coupon_valid_days: int = Field(
        default=7, title="唤醒券有效天数", description="自发放起的有效天数。", ge=1, le=3650
    )
    follow_up_days: int = Field(
        default=3,
        title="人工回访（天）",
        description="发券后这么多天仍未使用，为会员的客户经理创建回访任务；不超过唤醒券有效天数。",
        ge=1,
        le=60,
    )
    message: MessageConfig = Field(
        default=MessageConfig(
            sms_template_code="SMS_RETAIL_RECALL",
            text="【会员中心】${name}，好久不见，送您一张回归优惠券，欢迎回来看看。",
        ),
        title="唤醒短信",
        description="与唤醒券一起发送（会员同意接收营销短信时）。",
    )

    @model_validator(mode="after")
    def _consistent(self) -> WinBackConfig:
        problems = _amount_off_problems(self.coupon_amount_yuan, self.coupon_min_spend_yuan)
        if self.follow_up_days > self.coupon_valid_days:
            problems.append(
                (
                    ("follow_up_days",),
                    "Give at most the coupon's validity ({days} days): the call should come "
                    "while the coupon can still be used.",
                    {"days": self.coupon_valid_days},
                )
            )
        if problems:
            fail(problems)
        return self
