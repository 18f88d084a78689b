"""Realistic demo data: Chinese names, phones in a reserved block, birthdays, tags, and a
purchase history recorded as real orders.

The programme is the retail preset's (``enable_plugin(ctx, "retail", DEMO_PROGRAMME)``): tiers
普卡/银卡/金卡/钻石, 1 point per yuan, a member day, and the welcome, birthday and win-back
journeys, set up exactly as any tenant enabling the plugin gets them. Members start with nothing
and in the entry tier; their orders go through ``record_order``, so order counts, totals, last
orders, points and tiers all come from what was recorded.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from membership.activation.service import enable_plugin
from membership.coupons.templates import TemplateDraft, create_template
from membership.events.models import MemberEvent
from membership.events.tracking import TrackedEvent, track_event
from membership.members.identities import IdentityKey, bind_identity
from membership.members.models import CustomFieldDefinition, Member
from membership.messaging.consents import ConsentToRecord, record_consent
from membership.messaging.models import MessageTemplate
from membership.messaging.send import SendRequest, send_message
from membership.messaging.subscriptions import SubscriptionGrant, record_subscription
from membership.messaging.templates import TemplateDraft as MessageDraft
from membership.messaging.templates import save_template
from membership.orders.service import OrderItem, OrderRequest, record_order
from membership.rewards.models import Reward
from membership.rewards.service import RewardDraft, create_reward
from membership.tiers.models import Tier
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = [
    "DEMO_PROGRAMME",
    "demo_phone",
    "seed_behaviour",
    "seed_members",
    "seed_messaging",
    "seed_orders",
    "seed_reference_data",
]

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强晓红玉兰海燕婷婷欣怡子涵梓萱浩然宇轩一诺诗涵雨桐俊杰佳怡思远嘉怡博文"
_TAGS = ["新客", "复购", "高价值", "母婴", "美妆", "运动", "线上", "门店", "企业客户", "沉睡"]
_CHANNELS = ["mini_program", "store", "tmall", "jd", "wecom", "referral"]
_STORES = ["SH-001", "SH-002", "BJ-001", "GZ-001"]
_PRODUCTS = [  # sku, category, unit price in fen
    ("SKU-1024", "美妆", 12_800),
    ("SKU-2048", "美妆", 32_900),
    ("SKU-3001", "母婴", 8_900),
    ("SKU-3002", "母婴", 25_900),
    ("SKU-4001", "运动", 45_900),
    ("SKU-5001", "食品", 3_900),
]
# The retail preset's configuration for the demo: its defaults, with the demo's own SMS templates
# and the top tiers' extra benefits.
DEMO_PROGRAMME: dict[str, Any] = {
    "tiers": [
        {"name": "普卡", "threshold_yuan": 0, "points_multiplier": 1},
        {"name": "银卡", "threshold_yuan": 2_000, "points_multiplier": 1.25},
        {
            "name": "金卡",
            "threshold_yuan": 5_000,
            "points_multiplier": 1.5,
            "benefits": "每消费 1 元积 1.5 分；会员日（每周三）积分再乘 2 倍；生日 9 折券；全场包邮。",
        },
        {
            "name": "钻石",
            "threshold_yuan": 20_000,
            "points_multiplier": 1.75,
            "benefits": "每消费 1 元积 1.75 分；会员日（每周三）积分再乘 2 倍；生日 9 折券；"
            "全场包邮；专属客户经理；新品优先试用。",
        },
    ],
    "tier_window": "ROLLING_DAYS",
    "tier_window_days": 365,
    "member_day": {"weekdays": [3], "multiplier": 2},
    "birthday": {
        "message": {
            "sms_template_code": "SMS_DEMO_BIRTHDAY",
            "text": "【会员中心】${name}，生日快乐！生日券已放入您的账户。",
        }
    },
    "win_back": {
        "message": {
            "sms_template_code": "SMS_DEMO_RECALL",
            "text": "【会员中心】${name}，好久不见，送您一张本周有效的优惠券。",
        }
    },
}


def demo_phone(index: int) -> str:
    """+86 1740 0xx xxxx: the 1740 block is allotted to satellite service, not consumer SMS."""
    return f"+861740{index:07d}"


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


async def seed_reference_data(ctx: RequestContext) -> None:
    """The demo tenant's custom fields, message templates and points mall, and its programme
    through the retail preset (each skipped when present)."""
    async with tenant_tx(ctx):
        if not await CustomFieldDefinition.all().exists():
            fields = [
                ("skin_type", "肤质", "ENUM", False, ["干性", "油性", "混合", "敏感"]),
                ("due_date", "预产期", "DATE", False, []),
                ("id_number", "身份证号", "TEXT", True, []),
                ("newsletter", "订阅资讯", "BOOL", False, []),
            ]
            for position, (key, label, kind, pii, options) in enumerate(fields):
                await CustomFieldDefinition.create(
                    id=uuid.uuid4(),
                    tenant_id=ctx.tenant.id,
                    key=key,
                    label=label,
                    type=kind,
                    pii=pii,
                    options=options,
                    position=position,
                    created_at=ctx.clock.now(),
                )
    async with tenant_tx(ctx):
        has_mall = await Reward.all().exists()
    if not has_mall:
        await _seed_coupons(ctx)
    # The demo's own welcome template (WeChat and SMS) comes first: the preset keeps a template
    # of a name the tenant has, so its welcome journey sends this one.
    await _seed_message_templates(ctx)
    await enable_plugin(ctx, "retail", DEMO_PROGRAMME)


async def _seed_coupons(ctx: RequestContext) -> None:
    """Three coupon templates (one with a campaign code) and a points mall of two rewards."""
    welcome = await create_template(
        ctx,
        TemplateDraft(
            name="新人满 100 减 20",
            kind="AMOUNT_OFF",
            amount_off=2_000,
            min_spend=10_000,
            valid_days=30,
            public_code="WELCOME26",
        ),
    )
    await create_template(
        ctx,
        TemplateDraft(
            name="会员日 85 折",
            kind="PERCENT_OFF",
            percent_off=15,
            max_discount=5_000,
            valid_days=7,
            per_member_limit=1,
            period="WEEK",
            period_limit=1,
        ),
    )
    mug = await create_template(
        ctx, TemplateDraft(name="保温杯兑换券", kind="GIFT", gift_sku="MUG-01", valid_days=90)
    )
    await create_reward(
        ctx, RewardDraft(name="满 100 减 20 券", points_cost=500, coupon_template_id=welcome.id)
    )
    await create_reward(
        ctx, RewardDraft(name="保温杯", points_cost=3_000, stock=50, coupon_template_id=mug.id)
    )


async def seed_members(
    ctx: RequestContext,
    count: int,
    *,
    start_index: int = 0,
    seed: int = 7,
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``count`` members in batches; returns how many were inserted."""
    rng = random.Random(seed + start_index)
    now = ctx.clock.now()
    async with tenant_tx(ctx):
        entry = await Tier.filter(rank=0).first()
    inserted = 0
    while inserted < count:
        size = min(batch, count - inserted)
        rows = []
        for i in range(size):
            index = start_index + inserted + i
            created = now - timedelta(days=rng.randint(0, 900), seconds=rng.randint(0, 86_400))
            custom: dict[str, object] = {}
            if rng.random() < 0.4:
                custom["skin_type"] = rng.choice(["干性", "油性", "混合", "敏感"])
            if rng.random() < 0.2:
                custom["id_number"] = (
                    f"1101011990{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"
                )
            rows.append(
                Member(
                    id=uuid.uuid4(),
                    tenant_id=ctx.tenant.id,
                    phone=demo_phone(index),
                    name=_name(rng),
                    gender=rng.choice(["MALE", "FEMALE", "FEMALE", "UNKNOWN"]),
                    birthday=date(rng.randint(1960, 2006), rng.randint(1, 12), rng.randint(1, 28)),
                    external_id=f"CRM{index:08d}",
                    source_channel=rng.choice(_CHANNELS),
                    tags=rng.sample(_TAGS, rng.randint(0, 3)),
                    custom_fields=custom,
                    tier_id=entry.id if entry else None,
                    created_at=created,
                    updated_at=created,
                )
            )
        async with tenant_tx(ctx):
            await Member.bulk_create(rows)
        inserted += size
        if progress:
            progress(size)
    return inserted


