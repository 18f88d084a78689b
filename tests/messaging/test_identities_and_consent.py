"""Identities (bind, look up, merge, name a member in recordOrder and trackEvent) and the consent
ledger (current state, history, idempotency, member tokens, another tenant's member)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.conftest import Api, TenantFixture, count_queries

CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id phone } errors { code } } }"""
BIND = """mutation($input: BindIdentityInput!) {
  bindIdentity(input: $input) { member { id identities { provider appId subject } }
    errors { code field message } } }"""
BY_IDENTITY = """query($provider: String!, $appId: String, $subject: String!) {
  memberByIdentity(provider: $provider, appId: $appId, subject: $subject) { id } }"""
CONSENT = """mutation($input: RecordConsentInput!) {
  recordConsent(input: $input) { consent { channel purpose granted source recordedAt }
    errors { code field message } } }"""
CONSENTS = """query($id: ID!) { member(id: $id) {
  consents { channel purpose granted source }
  consentHistory { totalCount edges { node { channel purpose granted source recordedBy } } } } }"""
MERGE = """mutation($s: ID!, $t: ID!) {
  mergeMembers(input: {sourceId: $s, targetId: $t}) { member { id identities { subject } }
  errors { code } } }"""
ORDER = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { id member { id } } errors { code field message } } }"""
TRACK = """mutation($input: TrackEventInput!) {
  trackEvent(input: $input) { eventId errors { code field message } } }"""
TOKEN = """mutation($id: ID!) { createMemberToken(memberId: $id) { token errors { code } } }"""
LIST = """{ members(first: 20) { edges { node { id identities { subject } consents { purpose }
  messages(first: 2) { totalCount } } } } }"""


async def new_member(api: Api, tenant: TenantFixture) -> tuple[str, str]:
    phone = f"1391{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
    member = made["createMember"]["member"]
    return member["id"], member["phone"]


def openid(member_id: str, subject: str = "", app: str = "wxmini000000000001") -> dict[str, Any]:
    return {
        "memberId": member_id,
        "provider": "WECHAT_OPENID",
        "appId": app,
        "subject": subject or f"o-{uuid.uuid4().hex[:20]}",
    }


async def test_an_identity_binds_once_finds_its_member_and_is_refused_to_another(
    api: Api, tenant: TenantFixture
) -> None:
    first, _ = await new_member(api, tenant)
    second, _ = await new_member(api, tenant)
    wanted = openid(first)
    bound = await api(BIND, {"input": wanted}, tenant.secret_key)
    assert bound["bindIdentity"]["errors"] == []
    again = await api(BIND, {"input": wanted}, tenant.secret_key)
    assert again["bindIdentity"]["errors"] == []
    assert len(again["bindIdentity"]["member"]["identities"]) == 1

    taken = await api(BIND, {"input": {**wanted, "memberId": second}}, tenant.secret_key)
    error = taken["bindIdentity"]["errors"][0]
    assert (error["code"], error["field"]) == ("DUPLICATE", ["input", "subject"])

    found = await api(
        BY_IDENTITY,
        {"provider": "WECHAT_OPENID", "appId": wanted["appId"], "subject": wanted["subject"]},
        tenant.secret_key,
    )
    assert found["memberByIdentity"]["id"] == first
    other_app = await api(
        BY_IDENTITY,
        {"provider": "WECHAT_OPENID", "appId": "wxother", "subject": wanted["subject"]},
        tenant.secret_key,
    )
    assert other_app["memberByIdentity"] is None


async def test_concurrent_binds_of_one_identity_to_two_members_leave_one_owner(
    api: Api, tenant: TenantFixture
) -> None:
    members = [(await new_member(api, tenant))[0] for _ in range(4)]
    subject = f"o-{uuid.uuid4().hex[:20]}"
    results = await asyncio.gather(
        *(api(BIND, {"input": openid(m, subject)}, tenant.secret_key) for m in members)
    )
    ok = [r for r in results if not r["bindIdentity"]["errors"]]
    refused = [
        r["bindIdentity"]["errors"][0]["code"] for r in results if r["bindIdentity"]["errors"]
    ]
    assert len(ok) == 1
    assert refused == ["DUPLICATE"] * 3


async def test_bad_identities_are_refused_and_change_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    member, _ = await new_member(api, tenant)
    no_app = await api(
        BIND,
        {"input": {"memberId": member, "provider": "WECHAT_OPENID", "subject": "o-1"}},
        tenant.secret_key,
    )
    assert no_app["bindIdentity"]["errors"][0]["field"] == ["input", "appId"]
    lower = await api(
        BIND,
        {"input": {"memberId": member, "provider": "we chat", "subject": ""}},
        tenant.secret_key,
    )
    fields = {tuple(e["field"]) for e in lower["bindIdentity"]["errors"]}
    assert fields == {("input", "provider"), ("input", "subject")}
    listed = await api(LIST, None, tenant.secret_key)
    node = next(e["node"] for e in listed["members"]["edges"] if e["node"]["id"] == member)
    assert node["identities"] == []


async def test_merge_moves_identities_and_consent(api: Api, tenant: TenantFixture) -> None:
    source, _ = await new_member(api, tenant)
    target, _ = await new_member(api, tenant)
    wanted = openid(source)
    await api(BIND, {"input": wanted}, tenant.secret_key)
    await api(
        CONSENT,
        {
            "input": {
                "memberId": source,
                "channel": "SMS",
                "purpose": "marketing",
                "granted": True,
                "idempotencyKey": f"c-{source}",
            }
        },
        tenant.secret_key,
    )
    merged = await api(MERGE, {"s": source, "t": target}, tenant.secret_key)
    assert merged["mergeMembers"]["member"]["identities"] == [{"subject": wanted["subject"]}]
    found = await api(
        BY_IDENTITY,
        {"provider": "WECHAT_OPENID", "appId": wanted["appId"], "subject": wanted["subject"]},
        tenant.secret_key,
    )
    assert found["memberByIdentity"]["id"] == target
    state = await api(CONSENTS, {"id": target}, tenant.secret_key)
    assert state["member"]["consents"] == [
        {"channel": "SMS", "purpose": "marketing", "granted": True, "source": None}
    ]


async def test_record_order_and_track_event_name_the_member_by_identity_or_phone(
    api: Api, tenant: TenantFixture
) -> None:
    member, phone = await new_member(api, tenant)
    wanted = openid(member)
    await api(BIND, {"input": wanted}, tenant.secret_key)
    identity = {k: wanted[k] for k in ("provider", "appId", "subject")}
    by_identity = await api(
        ORDER,
        {
            "input": {
                "externalId": f"o-{uuid.uuid4().hex[:8]}",
                "memberIdentity": identity,
                "amount": 1000,
            }
        },
        tenant.secret_key,
    )
    assert by_identity["recordOrder"]["order"]["member"]["id"] == member
    by_phone = await api(
        ORDER,
        {
            "input": {
                "externalId": f"o-{uuid.uuid4().hex[:8]}",
                "memberPhone": phone[3:],
                "amount": 500,
            }
        },
        tenant.secret_key,
    )
    assert by_phone["recordOrder"]["order"]["member"]["id"] == member
    tracked = await api(
        TRACK,
        {
            "input": {
                "memberIdentity": identity,
                "type": "product.viewed",
                "idempotencyKey": f"t-{member}",
            }
        },
        tenant.secret_key,
    )
    assert tracked["trackEvent"]["errors"] == []

    unknown = await api(
        ORDER,
        {
            "input": {
                "externalId": "o-unknown",
                "memberIdentity": {**identity, "subject": "nobody"},
                "amount": 100,
            }
        },
        tenant.secret_key,
    )
    error = unknown["recordOrder"]["errors"][0]
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["input", "memberIdentity"])
    both = await api(
        ORDER,
        {
            "input": {
                "externalId": "o-both",
                "memberId": member,
                "memberPhone": phone,
                "amount": 100,
            }
        },
        tenant.secret_key,
    )
    assert both["recordOrder"]["errors"][0]["code"] == "INVALID"


async def test_consent_keeps_its_history_and_shows_the_current_state(
    api: Api, tenant: TenantFixture
) -> None:
    member, _ = await new_member(api, tenant)

    def consent(granted: bool, key: str) -> dict[str, Any]:
        return {
            "input": {
                "memberId": member,
                "channel": "WECHAT_SUBSCRIBE",
                "purpose": "marketing",
                "granted": granted,
                "source": "mini-program",
                "idempotencyKey": key,
            }
        }

    granted = await api(CONSENT, consent(True, f"g-{member}"), tenant.secret_key)
    assert granted["recordConsent"]["consent"]["granted"] is True
    replay = await api(CONSENT, consent(True, f"g-{member}"), tenant.secret_key)
    assert replay["recordConsent"]["consent"] == granted["recordConsent"]["consent"]
    reused = await api(CONSENT, consent(False, f"g-{member}"), tenant.secret_key)
    assert reused["recordConsent"]["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    await api(CONSENT, consent(False, f"w-{member}"), tenant.secret_key)

    state = await api(CONSENTS, {"id": member}, tenant.secret_key)
    assert state["member"]["consents"] == [
        {
            "channel": "WECHAT_SUBSCRIBE",
            "purpose": "marketing",
            "granted": False,
            "source": "mini-program",
        }
    ]
    history = state["member"]["consentHistory"]
    assert history["totalCount"] == 2
    assert [e["node"]["granted"] for e in history["edges"]] == [False, True]


async def test_a_member_token_records_its_own_consent_only(api: Api, tenant: TenantFixture) -> None:
    member, _ = await new_member(api, tenant)
    other, _ = await new_member(api, tenant)
    token = (await api(TOKEN, {"id": member}, tenant.secret_key))["createMemberToken"]["token"]
    base = {"channel": "SMS", "purpose": "service", "granted": True, "idempotencyKey": "k1"}
    own = await api(CONSENT, {"input": {**base, "memberId": member}}, token)
    assert own["recordConsent"]["errors"] == []
    theirs = await api(
        CONSENT, {"input": {**base, "memberId": other, "idempotencyKey": "k2"}}, token
    )
    assert theirs["recordConsent"]["errors"][0]["code"] == "PERMISSION_DENIED"


async def test_bad_consent_is_refused_and_changes_nothing(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    member, _ = await new_member(api, tenant)
    unknown_purpose = await api(
        CONSENT,
        {
            "input": {
                "memberId": member,
                "channel": "SMS",
                "purpose": "lottery",
                "granted": True,
                "idempotencyKey": "bad-1",
            }
        },
        tenant.secret_key,
    )
    error = unknown_purpose["recordConsent"]["errors"][0]
    assert (error["code"], error["field"]) == ("INVALID", ["input", "purpose"])
    unknown_channel = await api.raw(
        CONSENT,
        {
            "input": {
                "memberId": member,
                "channel": "FAX",
                "purpose": "marketing",
                "granted": True,
                "idempotencyKey": "bad-2",
            }
        },
        tenant.secret_key,
    )
    assert "FAX" in unknown_channel.json()["errors"][0]["message"]
    foreign = await api(
        CONSENT,
        {
            "input": {
                "memberId": member,
                "channel": "SMS",
                "purpose": "marketing",
                "granted": True,
                "idempotencyKey": "bad-3",
            }
        },
        other_tenant.secret_key,
    )
    assert foreign["recordConsent"]["errors"][0]["code"] == "NOT_FOUND"
    state = await api(CONSENTS, {"id": member}, tenant.secret_key)
    assert state["member"]["consents"] == []
    assert state["member"]["consentHistory"]["totalCount"] == 0


async def test_identities_consents_and_messages_of_a_member_list_take_constant_queries(
    api: Api, tenant: TenantFixture
) -> None:
    for _ in range(3):
        member, _ = await new_member(api, tenant)
        await api(BIND, {"input": openid(member)}, tenant.secret_key)
    with count_queries() as few:
        await api(LIST, None, tenant.secret_key)
    for _ in range(5):
        member, _ = await new_member(api, tenant)
        await api(BIND, {"input": openid(member)}, tenant.secret_key)
    with count_queries() as many:
        await api(LIST, None, tenant.secret_key)
    assert len(many.queries) == len(few.queries)


async def test_a_publishable_key_cannot_probe_phones_and_a_member_token_finds_only_itself(
    api: Api, tenant: TenantFixture
) -> None:
    from tenants.api_keys import create_api_key

    member, phone = await new_member(api, tenant)
    other, other_phone = await new_member(api, tenant)
    publishable = (await create_api_key(tenant.ctx, name="web", kind="publishable")).key
    for probe in (phone, "13900000000"):
        result = await api(
            TRACK,
            {"input": {"memberPhone": probe, "type": "page.viewed", "idempotencyKey": probe}},
            publishable,
        )
        assert result["trackEvent"]["errors"][0]["code"] == "PERMISSION_DENIED"
    token = (await api(TOKEN, {"id": member}, tenant.secret_key))["createMemberToken"]["token"]
    own = await api(
        TRACK,
        {"input": {"memberPhone": phone, "type": "page.viewed", "idempotencyKey": "own"}},
        token,
    )
    assert own["trackEvent"]["errors"] == []
    theirs = await api(
        TRACK,
        {"input": {"memberPhone": other_phone, "type": "page.viewed", "idempotencyKey": "x"}},
        token,
    )
    assert theirs["trackEvent"]["errors"][0]["code"] == "NOT_FOUND"
    assert other


async def test_member_by_identity_needs_a_reader(api: Api, tenant: TenantFixture) -> None:
    from tenants.api_keys import create_api_key

    member, _ = await new_member(api, tenant)
    wanted = openid(member)
    await api(BIND, {"input": wanted}, tenant.secret_key)
    publishable = (await create_api_key(tenant.ctx, name="web", kind="publishable")).key
    variables = {k: wanted[k] for k in ("provider", "appId", "subject")}
    for subject in (wanted["subject"], "nobody"):
        refused = await api.raw(BY_IDENTITY, {**variables, "subject": subject}, publishable)
        assert refused.json()["errors"][0]["message"] == "You may not read member profiles."
