"""One tenant's data is invisible and untouchable from another, through the API and in PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

from membership.db import PgTarget, role_target
from membership.members.models import Member
from membership.settings import get_settings
from tests.api.test_members import CREATE, GET, LIST, UPDATE
from tests.conftest import Api, TenantFixture

REVEAL = """mutation($id: ID!) {
  revealMemberPii(id: $id) { phone customFields errors { code field message } }
}"""
MERGE = """mutation($input: MergeMembersInput!) {
  mergeMembers(input: $input) { member { id } errors { code field message } }
}"""
CREATE_MEMBER_TOKEN = """mutation($memberId: ID!) {
  createMemberToken(memberId: $memberId) { token expiresAt errors { code field message } }
}"""
API_KEYS = "query { apiKeys { id name revokedAt } }"
REVOKE_API_KEY = """mutation($id: ID!) {
  revokeApiKey(id: $id) { apiKey { id revokedAt } errors { code field message } }
}"""
CREATE_DEFINITION = """mutation($input: CreateCustomFieldDefinitionInput!) {
  createCustomFieldDefinition(input: $input) {
    definition { id key label } errors { code field message }
  }
}"""
UPDATE_DEFINITION = """mutation($id: ID!, $input: UpdateCustomFieldDefinitionInput!) {
  updateCustomFieldDefinition(id: $id, input: $input) {
    definition { id label } errors { code field message }
  }
}"""
DEFINITIONS = "query { customFieldDefinitions { id key label required pii } }"
AUDIT_LOG = """query($targetId: ID, $first: Int) {
  auditLog(targetId: $targetId, first: $first) {
    totalCount edges { node { action targetType targetId } }
  }
}"""
SLUG = "query { viewer { tenant { slug } } }"

A_PHONE = "13912340001"
A_NAME = "甲方会员"
A_EXTERNAL_ID = "A-CRM-1"

CREDENTIALS = pytest.mark.parametrize("credential", ["secret_key", "owner_token"])
# Managing custom fields and API keys is for staff: B's secret key is refused before any lookup.
STAFF_ONLY = pytest.mark.parametrize(
    ("credential", "code"),
    [("owner_token", "NOT_FOUND"), ("secret_key", "PERMISSION_DENIED")],
)


@dataclass
class World:
    """Tenant A with a member, a custom field and an API key; tenant B with a member of its own."""

    a: TenantFixture
    b: TenantFixture
    a_member: dict[str, Any]
    a_definition_id: str
    a_key_id: str
    b_member: dict[str, Any]


async def create_member(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    result = (await api(CREATE, {"input": fields}, token))["createMember"]
    assert result["errors"] == [], result["errors"]
    return result["member"]  # type: ignore[no-any-return]


@pytest.fixture
async def world(api: Api, tenant: TenantFixture, other_tenant: TenantFixture) -> World:
    definition = (
        await api(
            CREATE_DEFINITION,
            {"input": {"key": "store", "label": "Home store", "type": "TEXT"}},
            tenant.owner_token,
        )
    )["createCustomFieldDefinition"]
    assert definition["errors"] == []
    # created by staff, so tenant A's audit log has entries about this member
    a_member = await create_member(
        api,
        tenant.owner_token,
        phone=A_PHONE,
        name=A_NAME,
        externalId=A_EXTERNAL_ID,
        tags=["a-only"],
        customFields={"store": "Shanghai"},
    )
    a_keys = (await api(API_KEYS, token=tenant.owner_token))["apiKeys"]
    assert [k["name"] for k in a_keys] == ["server"]
    b_member = await create_member(
        api, other_tenant.owner_token, phone="13912349999", name="乙方会员"
    )
    return World(
        tenant,
        other_tenant,
        a_member,
        definition["definition"]["id"],
        a_keys[0]["id"],
        b_member,
    )


async def read_as_a(api: Api, world: World) -> dict[str, Any]:
    found = (await api(GET, {"id": world.a_member["id"]}, world.a.secret_key))["member"]
    assert found is not None
    return found  # type: ignore[no-any-return]


def codes_and_fields(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


# ---------------------------------------------------------------- reads through the API


@CREDENTIALS
@pytest.mark.parametrize("key", ["id", "phone", "externalId"])
async def test_another_tenant_cannot_find_a_member_by_any_key(
    api: Api, world: World, credential: str, key: str
) -> None:
    value = {"id": world.a_member["id"], "phone": A_PHONE, "externalId": A_EXTERNAL_ID}[key]
    assert (await api(GET, {key: value}, world.a.secret_key))["member"]["id"] == world.a_member[
        "id"
    ]

    found = (await api(GET, {key: value}, getattr(world.b, credential)))["member"]

    assert found is None


@CREDENTIALS
async def test_another_tenants_member_list_never_contains_the_member(
    api: Api, world: World, credential: str
) -> None:
    listed = (await api(LIST, {"first": 100}, getattr(world.b, credential)))["members"]

    assert [e["node"]["id"] for e in listed["edges"]] == [world.b_member["id"]]
    assert listed["totalCount"] == 1


@CREDENTIALS
@pytest.mark.parametrize("search", [A_NAME, "甲方", A_PHONE, "12340001", A_EXTERNAL_ID])
async def test_another_tenants_search_never_finds_the_member(
    api: Api, world: World, credential: str, search: str
) -> None:
    variables = {"filter": {"search": search}}
    mine = (await api(LIST, variables, world.a.secret_key))["members"]
    assert [e["node"]["id"] for e in mine["edges"]] == [world.a_member["id"]]

    theirs = (await api(LIST, variables, getattr(world.b, credential)))["members"]

    assert theirs["totalCount"] == 0
    assert theirs["edges"] == []


# ---------------------------------------------------------------- writes through the API


@CREDENTIALS
async def test_another_tenant_cannot_update_the_member(
    api: Api, world: World, credential: str
) -> None:
    before = await read_as_a(api, world)
    variables = {"id": world.a_member["id"], "input": {"name": "被改了", "tags": ["hacked"]}}

    result = (await api(UPDATE, variables, getattr(world.b, credential)))["updateMember"]

    assert result["member"] is None
    assert codes_and_fields(result) == [("NOT_FOUND", ["id"])]
    after = await read_as_a(api, world)
    assert after == before
    assert after["name"] == A_NAME and after["tags"] == ["a-only"]


@CREDENTIALS
async def test_another_tenant_cannot_reveal_the_members_pii(
    api: Api, world: World, credential: str
) -> None:
    result = (await api(REVEAL, {"id": world.a_member["id"]}, getattr(world.b, credential)))[
        "revealMemberPii"
    ]

    assert result["phone"] is None and result["customFields"] is None
    assert codes_and_fields(result) == [("NOT_FOUND", ["id"])]


@CREDENTIALS
@pytest.mark.parametrize("side", ["sourceId", "targetId"])
async def test_another_tenant_cannot_merge_with_the_member(
    api: Api, world: World, credential: str, side: str
) -> None:
    before = await read_as_a(api, world)
    ids = {"sourceId": world.b_member["id"], "targetId": world.b_member["id"]}
    ids[side] = world.a_member["id"]

    result = (await api(MERGE, {"input": ids}, getattr(world.b, credential)))["mergeMembers"]

    assert result["member"] is None
    assert codes_and_fields(result) == [("NOT_FOUND", ["input", side])]
    assert await read_as_a(api, world) == before
    b_member = (await api(GET, {"id": world.b_member["id"]}, world.b.secret_key))["member"]
    assert b_member["id"] == world.b_member["id"] and b_member["name"] == "乙方会员"


@CREDENTIALS
async def test_another_tenant_cannot_mint_a_token_for_the_member(
    api: Api, world: World, credential: str
) -> None:
    mine = await api(CREATE_MEMBER_TOKEN, {"memberId": world.b_member["id"]}, world.b.secret_key)
    assert mine["createMemberToken"]["token"]

    result = (
        await api(
            CREATE_MEMBER_TOKEN, {"memberId": world.a_member["id"]}, getattr(world.b, credential)
        )
    )["createMemberToken"]

    assert result["token"] is None and result["expiresAt"] is None
    assert codes_and_fields(result) == [("NOT_FOUND", ["memberId"])]


@STAFF_ONLY
async def test_another_tenant_cannot_revoke_the_tenants_api_key(
    api: Api, world: World, credential: str, code: str
) -> None:
    result = (await api(REVOKE_API_KEY, {"id": world.a_key_id}, getattr(world.b, credential)))[
        "revokeApiKey"
    ]

    assert result["apiKey"] is None
    assert [e["code"] for e in result["errors"]] == [code]
    keys = (await api(API_KEYS, token=world.a.owner_token))["apiKeys"]
    assert [(k["id"], k["revokedAt"]) for k in keys] == [(world.a_key_id, None)]
    slug = (await api(SLUG, token=world.a.secret_key))["viewer"]["tenant"]["slug"]
    assert slug == world.a.info.slug


@STAFF_ONLY
async def test_another_tenant_cannot_update_the_tenants_custom_field(
    api: Api, world: World, credential: str, code: str
) -> None:
    before = (await api(DEFINITIONS, token=world.a.owner_token))["customFieldDefinitions"]
    variables = {"id": world.a_definition_id, "input": {"label": "Hijacked", "pii": True}}

    result = (await api(UPDATE_DEFINITION, variables, getattr(world.b, credential)))[
        "updateCustomFieldDefinition"
    ]

    assert result["definition"] is None
    assert [e["code"] for e in result["errors"]] == [code]
    after = (await api(DEFINITIONS, token=world.a.owner_token))["customFieldDefinitions"]
    assert after == before
    assert [(d["id"], d["label"], d["pii"]) for d in after] == [
        (world.a_definition_id, "Home store", False)
    ]


async def test_another_tenants_audit_log_never_shows_the_tenants_entries(
    api: Api, world: World
) -> None:
    target = {"targetId": world.a_member["id"], "first": 100}
    mine = (await api(AUDIT_LOG, target, world.a.owner_token))["auditLog"]
    assert mine["totalCount"] >= 1
    assert "member.create" in [e["node"]["action"] for e in mine["edges"]]

    theirs = (await api(AUDIT_LOG, target, world.b.owner_token))["auditLog"]
    everything = (await api(AUDIT_LOG, {"first": 100}, world.b.owner_token))["auditLog"]

    assert theirs == {"totalCount": 0, "edges": []}
    assert everything["totalCount"] == len(everything["edges"]) > 0
    assert world.a_member["id"] not in [e["node"]["targetId"] for e in everything["edges"]]
    assert world.a_definition_id not in [e["node"]["targetId"] for e in everything["edges"]]


async def test_the_same_phone_may_belong_to_a_member_of_each_tenant(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    in_a = await create_member(api, tenant.secret_key, phone="139 1234 5678", name="A")

    in_b = await create_member(api, other_tenant.secret_key, phone="+86 13912345678", name="B")

    assert in_a["phone"] == in_b["phone"] == "+8613912345678"
    assert in_a["id"] != in_b["id"]
    for fixture, expected in ((tenant, in_a), (other_tenant, in_b)):
        found = (await api(GET, {"phone": "13912345678"}, fixture.secret_key))["member"]
        assert (found["id"], found["name"]) == (expected["id"], expected["name"])


# ---------------------------------------------------------------- row-level security in PostgreSQL


@asynccontextmanager
async def connect(target: PgTarget) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(**target.connect_kwargs())
    try:
        yield conn
    finally:
        await conn.close()


def app_role(database: PgTarget) -> PgTarget:
    return role_target(database, "app")


async def set_tenant(conn: asyncpg.Connection, tenant: TenantFixture) -> None:
    await conn.execute("SELECT set_config('app.tenant_id', $1, false)", str(tenant.info.id))


@pytest.fixture
async def members_in_both(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture
) -> tuple[list[str], list[str]]:
    """Two members in tenant A and one in tenant B: their ids."""
    a_ids = [
        (await create_member(api, tenant.secret_key, phone=f"1391234{i:04d}"))["id"] for i in (1, 2)
    ]
    b_ids = [(await create_member(api, other_tenant.secret_key, phone="13912340001"))["id"]]
    return a_ids, b_ids


async def test_the_app_role_is_no_superuser_and_cannot_bypass_rls(database: PgTarget) -> None:
    async with connect(app_role(database)) as conn:
        row = await conn.fetchrow(
            "SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user"
        )

    assert row is not None
    assert row["name"] == app_role(database).user
    assert (row["rolsuper"], row["rolbypassrls"]) == (False, False)


async def test_the_app_role_owns_no_table(database: PgTarget) -> None:
    async with connect(app_role(database)) as conn:
        owned = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE tableowner = current_user"
        )
        visible = await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")

    assert owned == 0
    assert visible >= 8  # the tables exist; someone else owns them


async def test_the_app_role_sees_no_rows_without_a_tenant(
    database: PgTarget, members_in_both: tuple[list[str], list[str]]
) -> None:
    async with connect(app_role(database)) as conn:
        count = await conn.fetchval("SELECT count(*) FROM members")
        ids = await conn.fetch("SELECT id FROM members")

    assert count == 0
    assert ids == []


async def test_the_app_role_sees_only_the_tenant_it_sets(
    database: PgTarget,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    members_in_both: tuple[list[str], list[str]],
) -> None:
    a_ids, b_ids = members_in_both
    async with connect(app_role(database)) as conn:
        await set_tenant(conn, tenant)
        as_a = await conn.fetch("SELECT tenant_id, id FROM members")
        await set_tenant(conn, other_tenant)
        as_b = await conn.fetch("SELECT tenant_id, id FROM members")

    assert {r["tenant_id"] for r in as_a} == {tenant.info.id}
    assert sorted(str(r["id"]) for r in as_a) == sorted(a_ids)
    assert {r["tenant_id"] for r in as_b} == {other_tenant.info.id}
    assert [str(r["id"]) for r in as_b] == b_ids


async def test_the_app_role_cannot_insert_a_row_for_another_tenant(
    database: PgTarget, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    row_id = uuid.uuid4()
    async with connect(app_role(database)) as conn:
        await set_tenant(conn, tenant)

        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level"):
            await conn.execute(
                "INSERT INTO members (tenant_id, id, phone) VALUES ($1, $2, '+8613912340009')",
                other_tenant.info.id,
                row_id,
            )

        await set_tenant(conn, other_tenant)
        assert await conn.fetchval("SELECT count(*) FROM members WHERE id = $1", row_id) == 0


async def test_the_app_role_cannot_move_a_row_to_another_tenant(
    database: PgTarget,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    members_in_both: tuple[list[str], list[str]],
) -> None:
    a_ids, _ = members_in_both
    async with connect(app_role(database)) as conn:
        await set_tenant(conn, tenant)

        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level"):
            await conn.execute(
                "UPDATE members SET tenant_id = $1 WHERE id = $2",
                other_tenant.info.id,
                uuid.UUID(a_ids[0]),
            )

        assert await conn.fetchval("SELECT count(*) FROM members") == len(a_ids)


async def test_the_orm_outside_a_tenant_transaction_sees_no_rows(
    members_in_both: tuple[list[str], list[str]],
) -> None:
    assert await Member.all().count() == 0
    assert await Member.filter(id=uuid.UUID(members_in_both[0][0])).first() is None


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO tenants (id, slug, name) VALUES (gen_random_uuid(), 'rogue-tenant', 'Rogue')",
        "UPDATE tenants SET name = 'Renamed'",
        "DELETE FROM tenants",
    ],
    ids=["insert", "update", "delete"],
)
async def test_the_app_role_cannot_change_the_tenant_registry(
    database: PgTarget, tenant: TenantFixture, statement: str
) -> None:
    async with connect(app_role(database)) as conn:
        assert await conn.fetchval("SELECT slug FROM tenants WHERE id = $1", tenant.info.id) == (
            tenant.info.slug
        )

        with pytest.raises(
            asyncpg.exceptions.InsufficientPrivilegeError, match="permission denied"
        ):
            await conn.execute(statement)

        name = await conn.fetchval("SELECT name FROM tenants WHERE id = $1", tenant.info.id)
    assert name == tenant.info.name


# ---------------------------------------------------------------- the catalog, as the admin sees it

TENANT_TABLES = """
SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity, a.attnum AS tenant_attnum
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""
EXPECTED_TENANT_TABLES = {
    "api_keys",
    "audit_log",
    "channel_configs",
    "consent_records",
    "custom_field_definitions",
    "event_handlings",
    "member_consents",
    "member_events",
    "member_identities",
    "members",
    "message_templates",
    "messages",
    "messaging_settings",
    "outbox",
    "staff",
    "subscribe_credits",
    "tiers",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_endpoints",
}


