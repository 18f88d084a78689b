"""Relay building blocks shared by every connection."""

from __future__ import annotations

import strawberry

from schema.errors import UserError

__all__ = ["DeletePayload", "PageInfo"]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
