"""Who may call, as whom: logins, tokens, API keys, member tokens and staff roles."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import jwt
import pytest

from membership.db import PgTarget, role_target
from membership.settings import get_settings
from tenants.tokens import decode_token, issue_token
from tests.api.test_members import GET, LIST, UPDATE, create
from tests.api.test_tiers import create_tier
from tests.conftest import LOGIN, Api, TenantFixture

VIEWER = """query { viewer {
  tenant { id slug } staff { id email role } member { id } permissions
} }"""
LOGOUT = "mutation { logout { ok errors { code field message } } }"
CREATE_API_KEY = """mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    key apiKey { id name kind prefix scopes revokedAt } errors { code field message }
  }
}"""
REVOKE_API_KEY = """mutation($id: ID!) {
  revokeApiKey(id: $id) { key apiKey { id revokedAt } errors { code field message } }
}"""
API_KEYS = "query { apiKeys { id name kind prefix scopes createdAt lastUsedAt revokedAt } }"
CREATE_MEMBER_TOKEN = """mutation($memberId: ID!) {
  createMemberToken(memberId: $memberId) { token expiresAt errors { code field message } }
}"""
CREATE_STAFF = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { staff { id email role } errors { code field message } }
}"""
STAFF = "query { staff { id email role } }"
REVEAL = """mutation($id: ID!) {
  revealMemberPii(id: $id) { phone customFields errors { code field message } }
}"""
AUDIT_LOG = """query($targetId: ID) {
  auditLog(targetId: $targetId) {
    totalCount edges { node { action actorType actorLabel targetType targetId } }
  }
}"""
SLUG = "query { viewer { tenant { slug } } }"

UNAUTHENTICATED_LOGIN = {
    "token": None,
    "staff": None,
    "errors": [
        {"code": "UNAUTHENTICATED", "field": None, "message": "Wrong tenant, email or password."}
    ],
}


# ---------------------------------------------------------------- helpers


def error_codes(response: httpx.Response) -> list[str]:
    """The ``extensions.code`` of every GraphQL error in a 200 response."""
    assert response.status_code == 200, response.text
    errors = response.json().get("errors") or []
    return [e.get("extensions", {}).get("code") for e in errors]


def payload_codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def assert_unauthorized(
    api: Api, token: str | None = None, headers: dict[str, str] | None = None
) -> None:
    response = await api.raw(VIEWER, token=token, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def viewer(api: Api, token: str) -> dict[str, Any]:
    return (await api(VIEWER, token=token))["viewer"]  # type: ignore[no-any-return]


async def owner_staff_id(api: Api, tenant: TenantFixture) -> uuid.UUID:
    staff = (await viewer(api, tenant.owner_token))["staff"]
    return uuid.UUID(staff["id"])


def jwt_payload(
    staff_id: uuid.UUID, tenant_id: uuid.UUID, *, audience: str = "admin"
) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "iss": "membership",
        "aud": audience,
        "sub": str(staff_id),
        "tid": str(tenant_id),
        "jti": uuid.uuid4().hex,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=1)).timestamp()),
        "role": "owner",
    }


async def create_api_key(
    api: Api, tenant: TenantFixture, kind: str, scopes: list[str] | None = None
) -> dict[str, Any]:
    variables = {"input": {"name": f"{kind.lower()} key", "kind": kind, "scopes": scopes}}
    payload = (await api(CREATE_API_KEY, variables, tenant.owner_token))["createApiKey"]
    assert payload["errors"] == []
    return payload  # type: ignore[no-any-return]


async def add_staff(api: Api, tenant: TenantFixture, role: str) -> tuple[str, str]:
    """Create a staff account with ``role`` as the owner and log it in: (email, token)."""
    email = f"{role}-{uuid.uuid4().hex[:6]}@{tenant.info.slug}.example.com"
    password = f"{role}-pass-123"
    variables = {"input": {"email": email, "password": password, "role": role}}
    created = (await api(CREATE_STAFF, variables, tenant.owner_token))["createStaff"]
    assert created["errors"] == [] and created["staff"]["role"] == role
    login = (await api(LOGIN, {"slug": tenant.info.slug, "email": email, "password": password}))[
        "login"
    ]
    assert login["errors"] == [] and login["token"]
    return email, login["token"]


