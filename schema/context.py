"""The typed strawberry context: who is calling, and what a request reads once and shares."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from membership.analytics.rfm import MemberRfm, member_rfm
from membership.analytics.scores import ChurnRisk, churn_risks
from membership.coupons.models import CouponTemplate
from membership.coupons.templates import templates_by_ids
from membership.coupons.wallet import CouponPage, first_coupon_pages
from membership.errors import DomainError, ErrorCode
from membership.events.timeline import TimelinePage, first_timeline_pages
from membership.journeys.models import Journey, JourneyRun, JourneyVersion
from membership.journeys.reads import Funnel, funnels, journeys_by_ids, member_runs, versions_of
from membership.members import service as members
from membership.members.identities import identities_by_member
from membership.members.models import CustomFieldDefinition, MemberIdentity
from membership.members.models import Member as MemberModel
from membership.messaging.consents import ConsentState, consents_by_member
from membership.messaging.log import MessagePage
from membership.messaging.log import first_pages as message_first_pages
from membership.points.service import EntryPage, first_pages
from membership.tiers.models import Tier
from membership.tiers.service import fresh_catalogue, tier_catalogue
from membership.webhooks.deliveries import attempts_by_delivery, payloads_by_event
from membership.webhooks.models import WebhookAttempt
from tenants.auth import Authenticator
from tenants.context import RequestContext
from tenants.models import Staff
from tenants.revocations import TokenRevocations
from tenants.staff import staff_by_ids

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
    language: str = "en"  # of UserError messages: zh-CN or en, from Accept-Language
    _definitions: asyncio.Future[dict[str, CustomFieldDefinition]] | None = None
    _tiers: asyncio.Future[dict[uuid.UUID, Tier]] | None = field(default=None, repr=False)
    _points_loader: DataLoader[tuple[uuid.UUID, int], EntryPage] | None = field(
        default=None, repr=False
    )
    _member_loader: DataLoader[uuid.UUID, MemberModel | None] | None = field(
        default=None, repr=False
    )
    _template_loader: DataLoader[uuid.UUID, CouponTemplate] | None = field(default=None, repr=False)
    _coupons_loader: DataLoader[tuple[uuid.UUID, int, str | None], CouponPage] | None = field(
        default=None, repr=False
    )
    _loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict, repr=False)

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
    def member_loader(self) -> DataLoader[uuid.UUID, MemberModel | None]:
        """Members by id, batched: a list of 100 members with referrers costs one query more."""
        if self._member_loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[MemberModel | None]:
                found = await members.members_by_ids(ctx, ids)
                return [found.get(i) for i in ids]

            self._member_loader = DataLoader(load_fn=load)
        return self._member_loader

    @property
    def coupon_template_loader(self) -> DataLoader[uuid.UUID, CouponTemplate]:
        """Coupon templates by id, batched across a list of coupons."""
        if self._template_loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[CouponTemplate]:
                found = await templates_by_ids(ctx, ids)
                return [found[i] for i in ids]  # coupons reference templates by foreign key

            self._template_loader = DataLoader(load_fn=load)
        return self._template_loader

    @property
    def coupon_first_pages(self) -> DataLoader[tuple[uuid.UUID, int, str | None], CouponPage]:
        """First pages of members' coupons, batched across a list of members."""
        if self._coupons_loader is None:
            ctx = self.auth

            async def load(keys: list[tuple[uuid.UUID, int, str | None]]) -> list[CouponPage]:
                pages: dict[tuple[uuid.UUID, int, str | None], CouponPage] = {}
                for first, status in {(f, s) for _, f, s in keys}:
                    ids = [m for m, f, s in keys if (f, s) == (first, status)]
                    found = await first_coupon_pages(ctx, ids, first=first, status=status)
                    for member_id, page in found.items():
                        pages[(member_id, first, status)] = page
                return [pages[k] for k in keys]

            self._coupons_loader = DataLoader(load_fn=load)
        return self._coupons_loader

    @property
    def points_first_pages(self) -> DataLoader[tuple[uuid.UUID, int], EntryPage]:
        """First pages of members' points entries, batched across a list of members."""
        if self._points_loader is None:
            ctx = self.auth

            async def load(keys: list[tuple[uuid.UUID, int]]) -> list[EntryPage]:
                pages: dict[tuple[uuid.UUID, int], EntryPage] = {}
                for first in {f for _, f in keys}:
                    ids = [m for m, f in keys if f == first]
                    for member_id, page in (await first_pages(ctx, ids, first=first)).items():
                        pages[(member_id, first)] = page
                return [pages[k] for k in keys]

            self._points_loader = DataLoader(load_fn=load)
        return self._points_loader

    @property
    def staff_loader(self) -> DataLoader[uuid.UUID, Staff | None]:
        """Staff accounts by id, batched across a page of members (their account managers)."""
        loader = self._loaders.get("staff")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[Staff | None]:
                found = await staff_by_ids(ctx, ids)
                return [found.get(i) for i in ids]

            loader = self._loaders["staff"] = DataLoader(load_fn=load)
        return loader

    @property
    def rfm_loader(self) -> DataLoader[tuple[uuid.UUID, date | None], MemberRfm]:
        """Members' RFM by (member, as of), batched across a page of members: two statements
        per as-of day, whatever the number of members."""
        loader = self._loaders.get("rfm")
        if loader is None:
            ctx = self.auth

            async def load(keys: list[tuple[uuid.UUID, date | None]]) -> list[MemberRfm]:
                found: dict[date | None, dict[uuid.UUID, MemberRfm]] = {}
                for as_of in dict.fromkeys(day for _, day in keys):
                    ids = list(dict.fromkeys(m for m, day in keys if day == as_of))
                    found[as_of] = await member_rfm(ctx, ids, as_of)
                return [found[day][m] for m, day in keys]

            loader = self._loaders["rfm"] = DataLoader(load_fn=load)
        return loader

    @property
    def churn_loader(self) -> DataLoader[uuid.UUID, ChurnRisk | None]:
        """Members' churn risk, batched across a page of members: one statement."""
        loader = self._loaders.get("churn")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[ChurnRisk | None]:
                found = await churn_risks(ctx, list(dict.fromkeys(ids)))
                return [found[i] for i in ids]

            loader = self._loaders["churn"] = DataLoader(load_fn=load)
        return loader

    @property
    def consents_loader(self) -> DataLoader[uuid.UUID, list[ConsentState]]:
        """Members' current consents, batched across a page of members."""
        loader = self._loaders.get("consents")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[list[ConsentState]]:
                found = await consents_by_member(ctx, ids)
                return [found.get(i, []) for i in ids]

            loader = self._loaders["consents"] = DataLoader(load_fn=load)
        return loader

    @property
    def journey_loader(self) -> DataLoader[uuid.UUID, Journey]:
        """Journeys by id, batched across a page of runs."""
        loader = self._loaders.get("journeys")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[Journey]:
                found = await journeys_by_ids(ctx, ids)
                return [found[i] for i in ids]

            loader = self._loaders["journeys"] = DataLoader(load_fn=load)
        return loader

    @property
    def journey_funnel_loader(self) -> DataLoader[uuid.UUID, Funnel]:
        """Journeys' funnels, batched across a list of journeys."""
        loader = self._loaders.get("journey_funnels")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[Funnel]:
                found = await funnels(ctx, ids)
                return [found[i] for i in ids]

            loader = self._loaders["journey_funnels"] = DataLoader(load_fn=load)
        return loader

    @property
    def journey_versions_loader(self) -> DataLoader[uuid.UUID, list[JourneyVersion]]:
        """Journeys' versions, the latest first, batched across a list of journeys."""
        loader = self._loaders.get("journey_versions")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[list[JourneyVersion]]:
                found = await versions_of(ctx, ids)
                return [found.get(i, []) for i in ids]

            loader = self._loaders["journey_versions"] = DataLoader(load_fn=load)
        return loader

    @property
    def journey_runs_loader(self) -> DataLoader[uuid.UUID, list[JourneyRun]]:
        """Members' journey runs, the latest first, batched across a page of members."""
        loader = self._loaders.get("journey_runs")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[list[JourneyRun]]:
                found = await member_runs(ctx, ids)
                return [found.get(i, []) for i in ids]

            loader = self._loaders["journey_runs"] = DataLoader(load_fn=load)
        return loader

    @property
    def identities_loader(self) -> DataLoader[uuid.UUID, list[MemberIdentity]]:
        """Members' identities, batched across a page of members."""
        loader = self._loaders.get("identities")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[list[MemberIdentity]]:
                found = await identities_by_member(ctx, ids)
                return [found.get(i, []) for i in ids]

            loader = self._loaders["identities"] = DataLoader(load_fn=load)
        return loader

    @property
    def message_first_pages(self) -> DataLoader[tuple[uuid.UUID, int], MessagePage]:
        """The first page of members' messages, batched per page size."""
        loader = self._loaders.get("messages")
        if loader is None:
            ctx = self.auth

            async def load(keys: list[tuple[uuid.UUID, int]]) -> list[MessagePage]:
                pages: dict[tuple[uuid.UUID, int], MessagePage] = {}
                for size in {k[1] for k in keys}:
                    ids = [k[0] for k in keys if k[1] == size]
                    for member_id, page in (
                        await message_first_pages(ctx, ids, first=size)
                    ).items():
                        pages[(member_id, size)] = page
                return [pages[k] for k in keys]

            loader = self._loaders["messages"] = DataLoader(load_fn=load)
        return loader

    @property
    def webhook_attempts(self) -> DataLoader[uuid.UUID, list[WebhookAttempt]]:
        """Every attempt of deliveries, batched across a page of the delivery log."""
        loader = self._loaders.get("webhook_attempts")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[list[WebhookAttempt]]:
                found = await attempts_by_delivery(ctx, ids)
                return [found[i] for i in ids]

            loader = self._loaders["webhook_attempts"] = DataLoader(load_fn=load)
        return loader

    @property
    def webhook_payloads(self) -> DataLoader[uuid.UUID, Any]:
        """The delivered body of events, batched across a page of the delivery log."""
        loader = self._loaders.get("webhook_payloads")
        if loader is None:
            ctx = self.auth

            async def load(ids: list[uuid.UUID]) -> list[Any]:
                found = await payloads_by_event(ctx, ids)
                return [found.get(i) for i in ids]

            loader = self._loaders["webhook_payloads"] = DataLoader(load_fn=load)
        return loader

    @property
    def timeline_first_pages(self) -> DataLoader[tuple[uuid.UUID, int], TimelinePage]:
        """First pages of members' timelines, batched across a list of members."""
        loader = self._loaders.get("timeline")
        if loader is None:
            ctx = self.auth

            async def load(keys: list[tuple[uuid.UUID, int]]) -> list[TimelinePage]:
                pages: dict[tuple[uuid.UUID, int], TimelinePage] = {}
                for first in {f for _, f in keys}:
                    ids = [m for m, f in keys if f == first]
                    found = await first_timeline_pages(ctx, ids, first=first)
                    for member_id, page in found.items():
                        pages[(member_id, first)] = page
                return [pages[k] for k in keys]

            loader = self._loaders["timeline"] = DataLoader(load_fn=load)
        return loader

    async def tier(self, tier_id: uuid.UUID) -> Tier | None:
        """A tier by id from the tenant's tier catalogue, read at most once per request."""
        if self._tiers is None:
            kept = fresh_catalogue(self.auth.tenant.id)
            if kept is not None:  # no task to wait for: most requests end here
                return kept.get(tier_id)
            # Shared by every member of a list: resolved concurrently, queried once.
            self._tiers = asyncio.ensure_future(tier_catalogue(self.auth))
        return (await self._tiers).get(tier_id)

    async def definitions(self) -> dict[str, CustomFieldDefinition]:
        """The tenant's custom-field definitions, read at most once per request."""
        if self._definitions is None:
            # Shared by every member of a list: resolved concurrently, queried once.
            self._definitions = asyncio.ensure_future(members.definitions_by_key(self.auth))
        return await self._definitions


Info = StrawberryInfo[Context, None]
