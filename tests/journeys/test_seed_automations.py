"""The three automations merchants ask for first, end to end on a sandbox tenant whose test clock
is advanced through the month: a welcome gift on sign-up, a birthday coupon three days early
with an SMS, and win-back with escalation to the account manager."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from membership.db import PgTarget
from membership.messaging.models import FakeProviderSend, Message
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import template
from tests.journeys.conftest import activated, member_view, runs_of, sms_template
from tests.testclock.conftest import day, make_sandbox

ADVANCE = """mutation($to: DateTime!) {
  advanceTestClock(to: $to) { testClock { frozenTime status } errors { code field message } } }"""
CREATE = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code field } } }"""
ADJUST = (
    """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { errors { code } } }"""
)
REDEEM = """mutation($input: RedeemCouponInput!) {
  redeemCoupon(input: $input) { errors { code field message } } }"""
CONSENT = (
    """mutation($input: RecordConsentInput!) { recordConsent(input: $input) { errors { code } } }"""
)
TASKS = """query { tasks(first: 20) {
  totalCount edges { node { title status dueAt member { id } assignee { email } } } } }"""


async def advance(api: Api, sandbox: TenantFixture, to: datetime) -> None:
    result = (await api(ADVANCE, {"to": to.isoformat()}, sandbox.owner_token))["advanceTestClock"]
    assert result["errors"] == []
    assert result["testClock"]["status"] == "READY"


async def join(api: Api, sandbox: TenantFixture, **fields: Any) -> str:
    phone = f"1386{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE, {"input": {"phone": phone, **fields}}, sandbox.secret_key)
    assert made["createMember"]["errors"] == []
    member: str = made["createMember"]["member"]["id"]
    await api(
        CONSENT,
        {
            "input": {
                "memberId": member,
                "channel": "SMS",
                "purpose": "marketing",
                "granted": True,
                "source": "pos",
                "idempotencyKey": f"c-{member}",
            }
        },
        sandbox.secret_key,
    )
    return member


async def sms_sent_to(sandbox: TenantFixture, member: str) -> list[tuple[str, str]]:
    async with tenant_tx(sandbox.ctx):
        messages = await Message.filter(member_id=uuid.UUID(member)).order_by("created_at")
        sent = await FakeProviderSend.filter(message_id__in=[m.id for m in messages]).count()
    assert sent == sum(m.status in ("SENT", "DELIVERED") for m in messages)
    return [(m.template_name or "", m.status) for m in messages]


async def test_a_welcome_gift_on_sign_up(database: PgTarget, api: Api) -> None:
    sandbox = await make_sandbox(database, api)
    await activated(
        api,
        sandbox,
        {
            "trigger": {"type": "event", "event": "member.created"},
            "entry": "gift",
            "steps": {
                "gift": {
                    "type": "issueCoupon",
                    "templateId": await template(api, sandbox),
                    "next": "points",
                },
                "points": {
                    "type": "grantPoints",
                    "points": 100,
                    "reason": "welcome",
                    "next": "end",
                },
            },
        },
    )
    member = await join(api, sandbox)
    await advance(api, sandbox, day(0.01))
    view = await member_view(api, sandbox, member)
    assert view["pointsBalance"] == 100
    assert len(view["coupons"]["edges"]) == 1
    assert [r.status for r in await runs_of(sandbox, member)] == ["COMPLETED"]


