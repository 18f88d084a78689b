"""Custom fields a tenant defines at run time: definitions, and validation of member values.

Values are stored in the member's ``custom_fields`` JSON object under the definition's key:
TEXT → string, NUMBER → number, DATE → ``YYYY-MM-DD`` string, ENUM → one of the options,
BOOL → true/false.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.members.models import CustomFieldDefinition
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "FIELD_TYPES",
    "create_definition",
    "delete_definition",
    "list_definitions",
    "update_definition",
    "validate_values",
]

FIELD_TYPES = ("TEXT", "NUMBER", "DATE", "ENUM", "BOOL")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MAX_TEXT = 500


async def list_definitions(ctx: RequestContext) -> list[CustomFieldDefinition]:
    async with tenant_tx(ctx):
        return list(await CustomFieldDefinition.all().order_by("position", "created_at"))


def _check_options(kind: str, options: list[str] | None, path: list[str]) -> list[str]:
    cleaned = [o.strip() for o in options or [] if o.strip()]
    if kind == "ENUM" and not cleaned:
        raise DomainError(
            ErrorCode.INVALID, "An ENUM field needs at least one option.", [*path, "options"]
        )
    if len(set(cleaned)) != len(cleaned):
        raise DomainError(ErrorCode.INVALID, "Options must be distinct.", [*path, "options"])
    return cleaned if kind == "ENUM" else []


async def create_definition(
    ctx: RequestContext,
    *,
    key: str,
    label: str,
    type: str,
    required: bool = False,
    pii: bool = False,
    options: list[str] | None = None,
) -> CustomFieldDefinition:
    ctx.require(Permission.CUSTOM_FIELDS_MANAGE)
    errors: list[DomainError] = []
    if not _KEY.match(key):
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Key must start with a lowercase letter and use only a-z, 0-9 and '_'.",
                ["input", "key"],
            )
        )
    if not label.strip():
        errors.append(
            DomainError(ErrorCode.INVALID, "Label must not be empty.", ["input", "label"])
        )
    if type not in FIELD_TYPES:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Type must be one of {types}.",
                ["input", "type"],
                types=", ".join(FIELD_TYPES),
            )
        )
    if errors:
        raise DomainErrors(errors)
    cleaned = _check_options(type, options, ["input"])
    async with tenant_tx(ctx):
        if await CustomFieldDefinition.filter(key=key).exists():
            raise DomainError(
                ErrorCode.DUPLICATE, "A field with key '{key}' exists.", ["input", "key"], key=key
            )
        position = await CustomFieldDefinition.all().count()
        try:
            definition = await CustomFieldDefinition.create(
                id=uuid.uuid4(),
                tenant_id=ctx.tenant.id,
                key=key,
                label=label.strip(),
                type=type,
                required=required,
                pii=pii,
                options=cleaned,
                position=position,
                created_at=ctx.clock.now(),
            )
        except IntegrityError as exc:
            raise DomainError(
                ErrorCode.DUPLICATE, "A field with key '{key}' exists.", ["input", "key"], key=key
            ) from exc
        await audit.record(
            ctx, "custom_field.create", "custom_field", definition.id, after=_describe(definition)
        )
    return definition


def _describe(d: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "key": d.key,
        "label": d.label,
        "type": d.type,
        "required": d.required,
        "pii": d.pii,
        "options": list(d.options),
    }


async def update_definition(
    ctx: RequestContext,
    definition_id: uuid.UUID,
    *,
    label: str | None = None,
    required: bool | None = None,
    pii: bool | None = None,
    options: list[str] | None = None,
) -> CustomFieldDefinition:
    """Key and type are fixed once defined: stored values were validated against them."""
    ctx.require(Permission.CUSTOM_FIELDS_MANAGE)
    async with tenant_tx(ctx):
        definition = await CustomFieldDefinition.get_or_none(id=definition_id)
        if definition is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such custom field.", ["id"])
        before = _describe(definition)
        if label is not None:
            if not label.strip():
                raise DomainError(ErrorCode.INVALID, "Label must not be empty.", ["input", "label"])
            definition.label = label.strip()
        if required is not None:
            definition.required = required
        if pii is not None:
            definition.pii = pii
        if options is not None:
            definition.options = _check_options(definition.type, options, ["input"])
        await definition.save()
        await audit.record(
            ctx,
            "custom_field.update",
            "custom_field",
            definition.id,
            before=before,
            after=_describe(definition),
        )
    return definition


async def delete_definition(ctx: RequestContext, definition_id: uuid.UUID) -> uuid.UUID:
    """Remove a definition. Stored values stay in the members' data but are no longer shown."""
    ctx.require(Permission.CUSTOM_FIELDS_MANAGE)
    async with tenant_tx(ctx):
        definition = await CustomFieldDefinition.get_or_none(id=definition_id)
        if definition is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such custom field.", ["id"])
        await audit.record(
            ctx, "custom_field.delete", "custom_field", definition.id, before=_describe(definition)
        )
        await definition.delete()
    return definition_id


