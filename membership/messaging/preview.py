"""A template as one member would read it on each of its channels, before anything is sent."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from membership.errors import DomainError, ErrorCode
from membership.members.models import Member
from membership.messaging.channels import active_channels
from membership.messaging.templates import VARIABLES, render, template_named, variables_used
from membership.messaging.variables import member_values
from plugins.channels import Channel
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["Preview", "preview"]


@dataclass(frozen=True)
class Preview:
    channel: Channel
    body: str
    fields: dict[str, Any]
    problems: list[str]


async def preview(
    ctx: RequestContext,
    template_name: str | None,
    member_id: uuid.UUID,
    content: Mapping[str, Any] | None = None,
) -> list[Preview]:
    """A saved template (by name), or a draft's ``content`` before it is saved, rendered for the
    member on each channel it has content for, with what would stop it being sent."""
    ctx.require(Permission.MESSAGES_SEND)
    if content is None:
        if template_name is None:
            raise DomainError(
                ErrorCode.INVALID, "Give a template's name, or a draft's content.", ["template"]
            )
        template = await template_named(ctx, template_name)
        if template is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No template named {name}.", ["template"], name=template_name
            )
        content = template.content
    found = []
    async with tenant_tx(ctx) as conn:
        member = await Member.get_or_none(id=member_id, merged_into_id=None)
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", ["memberId"])
        values = await member_values(ctx, conn, member)
        carriers = await active_channels(ctx)
        for channel in Channel:
            part = content.get(channel.value)
            if not isinstance(part, Mapping):
                continue
            active = carriers.get(channel)
            if active is None:
                found.append(
                    Preview(channel, "", {}, ["The tenant has no provider for this channel."])
                )
                continue
            unknown = sorted(variables_used([part]) - set(VARIABLES))
            rendered = render(part, values, active.provider)
            problems = [f"unknown variable {name}" for name in unknown] + rendered.problems
            found.append(Preview(channel, rendered.body, rendered.fields, problems))
    return found
