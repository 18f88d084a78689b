"""The retail preset, through the API: what enabling it sets up, how orders earn under it, that
it runs once, that its configuration is checked field by field, and whose business it is."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from membership.clock import SystemClock
from tenants.staff import create_staff
from tenants.tx import tenant_tx
from tests.conftest import LOGIN, Api, TenantFixture
from tests.journeys.conftest import member_view, process_events

ENABLE = """mutation($name: String!, $config: JSON) {
  enablePlugin(name: $name, config: $config) {
    plugin { name enabled config } errors { code field message } } }"""
DISABLE = """mutation($name: String!) {
  disablePlugin(name: $name) { plugin { name enabled } errors { code field message } } }"""
PLUGINS = "{ plugins { name title enabled config configSchema } }"
TIERS = """{ tiers { id name rank metric threshold window windowDays pointsMultiplier benefits }
  tierSettings { downgradePolicy graceDays } }"""
EARNING = """{ pointsSettings { earnPointsPerYuan } earningRules { name kind params enabled } }"""
COUPONS = "{ couponTemplates { id name kind amountOff minSpend percentOff maxDiscount validDays } }"
MESSAGES = "{ messageTemplates { name title purpose content } }"
JOURNEYS = "{ journeys { name status activeVersion definition } }"
UPDATE_TIER = """mutation($id: ID!, $input: UpdateTierInput!) {
  updateTier(id: $id, input: $input) { tier { name benefits } errors { code field } } }"""
CREATE_TIER = """mutation($input: CreateTierInput!) {
  createTier(input: $input) { tier { id } errors { code field } } }"""
CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""
RECORD = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { pointsEarned appliedRules { kind } } errors { code } } }"""
SAVE_MESSAGE = """mutation($input: SaveMessageTemplateInput!) {
  saveMessageTemplate(input: $input) { errors { code field message } } }"""

TABLES = (
    "tiers",
    "earning_rules",
    "coupon_templates",
    "message_templates",
    "journeys",
    "journey_versions",
)


async def enable(
    api: Api, tenant: TenantFixture, config: dict[str, Any] | None = None
) -> dict[str, Any]:
    data = await api(ENABLE, {"name": "retail", "config": config or {}}, tenant.owner_token)
    return data["enablePlugin"]  # type: ignore[no-any-return]


async def enabled(api: Api, tenant: TenantFixture, config: dict[str, Any] | None = None) -> None:
    result = await enable(api, tenant, config)
    assert result["errors"] == [], result["errors"]
    assert result["plugin"]["enabled"] is True


async def read(api: Api, tenant: TenantFixture, query: str) -> dict[str, Any]:
    return await api(query, token=tenant.owner_token)


async def counts(tenant: TenantFixture) -> dict[str, int]:
    async with tenant_tx(tenant.ctx) as conn:
        found = {}
        for table in TABLES:
            _, rows = await conn.execute_query(f"SELECT count(*) AS n FROM {table}")
            found[table] = int(rows[0]["n"])
    return found


async def new_member(api: Api, tenant: TenantFixture) -> str:
    phone = f"1391{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
    assert made["createMember"]["errors"] == []
    return made["createMember"]["member"]["id"]  # type: ignore[no-any-return]


async def points_for(api: Api, tenant: TenantFixture, member: str, paid: date) -> int:
    order = {
        "externalId": f"R-{uuid.uuid4().hex[:12]}",
        "memberId": member,
        "amount": 10_000,  # ¥100
        "paidAt": f"{paid.isoformat()}T04:00:00Z",  # noon in Shanghai
    }
    data = await api(RECORD, {"input": order}, tenant.secret_key)
    assert data["recordOrder"]["errors"] == []
    return data["recordOrder"]["order"]["pointsEarned"]  # type: ignore[no-any-return]


# ---------------------------------------------------------------- what enabling sets up


