"""The demo tenant's automations: a welcome gift, a birthday coupon three days early with an SMS,
and win-back with escalation to the account manager (skipped when the tenant has journeys)."""

from __future__ import annotations

from typing import Any

from membership.coupons.templates import TemplateDraft, create_template
from membership.journeys.models import Journey
from membership.journeys.service import activate_journey, save_journey
from membership.messaging.models import MessageTemplate
from membership.messaging.templates import TemplateDraft as MessageDraft
from membership.messaging.templates import save_template
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["DEMO_JOURNEYS", "seed_journeys"]

DEMO_JOURNEYS = ("新人礼", "生日礼", "沉睡会员唤醒")


async def _message_templates(ctx: RequestContext) -> None:
    async with tenant_tx(ctx):
        have = {t.name for t in await MessageTemplate.all()}
    texts = {
        "birthday": ("生日祝福", "【会员中心】${name}，生日快乐！生日券已放入您的账户。"),
        "recall": ("沉睡唤醒", "【会员中心】${name}，好久不见，送您一张本周有效的优惠券。"),
    }
    for name, (title, text) in texts.items():
        if name in have:
            continue
        await save_template(
            ctx,
            MessageDraft(
                name=name,
                title=title,
                purpose="marketing",
                content={
                    "SMS": {
                        "templateCode": f"SMS_DEMO_{name.upper()}",
                        "text": text,
                        "fields": {"name": "{{member.name}}"},
                    }
                },
            ),
        )


def _definitions(welcome: str, birthday: str, recall: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            DEMO_JOURNEYS[0],
            {
                "trigger": {"type": "event", "event": "member.created"},
                "entry": "gift",
                "steps": {
                    "gift": {"type": "issueCoupon", "templateId": welcome, "next": "points"},
                    "points": {
                        "type": "grantPoints",
                        "points": 100,
                        "reason": "新人礼",
                        "next": "end",
                    },
                },
            },
        ),
        (
            DEMO_JOURNEYS[1],
            {
                "trigger": {"type": "birthday", "daysBefore": 3},
                "entry": "coupon",
                "reentry": "P300D",
                "steps": {
                    "coupon": {"type": "issueCoupon", "templateId": birthday, "next": "sms"},
                    "sms": {
                        "type": "sendMessage",
                        "channel": "SMS",
                        "template": "birthday",
                        "next": "end",
                    },
                },
            },
        ),
        (
            DEMO_JOURNEYS[2],
            {
                "trigger": {"type": "inactivity", "days": 30},
                "entry": "rich",
                "reentry": "P30D",
                "steps": {
                    "rich": {
                        "type": "condition",
                        "if": "member.pointsBalance > 1000",
                        "then": "coupon",
                        "else": "end",
                    },
                    "coupon": {"type": "issueCoupon", "templateId": recall, "next": "sms"},
                    "sms": {
                        "type": "sendMessage",
                        "channel": "SMS",
                        "template": "recall",
                        "next": "wait",
                    },
                    "wait": {
                        "type": "waitForEvent",
                        "event": "coupon.redeemed",
                        "timeout": "P3D",
                        "onEvent": "end",
                        "onTimeout": "call",
                    },
                    "call": {
                        "type": "createTask",
                        "title": "回访沉睡会员：优惠券 3 天未使用",
                        "assignTo": "accountManager",
                        "dueIn": "P1D",
                        "next": "end",
                    },
                },
            },
        ),
    ]


async def seed_journeys(ctx: RequestContext) -> int:
    """Save and activate the demo's three journeys; returns how many were made."""
    async with tenant_tx(ctx):
        if await Journey.all().exists():
            return 0
    await _message_templates(ctx)
    welcome = await create_template(
        ctx,
        TemplateDraft(
            name="新人礼 满 50 减 10",
            kind="AMOUNT_OFF",
            amount_off=1_000,
            min_spend=5_000,
            valid_days=30,
        ),
    )
    birthday = await create_template(
        ctx,
        TemplateDraft(
            name="生日券 9 折",
            kind="PERCENT_OFF",
            percent_off=10,
            max_discount=10_000,
            valid_days=14,
        ),
    )
    recall = await create_template(
        ctx,
        TemplateDraft(
            name="唤醒券 满 100 减 30",
            kind="AMOUNT_OFF",
            amount_off=3_000,
            min_spend=10_000,
            valid_days=7,
        ),
    )
    made = 0
    for name, definition in _definitions(str(welcome.id), str(birthday.id), str(recall.id)):
        journey = await save_journey(ctx, journey_id=None, name=name, definition=definition)
        await activate_journey(ctx, journey.id)
        made += 1
    return made
