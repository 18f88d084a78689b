"""Message templates: per-channel content with variables, checked before anything is sent.

A template has a unique ``name`` (what journeys and the API name it by), a purpose, and content
per channel, as JSON:

* ``SMS``: ``templateCode`` (the provider's approved template), ``fields`` (the template's
  parameters) and ``text`` (the approved wording, to show what the member reads);
* ``WECHAT_TEMPLATE`` and ``WECHAT_SUBSCRIBE``: ``templateCode`` (the WeChat template id),
  ``fields`` (``thing1``, ``time2``…) and an optional ``link`` (URL or mini-program page);
* ``WECOM``: ``text``.

Values hold variables as ``{{member.name}}``. A variable that does not exist is refused when the
template is saved; a field whose fixed text already breaks the provider's rule for it (a
subscribe ``thing`` over 20 characters) too. After rendering for one member, every field is
checked again, and a message that breaks a rule is not sent (``FIELD_TOO_LONG``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.ids import new_id
from membership.messaging import settings as messaging_settings
from membership.messaging.channels import active_channels
from membership.messaging.models import MessageTemplate
from plugins.channels import Channel, ChannelProvider, FieldRule
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "VARIABLES",
    "Rendered",
    "TemplateDraft",
    "delete_template",
    "fields_of",
    "list_templates",
    "render",
    "rule_problem",
    "save_template",
    "template_named",
    "variables_in",
    "variables_used",
]

# The variables a template may use, with what they say (shown in the admin's editor).
VARIABLES: dict[str, str] = {
    "member.name": "the member's name (会员 when unknown)",
    "member.phoneTail": "the last four digits of the member's phone",
    "member.tier": "the member's tier",
    "member.points": "available points",
    "member.pendingPoints": "points not yet available",
    "points.expiring": "points expiring within 30 days",
    "points.expiresOn": "the date the next points expire",
    "coupon.name": "the coupon's name (a message about a coupon)",
    "coupon.code": "the coupon's code",
    "coupon.expiresOn": "the coupon's last day",
    "tenant.name": "the programme's name",
}
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*\}\}")
_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
_TEMPLATE_CHANNELS = (Channel.SMS, Channel.WECHAT_TEMPLATE, Channel.WECHAT_SUBSCRIBE)
MAX_VALUE = 1000
MAX_FIELDS = 20


def variables_in(text: str) -> list[str]:
    return _VARIABLE.findall(text)


def variables_used(contents: Sequence[Mapping[str, Any]]) -> set[str]:
    """The variables any of these channels' contents uses."""
    used: set[str] = set()
    for content in contents:
        for value in (content.get("text"), content.get("link"), *fields_of(content).values()):
            if value:
                used.update(variables_in(str(value)))
    return used


def fields_of(content: Mapping[str, Any]) -> dict[str, str]:
    fields = content.get("fields") or {}
    return {str(k): str(v) for k, v in fields.items()} if isinstance(fields, dict) else {}


def rule_problem(rule: FieldRule | None, value: str) -> str | None:
    """Why ``value`` breaks ``rule``, or None."""
    if rule is None:
        return None
    if len(value) > rule.max_chars:
        return rule.description or f"at most {rule.max_chars} characters"
    if rule.pattern is not None and value and not re.fullmatch(rule.pattern, value):
        return rule.description or "not in the form the provider accepts"
    return None


@dataclass(frozen=True)
class TemplateDraft:
    name: str
    title: str
    purpose: str
    content: dict[str, Any]


async def _providers(ctx: RequestContext) -> dict[Channel, ChannelProvider]:
    return {channel: active.provider for channel, active in (await active_channels(ctx)).items()}


