"""Member board: a partner-style plugin that the admin's browser tests install.

It brings what a plugin's admin page is made of: a configuration with a nested list of objects
(the board's columns), a query field that reads the tenant's members (``memberBoard``), and admin
pages shipped as ES modules beside this file. Besides the board, two pages that fail on purpose
(one throws while it renders, one names a module that is not there) show how the admin contains
a broken page.

It imports only the plugin contract (``plugins.hookspecs``, the modules it names and
``plugins.api``), as a partner's package does. The browser tests put this folder and
``member_board-1.0.0.dist-info`` on the API process's ``PYTHONPATH``, which installs the plugin
there exactly as a distribution with an entry point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import strawberry
from pydantic import BaseModel, Field, field_validator

from plugins.admin_pages import AdminPage
from plugins.api.data import Permission, fetch, plugin_config, tenant_transaction
from plugins.api.graphql import Info
from plugins.hookspecs import PluginManifest, hookimpl
from plugins.schema_additions import GraphQLAdditions

__all__ = ["MANIFEST", "BoardConfig", "membership_admin_pages", "membership_graphql"]

NAME = "member-board"


class BoardColumn(BaseModel):
    """One column of the board."""

    field: Literal["name", "points", "orders"] = Field(
        title="Field", description="What the column shows."
    )
    label: str = Field(title="Label", min_length=1, max_length=20)

    @field_validator("label")
    @classmethod
    def _plain_text(cls, label: str) -> str:
        # A rule the JSON Schema does not carry: only the server knows it.
        if "<" in label or ">" in label:
            raise ValueError("a label is plain text, without < or >")
        return label


class BoardConfig(BaseModel):
    """What a tenant sets when it enables the board."""

    heading: str = Field("Top members", title="Heading", max_length=40)
    rows: int = Field(5, ge=1, le=50, title="Rows", description="How many members the board lists.")
    show_count: bool = Field(True, title="Show the member count")
    note: str | None = Field(None, title="Note", max_length=80)
    columns: list[BoardColumn] = Field(
        default=[
            BoardColumn(field="name", label="Member"),
            BoardColumn(field="points", label="Points"),
        ],
        title="Columns",
        min_length=1,
    )


MANIFEST = PluginManifest(
    name=NAME,
    version="1.0.0",
    core=">=0.1",
    title="Member board",
    description="A board of the members with the most points, on a page of its own.",
    config=BoardConfig,
)


@strawberry.type
class MemberBoardColumn:
    field: str
    label: str


@strawberry.type
class MemberBoardRow:
    name: str
    points: int
    orders: int


@strawberry.type
class MemberBoard:
    heading: str
    note: str | None
    tenant_name: str
    member_count: int | None
    columns: list[MemberBoardColumn]
    rows: list[MemberBoardRow]


@strawberry.type
class MemberBoardQueries:
    @strawberry.field(description="The members with the most points, as the tenant set it up.")
    async def member_board(self, info: Info) -> MemberBoard:
        ctx = info.context.auth
        ctx.require(Permission.MEMBERS_READ)
        config = await plugin_config(ctx, NAME)
        assert isinstance(config, BoardConfig)
        async with tenant_transaction(ctx) as conn:
            counted = await fetch(
                conn, "SELECT count(*) AS n FROM members WHERE merged_into_id IS NULL"
            )
            rows = await fetch(
                conn,
                "SELECT coalesce(name, '') AS name, points_balance, order_count FROM members "
                "WHERE merged_into_id IS NULL ORDER BY points_balance DESC, created_at, id "
                "LIMIT $1",
                config.rows,
            )
        return MemberBoard(
            heading=config.heading,
            note=config.note,
            tenant_name=ctx.tenant.name,
            member_count=int(counted[0]["n"]) if config.show_count else None,
            columns=[MemberBoardColumn(field=c.field, label=c.label) for c in config.columns],
            rows=[
                MemberBoardRow(
                    name=r["name"], points=int(r["points_balance"]), orders=int(r["order_count"])
                )
                for r in rows
            ],
        )


@hookimpl
def membership_graphql() -> GraphQLAdditions:
    return GraphQLAdditions(query=(MemberBoardQueries,))


@hookimpl
def membership_admin_pages() -> Sequence[AdminPage]:
    return [
        AdminPage(
            path="board",
            module="pages/board.js",
            title={"zh-CN": "会员看板", "en": "Member board"},
            permission="members:read",
        ),
        AdminPage(
            path="broken",
            module="pages/broken.js",
            title={"zh-CN": "出错的页面", "en": "Broken page"},
        ),
        AdminPage(
            path="missing",
            module="pages/missing.js",
            title={"zh-CN": "缺失的页面", "en": "Missing page"},
        ),
    ]