async def staff_emails(api: Api, tenant: TenantFixture) -> list[str]:
    return sorted(s["email"] for s in (await api(STAFF, token=tenant.owner_token))["staff"])


# ---------------------------------------------------------------- login and logout


async def test_login_returns_a_staff_token_that_authenticates_as_that_staff(
    api: Api, tenant: TenantFixture
) -> None:
    variables = {
        "slug": tenant.info.slug,
        "email": tenant.owner_email,
        "password": "owner-pass-123",
    }

    login = (await api(LOGIN, variables))["login"]

    assert login["errors"] == []
    assert login["staff"]["email"] == tenant.owner_email
    assert login["staff"]["role"] == "owner"
    claims = decode_token(login["token"], now=datetime.now(UTC))
    assert claims.audience == "admin"
    assert claims.tenant_id == tenant.info.id
    assert str(claims.subject) == login["staff"]["id"]
    me = await viewer(api, login["token"])
    assert me["tenant"]["slug"] == tenant.info.slug
    assert me["staff"] == login["staff"]
    assert "audit:read" in me["permissions"]


@pytest.mark.parametrize("wrong", ["password", "email", "slug"])
async def test_login_failures_look_alike_and_give_no_token(
    api: Api, tenant: TenantFixture, wrong: str
) -> None:
    variables = {
        "slug": tenant.info.slug,
        "email": tenant.owner_email,
        "password": "owner-pass-123",
    }
    variables[wrong] = {
        "password": "owner-pass-124",
        "email": f"nobody@{tenant.info.slug}.example.com",
        "slug": f"no-such-{uuid.uuid4().hex[:8]}",
    }[wrong]

    login = (await api(LOGIN, variables))["login"]

    assert login == UNAUTHENTICATED_LOGIN


async def test_logout_revokes_the_token_it_is_sent_with(api: Api, tenant: TenantFixture) -> None:
    variables = {
        "slug": tenant.info.slug,
        "email": tenant.owner_email,
        "password": "owner-pass-123",
    }
    token = (await api(LOGIN, variables))["login"]["token"]
    assert (await viewer(api, token))["staff"]["email"] == tenant.owner_email

    logout = (await api(LOGOUT, token=token))["logout"]

    assert logout == {"ok": True, "errors": []}
    await assert_unauthorized(api, token)
    # only that token: the owner's other session still works
    assert (await viewer(api, tenant.owner_token))["staff"]["email"] == tenant.owner_email


async def test_logout_with_an_api_key_says_to_revoke_the_key_instead(
    api: Api, tenant: TenantFixture
) -> None:
    logout = (await api(LOGOUT, token=tenant.secret_key))["logout"]

    assert logout == {
        "ok": False,
        "errors": [
            {
                "code": "INVALID",
                "field": None,
                "message": "Only tokens can log out; revoke API keys instead.",
            }
        ],
    }
    assert (await viewer(api, tenant.secret_key))["tenant"]["slug"] == tenant.info.slug


# ---------------------------------------------------------------- bad credentials


async def test_an_expired_staff_token_is_refused(api: Api, tenant: TenantFixture) -> None:
    staff_id = await owner_staff_id(api, tenant)
    now = datetime.now(UTC)
    fresh, _ = issue_token(
        "admin", staff_id, tenant.info.id, now=now, ttl=timedelta(hours=1), role="owner"
    )
    assert (await viewer(api, fresh))["staff"]["id"] == str(staff_id)

    expired, claims = issue_token(
        "admin",
        staff_id,
        tenant.info.id,
        now=now - timedelta(days=2),
        ttl=timedelta(hours=1),
        role="owner",
    )

    assert claims.expires_at < now
    await assert_unauthorized(api, expired)


