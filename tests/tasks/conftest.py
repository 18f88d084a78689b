"""Factories for staff tasks: staff with logins, members, and tasks made as a journey makes them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from membership.tasks.models import StaffTask
from membership.tasks.service import create_task
from tenants.tx import tenant_tx
from tests.api.test_auth import add_staff
from tests.conftest import Api, TenantFixture

CREATE_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code field message } }
}"""
SET_WECOM = """mutation($id: ID!, $wecomUserId: String) {
  setStaffWecomUserId(id: $id, wecomUserId: $wecomUserId) { errors { code message } }
}"""


@dataclass(frozen=True)
class StaffLogin:
    id: uuid.UUID
    email: str
    token: str


async def staff_member(
    api: Api, tenant: TenantFixture, role: str = "clerk", *, wecom_user_id: str | None = None
) -> StaffLogin:
    """A staff account of ``role``, logged in; with a WeCom account when given."""
    email, token = await add_staff(api, tenant, role)
    listed = await api("{ staff { id email } }", token=tenant.owner_token)
    staff_id = next(s["id"] for s in listed["staff"] if s["email"] == email)
    if wecom_user_id is not None:
        variables = {"id": staff_id, "wecomUserId": wecom_user_id}
        set_ = await api(SET_WECOM, variables, tenant.owner_token)
        assert set_["setStaffWecomUserId"]["errors"] == []
    return StaffLogin(uuid.UUID(staff_id), email, token)


async def member(
    api: Api,
    tenant: TenantFixture,
    *,
    account_manager: uuid.UUID | None = None,
    name: str | None = None,
) -> uuid.UUID:
    phone = f"1390{uuid.uuid4().int % 10_000_000:07d}"
    variables: dict[str, object] = {"phone": phone, "name": name}
    if account_manager is not None:
        variables["accountManagerId"] = str(account_manager)
    created = await api(CREATE_MEMBER, {"input": variables}, tenant.owner_token)
    assert created["createMember"]["errors"] == [], created
    return uuid.UUID(created["createMember"]["member"]["id"])


async def task(
    tenant: TenantFixture,
    *,
    member_id: uuid.UUID | None = None,
    title: str = "Call this member",
    assign_to: str | uuid.UUID | None = "accountManager",
    due_at: datetime | None = None,
    source_key: str | None = None,
    journey_run_id: uuid.UUID | None = None,
) -> StaffTask:
    """A task made as a journey step makes it: in a transaction of its own, committed."""
    ctx = tenant.ctx
    async with tenant_tx(ctx) as conn:
        return await create_task(
            ctx,
            conn,
            member_id=member_id,
            title=title,
            assign_to=assign_to,
            due_at=due_at,
            source_key=source_key,
            journey_run_id=journey_run_id,
        )
