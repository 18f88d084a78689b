"""A tenant's earning rules: create, change, delete and list them, and load the enabled ones.

Parameters are validated by the kind's declaration (``plugins.earning.clean_params``) before a
rule is saved, so a stored rule always applies. A rule whose kind's plugin was uninstalled, or
which the tenant disabled, stays stored but does not apply; the API shows it as unavailable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from membership.activation.service import enabled_plugins, require_enabled
from membership.earning.engine import RuleSpec
from membership.earning.models import EarningRule
from membership.errors import DomainError, DomainErrors, ErrorCode
from plugins.earning import EarningRuleKind, clean_params, params_to_json
from plugins.manager import loaded_plugins
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "MAX_RULES",
    "RuleChanges",
    "RuleDraft",
    "active_rules",
    "create_rule",
    "delete_rule",
    "draft_specs",
    "kinds",
    "list_rules",
    "specs_of",
    "update_rule",
]

MAX_RULES = 200
PRIORITY_LIMIT = 1_000_000


@dataclass(frozen=True)
class RuleDraft:
    name: str
    kind: str
    params: object  # a JSON object, checked on validation
    priority: int = 0
    enabled: bool = True


@dataclass(frozen=True)
class RuleChanges:
    """``None`` means unchanged; the kind of a rule never changes."""

    name: str | None = None
    params: object | None = None
    priority: int | None = None
    enabled: bool | None = None


def kinds() -> dict[str, EarningRuleKind]:
    """Every installed kind by name."""
    return loaded_plugins().earning_rule_kinds


def _kind(name: str, path: list[str]) -> EarningRuleKind:
    kind = kinds().get(name)
    if kind is None:
        raise DomainError(
            ErrorCode.INVALID,
            "Unknown rule kind {kind}; see earningRuleKinds.",
            path,
            kind=name[:64],
        )
    if not kind.storable:
        raise DomainError(
            ErrorCode.INVALID,
            "{kind} applies to every order by itself; it cannot be added as a rule.",
            path,
            kind=name,
        )
    return kind


def _clean(kind: EarningRuleKind, params: object, path: list[str]) -> dict[str, Any]:
    if not isinstance(params, Mapping):
        raise DomainError(ErrorCode.INVALID, "Parameters must be a JSON object.", path)
    values, problems = clean_params(kind, params)
    if problems:
        raise DomainErrors(
            [
                DomainError(ErrorCode.INVALID, p.template, [*path, p.field], **p.params)
                for p in problems
            ]
        )
    return values


def _check_fields(name: str | None, priority: int | None, prefix: list[str]) -> list[DomainError]:
    errors = []
    if name is not None and not 1 <= len(name.strip()) <= 100:
        errors.append(
            DomainError(ErrorCode.INVALID, "Names have 1 to 100 characters.", [*prefix, "name"])
        )
    if priority is not None and not -PRIORITY_LIMIT <= priority <= PRIORITY_LIMIT:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Must be between {low} and {high}.",
                [*prefix, "priority"],
                low=str(-PRIORITY_LIMIT),
                high=str(PRIORITY_LIMIT),
            )
        )
    return errors


def _validated(draft: RuleDraft, prefix: list[str]) -> dict[str, Any]:
    """Clean parameters of a draft, or every problem of it at once."""
    errors = _check_fields(draft.name, draft.priority, prefix)
    values: dict[str, Any] = {}
    try:
        values = _clean(_kind(draft.kind, [*prefix, "kind"]), draft.params, [*prefix, "params"])
    except DomainError as exc:
        errors.extend(exc.errors if isinstance(exc, DomainErrors) else [exc])
    if errors:
        raise DomainErrors(errors)
    return values


def draft_specs(drafts: list[RuleDraft], prefix: list[str]) -> list[RuleSpec]:
    """Unsaved rules to preview an order with (the rule editor's live preview)."""
    specs = []
    for index, draft in enumerate(drafts):
        values = _validated(draft, [*prefix, str(index)])
        if draft.enabled:
            specs.append(RuleSpec(None, draft.name.strip(), draft.kind, values, draft.priority))
    # the built-in rules come from the engine, never from drafts
    return specs


def _describe(rule: EarningRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "kind": rule.kind,
        "params": rule.params,
        "priority": rule.priority,
        "enabled": rule.enabled,
    }


async def list_rules(ctx: RequestContext) -> list[EarningRule]:
    """Every rule of the tenant, enabled or not, oldest first."""
    if not (ctx.has(Permission.PROGRAMME_MANAGE) or ctx.has(Permission.ORDERS_WRITE)):
        ctx.require(Permission.PROGRAMME_MANAGE)
    async with tenant_tx(ctx):
        return list(await EarningRule.all().order_by("created_at", "id"))


async def create_rule(ctx: RequestContext, draft: RuleDraft) -> EarningRule:
    ctx.require(Permission.PROGRAMME_MANAGE)
    values = _validated(draft, ["input"])
    await require_enabled(ctx, loaded_plugins().kind_plugins[draft.kind])
    now = ctx.clock.now()
    async with tenant_tx(ctx):
        if await EarningRule.all().count() >= MAX_RULES:
            raise DomainError(
                ErrorCode.INVALID,
                "A tenant has at most {max} earning rules.",
                ["input"],
                max=MAX_RULES,
            )
        rule = await EarningRule.create(
            id=uuid.uuid4(),
            tenant_id=ctx.tenant.id,
            name=draft.name.strip(),
            kind=draft.kind,
            params=params_to_json(values),
            priority=draft.priority,
            enabled=draft.enabled,
            created_at=now,
            updated_at=now,
        )
        await audit.record(
            ctx, "earning_rule.create", "earning_rule", rule.id, after=_describe(rule)
        )
    return rule


async def update_rule(ctx: RequestContext, rule_id: uuid.UUID, changes: RuleChanges) -> EarningRule:
    """Change a rule; it applies to orders recorded from then on."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    errors = _check_fields(changes.name, changes.priority, ["input"])
    if errors:
        raise DomainErrors(errors)
    async with tenant_tx(ctx):
        rule = await EarningRule.filter(id=rule_id).select_for_update().first()
        if rule is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such earning rule.", ["id"])
        before = _describe(rule)
        if changes.params is not None:
            kind = _kind(rule.kind, ["input", "kind"])
            rule.params = params_to_json(_clean(kind, changes.params, ["input", "params"]))
        if changes.name is not None:
            rule.name = changes.name.strip()
        if changes.priority is not None:
            rule.priority = changes.priority
        if changes.enabled is not None:
            rule.enabled = changes.enabled
        rule.updated_at = ctx.clock.now()
        await rule.save()
        await audit.record(
            ctx,
            "earning_rule.update",
            "earning_rule",
            rule.id,
            before=before,
            after=_describe(rule),
        )
    return rule


async def delete_rule(ctx: RequestContext, rule_id: uuid.UUID) -> uuid.UUID:
    """Delete a rule; orders it applied to keep their recorded explanation."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    async with tenant_tx(ctx):
        rule = await EarningRule.filter(id=rule_id).select_for_update().first()
        if rule is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such earning rule.", ["id"])
        await audit.record(
            ctx, "earning_rule.delete", "earning_rule", rule.id, before=_describe(rule)
        )
        await rule.delete()
    return rule_id


async def active_rules(ctx: RequestContext) -> list[RuleSpec]:
    """The enabled rules whose kind is installed, in the caller's transaction."""
    enabled = await enabled_plugins(ctx)
    async with tenant_tx(ctx):
        rows = await EarningRule.filter(enabled=True)
    return specs_of(
        (
            {
                "id": row.id,
                "name": row.name,
                "kind": row.kind,
                "params": row.params,
                "priority": row.priority,
                "created_at": row.created_at,
            }
            for row in rows
        ),
        enabled,
    )


def specs_of(rows: Iterable[Mapping[str, Any]], enabled: frozenset[str]) -> list[RuleSpec]:
    """Stored rules ready to apply, leaving out those whose kind is not installed or whose
    plugin is not among the tenant's ``enabled`` plugins."""
    loaded = loaded_plugins()
    specs = []
    for row in rows:
        kind = loaded.earning_rule_kinds.get(row["kind"])
        if kind is None or loaded.kind_plugins[row["kind"]] not in enabled:
            continue
        values, problems = clean_params(kind, row["params"])
        if problems:  # a plugin upgrade tightened its parameters: the rule stops applying
            continue
        created = row["created_at"]
        specs.append(
            RuleSpec(
                uuid.UUID(str(row["id"])),
                row["name"],
                row["kind"],
                values,
                row["priority"],
                created if isinstance(created, datetime) else datetime.fromisoformat(created),
            )
        )
    return specs