@pytest.mark.parametrize(
    ("secret", "audience"),
    [
        ("another-secret-0123456789abcdef0123456789", "admin"),
        (None, "storefront"),
        (None, "superadmin"),
    ],
    ids=["other-secret", "audience-storefront", "audience-superadmin"],
)
async def test_a_token_with_a_foreign_signature_or_audience_is_refused(
    api: Api, tenant: TenantFixture, secret: str | None, audience: str
) -> None:
    staff_id = await owner_staff_id(api, tenant)
    real_secret = get_settings().jwt_secret
    genuine = jwt.encode(jwt_payload(staff_id, tenant.info.id), real_secret, algorithm="HS256")
    assert (await viewer(api, genuine))["staff"]["id"] == str(staff_id)

    forged = jwt.encode(
        jwt_payload(staff_id, tenant.info.id, audience=audience),
        secret or real_secret,
        algorithm="HS256",
    )

    await assert_unauthorized(api, forged)


@pytest.mark.parametrize(
    "credential",
    [
        "garbage",
        "a.b.c",
        "sk_garbage",
        "pk_not-hex_secret",
        "sk_" + "ab" * 16 + "_no-such-key",
        "sk_" + "0" * 32 + "_x_y",
    ],
)
async def test_a_garbage_bearer_is_refused(api: Api, credential: str) -> None:
    await assert_unauthorized(api, headers={"authorization": f"Bearer {credential}"})


@pytest.mark.parametrize("scheme", ["Basic", "Token", "Bearer:", "ApiKey"])
async def test_a_credential_under_another_scheme_than_bearer_is_refused(
    api: Api, tenant: TenantFixture, scheme: str
) -> None:
    ok = await api.raw(SLUG, headers={"authorization": f"bearer {tenant.secret_key}"})
    assert ok.json()["data"]["viewer"]["tenant"]["slug"] == tenant.info.slug

    await assert_unauthorized(api, headers={"authorization": f"{scheme} {tenant.secret_key}"})


async def test_a_truncated_secret_key_is_refused(api: Api, tenant: TenantFixture) -> None:
    await assert_unauthorized(api, tenant.secret_key[:-1])


# ---------------------------------------------------------------- API keys


async def test_a_revoked_api_key_is_refused_at_once(api: Api, tenant: TenantFixture) -> None:
    created = await create_api_key(api, tenant, "SECRET")
    key = created["key"]
    assert (await viewer(api, key))["tenant"]["slug"] == tenant.info.slug  # now cached

    revoked = (await api(REVOKE_API_KEY, {"id": created["apiKey"]["id"]}, tenant.owner_token))[
        "revokeApiKey"
    ]

    assert revoked["errors"] == []
    assert revoked["apiKey"]["revokedAt"] is not None
    assert revoked["key"] is None
    await assert_unauthorized(api, key)
    assert (await viewer(api, tenant.secret_key))["tenant"]["slug"] == tenant.info.slug


async def test_a_new_api_key_is_shown_once_and_stored_only_as_its_hash(
    api: Api, tenant: TenantFixture, database: PgTarget
) -> None:
    created = await create_api_key(api, tenant, "SECRET")
    key: str = created["key"]
    key_id = created["apiKey"]["id"]
    assert key.startswith(f"sk_{tenant.info.id.hex}_")
    assert created["apiKey"]["prefix"] == f"sk_…{key[-4:]}"
    assert (await viewer(api, key))["tenant"]["slug"] == tenant.info.slug

    listed = (await api(API_KEYS, token=tenant.owner_token))["apiKeys"]

    assert key_id in [k["id"] for k in listed]
    assert key not in str(listed)
    assert tenant.secret_key not in str(listed)
    assert {k["id"]: k["prefix"] for k in listed}[key_id] == f"sk_…{key[-4:]}"
    conn = await asyncpg.connect(**role_target(database, "app").connect_kwargs())
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.info.id))
            row = await conn.fetchrow(
                "SELECT key_hash, row_to_json(api_keys)::text AS everything "
                "FROM api_keys WHERE id = $1",
                uuid.UUID(key_id),
            )
    finally:
        await conn.close()
    assert row is not None
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in row["everything"]
    assert key.rsplit("_", 1)[1] not in row["everything"]


