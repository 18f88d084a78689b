"""The earning engine: each built-in kind, the order rules run in, and rounding."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from membership.earning.engine import EarningOutcome, RuleSpec, compute
from plugins.builtin.earning_rules import KINDS
from plugins.earning import MemberFacts, OrderFacts, OrderLine, clean_params

KIND = {k.name: k for k in KINDS}
SHANGHAI = ZoneInfo("Asia/Shanghai")
NO_TIER = MemberFacts(None, None, None, Decimal(1), None, None)
GOLD = MemberFacts("m", "t", "金卡", Decimal("1.5"), None, None)
# Wednesday 2026-11-25 10:00 in Shanghai
WEDNESDAY = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def order(
    cash: int,
    lines: tuple[OrderLine, ...] = (),
    store: str | None = "SH-001",
    paid_at: datetime = WEDNESDAY,
) -> OrderFacts:
    return OrderFacts(cash, cash, store, paid_at, paid_at.astimezone(SHANGHAI), lines)


def rule(kind: str, priority: int = 0, name: str | None = None, **raw: Any) -> RuleSpec:
    values, problems = clean_params(KIND[kind], raw)
    assert problems == []
    created = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=len(raw) + priority)
    return RuleSpec(uuid.uuid4(), name or kind, kind, values, priority, created)


def earn(
    facts: OrderFacts,
    *rules: RuleSpec,
    member: MemberFacts = NO_TIER,
    rate: str = "1",
) -> EarningOutcome:
    return compute(list(rules), facts, member, base_rate=Decimal(rate), kinds=KIND)


def test_base_rate_rounds_down_once_at_the_end() -> None:
    assert earn(order(12_399)).points == 123
    assert earn(order(12_399), member=GOLD).points == 185  # 185.985, not 123 × 1.5 = 184
    assert earn(order(99)).points == 0
    assert earn(order(12_399)).exact == Decimal("123.99")


def test_a_base_rate_rule_overrides_the_setting_only_where_it_matches() -> None:
    flagship = rule("BASE_RATE", pointsPerYuan="2", stores=["BJ-001"])
    assert earn(order(10_000, store="BJ-001"), flagship).points == 200
    assert earn(order(10_000, store="SH-001"), flagship).points == 100
    # the higher priority wins when several match
    low = rule("BASE_RATE", priority=1, pointsPerYuan="3")
    high = rule("BASE_RATE", priority=5, pointsPerYuan="5")
    assert earn(order(10_000), low, high).points == 500


def test_member_day_uses_the_tenants_time_zone() -> None:
    wednesdays = rule("MEMBER_DAY", weekdays=[3], multiplier="2")
    assert earn(order(10_000), wednesdays).points == 200
    # 2026-11-24 23:30 UTC is already Wednesday 07:30 in Shanghai
    late = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert earn(order(10_000, paid_at=late), wednesdays).points == 200
    # 2026-11-24 15:59 UTC is Tuesday 23:59 in Shanghai
    before = datetime(2026, 11, 24, 15, 59, tzinfo=UTC)
    assert earn(order(10_000, paid_at=before), wednesdays).points == 100
    monthly = rule("MEMBER_DAY", monthDays=[25], multiplier="3")
    assert earn(order(10_000), monthly).points == 300


def test_a_line_takes_the_first_line_rule_that_matches_it() -> None:
    lines = (
        OrderLine("TOBACCO-1", "tobacco", 1, 5_000),
        OrderLine("TEA-1", "drinks", 2, 5_000),
    )
    no_tobacco = rule("SKU_MULTIPLIER", priority=10, skus=["TOBACCO-1"], multiplier="0")
    everything = rule("CATEGORY_MULTIPLIER", categories=["tobacco", "drinks"], multiplier="2")
    outcome = earn(order(10_000, lines), everything, no_tobacco)
    # tobacco ×0 (the exclusion has the higher priority), tea ¥50 × 2
    assert outcome.points == 100
    assert [a.kind for a in outcome.applied] == [
        "BASE_RATE",
        "SKU_MULTIPLIER",
        "CATEGORY_MULTIPLIER",
    ]
    assert outcome.applied[2].detail["categories"] == ["drinks"]


def test_cash_is_shared_by_line_amounts_after_discounts() -> None:
    lines = (OrderLine("A", None, 1, 3_000), OrderLine("B", None, 1, 1_000))
    # ¥40 of goods paid with ¥20 cash: A carries ¥15, B ¥5
    facts = OrderFacts(4_000, 2_000, None, WEDNESDAY, WEDNESDAY.astimezone(SHANGHAI), lines)
    assert earn(facts, rule("SKU_MULTIPLIER", skus=["B"], multiplier="10")).points == 65


def test_order_multipliers_multiply_and_a_cap_clips_the_total() -> None:
    campaign = rule(
        "CAMPAIGN",
        startsAt="2026-11-11T00:00:00+08:00",
        endsAt="2026-11-26T00:00:00+08:00",
        multiplier="2",
    )
    store = rule("STORE_MULTIPLIER", stores=["SH-001"], multiplier="1.5")
    assert earn(order(10_000), campaign, store, member=GOLD).points == 450
    capped = earn(order(10_000), campaign, store, rule("ORDER_CAP", points=300), member=GOLD)
    assert capped.points == 300
    assert capped.applied[-1].kind == "ORDER_CAP"


def test_a_campaign_includes_its_start_and_excludes_its_end() -> None:
    campaign = rule(
        "CAMPAIGN",
        startsAt="2026-11-11T00:00:00+08:00",
        endsAt="2026-11-12T00:00:00+08:00",
        multiplier="3",
    )
    start = datetime(2026, 11, 10, 16, 0, tzinfo=UTC)
    assert earn(order(1_000, paid_at=start), campaign).points == 30
    assert earn(order(1_000, paid_at=start - timedelta(seconds=1)), campaign).points == 10
    assert earn(order(1_000, paid_at=start + timedelta(days=1)), campaign).points == 10


def test_orders_under_the_minimum_earn_nothing_and_say_why() -> None:
    minimum = rule("MINIMUM_AMOUNT", amount=5_000)
    outcome = earn(order(4_999), minimum)
    assert outcome.points == 0
    assert outcome.applied[0].kind == "MINIMUM_AMOUNT"
    assert outcome.applied[0].detail == {"minimumFen": 5_000, "cashFen": 4_999}
    assert earn(order(5_000), minimum).points == 50


def test_parameters_are_checked_by_their_declaration() -> None:
    _, problems = clean_params(KIND["MEMBER_DAY"], {"weekdays": [0, 8], "multiplier": "x"})
    assert {p.field for p in problems} == {"weekdays", "multiplier"}
    _, problems = clean_params(KIND["MEMBER_DAY"], {"multiplier": 2})
    assert [p.template for p in problems] == ["Give weekdays, days of the month or both."]
    _, problems = clean_params(KIND["ORDER_CAP"], {"points": 1.5, "extra": 1})
    assert {p.field for p in problems} == {"points", "extra"}
    _, problems = clean_params(
        KIND["CAMPAIGN"],
        {"startsAt": "2026-11-12T00:00:00+08:00", "endsAt": "2026-11-11T00:00:00", "multiplier": 2},
    )
    assert [p.field for p in problems] == ["endsAt"]  # no time zone


RULE_POOL = [
    rule("MEMBER_DAY", weekdays=[3], multiplier="2"),
    rule("SKU_MULTIPLIER", priority=3, skus=["A"], multiplier="0"),
    rule("CATEGORY_MULTIPLIER", categories=["x"], multiplier="4"),
    rule("STORE_MULTIPLIER", stores=["SH-001"], multiplier="1.25"),
    rule("MINIMUM_AMOUNT", amount=100),
    rule("ORDER_CAP", points=5_000),
    rule("BASE_RATE", priority=2, pointsPerYuan="1.5"),
    rule("BASE_RATE", priority=1, pointsPerYuan="0.5"),
]


@settings(max_examples=200, deadline=None)
@given(
    chosen=st.lists(st.sampled_from(RULE_POOL), unique_by=id),
    cash=st.integers(min_value=0, max_value=10**9),
    shuffle=st.randoms(use_true_random=False),
)
def test_the_result_does_not_depend_on_the_order_rules_are_stored_in(
    chosen: list[RuleSpec], cash: int, shuffle: Any
) -> None:
    lines = (OrderLine("A", "x", 1, 700), OrderLine("B", "x", 2, 150), OrderLine("C", None, 1, 1))
    facts = order(cash, lines)
    first = earn(facts, *chosen, member=GOLD)
    shuffled = list(chosen)
    shuffle.shuffle(shuffled)
    again = earn(facts, *shuffled, member=GOLD)
    assert again == first
    assert 0 <= first.points <= max(first.exact, 0)
    if any(r.kind == "ORDER_CAP" for r in chosen):
        assert first.points <= 5_000


def test_a_programmes_rules_kept_in_order_still_follow_the_rate_and_the_installed_kinds() -> None:
    """A tuple of rules (a programme revision's) is put in order once and reused: the reuse
    must still see another base rate and another set of installed kinds."""
    double = rule("STORE_MULTIPLIER", stores=["SH-001"], multiplier="2")
    rules = (double,)
    facts = order(10_000)
    assert compute(rules, facts, NO_TIER, base_rate=Decimal(1), kinds=KIND).points == 200
    assert compute(rules, facts, NO_TIER, base_rate=Decimal(3), kinds=KIND).points == 600
    without = {name: kind for name, kind in KIND.items() if name != "STORE_MULTIPLIER"}
    assert compute(rules, facts, NO_TIER, base_rate=Decimal(3), kinds=without).points == 300
    assert compute(rules, facts, NO_TIER, base_rate=Decimal(1), kinds=KIND).points == 200
