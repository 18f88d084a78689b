"""Custom-field definitions."""

from __future__ import annotations

import strawberry

from membership.members import custom_fields
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.common import DeletePayload
from schema.types.members import (
    CreateCustomFieldDefinitionInput,
    CustomFieldDefinition,
    CustomFieldDefinitionPayload,
    UpdateCustomFieldDefinitionInput,
)
from tenants.permissions import Permission

__all__ = ["CustomFieldMutations", "CustomFieldQueries"]


@strawberry.type
class CustomFieldQueries:
    @strawberry.field
    async def custom_field_definitions(self, info: Info) -> list[CustomFieldDefinition]:
        ctx = info.context.auth
        if not (ctx.has(Permission.MEMBERS_READ) or ctx.has(Permission.SELF_READ)):
            ctx.require(Permission.MEMBERS_READ)
        rows = await custom_fields.list_definitions(ctx)
        return [CustomFieldDefinition.of(r) for r in rows]


@strawberry.type
class CustomFieldMutations:
    @strawberry.mutation
    @returns_errors(CustomFieldDefinitionPayload)
    async def create_custom_field_definition(
        self, info: Info, input: CreateCustomFieldDefinitionInput
    ) -> CustomFieldDefinitionPayload:
        row = await custom_fields.create_definition(
            info.context.auth,
            key=input.key,
            label=input.label,
            type=input.type.value,
            required=bool(input.required),
            pii=bool(input.pii),
            options=input.options,
        )
        return CustomFieldDefinitionPayload(definition=CustomFieldDefinition.of(row))

    @strawberry.mutation
    @returns_errors(CustomFieldDefinitionPayload)
    async def update_custom_field_definition(
        self, info: Info, id: strawberry.ID, input: UpdateCustomFieldDefinitionInput
    ) -> CustomFieldDefinitionPayload:
        row = await custom_fields.update_definition(
            info.context.auth,
            parse_id(id, ["id"]),
            label=input.label,
            required=input.required,
            pii=input.pii,
            options=input.options,
        )
        return CustomFieldDefinitionPayload(definition=CustomFieldDefinition.of(row))

    @strawberry.mutation
    @returns_errors(DeletePayload)
    async def delete_custom_field_definition(self, info: Info, id: strawberry.ID) -> DeletePayload:
        deleted = await custom_fields.delete_definition(info.context.auth, parse_id(id, ["id"]))
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)))