@pytest.fixture
async def publishable_key(api: Api, tenant: TenantFixture) -> str:
    created = await create_api_key(api, tenant, "PUBLISHABLE")
    assert created["apiKey"]["kind"] == "PUBLISHABLE"
    assert created["apiKey"]["scopes"] == []
    key: str = created["key"]
    assert key.startswith("pk_")
    return key


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (GET, {"phone": "13812345001"}),
        (LIST, {}),
        (LIST, {"filter": {"search": "13812345001"}}),
    ],
    ids=["member", "members", "members-search"],
)
async def test_a_publishable_key_cannot_read_members(
    api: Api,
    tenant: TenantFixture,
    publishable_key: str,
    query: str,
    variables: dict[str, Any],
) -> None:
    await create(api, tenant.secret_key, phone="13812345001", name="公开")

    response = await api.raw(query, variables, publishable_key)

    assert error_codes(response) == ["PERMISSION_DENIED"]
    assert "13812345001" not in response.text and "公开" not in response.text


async def test_a_publishable_key_cannot_create_members(
    api: Api, tenant: TenantFixture, publishable_key: str
) -> None:
    result = await create(api, publishable_key, phone="13812345002")

    assert result["member"] is None
    assert payload_codes(result) == ["PERMISSION_DENIED"]
    found = (await api(GET, {"phone": "13812345002"}, tenant.secret_key))["member"]
    assert found is None


async def test_a_publishable_key_still_identifies_its_tenant(
    api: Api, tenant: TenantFixture, publishable_key: str
) -> None:
    me = await viewer(api, publishable_key)

    assert me["tenant"] == {"id": str(tenant.info.id), "slug": tenant.info.slug}
    assert me["staff"] is None and me["member"] is None
    assert me["permissions"] == []


@pytest.fixture
async def read_only_key(api: Api, tenant: TenantFixture) -> str:
    created = await create_api_key(api, tenant, "SECRET", scopes=["members:read"])
    assert created["apiKey"]["scopes"] == ["members:read"]
    return created["key"]  # type: ignore[no-any-return]


async def test_a_read_scoped_secret_key_can_read_members(
    api: Api, tenant: TenantFixture, read_only_key: str
) -> None:
    member = (await create(api, tenant.secret_key, phone="13812345003", name="只读"))["member"]

    found = (await api(GET, {"id": member["id"]}, read_only_key))["member"]
    listed = (await api(LIST, {}, read_only_key))["members"]

    assert found["id"] == member["id"] and found["name"] == "只读"
    assert [e["node"]["id"] for e in listed["edges"]] == [member["id"]]


async def test_a_read_scoped_secret_key_cannot_create_members(
    api: Api, tenant: TenantFixture, read_only_key: str
) -> None:
    result = await create(api, read_only_key, phone="13812345004")

    assert result["member"] is None
    assert payload_codes(result) == ["PERMISSION_DENIED"]
    assert (await api(LIST, {}, tenant.secret_key))["members"]["totalCount"] == 0


async def test_a_key_given_programme_manage_by_name_can_create_a_tier(
    api: Api, tenant: TenantFixture
) -> None:
    created = await create_api_key(
        api, tenant, "SECRET", scopes=["programme:manage", "webhooks:manage"]
    )
    assert created["apiKey"]["scopes"] == ["programme:manage", "webhooks:manage"]

    tier = await create_tier(
        api, created["key"], name="金卡", rank=1, metric="SPEND", threshold=100_000
    )

    assert tier["errors"] == [] and tier["tier"]["name"] == "金卡"


async def test_a_default_secret_key_cannot_set_up_the_programme(
    api: Api, tenant: TenantFixture
) -> None:
    created = await create_api_key(api, tenant, "SECRET")
    scopes = created["apiKey"]["scopes"]
    assert "events:write" in scopes
    assert "programme:manage" not in scopes and "webhooks:manage" not in scopes

    tier = await create_tier(
        api, created["key"], name="金卡", rank=1, metric="SPEND", threshold=100_000
    )

    assert tier["tier"] is None and payload_codes(tier) == ["PERMISSION_DENIED"]