async def tenant_tables(database: PgTarget) -> list[asyncpg.Record]:
    async with connect(database) as conn:
        return list(await conn.fetch(TENANT_TABLES))


async def test_every_tenant_table_forces_row_level_security(database: PgTarget) -> None:
    tables = await tenant_tables(database)

    assert {t["relname"] for t in tables} >= EXPECTED_TENANT_TABLES
    unprotected = [
        t["relname"] for t in tables if not (t["relrowsecurity"] and t["relforcerowsecurity"])
    ]
    assert unprotected == []


async def test_every_tenant_table_has_a_policy_on_the_tenant_setting(
    database: PgTarget,
) -> None:
    tables = await tenant_tables(database)
    async with connect(database) as conn:
        policies = await conn.fetch(
            "SELECT tablename, policyname, roles, cmd, qual, with_check FROM pg_policies "
            "WHERE schemaname = 'public'"
        )

    sweep = get_settings().db_sweep_role
    by_table: dict[str, list[asyncpg.Record]] = {}
    for policy in policies:
        if policy["policyname"] == "sweep_read":
            # the one exception: the sweep role (no login, owns only the sweep functions) reads
            assert (list(policy["roles"]), policy["cmd"]) == ([sweep], "SELECT"), policy
            continue
        by_table.setdefault(policy["tablename"], []).append(policy)
    for table in tables:
        found = by_table.get(table["relname"], [])
        assert found, f"{table['relname']} has no policy"
        for policy in found:
            assert "app.tenant_id" in policy["qual"], policy
            assert "app.tenant_id" in (policy["with_check"] or policy["qual"]), policy


