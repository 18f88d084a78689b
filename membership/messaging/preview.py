"""A template as one member would read it on each of its channels, before anything is sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from membership.errors import DomainError, ErrorCode
from membership.members.models import Member
from membership.messaging.channels import active_channel
from membership.messaging.templates import render, template_named
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


async def preview(ctx: RequestContext, template_name: str, member_id: uuid.UUID) -> list[Preview]:
    ctx.require(Permission.MESSAGES_SEND)
    template = await template_named(ctx, template_name)
    if template is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, "No template named {name}.", ["template"], name=template_name
        )
    found = []
    async with tenant_tx(ctx) as conn:
        member = await Member.get_or_none(id=member_id, merged_into_id=None)
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", ["memberId"])
        values = await member_values(ctx, conn, member)
        for channel in Channel:
            content = template.content.get(channel.value)
            if content is None:
                continue
            active = await active_channel(ctx, channel)
            if active is None:
                found.append(
                    Preview(channel, "", {}, ["The tenant has no provider for this channel."])
                )
                continue
            rendered = render(content, values, active.provider)
            found.append(Preview(channel, rendered.body, rendered.fields, rendered.problems))
    return found