async def test_enabling_sets_up_four_spend_tiers_with_multipliers_benefits_and_downgrades(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    data = await read(api, tenant, TIERS)
    tiers = data["tiers"]
    assert [(t["name"], t["rank"], t["threshold"], t["pointsMultiplier"]) for t in tiers] == [
        ("普卡", 0, 0, 1.0),
        ("银卡", 1, 200_000, 1.25),
        ("金卡", 2, 500_000, 1.5),
        ("钻石", 3, 2_000_000, 1.75),
    ]
    assert {(t["metric"], t["window"], t["windowDays"]) for t in tiers} == {
        ("SPEND", "ROLLING_DAYS", 365)
    }
    assert tiers[2]["benefits"] == (
        "每消费 1 元积 1.5 分；会员日（每周三）积分再乘 2 倍；生日前 3 天送 9 折生日券。"
    )
    assert data["tierSettings"] == {"downgradePolicy": "TO_QUALIFIED", "graceDays": 30}


async def test_enabling_sets_one_point_per_yuan_and_a_double_points_member_day(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    data = await read(api, tenant, EARNING)
    assert data["pointsSettings"]["earnPointsPerYuan"] == 1.0
    [rule] = data["earningRules"]
    assert (rule["name"], rule["kind"], rule["enabled"]) == ("会员日双倍积分", "MEMBER_DAY", True)
    assert rule["params"]["weekdays"] == [3]
    assert float(rule["params"]["multiplier"]) == 2


async def test_enabling_makes_the_welcome_birthday_and_win_back_coupon_templates(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    templates = (await read(api, tenant, COUPONS))["couponTemplates"]
    assert sorted(
        (t["name"], t["kind"], t["amountOff"], t["minSpend"], t["percentOff"], t["validDays"])
        for t in templates
    ) == [
        ("唤醒券 满 100 减 30", "AMOUNT_OFF", 3_000, 10_000, None, 7),
        ("新人礼 满 50 减 10", "AMOUNT_OFF", 1_000, 5_000, None, 30),
        ("生日券 9 折", "PERCENT_OFF", None, 0, 10, 14),
    ]


async def test_enabling_makes_the_sms_templates_the_journeys_send(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    templates = {t["name"]: t for t in (await read(api, tenant, MESSAGES))["messageTemplates"]}
    assert sorted(templates) == ["birthday", "recall", "welcome"]
    assert templates["birthday"]["purpose"] == "marketing"
    assert templates["birthday"]["content"] == {
        "SMS": {
            "templateCode": "SMS_RETAIL_BIRTHDAY",
            "text": "【会员中心】${name}，生日快乐！生日券已放入您的账户。",
            "fields": {"name": "{{member.name}}"},
        }
    }


async def test_enabling_activates_the_three_journeys_on_its_templates(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    journeys = {j["name"]: j for j in (await read(api, tenant, JOURNEYS))["journeys"]}
    assert {(n, j["status"], j["activeVersion"]) for n, j in journeys.items()} == {
        ("新人礼", "ACTIVE", 1),
        ("生日礼", "ACTIVE", 1),
        ("沉睡会员唤醒", "ACTIVE", 1),
    }
    coupons = {t["name"]: t["id"] for t in (await read(api, tenant, COUPONS))["couponTemplates"]}
    birthday = journeys["生日礼"]["definition"]
    assert birthday["trigger"] == {"type": "birthday", "daysBefore": 3}
    assert birthday["steps"]["coupon"]["templateId"] == coupons["生日券 9 折"]
    win_back = journeys["沉睡会员唤醒"]["definition"]
    assert win_back["trigger"] == {"type": "inactivity", "days": 30}
    assert win_back["steps"]["rich"]["if"] == "member.pointsBalance > 1000"
    assert win_back["steps"]["wait"]["timeout"] == "P3D"
    assert win_back["steps"]["call"]["assignTo"] == "accountManager"


async def test_a_new_member_gets_the_welcome_gift(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    member = await new_member(api, tenant)
    await process_events(tenant.ctx)
    view = await member_view(api, tenant, member)
    assert view["pointsBalance"] == 100
    assert len(view["coupons"]["edges"]) == 1


# ---------------------------------------------------------------- earning under it


def _next(weekday: int) -> date:
    today = SystemClock().now().date()
    return date.fromordinal(today.toordinal() + (weekday - today.isoweekday()) % 7)


async def test_an_order_on_member_day_earns_double(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    member = await new_member(api, tenant)
    assert await points_for(api, tenant, member, _next(3)) == 200  # a Wednesday
    assert await points_for(api, tenant, member, _next(4)) == 100  # a Thursday


# ---------------------------------------------------------------- once


async def test_enabling_twice_changes_nothing(api: Api, tenant: TenantFixture) -> None:
    await enabled(api, tenant)
    before = await counts(tenant)
    await enabled(api, tenant)
    await enabled(api, tenant, {"points_per_yuan": 2})  # only the stored configuration changes
    assert await counts(tenant) == before
    assert before == {
        "tiers": 4,
        "earning_rules": 1,
        "coupon_templates": 3,
        "message_templates": 3,
        "journeys": 3,
        "journey_versions": 3,
    }


async def test_disabling_and_enabling_again_keeps_edits_and_duplicates_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    silver = next(t for t in (await read(api, tenant, TIERS))["tiers"] if t["name"] == "银卡")
    renamed = await api(
        UPDATE_TIER,
        {"id": silver["id"], "input": {"name": "白银卡", "benefits": "银卡专享"}},
        tenant.owner_token,
    )
    assert renamed["updateTier"]["errors"] == []
    before = await counts(tenant)

    off = await api(DISABLE, {"name": "retail"}, tenant.owner_token)
    assert off["disablePlugin"]["plugin"]["enabled"] is False
    await enabled(api, tenant)

    assert await counts(tenant) == before
    tiers = (await read(api, tenant, TIERS))["tiers"]
    assert [t["name"] for t in tiers] == ["普卡", "白银卡", "金卡", "钻石"]
    assert tiers[1]["benefits"] == "银卡专享"


# ---------------------------------------------------------------- its configuration


async def test_a_bad_config_reports_every_field_and_changes_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    config = {
        "tiers": [
            {"name": "普卡", "threshold_yuan": 0},
            {"name": "银卡", "threshold_yuan": 5_000},
            {"name": "金卡", "threshold_yuan": 3_000},
        ],
        "welcome": {"coupon_amount_yuan": -10},
        "birthday": {"days_before": 20},
        "member_day": {"weekdays": [8]},
    }
    result = await enable(api, tenant, config)
    assert result["plugin"] is None
    assert {e["code"] for e in result["errors"]} == {"INVALID"}
    assert sorted(e["field"] for e in result["errors"]) == [
        ["config", "birthday", "coupon_valid_days"],
        ["config", "member_day", "weekdays", "0"],
        ["config", "tiers", "2", "threshold_yuan"],
        ["config", "welcome", "coupon_amount_yuan"],
    ]
    tiers = next(e for e in result["errors"] if e["field"][1] == "tiers")
    assert "银卡" in tiers["message"]
    assert await counts(tenant) == dict.fromkeys(TABLES, 0)
    plugins = {p["name"]: p for p in (await read(api, tenant, PLUGINS))["plugins"]}
    assert plugins["retail"]["enabled"] is False


async def test_a_custom_config_is_honoured(api: Api, tenant: TenantFixture) -> None:
    await enabled(
        api,
        tenant,
        {
            "points_per_yuan": 2,
            "tiers": [
                {"name": "铜卡", "threshold_yuan": 0},
                {"name": "银卡", "threshold_yuan": 1_000, "points_multiplier": 1.5},
                {
                    "name": "金卡",
                    "threshold_yuan": 3_000,
                    "points_multiplier": 2,
                    "benefits": "包邮",
                },
            ],
            "tier_window": "CALENDAR_YEAR",
            "downgrade_policy": "ONE_TIER",
            "member_day": {"weekdays": [], "month_days": [8, 18], "multiplier": 3},
            "win_back": {
                "inactive_days": 60,
                "min_points": 0,
                "follow_up_days": 5,
                "coupon_amount_yuan": 50,
                "coupon_min_spend_yuan": 200,
            },
            "welcome": {"coupon_amount_yuan": 15, "coupon_min_spend_yuan": 80},
            "birthday": {"coupon_percent_off": 20, "coupon_valid_days": 10},
        },
    )
    coupons = (await read(api, tenant, COUPONS))["couponTemplates"]
    assert sorted(
        (t["kind"], t["amountOff"], t["minSpend"], t["percentOff"], t["validDays"]) for t in coupons
    ) == [
        ("AMOUNT_OFF", 1_500, 8_000, None, 30),
        ("AMOUNT_OFF", 5_000, 20_000, None, 7),
        ("PERCENT_OFF", None, 0, 20, 10),
    ]
    data = await read(api, tenant, TIERS)
    assert [(t["name"], t["threshold"], t["window"], t["windowDays"]) for t in data["tiers"]] == [
        ("铜卡", 0, "CALENDAR_YEAR", None),
        ("银卡", 100_000, "CALENDAR_YEAR", None),
        ("金卡", 300_000, "CALENDAR_YEAR", None),
    ]
    assert data["tiers"][0]["benefits"].startswith("每消费 1 元积 2 分；会员日（每月 8、18 日）")
    assert data["tiers"][2]["benefits"] == "包邮"
    assert data["tierSettings"]["downgradePolicy"] == "ONE_TIER"
    [rule] = (await read(api, tenant, EARNING))["earningRules"]
    assert (rule["name"], rule["params"]["monthDays"]) == ("会员日 3 倍积分", [8, 18])
    journeys = {j["name"]: j for j in (await read(api, tenant, JOURNEYS))["journeys"]}
    win_back = journeys["沉睡会员唤醒"]["definition"]
    assert win_back["trigger"] == {"type": "inactivity", "days": 60}
    assert win_back["entry"] == "coupon"  # no points condition
    assert win_back["steps"]["wait"]["timeout"] == "P5D"

    member = await new_member(api, tenant)
    eighth = _next_day_of_month(8)
    assert await points_for(api, tenant, member, eighth) == 600  # ¥100 × 2 points × 3


def _next_day_of_month(day: int) -> date:
    today = SystemClock().now().date()
    if today.day <= day:
        return today.replace(day=day)
    month = today.month % 12 + 1
    return date(today.year + (month == 1), month, day)


async def test_the_config_schema_titles_and_describes_every_field(
    api: Api, tenant: TenantFixture
) -> None:
    plugins = {p["name"]: p for p in (await read(api, tenant, PLUGINS))["plugins"]}
    retail = plugins["retail"]
    assert retail["title"] == "零售会员方案"
    schema = retail["configSchema"]
    models = [schema, *schema["$defs"].values()]
    for model in models:
        for name, field in model["properties"].items():
            assert field.get("title") and field.get("description"), name
    assert schema["properties"]["tiers"]["default"][0]["name"] == "普卡"


# ---------------------------------------------------------------- what the tenant has already


async def test_what_the_tenant_has_under_the_preset_names_is_kept(
    api: Api, tenant: TenantFixture
) -> None:
    made = await api(
        CREATE_TIER,
        {"input": {"name": "普卡", "rank": 0, "metric": "SPEND", "threshold": 0}},
        tenant.owner_token,
    )
    assert made["createTier"]["errors"] == []
    saved = await api(
        SAVE_MESSAGE,
        {
            "input": {
                "name": "birthday",
                "title": "我们的生日短信",
                "purpose": "marketing",
                "content": {"SMS": {"templateCode": "SMS_OURS", "text": "生日快乐"}},
            }
        },
        tenant.owner_token,
    )
    assert saved["saveMessageTemplate"]["errors"] == []

    await enabled(api, tenant)

    tiers = (await read(api, tenant, TIERS))["tiers"]
    assert [t["name"] for t in tiers] == ["普卡", "银卡", "金卡", "钻石"]
    assert tiers[0]["id"] == made["createTier"]["tier"]["id"]
    assert tiers[0]["benefits"] is None  # kept as the tenant made it
    templates = {t["name"]: t for t in (await read(api, tenant, MESSAGES))["messageTemplates"]}
    assert templates["birthday"]["title"] == "我们的生日短信"
    assert len(templates) == 3


async def test_a_rank_held_by_another_tier_is_reported_at_the_tier_name(
    api: Api, tenant: TenantFixture
) -> None:
    made = await api(
        CREATE_TIER,
        {"input": {"name": "Basic", "rank": 0, "metric": "SPEND", "threshold": 0}},
        tenant.owner_token,
    )
    assert made["createTier"]["errors"] == []
    result = await enable(api, tenant)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("DUPLICATE", ["config", "tiers", "0", "name"])
    ]
    assert "Basic" in result["errors"][0]["message"]
    assert (await counts(tenant))["tiers"] == 1
    assert (await counts(tenant))["journeys"] == 0


# ---------------------------------------------------------------- whose business it is


async def test_enabling_needs_programme_manage(api: Api, tenant: TenantFixture) -> None:
    email, password = f"clerk-{uuid.uuid4().hex[:6]}@shop.example.com", "clerk-pass-123"
    await create_staff(tenant.ctx, email=email, password=password, role="clerk")
    login = await api(LOGIN, {"slug": tenant.info.slug, "email": email, "password": password})
    clerk = login["login"]["token"]
    data = await api(ENABLE, {"name": "retail", "config": {}}, clerk)
    assert [e["code"] for e in data["enablePlugin"]["errors"]] == ["PERMISSION_DENIED"]
    assert await counts(tenant) == dict.fromkeys(TABLES, 0)


async def test_another_tenant_is_unaffected(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await enabled(api, tenant)
    assert await counts(other_tenant) == dict.fromkeys(TABLES, 0)
    plugins = {p["name"]: p for p in (await read(api, other_tenant, PLUGINS))["plugins"]}
    assert plugins["retail"]["enabled"] is False
    assert (await read(api, other_tenant, EARNING))["pointsSettings"]["earnPointsPerYuan"] == 1.0


async def test_the_demo_tenant_is_seeded_through_the_preset(
    api: Api, tenant: TenantFixture
) -> None:
    from membership.demo import DEMO_PROGRAMME, seed_reference_data

    await seed_reference_data(tenant.ctx)
    plugins = {p["name"]: p for p in (await read(api, tenant, PLUGINS))["plugins"]}
    assert plugins["retail"]["enabled"] is True
    member_day = plugins["retail"]["config"]["member_day"]
    assert {k: member_day[k] for k in DEMO_PROGRAMME["member_day"]} == {
        "weekdays": [3],
        "multiplier": 2,
    }
    tiers = (await read(api, tenant, TIERS))["tiers"]
    assert [t["name"] for t in sorted(tiers, key=lambda t: t["rank"])] == [
        "普卡",
        "银卡",
        "金卡",
        "钻石",
    ]
    journeys = (await read(api, tenant, JOURNEYS))["journeys"]
    assert {(j["name"], j["status"]) for j in journeys} == {
        ("新人礼", "ACTIVE"),
        ("生日礼", "ACTIVE"),
        ("沉睡会员唤醒", "ACTIVE"),
    }
    # seeding again sets nothing up twice
    before = await counts(tenant)
    await seed_reference_data(tenant.ctx)
    assert await counts(tenant) == before
