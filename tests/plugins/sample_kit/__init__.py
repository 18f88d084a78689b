"""A plugin that uses every hook of the contract, for the platform's own plugin tests.

It keeps notes in its own table: its preset writes one, its event handler one per member created,
its job and its cron one each run. Its configuration decides the bonus of its earning-rule kind;
some inputs make it fail on purpose (``label="boom"``, the ``sampleBoom`` mutation).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import strawberry
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from tortoise.backends.base.client import BaseDBAsyncClient

from plugins.admin_pages import AdminPage
from plugins.api.data import (
    DomainError,
    ErrorCode,
    Permission,
    fetch,
    plugin_config,
    tenant_transaction,
)
from plugins.api.graphql import Info, batched, member_id_of
from plugins.builtin.fake_provider import FakeProvider
from plugins.channels import Channel, ChannelProvider
from plugins.earning import EarningCalculation, EarningRuleKind, Param, Stage
from plugins.event_handlers import EventHandler, PluginEvent
from plugins.hookspecs import PluginManifest, hookimpl
from plugins.http_routes import PluginRoute
from plugins.jobs import PluginCron, PluginJob
from plugins.schema_additions import GraphQLAdditions
from plugins.tables import PluginMigration
from tenants.context import RequestContext

NAME = "sample-kit"


class SampleConfig(BaseModel):
    label: str = Field("样例", min_length=1, max_length=20, title="名称")
    bonus: int = Field(5, ge=1, le=100, title="每单奖励积分")


MANIFEST = PluginManifest(
    name=NAME,
    version="2.3.0",
    core=">=0.1,<0.2",
    title="Sample kit",
    description="Every hook, for the platform's tests.",
    config=SampleConfig,
    messages={"zh-CN": {"Sample refuses {what}.": "样例拒绝了 {what}。"}},
)


async def note(ctx: RequestContext, conn: BaseDBAsyncClient, text: str) -> None:
    await fetch(
        conn,
        "INSERT INTO sample_kit_notes (tenant_id, id, text) VALUES ($1, $2, $3)",
        ctx.tenant.id,
        uuid.uuid4(),
        text,
    )


async def notes(ctx: RequestContext) -> list[str]:
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(conn, "SELECT text FROM sample_kit_notes ORDER BY text")
    return [r["text"] for r in rows]


class SampleBonus(EarningRuleKind):
    name = "SAMPLE_BONUS"
    stage = Stage.BONUS
    description = "Adds a fixed bonus, or fails on purpose when it is 13."
    params = (Param("points", "integer", "Bonus.", minimum=Decimal(1), maximum=Decimal(100)),)

    def apply(self, calc: EarningCalculation, params: Mapping[str, Any]) -> dict[str, Any] | None:
        if params["points"] == 13:
            raise RuntimeError("unlucky")
        calc.bonus += params["points"]
        return {"points": params["points"]}


@strawberry.type
class SampleQueries:
    @strawberry.field
    async def sample_echo(self, info: Info) -> str:
        ctx = info.context.auth
        config = await plugin_config(ctx, NAME)
        return f"{ctx.tenant.slug}:{config.label}"  # type: ignore[attr-defined]

    @strawberry.field
    async def sample_notes(self, info: Info) -> list[str]:
        return await notes(info.context.auth)


@strawberry.type
class SampleMutations:
    @strawberry.mutation
    async def sample_boom(self, info: Info) -> bool:
        raise RuntimeError("the plugin's own bug")

    @strawberry.mutation
    async def sample_refuse(self, info: Info) -> bool:
        raise DomainError(ErrorCode.INVALID, "Sample refuses {what}.", what="this")


@hookimpl
def membership_earning_rule_kinds() -> Sequence[EarningRuleKind]:
    return [SampleBonus()]


@strawberry.type
class SampleMemberFields:
    @strawberry.field
    async def sample_badge(self, info: Info) -> str:
        config = await plugin_config(info.context.auth, NAME)
        return f"{config.label}:{member_id_of(self)}"  # type: ignore[attr-defined]

    @strawberry.field
    async def sample_note_count(self, info: Info) -> int:
        ctx = info.context.auth

        async def count(member_ids: list[uuid.UUID]) -> list[int]:
            async with tenant_transaction(ctx) as conn:
                rows = await fetch(
                    conn,
                    "SELECT m.id, count(n.id) AS n FROM unnest($1::uuid[]) AS m (id) "
                    "LEFT JOIN sample_kit_notes n ON n.text = 'member:' || m.id::text "
                    "GROUP BY m.id",
                    member_ids,
                )
            found = {r["id"]: r["n"] for r in rows}
            return [found.get(i, 0) for i in member_ids]

        return await batched(info, "sample-kit:note_count", count).load(member_id_of(self))


@hookimpl
def membership_graphql() -> GraphQLAdditions:
    return GraphQLAdditions(
        query=(SampleQueries,),
        mutation=(SampleMutations,),
        extend={"Member": (SampleMemberFields,)},
    )


@hookimpl
def membership_migrations() -> Sequence[PluginMigration]:
    return [
        PluginMigration(
            "0001_notes",
            "CREATE TABLE sample_kit_notes (tenant_id uuid NOT NULL REFERENCES tenants (id), "
            "id uuid NOT NULL, text text NOT NULL, PRIMARY KEY (tenant_id, id))",
            tenant_tables=("sample_kit_notes",),
        )
    ]


async def _job(ctx: RequestContext, args: Mapping[str, Any]) -> None:
    if args.get("fail"):
        raise RuntimeError("job failed on purpose")
    async with tenant_transaction(ctx) as conn:
        await note(ctx, conn, f"job:{args['text']}")


async def _cron(ctx: RequestContext) -> None:
    async with tenant_transaction(ctx) as conn:
        await note(ctx, conn, "cron")


@hookimpl
def membership_jobs() -> Sequence[PluginJob]:
    return [PluginJob("write_note", _job)]


@hookimpl
def membership_crons() -> Sequence[PluginCron]:
    return [PluginCron("hourly_note", "0 * * * *", _cron)]


async def _member_created(ctx: RequestContext, conn: BaseDBAsyncClient, event: PluginEvent) -> None:
    await note(ctx, conn, f"member:{event.member_id}")


@hookimpl
def membership_event_handlers() -> Sequence[EventHandler]:
    return [EventHandler("members", ("member.*",), _member_created)]


class SampleSms(FakeProvider):
    """An SMS provider of the plugin's (it sends nothing, like the platform's fake one)."""

    def __init__(self) -> None:
        super().__init__(Channel.SMS)
        self.name = "sample_sms"  # type: ignore[misc]
        self.title = "Sample SMS"  # type: ignore[misc]


@hookimpl
def membership_channel_providers() -> Sequence[ChannelProvider]:
    return [SampleSms()]


async def _notes_csv(request: Request, ctx: RequestContext) -> Response:
    """Staff download the notes (needs members:read)."""
    if not ctx.has(Permission.MEMBERS_READ):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "Sample refuses {what}.", what="you")
    lines = "\n".join(["text", *await notes(ctx)])
    return PlainTextResponse(lines + "\n", media_type="text/csv")


async def _ping(request: Request, ctx: RequestContext) -> Response:
    """A provider's notification: signed with the tenant's label (a stand-in for a real key)."""
    config = await plugin_config(ctx, NAME)
    if request.headers.get("x-signature") != config.label:  # type: ignore[attr-defined]
        return PlainTextResponse("bad signature", status_code=401)
    body = await request.body()
    if body == b"crash":
        raise RuntimeError("the plugin's own bug")
    async with tenant_transaction(ctx) as conn:
        await note(ctx, conn, f"ping:{request.path_params['ref']}:{body.decode()}")
    return PlainTextResponse("ok")


@hookimpl
def membership_http_routes() -> Sequence[PluginRoute]:
    return [
        PluginRoute("notes.csv", _notes_csv),
        PluginRoute("ping/{ref}", _ping, methods=("POST",), public=True),
    ]


@hookimpl
def membership_admin_pages() -> Sequence[AdminPage]:
    return [AdminPage("notes", "pages/notes.js", {"zh-CN": "样例笔记", "en": "Sample notes"})]


@hookimpl
async def membership_preset(ctx: RequestContext, config: BaseModel) -> None:
    assert isinstance(config, SampleConfig)
    async with tenant_transaction(ctx) as conn:
        await note(ctx, conn, f"preset:{config.label}")
        if config.label == "boom":
            raise RuntimeError("preset failed on purpose")