async def test_an_unknown_scope_is_refused_and_makes_no_key(
    api: Api, tenant: TenantFixture
) -> None:
    variables = {
        "input": {"name": "typo", "kind": "SECRET", "scopes": ["members:read", "tiers:write"]}
    }

    payload = (await api(CREATE_API_KEY, variables, tenant.owner_token))["createApiKey"]

    assert payload["key"] is None and payload["apiKey"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID", ["input", "scopes", "1"])
    ]
    assert "'tiers:write'" in payload["errors"][0]["message"]
    names = [k["name"] for k in (await api(API_KEYS, token=tenant.owner_token))["apiKeys"]]
    assert "typo" not in names


async def test_a_publishable_key_cannot_be_given_programme_manage(
    api: Api, tenant: TenantFixture
) -> None:
    variables = {"input": {"name": "shop", "kind": "PUBLISHABLE", "scopes": ["programme:manage"]}}

    payload = (await api(CREATE_API_KEY, variables, tenant.owner_token))["createApiKey"]

    assert payload["key"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID", ["input", "scopes"])
    ]


# ---------------------------------------------------------------- member tokens


@dataclass
class MemberSession:
    token: str
    own: dict[str, Any]
    other: dict[str, Any]


@pytest.fixture
async def member_session(api: Api, tenant: TenantFixture) -> MemberSession:
    own = (await create(api, tenant.secret_key, phone="13812346001", name="本人", tags=["a"]))[
        "member"
    ]
    other = (await create(api, tenant.secret_key, phone="13812346002", name="他人", tags=["b"]))[
        "member"
    ]
    minted = (await api(CREATE_MEMBER_TOKEN, {"memberId": own["id"]}, tenant.secret_key))[
        "createMemberToken"
    ]
    assert minted["errors"] == [] and minted["token"]
    claims = decode_token(minted["token"], now=datetime.now(UTC))
    assert claims.audience == "member" and str(claims.subject) == own["id"]
    return MemberSession(minted["token"], own, other)


async def test_a_member_token_views_its_own_profile_with_its_phone_unmasked(
    api: Api, tenant: TenantFixture, member_session: MemberSession
) -> None:
    query = "query { viewer { tenant { slug } staff { id } member { id phone phoneMasked } } }"

    me = (await api(query, token=member_session.token))["viewer"]

    assert me["tenant"]["slug"] == tenant.info.slug
    assert me["staff"] is None
    assert me["member"] == {
        "id": member_session.own["id"],
        "phone": "+8613812346001",
        "phoneMasked": False,
    }


async def test_a_member_token_reads_its_own_member_by_id(
    api: Api, member_session: MemberSession
) -> None:
    found = (await api(GET, {"id": member_session.own["id"]}, member_session.token))["member"]

    assert found["id"] == member_session.own["id"]
    assert found["name"] == "本人"
    assert found["phone"] == "+8613812346001"


async def test_a_member_token_finds_no_other_member_by_id(
    api: Api, member_session: MemberSession
) -> None:
    response = await api.raw(GET, {"id": member_session.other["id"]}, member_session.token)

    body = response.json()
    assert response.status_code == 200
    assert body.get("errors") is None, body["errors"]
    assert body["data"] == {"member": None}


async def test_a_member_token_finds_no_other_member_by_phone(
    api: Api, member_session: MemberSession
) -> None:
    found = (await api(GET, {"phone": "13812346002"}, member_session.token))["member"]

    assert found is None


async def test_a_member_token_cannot_list_members(api: Api, member_session: MemberSession) -> None:
    response = await api.raw(LIST, {}, member_session.token)

    assert error_codes(response) == ["PERMISSION_DENIED"]
    assert member_session.other["id"] not in response.text