async def test_the_app_role_cannot_take_the_sweep_role_and_only_calls_its_functions(
    database: PgTarget, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    """Cross-tenant reads exist only as the sweep functions, which return tenant ids."""
    sweep = get_settings().db_sweep_role
    async with connect(app_role(database)) as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(f'SET ROLE "{sweep}"')
        assert (
            await conn.fetchval("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", sweep)
            is False
        )
        assert not await conn.fetchval("SELECT pg_has_role(current_user, $1, 'MEMBER')", sweep)
        # a function returns tenant ids with pending events; the rows stay behind RLS
        await conn.fetch("SELECT * FROM tenants_with_pending_events()")
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0


async def test_every_unique_index_on_a_tenant_table_includes_tenant_id(
    database: PgTarget,
) -> None:
    tables = await tenant_tables(database)
    attnum = {t["oid"]: t["tenant_attnum"] for t in tables}
    async with connect(database) as conn:
        indexes = await conn.fetch(
            "SELECT i.indexrelid::regclass::text AS name, i.indrelid, i.indisprimary, "
            "i.indkey::int2[] AS keys FROM pg_index i "
            "WHERE i.indisunique AND i.indrelid = ANY($1::oid[])",
            list(attnum),
        )

    assert sum(1 for i in indexes if i["indisprimary"]) == len(tables)
    assert len(indexes) > len(tables)  # the unique keys beyond the primary keys were found
    missing = [i["name"] for i in indexes if attnum[i["indrelid"]] not in i["keys"]]
    assert missing == []


async def test_every_key_constraint_on_a_tenant_table_includes_tenant_id(
    database: PgTarget,
) -> None:
    tables = await tenant_tables(database)
    attnum = {t["oid"]: t["tenant_attnum"] for t in tables}
    async with connect(database) as conn:
        constraints = await conn.fetch(
            "SELECT conname, contype::text AS contype, conrelid, conkey, confrelid, confkey FROM pg_constraint "
            "WHERE contype IN ('p', 'u', 'f', 'x') "
            "AND (conrelid = ANY($1::oid[]) OR confrelid = ANY($1::oid[]))",
            list(attnum),
        )

    kinds = {c["contype"] for c in constraints}
    assert {"p", "u", "f"} <= kinds
    missing = []
    for c in constraints:
        if c["conrelid"] in attnum and attnum[c["conrelid"]] not in c["conkey"]:
            missing.append(c["conname"])
        if c["confrelid"] in attnum and attnum[c["confrelid"]] not in c["confkey"]:
            missing.append(f"{c['conname']} (referenced side)")
    assert missing == []
