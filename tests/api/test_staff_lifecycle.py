"""Staff who leave, change roles and forget their password: through the API, at once."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.conftest import LOGIN, Api, TenantFixture

CREATE = """mutation($input: CreateStaffInput!) {
  createStaff(input: $input) { staff { id role active } errors { code field message } } }"""
DEACTIVATE = """mutation($id: ID!) { deactivateStaff(id: $id) {
  staff { id active } errors { code field message } } }"""
REACTIVATE = """mutation($id: ID!) { reactivateStaff(id: $id) {
  staff { id active } errors { code field message } } }"""
ROLE = """mutation($id: ID!, $role: String!) { changeStaffRole(id: $id, role: $role) {
  staff { id role } errors { code field message } } }"""
RESET = """mutation($id: ID!) { resetStaffPassword(id: $id) {
  staff { mustChangePassword } temporaryPassword errors { code field message } } }"""
CHANGE = """mutation($current: String!, $new: String!) {
  changeMyPassword(currentPassword: $current, newPassword: $new) {
    token staff { mustChangePassword } errors { code field message } } }"""
VIEWER = "{ viewer { staff { email role } permissions } }"
MEMBERS = "{ members(first: 1) { totalCount } }"
STAFF = "{ staff { id email role active } }"
AUDIT = """{ auditLog(first: 20) { edges { node { action targetId } } } }"""


async def add_staff(api: Api, tenant: TenantFixture, role: str) -> tuple[str, str, str]:
    email = f"{role}-{uuid.uuid4().hex[:6]}@staff.example.com"
    password = "first-pass-123"
    made = await api(
        CREATE, {"input": {"email": email, "password": password, "role": role}}, tenant.owner_token
    )
    assert made["createStaff"]["errors"] == [], made
    return made["createStaff"]["staff"]["id"], email, password


async def login(api: Api, tenant: TenantFixture, email: str, password: str) -> dict[str, Any]:
    data = await api(LOGIN, {"slug": tenant.info.slug, "email": email, "password": password})
    return data["login"]  # type: ignore[no-any-return]


async def test_a_deactivated_clerk_is_refused_at_once_and_cannot_log_in(
    api: Api, tenant: TenantFixture
) -> None:
    clerk_id, email, password = await add_staff(api, tenant, "clerk")
    token = (await login(api, tenant, email, password))["token"]
    assert (await api(MEMBERS, token=token))["members"]["totalCount"] == 0

    gone = await api(DEACTIVATE, {"id": clerk_id}, tenant.owner_token)
    assert gone["deactivateStaff"] == {"staff": {"id": clerk_id, "active": False}, "errors": []}
    refused = await api.raw(MEMBERS, token=token)
    assert refused.status_code == 401
    assert (await login(api, tenant, email, password))["token"] is None

    back = await api(REACTIVATE, {"id": clerk_id}, tenant.owner_token)
    assert back["reactivateStaff"]["staff"]["active"] is True
    assert (await login(api, tenant, email, password))["token"]
    actions = [
        e["node"]["action"]
        for e in (await api(AUDIT, token=tenant.owner_token))["auditLog"]["edges"]
        if e["node"]["targetId"] == clerk_id
    ]
    assert {"staff.deactivate", "staff.activate"} <= set(actions)


async def test_a_role_change_applies_to_the_next_request(api: Api, tenant: TenantFixture) -> None:
    staff_id, email, password = await add_staff(api, tenant, "analyst")
    token = (await login(api, tenant, email, password))["token"]
    before = (await api(VIEWER, token=token))["viewer"]["permissions"]
    assert "points:write" not in before
    changed = await api(ROLE, {"id": staff_id, "role": "clerk"}, tenant.owner_token)
    assert changed["changeStaffRole"] == {"staff": {"id": staff_id, "role": "clerk"}, "errors": []}
    after = (await api(VIEWER, token=token))["viewer"]
    assert after["staff"]["role"] == "clerk" and "points:write" in after["permissions"]


async def test_the_last_owner_stays_and_only_owners_touch_owners(
    api: Api, tenant: TenantFixture
) -> None:
    owner_id = (await api(STAFF, token=tenant.owner_token))["staff"][0]["id"]
    for mutation, variables in (
        (DEACTIVATE, {"id": owner_id}),
        (ROLE, {"id": owner_id, "role": "admin"}),
    ):
        refused = await api(mutation, variables, tenant.owner_token)
        payload = next(iter(refused.values()))
        assert payload["errors"][0]["code"] == "INVALID" and payload["staff"] is None
    listed = (await api(STAFF, token=tenant.owner_token))["staff"]
    assert (listed[0]["role"], listed[0]["active"]) == ("owner", True)

    admin_id, email, password = await add_staff(api, tenant, "admin")
    admin_token = (await login(api, tenant, email, password))["token"]
    denied = await api(DEACTIVATE, {"id": owner_id}, admin_token)
    assert denied["deactivateStaff"]["errors"][0]["code"] == "PERMISSION_DENIED"
    promote = await api(ROLE, {"id": admin_id, "role": "owner"}, admin_token)
    assert promote["changeStaffRole"]["errors"][0]["code"] == "PERMISSION_DENIED"
    clerk_id, clerk_email, clerk_password = await add_staff(api, tenant, "clerk")
    clerk_token = (await login(api, tenant, clerk_email, clerk_password))["token"]
    no_scope = await api(ROLE, {"id": clerk_id, "role": "admin"}, clerk_token)
    assert no_scope["changeStaffRole"]["errors"][0]["code"] == "PERMISSION_DENIED"
    bad_role = await api(ROLE, {"id": clerk_id, "role": "boss"}, tenant.owner_token)
    assert bad_role["changeStaffRole"]["errors"][0]["field"] == ["role"]


async def test_two_owners_deactivating_each_other_at_once_leave_one(
    api: Api, tenant: TenantFixture
) -> None:
    second_id, email, password = await add_staff(api, tenant, "owner")
    second_token = (await login(api, tenant, email, password))["token"]
    first_id = next(
        s["id"]
        for s in (await api(STAFF, token=tenant.owner_token))["staff"]
        if s["email"] == tenant.owner_email
    )
    responses = await asyncio.gather(
        api.raw(DEACTIVATE, {"id": second_id}, tenant.owner_token),
        api.raw(DEACTIVATE, {"id": first_id}, second_token),
    )

    def won(response: Any) -> bool:
        # the loser is refused either way: as the last owner, or, arriving after the winner
        # committed, at the door as a deactivated account (401)
        return (
            response.status_code == 200 and not response.json()["data"]["deactivateStaff"]["errors"]
        )

    winners = [won(r) for r in responses]
    assert winners.count(True) == 1, [r.json() for r in responses]
    survivor = tenant.owner_token if winners[0] else second_token
    active_owners = [
        s
        for s in (await api(STAFF, token=survivor))["staff"]
        if s["role"] == "owner" and s["active"]
    ]
    assert len(active_owners) == 1


async def test_a_reset_password_must_be_changed_and_ends_other_sessions(
    api: Api, tenant: TenantFixture
) -> None:
    staff_id, email, password = await add_staff(api, tenant, "marketer")
    old_token = (await login(api, tenant, email, password))["token"]
    await asyncio.sleep(1.1)  # tokens carry their issue time in whole seconds
    reset = (await api(RESET, {"id": staff_id}, tenant.owner_token))["resetStaffPassword"]
    temporary = reset["temporaryPassword"]
    assert temporary and reset["staff"]["mustChangePassword"] is True
    assert (await api.raw(MEMBERS, token=old_token)).status_code == 401
    assert (await login(api, tenant, email, password))["token"] is None

    await asyncio.sleep(1.1)
    limited = (await login(api, tenant, email, temporary))["token"]
    assert (await api(VIEWER, token=limited))["viewer"]["permissions"] == []
    denied = await api.raw(MEMBERS, token=limited)
    assert denied.json()["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"

    same = await api(CHANGE, {"current": temporary, "new": temporary}, limited)
    assert same["changeMyPassword"]["errors"][0]["field"] == ["newPassword"]
    wrong = await api(CHANGE, {"current": "not-it-123", "new": "brand-new-456"}, limited)
    assert wrong["changeMyPassword"]["errors"][0]["field"] == ["currentPassword"]
    changed = (await api(CHANGE, {"current": temporary, "new": "brand-new-456"}, limited))[
        "changeMyPassword"
    ]
    assert changed["errors"] == [] and changed["staff"]["mustChangePassword"] is False
    fresh = changed["token"]
    assert (await api(MEMBERS, token=fresh))["members"]["totalCount"] == 0
    assert (await login(api, tenant, email, "brand-new-456"))["token"]


async def test_a_key_cannot_change_a_password(api: Api, tenant: TenantFixture) -> None:
    refused = await api(CHANGE, {"current": "x" * 10, "new": "y" * 10}, tenant.secret_key)
    assert refused["changeMyPassword"]["errors"][0]["code"] == "PERMISSION_DENIED"
