"""The mall preset's configuration: what a tenant chooses when it enables the plugin.

Its JSON Schema is what the admin's enable form is generated from, so every field has a zh-CN
title, a description, its default and its bounds. Amounts are whole yuan here (a mall thinks
"at most ¥5,000 of receipts a day"); the services compare them in fen.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plugins.mall.wechat_pay_config import WeChatPayConfig

__all__ = ["NAME", "MallConfig", "StoreConfig"]

NAME = "mall"  # the entry-point name: what tenants enable and errors name

STORE_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
MAX_MULTIPLIER = 100.0  # what the STORE_MULTIPLIER earning rule accepts


def _settings(title: str, description: str) -> ConfigDict:
    """Frozen, strict about unknown keys, and titled and described in zh-CN for the form."""
    return ConfigDict(
        title=title,
        json_schema_extra={"description": description},
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )


class StoreConfig(BaseModel):
    """One store of the mall, made when the preset first runs."""

    model_config = _settings("商户", "商场内的一个商户（门店），以商户编码识别。")

    code: str = Field(
        title="商户编码",
        description="小票和订单上的商户编码：字母、数字、_、.、-，最多 32 个字符，不可重复。",
        pattern=STORE_CODE_PATTERN,
    )
    name: str = Field(
        title="商户名称",
        description="员工和会员看到的商户名，例如 星巴克。",
        min_length=1,
        max_length=50,
    )
    points_multiplier: float | None = Field(
        default=None,
        title="积分倍数",
        description="在该商户消费的积分乘以此数（会建立一条“商户积分倍数”规则）；留空：按商场统一规则。",
        ge=0,
        le=MAX_MULTIPLIER,
    )


def _default_stores() -> list[StoreConfig]:
    return [
        StoreConfig(code="A101", name="示例餐饮"),
        StoreConfig(code="B201", name="示例服饰"),
        StoreConfig(code="C301", name="示例影院", points_multiplier=2.0),
    ]


TierName = Annotated[str, Field(min_length=1, max_length=50)]
ParkingHours = Annotated[int, Field(ge=0, le=24)]


def _default_parking_hours() -> dict[str, int]:
    return {"普卡": 1, "银卡": 2, "金卡": 3, "钻石": 5}


class MallConfig(BaseModel):
    """One tenant's mall: its stores and the rules of receipt points."""

    model_config = _settings(
        "商场会员方案",
        "一个积分计划覆盖全场商户：各商户通积通兑，会员上传小票审核后按商户规则积分。",
    )

    stores: list[StoreConfig] = Field(
        default_factory=_default_stores,
        title="商户",
        description="启用时建立的商户，之后可在商户管理中增改；默认三个示例商户。",
        max_length=500,
    )
    points_per_yuan: float = Field(
        default=1.0,
        title="每元积分",
        description="每消费 1 元积多少分（在等级倍数和商户规则之前），0–1000。",
        ge=0,
        le=1000,
    )
    daily_receipt_limit: int = Field(
        default=5,
        title="每日小票张数上限",
        description="每位会员每天（按商场时区）最多提交的小票张数（被驳回的不计），1–100。",
        ge=1,
        le=100,
    )
    daily_amount_limit_yuan: int = Field(
        default=20_000,
        title="每日小票金额上限（元）",
        description="每位会员每天（按商场时区）提交小票的总金额上限（被驳回的不计），1–10,000,000 元。",
        ge=1,
        le=10_000_000,
    )
    max_receipt_age_days: int = Field(
        default=30,
        title="小票有效天数",
        description="开票后多少天内可以提交；更早的小票不予受理，1–365。",
        ge=1,
        le=365,
    )
    wechat_pay: WeChatPayConfig | None = Field(
        default=None,
        title="微信支付智慧商圈",
        description="填写后接收微信支付商圈支付和退款通知并按商户规则积分；留空：不接收。",
    )
    parking_hours_by_tier: dict[TierName, ParkingHours] = Field(
        default_factory=_default_parking_hours,
        title="停车权益（小时）",
        description="各会员等级每天免费停车的小时数，按等级名称；未列出的等级和无等级的会员为 0，每项 0–24。",
        max_length=50,
    )

    @model_validator(mode="after")
    def _unique_codes(self) -> MallConfig:
        seen: set[str] = set()
        for store in self.stores:
            if store.code in seen:
                raise ValueError(f"商户编码 {store.code} 重复。")
            seen.add(store.code)
        return self
