"""Roles and what they may do. The table in docs/permissions.md is generated from this module."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "API_KEY_EXPLICIT_SCOPES",
    "API_KEY_SCOPES",
    "MEMBER_SELF",
    "ROLE_PERMISSIONS",
    "Permission",
    "Role",
    "markdown_table",
    "permissions_for_role",
]


class Permission(StrEnum):
    MEMBERS_READ = "members:read"
    MEMBERS_WRITE = "members:write"
    MEMBERS_PII = "members:pii"  # reads show phone and PII custom fields unmasked
    MEMBERS_REVEAL = "members:reveal"  # may unmask one member on demand; every reveal is audited
    MEMBERS_MERGE = "members:merge"
    MEMBER_TOKENS_CREATE = "member_tokens:create"
    POINTS_WRITE = "points:write"  # grant, deduct and spend points
    PROGRAMME_MANAGE = "programme:manage"
    ORDERS_WRITE = "orders:write"  # record and refund orders
    COUPONS_WRITE = "coupons:write"  # issue, redeem and void members' coupons
    EVENTS_WRITE = "events:write"  # record members' behaviour events
    CUSTOM_FIELDS_MANAGE = "custom_fields:manage"
    STAFF_MANAGE = "staff:manage"
    APIKEYS_MANAGE = "apikeys:manage"
    WEBHOOKS_MANAGE = "webhooks:manage"
    MESSAGES_SEND = "messages:send"  # send messages, write message templates, read the log
    CHANNELS_MANAGE = "channels:manage"  # channel providers, credentials and the send policy
    TASKS_READ = "tasks:read"  # every staff member's tasks (anyone sees their own)
    TASKS_MANAGE = "tasks:manage"  # close anyone's tasks; the default assignee
    JOURNEYS_MANAGE = "journeys:manage"  # journeys, segments, their runs
    AUDIT_READ = "audit:read"
    ANALYTICS_READ = "analytics:read"  # the dashboard and the analytics queries
    # held only by a member token, for the member it was minted for
    SELF_READ = "self:read"
    SELF_WRITE = "self:write"


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MARKETER = "marketer"
    CLERK = "clerk"
    ANALYST = "analyst"


P = Permission
_STAFF_ALL = frozenset(p for p in Permission if p not in (P.SELF_READ, P.SELF_WRITE))

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: _STAFF_ALL,
    Role.ADMIN: _STAFF_ALL,
    Role.MARKETER: frozenset(
        {
            P.MEMBERS_READ,
            P.MEMBERS_WRITE,
            P.PROGRAMME_MANAGE,
            P.COUPONS_WRITE,
            P.EVENTS_WRITE,
            P.MESSAGES_SEND,
            P.TASKS_READ,
            P.JOURNEYS_MANAGE,
            P.ANALYTICS_READ,
        }
    ),
    Role.CLERK: frozenset(
        {
            P.MEMBERS_READ,
            P.MEMBERS_WRITE,
            P.MEMBERS_REVEAL,
            P.POINTS_WRITE,
            P.ORDERS_WRITE,
            P.COUPONS_WRITE,
            P.EVENTS_WRITE,
        }
    ),
    Role.ANALYST: frozenset({P.MEMBERS_READ, P.ANALYTICS_READ}),
}

# What a new secret API key is granted; a publishable key is granted nothing that touches members.
API_KEY_SCOPES: frozenset[Permission] = frozenset(
    {
        P.MEMBERS_READ,
        P.MEMBERS_WRITE,
        P.MEMBERS_PII,
        P.MEMBERS_MERGE,
        P.MEMBER_TOKENS_CREATE,
        P.POINTS_WRITE,
        P.ORDERS_WRITE,
        P.COUPONS_WRITE,
        P.EVENTS_WRITE,
        P.MESSAGES_SEND,
    }
)

# What a secret key may also be given, only when its creator asks for it by name: setting up the
# programme or the webhooks is a back office's work, rarely a POS's, so no key has it by default.
API_KEY_EXPLICIT_SCOPES: frozenset[Permission] = frozenset(
    {
        P.PROGRAMME_MANAGE,
        P.WEBHOOKS_MANAGE,
        P.CHANNELS_MANAGE,
        P.TASKS_READ,
        P.TASKS_MANAGE,
        P.JOURNEYS_MANAGE,
        P.ANALYTICS_READ,
    }
)

MEMBER_SELF: frozenset[Permission] = frozenset({P.SELF_READ, P.SELF_WRITE})


def permissions_for_role(role: str) -> frozenset[Permission]:
    return ROLE_PERMISSIONS.get(Role(role), frozenset())


DESCRIPTIONS: dict[Permission, str] = {
    P.MEMBERS_READ: "find, list and read member profiles",
    P.MEMBERS_WRITE: "create and update member profiles",
    P.MEMBERS_PII: "read phones and PII custom fields unmasked",
    P.MEMBERS_REVEAL: "unmask one member on demand (audited)",
    P.MEMBERS_MERGE: "merge two profiles of one person",
    P.MEMBER_TOKENS_CREATE: "mint member tokens for storefronts and mini-programs",
    P.POINTS_WRITE: "grant, deduct and spend members' points",
    P.ORDERS_WRITE: "record and refund orders",
    P.COUPONS_WRITE: "issue, redeem and void members' coupons",
    P.EVENTS_WRITE: "record members' behaviour events (trackEvent)",
    P.PROGRAMME_MANAGE: (
        "set up the programme: tiers, points policies, earning rules, coupon templates, rewards"
    ),
    P.CUSTOM_FIELDS_MANAGE: "define, change and delete custom fields",
    P.STAFF_MANAGE: "create staff accounts",
    P.APIKEYS_MANAGE: "create, list and revoke API keys",
    P.ANALYTICS_READ: "read the dashboard and the analytics (overview, series, RFM, tiers, channels)",
    P.WEBHOOKS_MANAGE: (
        "create, rotate and disable webhook endpoints; read deliveries and dead letters; "
        "replay them"
    ),
    P.MESSAGES_SEND: "send members messages, write message templates, read the message log",
    P.CHANNELS_MANAGE: "choose channel providers, set their credentials and the send policy",
    P.TASKS_READ: "list every staff member's tasks (everyone sees and completes their own)",
    P.TASKS_MANAGE: "complete and cancel anyone's tasks; choose the default assignee",
    P.JOURNEYS_MANAGE: "write, activate and pause journeys and segments; read their runs",
    P.AUDIT_READ: "read the audit log",
    P.SELF_READ: "read one's own profile",
    P.SELF_WRITE: "change one's own name, gender, birthday and custom fields",
}


def markdown_table() -> str:
    """The permissions table of docs/permissions.md (a test keeps the two equal).

    A secret key's cell reads ✓ for a scope it gets by default, "on request" for one it gets only
    when asked for by name.
    """
    roles = list(Role)
    head = " | ".join(r.value for r in roles)
    lines = [
        f"| permission | what it allows | {head} | secret key | publishable key | member token |",
        "|---|---|" + "---|" * len(roles) + "---|---|---|",
    ]
    for p in Permission:
        cells = " | ".join("✓" if p in ROLE_PERMISSIONS[r] else "" for r in roles)
        key = "✓" if p in API_KEY_SCOPES else "on request" if p in API_KEY_EXPLICIT_SCOPES else ""
        member = "✓" if p in MEMBER_SELF else ""
        lines.append(f"| `{p.value}` | {DESCRIPTIONS[p]} | {cells} | {key} |  | {member} |")
    return "\n".join(lines) + "\n"
