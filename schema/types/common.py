"""Relay building blocks shared by every connection."""

from __future__ import annotations

import strawberry

from schema.errors import UserError

__all__ = ["DeletePayload", "PageInfo", "page_info"]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(cursors: list[str], *, has_next: bool, has_previous: bool) -> PageInfo:
    """The page info of a page whose edges have ``cursors``, in order."""
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
