"""Who is calling, for which tenant: the context every service function takes first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Literal

from membership.clock import Clock, SystemClock
from membership.errors import DomainError, ErrorCode
from tenants.permissions import Permission

__all__ = ["Actor", "RequestContext", "TenantInfo"]

ActorKind = Literal["staff", "api_key", "member", "system"]


@dataclass(frozen=True)
class TenantInfo:
    id: uuid.UUID
    slug: str
    name: str
    timezone: str
    currency: str


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: uuid.UUID | None
    label: str  # never PII: a staff email is the staff's work login, a key is named by its prefix
    role: str | None = None
    token_id: str | None = None  # jti of a JWT, for logout
    stores: tuple[str, ...] = ()  # a staff member's assigned store codes; empty: every store


@dataclass
class RequestContext:
    tenant: TenantInfo
    actor: Actor
    permissions: frozenset[Permission]
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    clock: Clock = field(default_factory=SystemClock)

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise DomainError(
                ErrorCode.PERMISSION_DENIED,
                "This action needs the '{permission}' permission.",
                permission=permission.value,
            )

    def require_unless_own(self, permission: Permission, member_id: uuid.UUID | None) -> None:
        """``permission``, unless this is a member token acting for its own member."""
        own = member_id is not None and member_id == self.member_id
        if own and Permission.SELF_WRITE in self.permissions:
            return
        self.require(permission)

    @property
    def member_id(self) -> uuid.UUID | None:
        """The member a member token speaks for; None for staff and keys."""
        return self.actor.id if self.actor.kind == "member" else None

    @classmethod
    def system(cls, tenant: TenantInfo, *, clock: Clock | None = None) -> RequestContext:
        """A context for the platform itself (CLI, workers): every staff permission."""
        from tenants.permissions import ROLE_PERMISSIONS, Role

        return cls(
            tenant=tenant,
            actor=Actor(kind="system", id=None, label="system"),
            permissions=ROLE_PERMISSIONS[Role.OWNER],
            clock=clock or SystemClock(),
        )
