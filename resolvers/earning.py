"""Earning rules: the kinds plugins provide, and the tenant's rules."""

from __future__ import annotations

import strawberry

from membership.activation.service import enabled_plugins
from membership.earning import rules
from plugins.manager import loaded_plugins
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.common import DeletePayload
from schema.types.earning import (
    CreateEarningRuleInput,
    EarningRule,
    EarningRuleKind,
    EarningRulePayload,
    UpdateEarningRuleInput,
)

__all__ = ["EarningRuleMutations", "EarningRuleQueries"]


@strawberry.type
class EarningRuleQueries:
    @strawberry.field(
        description="The earning-rule kinds of the platform and of the plugins the tenant enabled."
    )
    async def earning_rule_kinds(self, info: Info) -> list[EarningRuleKind]:
        plugins = loaded_plugins()
        enabled = await enabled_plugins(info.context.auth)
        return [
            EarningRuleKind.of(kind, plugins.kind_plugins[name])
            for name, kind in plugins.earning_rule_kinds.items()
            if plugins.kind_plugins[name] in enabled
        ]

    @strawberry.field(description="The tenant's earning rules, oldest first.")
    async def earning_rules(self, info: Info) -> list[EarningRule]:
        plugins = loaded_plugins()
        enabled = await enabled_plugins(info.context.auth)
        return [
            EarningRule.of(
                row,
                row.kind in plugins.kind_plugins and plugins.kind_plugins[row.kind] in enabled,
            )
            for row in await rules.list_rules(info.context.auth)
        ]


@strawberry.type
class EarningRuleMutations:
    @strawberry.mutation(description="Add an earning rule; it applies to orders from now on.")
    @returns_errors(EarningRulePayload)
    async def create_earning_rule(
        self, info: Info, input: CreateEarningRuleInput
    ) -> EarningRulePayload:
        draft = rules.RuleDraft(input.name, input.kind, input.params, input.priority, input.enabled)
        row = await rules.create_rule(info.context.auth, draft)
        return EarningRulePayload(rule=EarningRule.of(row, True))

    @strawberry.mutation
    @returns_errors(EarningRulePayload)
    async def update_earning_rule(
        self, info: Info, id: strawberry.ID, input: UpdateEarningRuleInput
    ) -> EarningRulePayload:
        changes = rules.RuleChanges(input.name, input.params, input.priority, input.enabled)
        row = await rules.update_rule(info.context.auth, parse_id(id, ["id"]), changes)
        return EarningRulePayload(rule=EarningRule.of(row, True))

    @strawberry.mutation(description="Delete a rule; recorded orders keep their explanation.")
    @returns_errors(DeletePayload)
    async def delete_earning_rule(self, info: Info, id: strawberry.ID) -> DeletePayload:
        deleted = await rules.delete_rule(info.context.auth, parse_id(id, ["id"]))
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)))
