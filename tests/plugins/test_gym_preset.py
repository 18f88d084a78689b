"""The gym preset, through the API: what enabling it sets up, card products, selling, freezing,
check-ins (the best card, races, replays, streaks), statuses, Member.cards, whose business it
is, and the renewal reminders."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from membership.activation.jobs import run_crons
from membership.clock import SystemClock
from tenants.tx import tenant_tx
from tests.api.test_auth import add_staff
from tests.conftest import Api, TenantFixture, count_queries
from tests.journeys.conftest import process_events

ENABLE = """mutation($config: JSON) { enablePlugin(name: "gym", config: $config) {
  plugin { name enabled } errors { code field message } } }"""
PRODUCTS = "{ cardProducts { id name kind days visits price } }"
CREATE_PRODUCT = """mutation($input: CreateCardProductInput!) { createCardProduct(input: $input) {
  product { id name kind days visits price } errors { code field message } } }"""
CARD = "card { id status startsAt endsAt visitsLeft product { name kind } }"
SELL = f"""mutation($input: SellCardInput!) {{ sellCard(input: $input) {{
  {CARD} errors {{ code field message }} }} }}"""
FREEZE = f"""mutation($input: FreezeCardInput!) {{ freezeCard(input: $input) {{
  {CARD} errors {{ code field message }} }} }}"""
CHECK_IN = f"""mutation($input: CheckInInput!) {{ checkIn(input: $input) {{
  {CARD} pointsEarned errors {{ code field message }} }} }}"""
MEMBER = """query($id: ID!) { member(id: $id) { pointsBalance
  cards { id status endsAt visitsLeft product { name } } } }"""
ASSIGN = """mutation($id: ID!, $codes: [String!]!) {
  assignStaffStores(id: $id, storeCodes: $codes) { errors { code field message } } }"""
CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""


async def enable(api: Api, tenant: TenantFixture, config: dict[str, Any] | None = None) -> None:
    data = await api(ENABLE, {"config": config or {}}, tenant.owner_token)
    assert data["enablePlugin"]["errors"] == [], data["enablePlugin"]["errors"]


async def new_member(api: Api, tenant: TenantFixture) -> str:
    phone = f"1392{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
    assert made["createMember"]["errors"] == []
    return made["createMember"]["member"]["id"]  # type: ignore[no-any-return]


async def products(api: Api, tenant: TenantFixture) -> dict[str, dict[str, Any]]:
    data = await api(PRODUCTS, token=tenant.owner_token)
    return {p["name"]: p for p in data["cardProducts"]}


async def sell(
    api: Api, tenant: TenantFixture, member: str, product: str, **more: Any
) -> dict[str, Any]:
    variables = {"memberId": member, "productId": product, "idempotencyKey": uuid.uuid4().hex}
    variables.update(more)
    data = await api(SELL, {"input": variables}, tenant.owner_token)
    return data["sellCard"]  # type: ignore[no-any-return]


async def sold(api: Api, tenant: TenantFixture, member: str, name: str, **more: Any) -> str:
    result = await sell(api, tenant, member, (await products(api, tenant))[name]["id"], **more)
    assert result["errors"] == [], result["errors"]
    return result["card"]["id"]  # type: ignore[no-any-return]


async def check_in(
    api: Api, tenant: TenantFixture, member: str, key: str | None = None
) -> dict[str, Any]:
    variables = {"memberId": member, "idempotencyKey": key or uuid.uuid4().hex}
    data = await api(CHECK_IN, {"input": variables}, tenant.owner_token)
    return data["checkIn"]  # type: ignore[no-any-return]


async def member(api: Api, tenant: TenantFixture, member_id: str) -> dict[str, Any]:
    return (await api(MEMBER, {"id": member_id}, tenant.owner_token))["member"]  # type: ignore[no-any-return]


def local_today(tenant: TenantFixture) -> Any:
    return SystemClock().now().astimezone(ZoneInfo(tenant.info.timezone)).date()


# ---------------------------------------------------------------- set-up and products


async def test_enabling_sets_up_products_the_template_and_the_journeys(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    found = await products(api, tenant)
    assert {(n, p["kind"], p["days"], p["visits"], p["price"]) for n, p in found.items()} == {
        ("月卡", "TIME", 30, None, 30_000),
        ("年卡", "TIME", 365, None, 240_000),
        ("10 次卡", "VISITS", None, 10, 50_000),
    }
    data = await api(
        "{ messageTemplates { name purpose content } journeys { name status definition } }",
        token=tenant.owner_token,
    )
    assert [t["name"] for t in data["messageTemplates"]] == ["gym-renewal"]
    assert data["messageTemplates"][0]["content"]["SMS"]["templateCode"] == "SMS_GYM_RENEWAL"
    journeys = {j["name"]: j for j in data["journeys"]}
    assert {(n, j["status"], j["definition"]["trigger"]["event"]) for n, j in journeys.items()} == {
        ("续卡提醒（即将到期）", "ACTIVE", "gym.card.ending"),
        ("续卡提醒（次数将尽）", "ACTIVE", "gym.card.visits_low"),
    }


async def test_a_card_product_reports_every_bad_field_at_once(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    bad = {"name": " ", "kind": "TIME", "visits": 3, "price": -1}
    result = (await api(CREATE_PRODUCT, {"input": bad}, tenant.owner_token))["createCardProduct"]
    assert result["product"] is None
    assert sorted((e["code"], tuple(e["field"])) for e in result["errors"]) == [
        ("INVALID", ("input", "days")),
        ("INVALID", ("input", "name")),
        ("INVALID", ("input", "price")),
        ("INVALID", ("input", "visits")),
    ]
    bad = {"name": "百次卡", "kind": "VISITS", "visits": 1001, "days": 4000, "price": 0}
    result = (await api(CREATE_PRODUCT, {"input": bad}, tenant.owner_token))["createCardProduct"]
    assert sorted(tuple(e["field"]) for e in result["errors"]) == [
        ("input", "days"),
        ("input", "visits"),
    ]
    good = {"name": "半年次卡", "kind": "VISITS", "visits": 20, "days": 180, "price": 99_900}
    result = (await api(CREATE_PRODUCT, {"input": good}, tenant.owner_token))["createCardProduct"]
    assert result["errors"] == []
    assert result["product"]["days"] == 180 and result["product"]["price"] == 99_900
    again = (await api(CREATE_PRODUCT, {"input": good}, tenant.owner_token))["createCardProduct"]
    assert [e["code"] for e in again["errors"]] == ["DUPLICATE"]
    assert len(await products(api, tenant)) == 4


async def test_a_tenant_without_the_preset_is_refused_naming_it(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    response = await api.raw(PRODUCTS, token=other_tenant.owner_token)
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert "gym" in errors[0]["message"]
    someone = await new_member(api, other_tenant)
    response = await api.raw(
        CHECK_IN, {"input": {"memberId": someone, "idempotencyKey": "k"}}, other_tenant.owner_token
    )
    body = response.json()
    denied = body.get("errors") or body["data"]["checkIn"]["errors"]
    assert "gym" in denied[0]["message"]


def denial_of(body: dict[str, Any], field: str) -> dict[str, Any]:
    """The one error refusing ``field``: top-level, or in its payload's errors."""
    errors = body.get("errors") or (body.get("data") or {}).get(field, {}).get("errors")
    assert errors and len(errors) == 1, body
    return errors[0]  # type: ignore[no-any-return]