def _check_content(
    content: Any, providers: Mapping[Channel, ChannelProvider], errors: list[DomainError]
) -> dict[str, Any]:
    path = ["input", "content"]
    if not isinstance(content, dict) or not content:
        errors.append(
            DomainError(ErrorCode.INVALID, "Give the content of at least one channel.", path)
        )
        return {}
    cleaned: dict[str, Any] = {}
    for key, value in content.items():
        try:
            channel = messaging_settings.check_channel(str(key), [*path, str(key)])
        except DomainError as exc:
            errors.append(exc)
            continue
        here = [*path, channel.value]
        if not isinstance(value, dict):
            errors.append(DomainError(ErrorCode.INVALID, "Must be an object.", here))
            continue
        allowed = {"templateCode", "fields", "text", "link"}
        for extra in sorted(set(value) - allowed):
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Unknown key {key}; a channel's content has templateCode, fields, text and "
                    "link.",
                    [*here, str(extra)],
                    key=str(extra),
                )
            )
        code = str(value.get("templateCode") or "").strip()
        text = str(value.get("text") or "")
        link = str(value.get("link") or "").strip()
        fields = value.get("fields") or {}
        if channel in _TEMPLATE_CHANNELS and not code:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "{channel} needs the provider's template id (templateCode).",
                    [*here, "templateCode"],
                    channel=channel.value,
                )
            )
        if channel is Channel.WECOM and not text.strip():
            errors.append(DomainError(ErrorCode.INVALID, "WeCom needs a text.", [*here, "text"]))
        if not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Fields are an object of at most {limit} values.",
                    [*here, "fields"],
                    limit=MAX_FIELDS,
                )
            )
            fields = {}
        provider = providers.get(channel)
        checked: dict[str, str] = {}
        for name, raw in fields.items():
            field_path = [*here, "fields", str(name)]
            if not _FIELD.match(str(name)):
                errors.append(DomainError(ErrorCode.INVALID, "Not a field name.", field_path))
                continue
            checked[str(name)] = _check_value(str(raw), field_path, errors)
            if provider is not None:
                fixed = _VARIABLE.sub("", checked[str(name)])
                problem = rule_problem(provider.field_rule(str(name)), fixed)
                if problem:
                    errors.append(
                        DomainError(
                            ErrorCode.INVALID,
                            "{name} takes {rule}.",
                            field_path,
                            name=str(name),
                            rule=problem,
                        )
                    )
        text = _check_value(text, [*here, "text"], errors)
        if provider is not None and len(_VARIABLE.sub("", text)) > provider.max_text_chars:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "{provider} takes at most {limit} characters of text.",
                    [*here, "text"],
                    provider=provider.title,
                    limit=provider.max_text_chars,
                )
            )
        cleaned[channel.value] = {
            k: v
            for k, v in {
                "templateCode": code or None,
                "fields": checked or None,
                "text": text or None,
                "link": _check_value(link, [*here, "link"], errors) or None,
            }.items()
            if v is not None
        }
    return cleaned


def _check_value(value: str, path: list[str], errors: list[DomainError]) -> str:
    if len(value) > MAX_VALUE:
        errors.append(
            DomainError(ErrorCode.INVALID, "At most {limit} characters.", path, limit=MAX_VALUE)
        )
    for variable in variables_in(value):
        if variable not in VARIABLES:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "There is no variable {variable}; the variables are {known}.",
                    path,
                    variable=variable,
                    known=", ".join(VARIABLES),
                )
            )
    return value


