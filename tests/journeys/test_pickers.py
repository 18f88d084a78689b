"""What a marketer building a journey may pick from: staff to assign tasks to, webhook endpoints."""

from __future__ import annotations

from membership.webhooks.endpoints import EndpointChanges, create_endpoint
from tenants.staff import create_staff
from tests.conftest import LOGIN, Api, TenantFixture

PICKERS = """{ assignableStaff { id name email } webhookEndpoints { id url } }"""


async def login(api: Api, tenant: TenantFixture, role: str) -> str:
    email = f"{role}@{tenant.info.slug}.example.com"
    await create_staff(tenant.ctx, email=email, password="staff-pass-123", role=role, name=role)
    data = await api(
        LOGIN, {"slug": tenant.info.slug, "email": email, "password": "staff-pass-123"}
    )
    return data["login"]["token"]  # type: ignore[no-any-return]


async def test_a_marketer_picks_assignees_and_endpoints(api: Api, tenant: TenantFixture) -> None:
    await create_endpoint(
        tenant.ctx, EndpointChanges(url="https://hooks.example.com/crm", event_types=[])
    )
    marketer = await login(api, tenant, "marketer")
    picked = await api(PICKERS, token=marketer)
    assert {s["email"] for s in picked["assignableStaff"]} == {
        tenant.owner_email,
        f"marketer@{tenant.info.slug}.example.com",
    }
    assert [e["url"] for e in picked["webhookEndpoints"]] == ["https://hooks.example.com/crm"]


async def test_an_analyst_may_not(api: Api, tenant: TenantFixture) -> None:
    analyst = await login(api, tenant, "analyst")
    response = await api.raw("{ assignableStaff { id } }", token=analyst)
    errors = response.json()["errors"]
    assert errors and "journeys:manage" in errors[0]["message"]