async def test_a_member_token_updates_its_own_name(
    api: Api, tenant: TenantFixture, member_session: MemberSession
) -> None:
    variables = {"id": member_session.own["id"], "input": {"name": "本人改"}}

    result = (await api(UPDATE, variables, member_session.token))["updateMember"]

    assert result["errors"] == []
    assert result["member"]["name"] == "本人改"
    stored = (await api(GET, {"id": member_session.own["id"]}, tenant.secret_key))["member"]
    assert stored["name"] == "本人改"


async def test_a_member_token_cannot_update_another_member(
    api: Api, tenant: TenantFixture, member_session: MemberSession
) -> None:
    variables = {"id": member_session.other["id"], "input": {"name": "篡改"}}

    result = (await api(UPDATE, variables, member_session.token))["updateMember"]

    assert result["member"] is None
    assert payload_codes(result) == ["PERMISSION_DENIED"]
    stored = (await api(GET, {"id": member_session.other["id"]}, tenant.secret_key))["member"]
    assert stored["name"] == "他人"


async def test_a_member_token_cannot_change_its_own_tags(
    api: Api, tenant: TenantFixture, member_session: MemberSession
) -> None:
    variables = {"id": member_session.own["id"], "input": {"tags": ["vip"]}}

    result = (await api(UPDATE, variables, member_session.token))["updateMember"]

    assert result["member"] is None
    assert payload_codes(result) == ["PERMISSION_DENIED"]
    stored = (await api(GET, {"id": member_session.own["id"]}, tenant.secret_key))["member"]
    assert stored["tags"] == ["a"]


# ---------------------------------------------------------------- the X-Tenant header


async def test_an_x_tenant_header_naming_another_tenant_is_refused(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    response = await api.raw(
        SLUG, token=tenant.secret_key, headers={"x-tenant": other_tenant.info.slug}
    )

    assert response.status_code == 403
    body = response.json()
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["PERMISSION_DENIED"]


@pytest.mark.parametrize("naming", ["slug", "id"])
async def test_an_x_tenant_header_naming_the_credentials_tenant_is_accepted(
    api: Api, tenant: TenantFixture, naming: str
) -> None:
    named = tenant.info.slug if naming == "slug" else str(tenant.info.id)

    response = await api.raw(SLUG, token=tenant.secret_key, headers={"x-tenant": named})

    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"tenant": {"slug": tenant.info.slug}}}}


# ---------------------------------------------------------------- staff roles


async def test_a_clerk_sees_phones_masked(api: Api, tenant: TenantFixture) -> None:
    member = (await create(api, tenant.secret_key, phone="13812348000"))["member"]
    _, clerk = await add_staff(api, tenant, "clerk")

    found = (await api(GET, {"id": member["id"]}, clerk))["member"]
    listed = (await api(LIST, {}, clerk))["members"]["edges"]

    assert found["phone"] == "+86138****8000"
    assert found["phoneMasked"] is True
    assert [e["node"]["phone"] for e in listed] == ["+86138****8000"]


async def test_a_clerk_reveals_a_phone_and_the_reveal_is_audited(
    api: Api, tenant: TenantFixture
) -> None:
    member = (await create(api, tenant.secret_key, phone="13812348000"))["member"]
    email, clerk = await add_staff(api, tenant, "clerk")

    revealed = (await api(REVEAL, {"id": member["id"]}, clerk))["revealMemberPii"]

    assert revealed == {"phone": "+8613812348000", "customFields": {}, "errors": []}
    log = (await api(AUDIT_LOG, {"targetId": member["id"]}, tenant.owner_token))["auditLog"]
    reveals = [e["node"] for e in log["edges"] if e["node"]["action"] == "member.reveal_pii"]
    assert reveals == [
        {
            "action": "member.reveal_pii",
            "actorType": "staff",
            "actorLabel": email,
            "targetType": "member",
            "targetId": member["id"],
        }
    ]


