"""Who is calling, for which tenant: the context every service function takes first."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from membership.clock import Clock, FrozenClock, SystemClock
from membership.errors import DomainError, ErrorCode
from tenants.permissions import Permission

__all__ = ["Actor", "RequestContext", "SandboxClock", "TenantInfo"]

ActorKind = Literal["staff", "api_key", "member", "system"]


@dataclass(frozen=True)
class SandboxClock:
    """A sandbox tenant's test clock as read from the registry."""

    frozen_time: datetime  # the tenant's now: it moves only when the clock is advanced
    status: Literal["READY", "ADVANCING"] = "READY"
    advancing_to: datetime | None = None  # where an advance under way is going


@dataclass(frozen=True)
class TenantInfo:
    id: uuid.UUID
    slug: str
    name: str
    timezone: str
    currency: str
    sandbox: SandboxClock | None = None  # None: a live tenant, on the system clock


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
    """The caller, its tenant and permissions, and the tenant's clock.

    ``clock`` is the tenant's time, which every service reads: the clock given (the system clock,
    or a test's) for a live tenant, and always the frozen time of a sandbox tenant's test clock.
    ``real_clock`` stays the clock given even then: credentials (token and key expiry, sessions)
    run on real time, whatever a sandbox tenant's clock says.
    """

    tenant: TenantInfo
    actor: Actor
    permissions: frozenset[Permission]
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    clock: Clock = field(default_factory=SystemClock)
    real_clock: Clock = field(default=None, repr=False)  # type: ignore[assignment]
    # the plugins the tenant has enabled, read once per request when first needed (the read
    # under way is shared by the fields of the request that ask at the same time)
    enabled_plugins: frozenset[str] | None = field(default=None, repr=False)
    enabled_plugins_read: asyncio.Future[frozenset[str]] | None = field(
        default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.real_clock is None:
            self.real_clock = self.clock
        if self.tenant.sandbox is not None:
            self.clock = FrozenClock(self.tenant.sandbox.frozen_time)

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
        """A context for the platform itself (CLI, workers): every staff permission.

        Its clock is ``clock`` (the system clock by default) for a live tenant, and the frozen time
        of ``tenant`` for a sandbox tenant (read ``tenant`` afresh from the registry to have the
        clock as it is now).
        """
        from tenants.permissions import ROLE_PERMISSIONS, Role

        return cls(
            tenant=tenant,
            actor=Actor(kind="system", id=None, label="system"),
            permissions=ROLE_PERMISSIONS[Role.OWNER],
            clock=clock or SystemClock(),
        )