async def save_template(
    ctx: RequestContext, draft: TemplateDraft, template_id: uuid.UUID | None = None
) -> MessageTemplate:
    """Create a template, or change the one with ``template_id``; every problem at once."""
    ctx.require(Permission.MESSAGES_SEND)
    settings = await messaging_settings.load(ctx)
    providers = await _providers(ctx)
    errors: list[DomainError] = []
    name = draft.name.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,63}", name):
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "A name is lower-case letters, digits, '.', '_' or '-' (at most 64), such as "
                "birthday or winback.recall.",
                ["input", "name"],
            )
        )
    title = draft.title.strip()
    if not title or len(title) > 100:
        errors.append(
            DomainError(ErrorCode.INVALID, "A title has 1 to 100 characters.", ["input", "title"])
        )
    try:
        messaging_settings.check_purpose(settings, draft.purpose, ["input", "purpose"])
    except DomainError as exc:
        errors.append(exc)
    content = _check_content(draft.content, providers, errors)
    if errors:
        raise DomainErrors(errors)
    now = ctx.clock.now()
    try:
        async with tenant_tx(ctx):
            if template_id is None:
                row = await MessageTemplate.create(
                    id=new_id(),
                    tenant_id=ctx.tenant.id,
                    name=name,
                    title=title,
                    purpose=draft.purpose,
                    content=content,
                    created_at=now,
                    updated_at=now,
                )
                before = None
            else:
                found = await MessageTemplate.filter(id=template_id).select_for_update().first()
                if found is None:
                    raise DomainError(
                        ErrorCode.NOT_FOUND, "No such template in this tenant.", ["id"]
                    )
                before = _shown(found)
                found.name, found.title, found.purpose = name, title, draft.purpose
                found.content, found.updated_at = content, now
                await found.save()
                row = found
            await audit.record(
                ctx,
                "message_template.save",
                "message_template",
                row.id,
                before=before,
                after=_shown(row),
            )
    except IntegrityError:
        raise DomainError(
            ErrorCode.DUPLICATE, "Another template is named {name}.", ["input", "name"], name=name
        ) from None
    return row


def _shown(row: MessageTemplate) -> dict[str, Any]:
    return {"name": row.name, "title": row.title, "purpose": row.purpose, "content": row.content}


async def delete_template(ctx: RequestContext, template_id: uuid.UUID) -> MessageTemplate:
    ctx.require(Permission.MESSAGES_SEND)
    async with tenant_tx(ctx) as conn:
        row = await MessageTemplate.get_or_none(id=template_id)
        if row is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such template in this tenant.", ["id"])
        _, used = await conn.execute_query(
            "SELECT 1 FROM messages WHERE template_id = $1 LIMIT 1", [template_id]
        )
        if used:
            raise DomainError(
                ErrorCode.INVALID,
                "Messages were sent with this template; change it instead of deleting it.",
                ["id"],
            )
        await row.delete()
        await audit.record(
            ctx, "message_template.delete", "message_template", row.id, before=_shown(row)
        )
    return row


async def list_templates(ctx: RequestContext) -> list[MessageTemplate]:
    ctx.require(Permission.MESSAGES_SEND)
    async with tenant_tx(ctx):
        return await MessageTemplate.all().order_by("name")


async def template_named(ctx: RequestContext, name: str) -> MessageTemplate | None:
    async with tenant_tx(ctx):
        return await MessageTemplate.get_or_none(name=name)


@dataclass(frozen=True)
class Rendered:
    """A template's content for one channel and one member."""

    template_code: str | None
    fields: dict[str, str]
    text: str | None
    link: str | None
    body: str  # what the member reads, for the message log
    problems: list[str]  # fields that break the provider's rules once rendered


def render(
    content: Mapping[str, Any], values: Mapping[str, str], provider: ChannelProvider
) -> Rendered:
    """Fill the variables with ``values`` and check every field against the provider's rules."""

    def fill(text: str) -> str:
        return _VARIABLE.sub(lambda m: values.get(m.group(1), ""), text)

    fields = {k: fill(v) for k, v in fields_of(content).items()}
    text = fill(str(content["text"])) if content.get("text") else None
    link = fill(str(content["link"])) if content.get("link") else None
    problems = []
    for name, value in fields.items():
        problem = rule_problem(provider.field_rule(name), value)
        if problem:
            problems.append(f"{name}: {problem}")
    if text is not None and len(text) > provider.max_text_chars:
        problems.append(f"text: at most {provider.max_text_chars} characters")
    if text is not None and not fields:
        body = text
    elif text is not None:
        # an SMS's approved wording with its ${param} placeholders filled
        body = re.sub(r"\$\{(\w+)\}", lambda m: fields.get(m.group(1), m.group(0)), text)
    else:
        body = "\n".join(f"{k}: {v}" for k, v in fields.items())
    return Rendered(
        str(content.get("templateCode")) if content.get("templateCode") else None,
        fields,
        text,
        link,
        body,
        problems,
    )
