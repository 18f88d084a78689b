"""The retail preset's three journeys, with the coupon and message templates they give.

* 新人礼 (welcome gift): on ``member.created``, a 满减 coupon, points and a welcome SMS;
* 生日礼 (birthday): a few days before the birthday, a discount coupon and an SMS, once a year;
* 沉睡会员唤醒 (win-back): a member quiet for N days (with enough points) gets a coupon and an
  SMS; if the coupon is not redeemed within a few days, their account manager gets a task to
  call them.

Messages go out by SMS, respecting the member's consent to marketing; templates and journeys the
tenant already has under these names are kept, and the journeys then use them.
"""

from __future__ import annotations

from typing import Any

from plugins.api import setup
from plugins.retail.config import MessageConfig, RetailConfig
from plugins.retail.texts import amount_off_name, discount_text
from tenants.context import RequestContext

__all__ = [
    "JOURNEYS",
    "MESSAGE_TEMPLATES",
    "birthday_journey",
    "set_up_journeys",
    "welcome_journey",
    "win_back_journey",
]

FEN_PER_YUAN = 100
JOURNEYS = ("新人礼", "生日礼", "沉睡会员唤醒")
# message template name -> its title for staff
MESSAGE_TEMPLATES = {"welcome": "入会欢迎", "birthday": "生日祝福", "recall": "沉睡唤醒"}


def _sms(message: MessageConfig) -> dict[str, Any]:
    content: dict[str, Any] = {"templateCode": message.sms_template_code, "text": message.text}
    fields = message.placeholders()
    if fields:
        content["fields"] = fields
    return {"SMS": content}


def _send(template: str, next_step: str) -> dict[str, Any]:
    return {"type": "sendMessage", "channel": "SMS", "template": template, "next": next_step}


def welcome_journey(config: RetailConfig, coupon: str) -> dict[str, Any]:
    """A coupon, points (when any) and the welcome SMS on joining."""
    points = config.welcome.points
    steps: dict[str, Any] = {
        "gift": {"type": "issueCoupon", "templateId": coupon, "next": "points" if points else "sms"}
    }
    if points:
        steps["points"] = {
            "type": "grantPoints",
            "points": points,
            "reason": "新人礼",
            "next": "sms",
        }
    steps["sms"] = _send("welcome", "end")
    return {
        "trigger": {"type": "event", "event": "member.created"},
        "entry": "gift",
        "steps": steps,
    }


def birthday_journey(config: RetailConfig, coupon: str) -> dict[str, Any]:
    """The birthday coupon and SMS, ``days_before`` the birthday, at most once a year."""
    return {
        "trigger": {"type": "birthday", "daysBefore": config.birthday.days_before},
        "entry": "coupon",
        "reentry": "P300D",
        "steps": {
            "coupon": {"type": "issueCoupon", "templateId": coupon, "next": "sms"},
            "sms": _send("birthday", "end"),
        },
    }


def win_back_journey(config: RetailConfig, coupon: str) -> dict[str, Any]:
    """Quiet for ``inactive_days`` (with more than ``min_points``): a coupon and an SMS; unused
    after ``follow_up_days``, a call from the account manager."""
    win_back = config.win_back
    steps: dict[str, Any] = {}
    entry = "coupon"
    if win_back.min_points:
        entry = "rich"
        steps["rich"] = {
            "type": "condition",
            "if": f"member.pointsBalance > {win_back.min_points}",
            "then": "coupon",
            "else": "end",
        }
    steps["coupon"] = {"type": "issueCoupon", "templateId": coupon, "next": "sms"}
    steps["sms"] = _send("recall", "wait")
    steps["wait"] = {
        "type": "waitForEvent",
        "event": "coupon.redeemed",
        "timeout": f"P{win_back.follow_up_days}D",
        "onEvent": "end",
        "onTimeout": "call",
    }
    steps["call"] = {
        "type": "createTask",
        "title": f"回访沉睡会员：唤醒券 {win_back.follow_up_days} 天未使用",
        "assignTo": "accountManager",
        "dueIn": "P1D",
        "next": "end",
    }
    return {
        "trigger": {"type": "inactivity", "days": win_back.inactive_days},
        "entry": entry,
        "reentry": f"P{win_back.inactive_days}D",
        "steps": steps,
    }


async def _coupon_templates(ctx: RequestContext, config: RetailConfig) -> tuple[str, str, str]:
    welcome, birthday, win_back = config.welcome, config.birthday, config.win_back
    gift = await setup.ensure_coupon_template(
        ctx,
        setup.CouponTemplateSpec(
            name=amount_off_name(
                "新人礼", welcome.coupon_amount_yuan, welcome.coupon_min_spend_yuan
            ),
            kind="AMOUNT_OFF",
            amount_off=welcome.coupon_amount_yuan * FEN_PER_YUAN,
            min_spend=welcome.coupon_min_spend_yuan * FEN_PER_YUAN,
            valid_days=welcome.coupon_valid_days,
        ),
    )
    cap = birthday.coupon_max_discount_yuan
    birthday_coupon = await setup.ensure_coupon_template(
        ctx,
        setup.CouponTemplateSpec(
            name=f"生日券 {discount_text(birthday.coupon_percent_off)}",
            kind="PERCENT_OFF",
            percent_off=birthday.coupon_percent_off,
            max_discount=cap * FEN_PER_YUAN if cap else None,
            valid_days=birthday.coupon_valid_days,
        ),
    )
    recall = await setup.ensure_coupon_template(
        ctx,
        setup.CouponTemplateSpec(
            name=amount_off_name(
                "唤醒券", win_back.coupon_amount_yuan, win_back.coupon_min_spend_yuan
            ),
            kind="AMOUNT_OFF",
            amount_off=win_back.coupon_amount_yuan * FEN_PER_YUAN,
            min_spend=win_back.coupon_min_spend_yuan * FEN_PER_YUAN,
            valid_days=win_back.coupon_valid_days,
        ),
    )
    return str(gift.id), str(birthday_coupon.id), str(recall.id)


async def set_up_journeys(ctx: RequestContext, config: RetailConfig) -> None:
    """The coupon and message templates, then the three journeys, saved and active."""
    messages = {
        "welcome": config.welcome.message,
        "birthday": config.birthday.message,
        "recall": config.win_back.message,
    }
    for name, message in messages.items():
        await setup.ensure_message_template(
            ctx,
            setup.MessageTemplateSpec(
                name=name, title=MESSAGE_TEMPLATES[name], purpose="marketing", content=_sms(message)
            ),
        )
    welcome, birthday, recall = await _coupon_templates(ctx, config)
    definitions = (
        welcome_journey(config, welcome),
        birthday_journey(config, birthday),
        win_back_journey(config, recall),
    )
    for name, definition in zip(JOURNEYS, definitions, strict=True):
        await setup.ensure_journey(ctx, name, definition)