def coerce_value(definition: CustomFieldDefinition, value: Any, path: list[str]) -> Any:
    """Validate one value against its definition; returns the stored form."""
    label = definition.label
    kind = definition.type
    if kind == "TEXT":
        if not isinstance(value, str):
            raise DomainError(ErrorCode.INVALID, "{label} must be text.", path, label=label)
        if len(value) > MAX_TEXT:
            raise DomainError(
                ErrorCode.INVALID,
                "{label} is longer than {MAX_TEXT} characters.",
                path,
                label=label,
                MAX_TEXT=MAX_TEXT,
            )
        return value
    if kind == "NUMBER":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise DomainError(ErrorCode.INVALID, "{label} must be a number.", path, label=label)
        return value
    if kind == "DATE":
        if not isinstance(value, str):
            raise DomainError(
                ErrorCode.INVALID, "{label} must be a date (YYYY-MM-DD).", path, label=label
            )
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise DomainError(
                ErrorCode.INVALID,
                "{label}: '{value}' is not a real date.",
                path,
                label=label,
                value=value,
            ) from exc
    if kind == "ENUM":
        if value not in definition.options:
            raise DomainError(
                ErrorCode.INVALID,
                "{label} must be one of: {options}.",
                path,
                label=label,
                options=", ".join(definition.options),
            )
        return value
    if kind == "BOOL":
        if not isinstance(value, bool):
            raise DomainError(
                ErrorCode.INVALID, "{label} must be true or false.", path, label=label
            )
        return value
    raise DomainError(ErrorCode.INVALID, "{label} has an unknown type.", path, label=label)


def validate_values(
    definitions: Mapping[str, CustomFieldDefinition],
    values: Mapping[str, Any] | None,
    *,
    existing: Mapping[str, Any] | None = None,
    path: list[str],
    creating: bool,
) -> dict[str, Any]:
    """Merge ``values`` over ``existing``; ``None`` clears a field. Reports every bad field.

    Required fields must be present when a member is created; on update they may not be cleared
    (a field made required later does not block edits of members who never had it).
    """
    if values is not None and not isinstance(values, Mapping):
        raise DomainError(
            ErrorCode.INVALID, "Custom fields must be an object of key → value.", path
        )
    merged = dict(existing or {})
    errors: list[DomainError] = []
    for key, value in (values or {}).items():
        definition = definitions.get(key)
        if definition is None:
            errors.append(
                DomainError(
                    ErrorCode.INVALID, "Unknown custom field '{key}'.", [*path, key], key=key
                )
            )
            continue
        if value is None:
            merged.pop(key, None)
            continue
        try:
            merged[key] = coerce_value(definition, value, [*path, key])
        except DomainError as err:
            errors.append(err)
    for key, definition in definitions.items():
        touched = creating or key in (values or {})
        if touched and definition.required and merged.get(key) in (None, ""):
            errors.append(
                DomainError(
                    ErrorCode.INVALID, "{label} is required.", [*path, key], label=definition.label
                )
            )
    if errors:
        raise DomainErrors(errors)
    return merged