async def seed_orders(
    ctx: RequestContext,
    *,
    start_index: int,
    count: int,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Record a purchase history for the members ``start_index`` … ``start_index + count - 1``
    (as ``seed_members`` made them): most buy a few times since they joined, some never.
    Idempotent: the order numbers are fixed, so a second seed records nothing new. Returns how
    many orders were recorded."""
    rng = random.Random(seed * 31 + start_index)
    now = ctx.clock.now()
    numbers = {f"CRM{index:08d}": index for index in range(start_index, start_index + count)}
    async with tenant_tx(ctx):
        members = await Member.filter(external_id__in=list(numbers)).order_by("external_id")
    recorded = 0
    for member in members:
        index = numbers[member.external_id or ""]
        orders = 0 if rng.random() < 0.25 else min(12, int(rng.expovariate(1 / 4)) + 1)
        joined = max(member.created_at, now - timedelta(days=400))
        times = sorted(joined + (now - joined) * rng.random() for _ in range(orders))
        for n, paid_at in enumerate(times):
            items = [
                OrderItem(sku=sku, category=category, quantity=rng.randint(1, 3), unit_price=price)
                for sku, category, price in rng.sample(_PRODUCTS, rng.randint(1, 3))
            ]
            result = await record_order(
                ctx,
                OrderRequest(
                    external_id=f"DEMO-{index:08d}-{n:02d}",
                    member_id=member.id,
                    amount=sum(i.quantity * i.unit_price for i in items),
                    items=items,
                    store_code=rng.choice(_STORES),
                    paid_at=paid_at,
                ),
            )
            recorded += not result.replayed
        if progress:
            progress(1)
    return recorded


_BEHAVIOUR = [
    ("product.viewed", {"sku": "SKU-1024", "name": "保湿面霜", "price": 12800}),
    ("campaign.joined", {"campaign": "spring-2026", "channel": "mini_program"}),
    ("coupon.claimed", {"code": "WELCOME26"}),
    ("store.visited", {"store": "SH-001"}),
]


async def seed_behaviour(ctx: RequestContext, members: int = 20, seed: int = 7) -> int:
    """A few behaviour events for the newest members, so their timelines have something to show.
    Idempotent: a second seed records nothing new."""
    rng = random.Random(seed)
    async with tenant_tx(ctx):
        newest = [m.id for m in await Member.all().order_by("-created_at").limit(members)]
        seeded = set(
            await MemberEvent.filter(member_id__in=newest).values_list("member_id", flat=True)
        )
    ids = [i for i in newest if i not in seeded]
    now = ctx.clock.now()
    recorded = 0
    for member_id in ids:
        for n, (kind, properties) in enumerate(rng.sample(_BEHAVIOUR, 3)):
            tracked = await track_event(
                ctx,
                TrackedEvent(
                    member_id=member_id,
                    type=kind,
                    properties=properties,
                    occurred_at=now - timedelta(hours=rng.randint(1, 72)),
                    idempotency_key=f"demo-{member_id}-{n}",
                ),
            )
            recorded += not tracked.replayed
    return recorded


async def _seed_message_templates(ctx: RequestContext) -> None:
    """The welcome and points-expiring templates (skipped when present)."""
    async with tenant_tx(ctx):
        have = {t.name for t in await MessageTemplate.all()}
    if "welcome" not in have:
        await save_template(
            ctx,
            MessageDraft(
                name="welcome",
                title="入会欢迎",
                purpose="marketing",
                content={
                    "WECHAT_SUBSCRIBE": {
                        "templateCode": "demo-welcome-subscribe",
                        "fields": {"thing1": "{{member.name}}", "number2": "{{member.points}}"},
                        "link": "pages/member/index",
                    },
                    "SMS": {
                        "templateCode": "SMS_DEMO_WELCOME",
                        "text": "【会员中心】${name}，欢迎入会，您有${points}积分可用。",
                        "fields": {"name": "{{member.name}}", "points": "{{member.points}}"},
                    },
                },
            ),
        )
    if "points-expiring" not in have:
        await save_template(
            ctx,
            MessageDraft(
                name="points-expiring",
                title="积分到期提醒",
                purpose="service",
                content={
                    "SMS": {
                        "templateCode": "SMS_DEMO_EXPIRING",
                        "text": "【会员中心】${name}，您有${points}积分将于${date}到期。",
                        "fields": {
                            "name": "{{member.name}}",
                            "points": "{{points.expiring}}",
                            "date": "{{points.expiresOn}}",
                        },
                    }
                },
            ),
        )


async def seed_messaging(ctx: RequestContext, members: int = 12) -> int:
    """For the newest members a WeChat openid, consents given at the counter, a subscription,
    and a welcome message through the send path. Idempotent: the consents, subscriptions and
    messages are keyed per member. Returns the messages made."""
    async with tenant_tx(ctx):
        newest = [m.id for m in await Member.all().order_by("-created_at").limit(members)]
    made = 0
    for n, member_id in enumerate(newest):
        await bind_identity(
            ctx,
            member_id,
            IdentityKey("WECHAT_OPENID", "wx-demo-mini", f"o-demo-{member_id.hex[:20]}"),
        )
        channels = ["SMS", "WECHAT_SUBSCRIBE"] if n % 3 else ["SMS"]
        for channel in channels:
            await record_consent(
                ctx,
                ConsentToRecord(
                    member_id=member_id,
                    channel=channel,
                    purpose="marketing",
                    granted=True,
                    source="pos" if channel == "SMS" else "mini-program",
                    idempotency_key=f"demo-consent-{channel}-{member_id}",
                ),
            )
        if n % 2:
            await record_subscription(
                ctx,
                SubscriptionGrant(
                    member_id=member_id,
                    template_code="demo-welcome-subscribe",
                    idempotency_key=f"demo-subscribe-{member_id}",
                ),
            )
        made += len(
            await send_message(ctx, SendRequest(member_id, "welcome", f"demo-welcome-{member_id}"))
        )
    return made
