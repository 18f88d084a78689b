"""Issuing coupons: codes, validity, idempotency, limits (also under a real race), a member's
coupons, lookup by code, and isolation."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from membership.clock import FrozenClock
from membership.coupons import issue
from membership.coupons.codes import ALPHABET
from membership.coupons.models import Coupon, CouponTemplate
from membership.errors import DomainError, ErrorCode
from tenants.context import RequestContext
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture, count_queries
from tests.coupons.test_templates import create
from tests.points.test_ledger_invariants import new_member

ISSUE = """mutation($input: IssueCouponInput!) {
  issueCoupon(input: $input) {
    coupon { id code status validFrom validUntil template { name issuedCount } member { id } }
    errors { code field message }
  }
}"""
LOOKUP = """query($code: String!) { coupon(code: $code) { id code status } }"""
WALLET = """query($id: ID!, $status: CouponStatus) {
  member(id: $id) { coupons(first: 10, status: $status) { totalCount edges { node { code status } } } }
}"""


async def template(api: Api, tenant: TenantFixture, **fields: Any) -> str:
    defaults: dict[str, Any] = {"name": "满100减20", "kind": "AMOUNT_OFF", "amountOff": 2_000}
    if "validUntil" not in fields:
        defaults["validDays"] = 30
    made = await create(api, tenant.owner_token, **{**defaults, **fields})
    assert made["errors"] == [], made["errors"]
    return made["template"]["id"]  # type: ignore[no-any-return]


async def issue_api(
    api: Api, token: str, template_id: str, member: uuid.UUID | str, key: str
) -> dict[str, Any]:
    variables = {
        "input": {"templateId": template_id, "memberId": str(member), "idempotencyKey": key}
    }
    return (await api(ISSUE, variables, token))["issueCoupon"]  # type: ignore[no-any-return]


async def test_a_coupon_is_issued_once_per_key_and_found_by_its_code(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant, startDelayDays=1)
    member = await new_member(tenant)
    first = await issue_api(api, tenant.secret_key, template_id, member, f"k-{member}")
    assert first["errors"] == []
    coupon = first["coupon"]
    assert len(coupon["code"]) == 12 and set(coupon["code"]) <= set(ALPHABET)
    assert coupon["status"] == "ISSUED" and coupon["member"]["id"] == str(member)
    starts = datetime.fromisoformat(coupon["validFrom"])
    ends = datetime.fromisoformat(coupon["validUntil"])
    assert ends - starts == timedelta(days=30)
    assert timedelta(hours=23) < starts - datetime.now(UTC) <= timedelta(days=1)
    assert coupon["template"]["issuedCount"] == 1

    again = await issue_api(api, tenant.secret_key, template_id, member, f"k-{member}")
    assert again["coupon"]["id"] == coupon["id"]
    assert again["coupon"]["template"]["issuedCount"] == 1
    other = await new_member(tenant)
    reused = await issue_api(api, tenant.secret_key, template_id, other, f"k-{member}")
    assert [e["code"] for e in reused["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]

    typed = "-".join([coupon["code"][:4], coupon["code"][4:8].lower(), coupon["code"][8:]])
    found = await api(LOOKUP, {"code": f" {typed} "}, tenant.secret_key)
    assert found["coupon"]["id"] == coupon["id"]
    wallet = await api(WALLET, {"id": str(member), "status": None}, tenant.secret_key)
    assert wallet["member"]["coupons"]["totalCount"] == 1


async def test_per_member_and_per_week_limits_are_enforced(api: Api, tenant: TenantFixture) -> None:
    template_id = uuid.UUID(
        await template(api, tenant, perMemberLimit=2, period="WEEK", periodLimit=1)
    )
    member = await new_member(tenant)
    # Sunday 2026-11-29 23:00 in Shanghai
    clock = FrozenClock(datetime(2026, 11, 29, 15, 0, tzinfo=UTC))
    ctx = RequestContext.system(tenant.info, clock=clock)

    async def attempt(key: str) -> str:
        try:
            await issue.issue_coupon(
                ctx, template_id=template_id, member_id=member, idempotency_key=f"{member}-{key}"
            )
        except DomainError as exc:
            return exc.code.value
        return "ok"

    assert await attempt("a") == "ok"
    assert await attempt("b") == ErrorCode.COUPON_NOT_APPLICABLE.value  # same week
    clock.advance(timedelta(hours=1))  # Monday 00:00 in Shanghai: a new week
    assert await attempt("c") == "ok"
    clock.advance(timedelta(days=7))
    assert await attempt("d") == ErrorCode.COUPON_NOT_APPLICABLE.value  # two per member in all
    async with tenant_tx(tenant.ctx):
        assert await Coupon.filter(member_id=member).count() == 2
        assert (await CouponTemplate.get(id=template_id)).issued_count == 2


async def test_twenty_simultaneous_issues_respect_a_total_limit_of_five(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = uuid.UUID(await template(api, tenant, totalLimit=5))
    members = [await new_member(tenant) for _ in range(20)]

    async def attempt(member: uuid.UUID) -> str:
        try:
            await issue.issue_coupon(
                tenant.ctx,
                template_id=template_id,
                member_id=member,
                idempotency_key=f"race-{member}",
            )
        except DomainError as exc:
            return exc.code.value
        return "ok"

    outcomes = await asyncio.gather(*(attempt(m) for m in members))
    assert outcomes.count("ok") == 5
    assert outcomes.count(ErrorCode.COUPON_NOT_APPLICABLE.value) == 15
    async with tenant_tx(tenant.ctx):
        assert await Coupon.filter(template_id=template_id).count() == 5
        assert (await CouponTemplate.get(id=template_id)).issued_count == 5


async def test_a_template_past_its_window_issues_nothing_and_old_coupons_show_expired(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant, validUntil="2026-01-01T00:00:00+08:00")
    member = await new_member(tenant)
    late = await issue_api(api, tenant.secret_key, template_id, member, f"late-{member}")
    assert [e["code"] for e in late["errors"]] == ["COUPON_NOT_APPLICABLE"]
    # issued back when it was valid, shown expired now
    then = RequestContext.system(tenant.info, clock=FrozenClock(datetime(2025, 12, 1, tzinfo=UTC)))
    await issue.issue_coupon(
        then, template_id=uuid.UUID(template_id), member_id=member, idempotency_key=f"o-{member}"
    )
    expired = await api(WALLET, {"id": str(member), "status": "EXPIRED"}, tenant.secret_key)
    assert [e["node"]["status"] for e in expired["member"]["coupons"]["edges"]] == ["EXPIRED"]
    issued = await api(WALLET, {"id": str(member), "status": "ISSUED"}, tenant.secret_key)
    assert issued["member"]["coupons"]["totalCount"] == 0


async def test_a_members_list_with_coupons_costs_the_same_queries_for_2_or_20(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant)
    for _ in range(20):
        member = await new_member(tenant)
        made = await issue_api(api, tenant.secret_key, template_id, member, f"q-{member}")
        assert made["errors"] == []
    query = """query($first: Int) { members(first: $first) { edges { node {
      id coupons(first: 5) { totalCount edges { node { code template { name } } } } } } } }"""
    await api(query, {"first": 1}, tenant.owner_token)
    counts = []
    for first in (2, 20):
        with count_queries() as counter:
            data = await api(query, {"first": first}, tenant.owner_token)
        assert all(e["node"]["coupons"]["totalCount"] == 1 for e in data["members"]["edges"])
        counts.append(len(counter.queries))
    assert counts[0] == counts[1], counts


async def test_another_tenant_cannot_issue_find_or_list_the_coupons(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant)
    member = await new_member(tenant)
    made = await issue_api(api, tenant.secret_key, template_id, member, f"iso-{member}")
    code = made["coupon"]["code"]
    theirs = await new_member(other_tenant)
    foreign_template = await issue_api(
        api, other_tenant.secret_key, template_id, theirs, f"iso2-{member}"
    )
    assert foreign_template["errors"][0]["code"] == "NOT_FOUND"
    mine_template_their_member = await issue_api(
        api, tenant.secret_key, template_id, theirs, f"iso3-{member}"
    )
    assert mine_template_their_member["errors"][0]["code"] == "NOT_FOUND"
    assert (await api(LOOKUP, {"code": code}, other_tenant.secret_key))["coupon"] is None
    wallet = await api(WALLET, {"id": str(member), "status": None}, other_tenant.secret_key)
    assert wallet["member"] is None


async def test_codes_follow_the_templates_pattern(api: Api, tenant: TenantFixture) -> None:
    template_id = await template(api, tenant, codePrefix="cny26", codeLength=8)
    member = await new_member(tenant)
    issued = await issue_api(api, tenant.secret_key, template_id, member, f"p-{member}")
    code = issued["coupon"]["code"]
    assert code.startswith("CNY26") and len(code) == 13
    assert set(code[5:]) <= set(ALPHABET)
    bad = await api(
        """mutation($input: CreateCouponTemplateInput!) {
          createCouponTemplate(input: $input) { errors { field } } }""",
        {
            "input": {
                "name": "x",
                "kind": "AMOUNT_OFF",
                "amountOff": 100,
                "validDays": 3,
                "codePrefix": "AB-C",
                "codeLength": 40,
            }
        },
        tenant.owner_token,
    )
    assert sorted(e["field"][1] for e in bad["createCouponTemplate"]["errors"]) == [
        "codeLength",
        "codePrefix",
    ]