async def test_a_birthday_coupon_three_days_before_with_an_sms(
    database: PgTarget, api: Api
) -> None:
    sandbox = await make_sandbox(database, api)  # 1 January 2026, 09:00 in Shanghai
    await sms_template(api, sandbox, "birthday")
    await activated(
        api,
        sandbox,
        {
            "trigger": {"type": "birthday", "daysBefore": 3},
            "entry": "coupon",
            "reentry": "P300D",
            "steps": {
                "coupon": {
                    "type": "issueCoupon",
                    "templateId": await template(api, sandbox),
                    "next": "sms",
                },
                "sms": {
                    "type": "sendMessage",
                    "channel": "SMS",
                    "template": "birthday",
                    "next": "end",
                },
            },
        },
    )
    tenth = await join(api, sandbox, birthday="1990-01-10")
    twentieth = await join(api, sandbox, birthday="1988-01-20")

    await advance(api, sandbox, day(5.9))  # 7 January, 06:36: before the morning's sweep
    assert (await member_view(api, sandbox, tenth))["coupons"]["edges"] == []
    await advance(api, sandbox, day(6.1))  # 7 January, 11:24
    assert len((await member_view(api, sandbox, tenth))["coupons"]["edges"]) == 1
    assert await sms_sent_to(sandbox, tenth) == [("birthday", "SENT")]
    assert (await member_view(api, sandbox, twentieth))["coupons"]["edges"] == []

    await advance(api, sandbox, day(20))  # through the 17th: the second member's turn, once
    assert len((await member_view(api, sandbox, twentieth))["coupons"]["edges"]) == 1
    assert len((await member_view(api, sandbox, tenth))["coupons"]["edges"]) == 1
    assert await sms_sent_to(sandbox, twentieth) == [("birthday", "SENT")]


async def test_win_back_escalates_an_unused_coupon_to_the_account_manager(
    database: PgTarget, api: Api
) -> None:
    sandbox = await make_sandbox(database, api)
    await sms_template(api, sandbox, "recall")
    recall_coupon = await template(api, sandbox, validDays=7)
    await activated(
        api,
        sandbox,
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
                "coupon": {"type": "issueCoupon", "templateId": recall_coupon, "next": "sms"},
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
                    "title": "Call this member",
                    "assignTo": "accountManager",
                    "dueIn": "P1D",
                    "next": "end",
                },
            },
        },
    )
    owner = (await api("{ staff { id email } }", token=sandbox.owner_token))["staff"][0]
    ignores, uses, poor = (
        await join(api, sandbox, accountManagerId=owner["id"]),
        await join(api, sandbox, accountManagerId=owner["id"]),
        await join(api, sandbox),
    )
    for member in (ignores, uses):
        await api(
            ADJUST,
            {
                "input": {
                    "memberId": member,
                    "points": 1500,
                    "reason": "seed",
                    "idempotencyKey": f"s-{member}",
                }
            },
            sandbox.secret_key,
        )

    await advance(api, sandbox, day(29.5))  # 30 January: nobody is 30 days quiet yet
    assert await runs_of(sandbox, ignores) == []
    await advance(api, sandbox, day(30.1))  # 31 January, 11:24: the line is crossed today
    for member in (ignores, uses):
        [coupon] = (await member_view(api, sandbox, member))["coupons"]["edges"]
        assert coupon["node"]["status"] == "ISSUED"
        assert await sms_sent_to(sandbox, member) == [("recall", "SENT")]
    assert [r.status for r in await runs_of(sandbox, poor)] == ["COMPLETED"]
    assert (await member_view(api, sandbox, poor))["coupons"]["edges"] == []

    await advance(api, sandbox, day(31))  # 1 February: one of them comes back and uses it
    [coupon] = (await member_view(api, sandbox, uses))["coupons"]["edges"]
    redeemed = await api(
        REDEEM,
        {
            "input": {
                "code": coupon["node"]["code"],
                "memberId": uses,
                "orderAmount": 10_000,
                "idempotencyKey": f"r-{uses}",
            }
        },
        sandbox.secret_key,
    )
    assert redeemed["redeemCoupon"]["errors"] == []

    await advance(api, sandbox, day(33.2))  # 3 February, 13:48: three days after the SMS
    tasks = (await api(TASKS, token=sandbox.owner_token))["tasks"]
    assert tasks["totalCount"] == 1
    [task] = tasks["edges"]
    assert task["node"]["member"]["id"] == ignores
    assert task["node"]["assignee"]["email"] == owner["email"]
    assert task["node"]["status"] == "OPEN"
    assert [r.status for r in await runs_of(sandbox, uses)] == ["COMPLETED"]
    assert [r.status for r in await runs_of(sandbox, ignores)] == ["COMPLETED"]
