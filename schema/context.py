"""The typed strawberry context: who is calling, and per-request DataLoaders."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from membership.errors import DomainError, ErrorCode
from membership.members import service as members
from membership.members.models import CustomFieldDefinition
from membership.tiers.models import Tier
from membership.tiers.service import tiers_by_ids
from tenants.auth import Authenticator
from tenants.context import RequestContext
from tenants.revocations import TokenRevocations

__all__ = ["Context", "Info"]


@dataclass
class Context:
    """Made once per request by the GraphQL view."""

    request: Any
    response: Any
    ctx: RequestContext | None
    authenticator: Authenticator
    revocations: TokenRevocations
    request_id: str
    _definitions: asyncio.Future[dict[str, CustomFieldDefinition]] | None = None
    _tier_loader: DataLoader[uuid.UUID, Tier | None] | None = field(default=None, repr=False)

    @property
    def auth(self) -> RequestContext:
        """The caller's context; raises UNAUTHENTICATED when no credential was given."""
        if self.ctx is None:
            raise DomainError(
                ErrorCode.UNAUTHENTICATED,
                "Send a credential: Authorization: Bearer <token or API key>.",
            )
        return self.ctx

    @property
    def tier_loader(self) -> DataLoader[uuid.UUID, Tier | None]:
        if self._tier_loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[Tier | None]:
                found = await tiers_by_ids(ctx, ids)
                return [found.get(i) for i in ids]

            self._tier_loader = DataLoader(load_fn=load)
        return self._tier_loader

    async def definitions(self) -> dict[str, CustomFieldDefinition]:
        """The tenant's custom-field definitions, read at most once per request."""
        if self._definitions is None:
            # Shared by every member of a list: resolved concurrently, queried once.
            self._definitions = asyncio.ensure_future(members.definitions_by_key(self.auth))
        return await self._definitions


Info = StrawberryInfo[Context, None]