async def test_an_analyst_cannot_reveal_a_phone(api: Api, tenant: TenantFixture) -> None:
    member = (await create(api, tenant.secret_key, phone="13812348001"))["member"]
    _, analyst = await add_staff(api, tenant, "analyst")

    revealed = (await api(REVEAL, {"id": member["id"]}, analyst))["revealMemberPii"]

    assert revealed["phone"] is None
    assert payload_codes(revealed) == ["PERMISSION_DENIED"]
    log = (await api(AUDIT_LOG, {"targetId": member["id"]}, tenant.owner_token))["auditLog"]
    assert [e["node"]["action"] for e in log["edges"]] == []


async def test_an_analyst_cannot_create_members(api: Api, tenant: TenantFixture) -> None:
    _, analyst = await add_staff(api, tenant, "analyst")

    result = await create(api, analyst, phone="13812348002")

    assert result["member"] is None
    assert payload_codes(result) == ["PERMISSION_DENIED"]
    assert (await api(LIST, {}, tenant.owner_token))["members"]["totalCount"] == 0


async def test_a_marketer_cannot_read_the_audit_log(api: Api, tenant: TenantFixture) -> None:
    _, marketer = await add_staff(api, tenant, "marketer")

    response = await api.raw(AUDIT_LOG, {}, marketer)

    assert error_codes(response) == ["PERMISSION_DENIED"]
    assert response.json()["data"] is None


async def test_a_marketer_cannot_create_staff(api: Api, tenant: TenantFixture) -> None:
    _, marketer = await add_staff(api, tenant, "marketer")
    before = await staff_emails(api, tenant)
    variables = {
        "input": {"email": "new@example.com", "password": "long-enough-1", "role": "admin"}
    }

    result = (await api(CREATE_STAFF, variables, marketer))["createStaff"]

    assert result["staff"] is None
    assert payload_codes(result) == ["PERMISSION_DENIED"]
    assert await staff_emails(api, tenant) == before


async def test_a_marketer_cannot_create_api_keys(api: Api, tenant: TenantFixture) -> None:
    _, marketer = await add_staff(api, tenant, "marketer")
    before = (await api(API_KEYS, token=tenant.owner_token))["apiKeys"]
    variables = {"input": {"name": "sneaky", "kind": "SECRET"}}

    result = (await api(CREATE_API_KEY, variables, marketer))["createApiKey"]

    assert result["key"] is None and result["apiKey"] is None
    assert payload_codes(result) == ["PERMISSION_DENIED"]
    assert (await api(API_KEYS, token=tenant.owner_token))["apiKeys"] == before


# ---------------------------------------------------------------- createStaff input


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-email"), ("password", "short"), ("role", "superuser")],
)
async def test_create_staff_refuses_bad_input_and_creates_nothing(
    api: Api, tenant: TenantFixture, field: str, value: str
) -> None:
    before = await staff_emails(api, tenant)
    good = {"email": "new-clerk@example.com", "password": "long-enough-1", "role": "clerk"}

    result = (await api(CREATE_STAFF, {"input": {**good, field: value}}, tenant.owner_token))[
        "createStaff"
    ]

    assert result["staff"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID", ["input", field])]
    assert await staff_emails(api, tenant) == before


async def test_create_staff_reports_every_bad_field_at_once(
    api: Api, tenant: TenantFixture
) -> None:
    before = await staff_emails(api, tenant)
    bad = {"email": "nope", "password": "1234567", "role": "root"}

    result = (await api(CREATE_STAFF, {"input": bad}, tenant.owner_token))["createStaff"]

    assert result["staff"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID", ["input", "email"]),
        ("INVALID", ["input", "password"]),
        ("INVALID", ["input", "role"]),
    ]
    assert await staff_emails(api, tenant) == before


async def test_create_staff_refuses_an_email_already_in_use(
    api: Api, tenant: TenantFixture
) -> None:
    before = await staff_emails(api, tenant)
    variables = {
        "input": {
            "email": tenant.owner_email.upper(),
            "password": "long-enough-1",
            "role": "clerk",
        }
    }

    result = (await api(CREATE_STAFF, variables, tenant.owner_token))["createStaff"]

    assert result["staff"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("DUPLICATE", ["input", "email"])
    ]
    assert await staff_emails(api, tenant) == before
    assert len(before) == 1
