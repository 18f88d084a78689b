"""The permission table in the docs is the one the code enforces."""

from __future__ import annotations

from pathlib import Path

from tenants.permissions import (
    API_KEY_EXPLICIT_SCOPES,
    API_KEY_SCOPES,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    markdown_table,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def test_docs_table_matches_the_code() -> None:
    assert markdown_table() in DOC.read_text()


def test_only_owner_and_admin_see_pii_unmasked() -> None:
    holders = {r for r, perms in ROLE_PERMISSIONS.items() if Permission.MEMBERS_PII in perms}
    assert holders == {Role.OWNER, Role.ADMIN}


def test_no_staff_role_holds_member_self_permissions() -> None:
    for perms in ROLE_PERMISSIONS.values():
        assert Permission.SELF_READ not in perms and Permission.SELF_WRITE not in perms


def test_back_office_scopes_are_granted_to_a_key_only_by_name() -> None:
    assert {
        Permission.PROGRAMME_MANAGE,
        Permission.WEBHOOKS_MANAGE,
        Permission.CHANNELS_MANAGE,
        Permission.TASKS_READ,
        Permission.TASKS_MANAGE,
        Permission.JOURNEYS_MANAGE,
        Permission.ANALYTICS_READ,  # a BI tool reads the analytics with a key of its own
    } == API_KEY_EXPLICIT_SCOPES
    assert not API_KEY_EXPLICIT_SCOPES & API_KEY_SCOPES
    assert Permission.EVENTS_WRITE in API_KEY_SCOPES


def test_who_manages_webhooks_and_who_records_events() -> None:
    def holders(permission: Permission) -> set[Role]:
        return {r for r, perms in ROLE_PERMISSIONS.items() if permission in perms}

    assert holders(Permission.WEBHOOKS_MANAGE) == {Role.OWNER, Role.ADMIN}
    assert holders(Permission.EVENTS_WRITE) == {Role.OWNER, Role.ADMIN, Role.MARKETER, Role.CLERK}