async def test_every_gym_operation_is_denied_to_a_tenant_without_it_and_changes_nothing(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    someone = await new_member(api, other_tenant)
    unknown = str(uuid.uuid4())
    span = {"from": "2026-01-01", "until": "2026-01-31"}
    operations: list[tuple[str, str, dict[str, Any]]] = [
        ("cardProducts", PRODUCTS, {}),
        (
            "gymCheckInsPerDay",
            "query($from: Date!, $until: Date!) {"
            " gymCheckInsPerDay(from: $from, until: $until) { day count } }",
            span,
        ),
        (
            "gymRenewalRate",
            "query($from: Date!, $until: Date!) {"
            " gymRenewalRate(from: $from, until: $until) { ended } }",
            span,
        ),
        (
            "createCardProduct",
            CREATE_PRODUCT,
            {"input": {"name": "月卡", "kind": "TIME", "days": 30, "price": 100}},
        ),
        (
            "sellCard",
            SELL,
            {"input": {"memberId": someone, "productId": unknown, "idempotencyKey": "s"}},
        ),
        (
            "freezeCard",
            FREEZE,
            {
                "input": {
                    "cardId": unknown,
                    "from": "2026-01-01",
                    "until": "2026-01-02",
                    "idempotencyKey": "f",
                }
            },
        ),
        ("checkIn", CHECK_IN, {"input": {"memberId": someone, "idempotencyKey": "c"}}),
        ("member", "query($id: ID!) { member(id: $id) { cards { id } } }", {"id": someone}),
    ]
    for field, query, variables in operations:
        body = (await api.raw(query, variables, other_tenant.owner_token)).json()
        error = denial_of(body, field)
        code = error.get("code") or error.get("extensions", {}).get("code")
        assert code == "PERMISSION_DENIED" and "gym" in error["message"], (field, body)
    async with tenant_tx(other_tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT (SELECT count(*) FROM gym_products) + (SELECT count(*) FROM gym_cards)"
            " + (SELECT count(*) FROM gym_check_ins) + (SELECT count(*) FROM orders) AS n"
        )
    assert rows[0]["n"] == 0


# ---------------------------------------------------------------- selling and freezing


async def test_selling_a_card_records_an_order_that_earns_points_once_per_key(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    who = await new_member(api, tenant)
    month = (await products(api, tenant))["月卡"]["id"]
    sale = {"memberId": who, "productId": month, "idempotencyKey": "sale-1"}
    first = (await api(SELL, {"input": sale}, tenant.owner_token))["sellCard"]
    assert first["errors"] == []
    card = first["card"]
    assert card["status"] == "ACTIVE" and card["product"]["kind"] == "TIME"
    starts = datetime.fromisoformat(card["startsAt"])
    assert datetime.fromisoformat(card["endsAt"]) - starts == timedelta(days=30)
    earned = (await member(api, tenant, who))["pointsBalance"]
    assert earned > 0  # ¥300 through the tenant's earning
    replay = (await api(SELL, {"input": sale}, tenant.owner_token))["sellCard"]
    assert replay["card"]["id"] == card["id"]
    reused = {**sale, "productId": (await products(api, tenant))["年卡"]["id"]}
    refused = (await api(SELL, {"input": reused}, tenant.owner_token))["sellCard"]
    assert [e["code"] for e in refused["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    after = await member(api, tenant, who)
    assert after["pointsBalance"] == earned and len(after["cards"]) == 1
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT external_id, amount FROM orders")
    assert [(r["external_id"], r["amount"]) for r in rows] == [("gym:card:sale-1", 30_000)]


async def test_a_freeze_moves_the_end_and_its_limits_change_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant, {"freeze_max_days": 10, "freezes_per_year": 2})
    who = await new_member(api, tenant)
    card = await sold(api, tenant, who, "年卡")
    ends = datetime.fromisoformat((await member(api, tenant, who))["cards"][0]["endsAt"])
    day = local_today(tenant) + timedelta(days=1)
    if (day + timedelta(days=21)).year != day.year:  # keep the three freezes in one year
        day = date(day.year + 1, 1, 1)

    async def freeze(start: int, until: int, key: str) -> dict[str, Any]:
        variables = {
            "cardId": card,
            "from": (day + timedelta(days=start)).isoformat(),
            "until": (day + timedelta(days=until)).isoformat(),
            "idempotencyKey": key,
        }
        return (await api(FREEZE, {"input": variables}, tenant.owner_token))["freezeCard"]  # type: ignore[no-any-return]

    first = await freeze(0, 4, "f1")
    assert first["errors"] == []
    assert datetime.fromisoformat(first["card"]["endsAt"]) == ends + timedelta(days=5)
    assert (await freeze(0, 4, "f1"))["card"]["endsAt"] == first["card"]["endsAt"]  # replay
    too_long = await freeze(20, 30, "f2")
    assert [(e["code"], e["field"]) for e in too_long["errors"]] == [
        ("INVALID", ["input", "until"])
    ]
    overlapping = await freeze(3, 6, "f3")
    assert [e["field"] for e in overlapping["errors"]] == [["input", "from"]]
    assert "overlaps" in overlapping["errors"][0]["message"]
    assert (await freeze(10, 12, "f4"))["errors"] == []
    third = await freeze(20, 21, "f5")
    assert [(e["code"], e["field"]) for e in third["errors"]] == [("INVALID", ["input", "from"])]
    assert "times a year" in third["errors"][0]["message"]
    after = (await member(api, tenant, who))["cards"][0]
    assert datetime.fromisoformat(after["endsAt"]) == ends + timedelta(days=8)
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT count(*) AS n FROM gym_freezes")
    assert rows[0]["n"] == 2


async def test_a_card_frozen_today_is_frozen_and_not_usable(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    who = await new_member(api, tenant)
    card = await sold(api, tenant, who, "月卡")
    today = local_today(tenant).isoformat()
    variables = {"cardId": card, "from": today, "until": today, "idempotencyKey": "today"}
    frozen = (await api(FREEZE, {"input": variables}, tenant.owner_token))["freezeCard"]
    assert frozen["card"]["status"] == "FROZEN"
    refused = await check_in(api, tenant, who)
    assert refused["card"] is None and refused["pointsEarned"] == 0
    assert [e["field"] for e in refused["errors"]] == [["input", "memberId"]]


# ---------------------------------------------------------------- check-ins


async def test_a_check_in_uses_the_card_ending_soonest(api: Api, tenant: TenantFixture) -> None:
    await enable(api, tenant)
    who = await new_member(api, tenant)
    await sold(api, tenant, who, "年卡")
    visits = await sold(api, tenant, who, "10 次卡")  # never ends: last
    month = await sold(api, tenant, who, "月卡")
    later = (SystemClock().now() + timedelta(days=3)).isoformat()
    await sold(api, tenant, who, "月卡", startsAt=later)  # not started yet
    done = await check_in(api, tenant, who)
    assert done["errors"] == [] and done["card"]["id"] == month
    cards = (await member(api, tenant, who))["cards"]
    assert [c["product"]["name"] for c in cards] == ["月卡", "月卡", "年卡", "10 次卡"]
    assert next(c for c in cards if c["id"] == visits)["visitsLeft"] == 10


async def test_ten_check_ins_at_once_use_ten_visits_and_an_eleventh_uses_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant, {"streak_bonus_points": 0})
    who = await new_member(api, tenant)
    await sold(api, tenant, who, "10 次卡")
    results = await asyncio.gather(*(check_in(api, tenant, who) for _ in range(10)))
    assert all(r["errors"] == [] for r in results), results
    assert sorted(r["card"]["visitsLeft"] for r in results) == list(range(10))
    balance = (await member(api, tenant, who))["pointsBalance"]
    eleventh = await check_in(api, tenant, who)
    assert eleventh["card"] is None and eleventh["errors"][0]["code"] == "INVALID"
    view = await member(api, tenant, who)
    assert view["cards"][0]["visitsLeft"] == 0 and view["cards"][0]["status"] == "USED_UP"
    assert view["pointsBalance"] == balance
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT count(*) AS n FROM gym_check_ins")
    assert rows[0]["n"] == 10


async def test_a_replayed_check_in_counts_once(api: Api, tenant: TenantFixture) -> None:
    await enable(api, tenant)
    who = await new_member(api, tenant)
    await sold(api, tenant, who, "10 次卡")
    before = (await member(api, tenant, who))["pointsBalance"]
    results = await asyncio.gather(*(check_in(api, tenant, who, "door-1") for _ in range(3)))
    assert {r["card"]["visitsLeft"] for r in results} == {9}
    assert {r["pointsEarned"] for r in results} == {10}
    view = await member(api, tenant, who)
    assert view["cards"][0]["visitsLeft"] == 9 and view["pointsBalance"] == before + 10
    other = await new_member(api, tenant)
    await sold(api, tenant, other, "月卡")
    reused = await check_in(api, tenant, other, "door-1")
    assert [e["code"] for e in reused["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]


async def test_a_clerk_checks_members_in_at_their_own_stores_only(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    who = await new_member(api, tenant)
    await sold(api, tenant, who, "10 次卡")
    email, token = await add_staff(api, tenant, "clerk")
    staff = await api("{ staff { id email } }", token=tenant.owner_token)
    clerk = next(s["id"] for s in staff["staff"] if s["email"] == email)
    assigned = await api(ASSIGN, {"id": clerk, "codes": ["GYM-01"]}, tenant.owner_token)
    assert assigned["assignStaffStores"]["errors"] == []

    async def at(store: str | None, key: str, caller: str = token) -> dict[str, Any]:
        variables = {"memberId": who, "idempotencyKey": key, "storeCode": store}
        return (await api(CHECK_IN, {"input": variables}, caller))["checkIn"]  # type: ignore[no-any-return]

    elsewhere = await at("GYM-02", "s-1")
    assert elsewhere["card"] is None and elsewhere["errors"] == [
        {
            "code": "PERMISSION_DENIED",
            "field": ["input", "storeCode"],
            "message": "You check members in at your stores only: GYM-01.",
        }
    ]
    assert [e["code"] for e in (await at(None, "s-2"))["errors"]] == ["PERMISSION_DENIED"]
    too_long = await at("G" * 51, "s-3", tenant.owner_token)
    assert [(e["code"], e["field"]) for e in too_long["errors"]] == [
        ("INVALID", ["input", "storeCode"])
    ]
    assert (await member(api, tenant, who))["cards"][0]["visitsLeft"] == 10  # nothing used
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query("SELECT count(*) AS n FROM gym_check_ins")
    assert rows[0]["n"] == 0

    mine = await at("GYM-01", "s-4")
    assert mine["errors"] == [] and mine["card"]["visitsLeft"] == 9
    # the owner, assigned to no store, checks in anywhere
    assert (await at("GYM-02", "s-5", tenant.owner_token))["errors"] == []


async def test_three_check_ins_in_a_week_earn_the_streak_bonus(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant, {"points_per_check_in": 5, "streak_bonus_points": 100})
    who = await new_member(api, tenant)
    await sold(api, tenant, who, "10 次卡")
    before = (await member(api, tenant, who))["pointsBalance"]
    earned = [(await check_in(api, tenant, who))["pointsEarned"] for _ in range(4)]
    assert earned == [5, 5, 105, 5]  # the fourth starts a new streak
    assert (await member(api, tenant, who))["pointsBalance"] == before + 120


async def test_no_usable_card_is_refused_with_nothing_used(api: Api, tenant: TenantFixture) -> None:
    await enable(api, tenant)
    who = await new_member(api, tenant)
    refused = await check_in(api, tenant, who)
    assert refused["errors"][0]["code"] == "INVALID" and refused["pointsEarned"] == 0
    assert (await member(api, tenant, who))["pointsBalance"] == 0


async def test_an_ended_card_is_expired_and_a_card_with_no_visits_used_up(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    one = {"name": "体验卡", "kind": "VISITS", "visits": 1, "price": 0}
    await api(CREATE_PRODUCT, {"input": one}, tenant.owner_token)
    who = await new_member(api, tenant)
    long_ago = (SystemClock().now() - timedelta(days=40)).isoformat()
    await sold(api, tenant, who, "月卡", startsAt=long_ago)
    trial = await sold(api, tenant, who, "体验卡")
    assert (await check_in(api, tenant, who))["card"]["id"] == trial
    statuses = {
        c["product"]["name"]: c["status"] for c in (await member(api, tenant, who))["cards"]
    }
    assert statuses == {"月卡": "EXPIRED", "体验卡": "USED_UP"}
    assert (await check_in(api, tenant, who))["errors"][0]["code"] == "INVALID"


async def test_member_cards_cost_the_same_queries_for_any_page(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    query = "query { members(first: 50) { edges { node { id cards { id status } } } } }"
    counts = []
    for made in (2, 8):
        while len((await api(query, token=tenant.owner_token))["members"]["edges"]) < made:
            who = await new_member(api, tenant)
            await sold(api, tenant, who, "月卡")
        with count_queries() as counted:
            data = await api(query, token=tenant.owner_token)
        assert all(len(e["node"]["cards"]) == 1 for e in data["members"]["edges"])
        counts.append(len(counted.queries))
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------- renewal reminders


async def _sms_sent(tenant: TenantFixture, member_id: str, journey: str) -> list[str]:
    """The outcomes of the journey's SMS steps for the member (queued: through the gate)."""
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT a.outcome FROM journey_actions a JOIN journey_runs r ON r.id = a.run_id "
            "JOIN journeys j ON j.id = r.journey_id WHERE a.type = 'sendMessage' "
            "AND r.member_id = $1 AND j.name = $2",
            [uuid.UUID(member_id), journey],
        )
    return [r["outcome"] for r in rows]


async def test_the_cron_emits_card_ending_once_and_the_journey_sends(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    who = await new_member(api, tenant)
    started = (SystemClock().now() - timedelta(days=25)).isoformat()
    await sold(api, tenant, who, "月卡", startsAt=started)  # ends in 5 days
    await sold(api, tenant, who, "年卡")  # ends in a year: no reminder
    await process_events(tenant.ctx)
    at = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    for _ in range(2):
        await run_crons(at)
        await process_events(tenant.ctx)
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT count(*) AS n FROM outbox WHERE type = 'gym.card.ending'"
        )
    assert rows[0]["n"] == 1
    assert await _sms_sent(tenant, who, "续卡提醒（即将到期）") == ["queued"]


async def test_the_check_in_leaving_two_visits_starts_the_reminder(
    api: Api, tenant: TenantFixture
) -> None:
    await enable(api, tenant)
    who = await new_member(api, tenant)
    await sold(api, tenant, who, "10 次卡")
    for _ in range(7):
        await check_in(api, tenant, who)
    await process_events(tenant.ctx)
    assert await _sms_sent(tenant, who, "续卡提醒（次数将尽）") == []
    assert (await check_in(api, tenant, who))["card"]["visitsLeft"] == 2
    await check_in(api, tenant, who)
    await process_events(tenant.ctx)
    assert await _sms_sent(tenant, who, "续卡提醒（次数将尽）") == ["queued"]
